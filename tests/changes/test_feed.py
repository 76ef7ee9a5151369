"""The feed of changes (changes/feed.xml): valid Atom by RFC 4287's own grammar and to a real reader,
made from the same history as 最近更新."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import feedparser
import rnc2rng
from lxml import etree

from generator.build.pipeline import read_roster
from generator.changes.feed import feed
from generator.changes.history import SHOWN, History, read_history
from tests.changes.test_changes import git
from tests.changes.test_history import commit, site_for
from tests.helpers.roster_edit import copy_roster, edit

GRAMMAR = Path(__file__).parent / "atom" / "rfc4287.rnc"


@cache
def atom() -> etree.RelaxNG:
    """RFC 4287's RELAX NG grammar, for libxml2 (rnc2rng declares the empty namespace ``local``, which
    libxml2 refuses: it is the default namespace, so the declaration goes)."""
    rng = rnc2rng.dumps(rnc2rng.loads(GRAMMAR.read_text(encoding="utf-8"))).replace(' xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode("utf-8")))


def valid(xml: bytes) -> bool:
    grammar = atom()
    ok = grammar.validate(etree.fromstring(xml))
    assert ok, grammar.error_log
    return ok


def history_of(tmp_path: Path) -> tuple[Path, History]:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    data = copy_roster(repo)
    commit(repo, "first roster", "2024-01-05T10:00:00+08:00")
    edit(data, "advisors.yaml", "'15805350004'", "'15805359999'")
    commit(repo, "刘洋换了手机号 <&>", "2024-03-01T10:00:00+08:00")
    return data, read_history(data)


def test_the_feed_is_valid_atom_with_the_pages_entries(tmp_path: Path) -> None:
    data, history = history_of(tmp_path)
    roster = read_roster(data).roster
    xml = feed(history, roster.programme, "abc1234", "2024-03-01")
    assert valid(xml)
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.id == "https://fw.lc.example/changes/feed.xml" and "abc1234" in parsed.feed.subtitle
    assert parsed.feed.updated == "2024-03-01T10:00:00+08:00"  # the newest commit's time, not the clock
    assert [e.title for e in parsed.entries] == ["2024-03-01 · 刘洋换了手机号 <&>", "2024-01-05 · first roster"]
    first = parsed.entries[0]
    assert first.link == f"https://fw.lc.example/changes/#h-{history.entries[0].commit[:12]}"
    assert "刘洋（A0004）：电话 15805350004 → 15805359999" in first.content[0].value
    assert first.id.startswith("urn:uuid:") and first.id != parsed.entries[1].id
    _, page = site_for(data).changes_page()
    assert f'id="h-{history.entries[0].commit[:12]}"' in page  # the entry's link lands on the page's heading
    assert feed(history, roster.programme, "abc1234", "2024-03-01") == xml  # same history, same bytes


def test_without_history_the_feed_is_valid_and_dated_by_the_roster(tmp_path: Path) -> None:
    roster = read_roster(copy_roster(tmp_path)).roster
    xml = feed(History(note="x"), roster.programme, "sha256:0123abcd", "2024-02-02")
    assert valid(xml)
    parsed = feedparser.parse(xml)
    assert parsed.entries == [] and parsed.feed.updated == "2024-02-02T00:00:00Z"


def test_a_long_change_list_is_cut_as_the_page_cuts_it(tmp_path: Path) -> None:
    data, history = history_of(tmp_path)
    lines = (data / "advisors.yaml").read_text(encoding="utf-8")
    extra = "".join(f"  - id: B{n:04d}\n    name: 新人{n}\n    role: lawyer\n    organization: LF001\n    phone: '1390535{n:04d}'\n"
                    for n in range(SHOWN + 7))
    (data / "advisors.yaml").write_text(lines + extra, encoding="utf-8")
    commit(data.parent, "many new advisors", "2024-04-01T10:00:00+08:00")
    history = read_history(data)
    xml = feed(history, read_roster(data).roster.programme, "v", "2024-04-01")
    assert valid(xml)
    content = feedparser.parse(xml).entries[0].content[0].value
    assert content.count("<li>") == SHOWN + 1 and "……另有 7 项" in content
    _, page = site_for(data).changes_page()
    assert "……另有 7 项" in page


def test_the_grammar_refuses_what_atom_forbids() -> None:
    """The check can fail: an entry without an id, a date that is not RFC 3339."""
    good = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>t</title><updated>2024-01-01T00:00:00Z</updated>'
            b"<author><name>a</name></author></feed>")
    assert atom().validate(etree.fromstring(good))
    assert not atom().validate(etree.fromstring(good.replace(b"<id>urn:x</id>", b"")))
    assert not atom().validate(etree.fromstring(good.replace(b"2024-01-01T00:00:00Z", b"2024-01-01")))
