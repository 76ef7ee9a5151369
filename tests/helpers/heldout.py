"""Searches nobody here typed, made from the sample roster's real names with a fixed seed: the held-out
list that issue 23's search is measured on (tests/site/test_heldout_browser.py, bench/heldout.py).

Six kinds, each at least 60 queries, each with the pages a searcher means:

- ``swapped``, ``doubled``, ``dropped``, ``neighbour``: a village's name in full pinyin (its most common
  readings, the ending 村 or 社区 left out as people type it) with one slip of the hand: two
  neighbouring letters swapped, a letter doubled, a letter dropped, or a letter replaced by a
  neighbouring key of a phone's keyboard. Meant: the villages of that pinyin.
- ``complete``: a village's name in full pinyin whose last syllable is also the start of a longer
  syllable of another village's name (huji: 胡集 and 胡家). Meant: the villages of that pinyin, ranked
  before every result that reads the last syllable cut short.
- ``speech``: a sentence about a trouble in plain words, put together from a subject, a phrase of the
  trouble and a question, at random. Meant: a guide of a service that helps. The phrases were written
  before the guides' keywords were extended, as people say them, not as the keywords read.

Names are drawn at random (``random.Random(SEED)``), never picked by whether they are found.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from generator.core.model import Roster
from tests.helpers import ROOT

SEED = 23
PER_KIND = 60
KINDS = ("swapped", "doubled", "dropped", "neighbour", "complete", "speech")

#: A phone keyboard's rows: a key's neighbours are beside it and above or below it.
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class Query:
    """A query of a kind, the URL paths it means (any of them in the first five), and for
    ``complete`` the pinyin it is read as."""

    kind: str
    text: str
    expect: tuple[str, ...]
    meant: str = ""  # the pinyin meant (slips, complete syllables): another roster's pages of it are meant there


def neighbours(letter: str) -> str:
    for r, row in enumerate(ROWS):
        i = row.find(letter)
        if i >= 0:
            near = row[max(0, i - 1):i] + row[i + 1:i + 2]
            if r > 0:
                near += ROWS[r - 1][i:i + 2]
            if r + 1 < len(ROWS):
                near += ROWS[r + 1][max(0, i - 1):i + 1]
            return near
    return ""


_ENDING = re.compile(r"(社区|村)$")


def stem(short_name: str) -> str:
    """A village's name as people type it: 王庄村 → 王庄, 古城社区 → 古城 (two characters at least)."""
    s = _ENDING.sub("", short_name)
    return s if len(s) >= 2 else short_name


def syllables(text: str) -> list[str] | None:
    """The most common reading of each character, ü as v; None when a character has none."""
    found = lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors=lambda chars: [None] * len(chars))
    if any(s is None or not re.fullmatch(r"[a-z]+", s) for s in found):
        return None
    return [s for s in found if s]


def by_pinyin(roster: Roster) -> dict[str, list[str]]:
    """Village pages by the full pinyin of their names as typed."""
    out: dict[str, list[str]] = {}
    for v in roster.villages:
        parts = syllables(stem(v.short_name))
        if parts:
            out.setdefault("".join(parts), []).append(f"/v/{v.code}/")
    return out


def slip(word: str, kind: str, rng: random.Random) -> str | None:
    """``word`` with one slip of ``kind`` at a random place; None when the word has no such place."""
    if kind == "swapped":
        places = [i for i in range(len(word) - 1) if word[i] != word[i + 1]]
        i = rng.choice(places)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    i = rng.randrange(len(word))
    if kind == "doubled":
        return word[:i] + word[i] + word[i:]
    if kind == "dropped":
        return word[:i] + word[i + 1:]
    if kind == "neighbour":
        return word[:i] + rng.choice(neighbours(word[i])) + word[i + 1:]
    raise ValueError(kind)


def slips(roster: Roster, kind: str, rng: random.Random, count: int = PER_KIND) -> list[Query]:
    names = by_pinyin(roster)
    words = sorted(w for w in names if len(w) >= 6)
    out: list[Query] = []
    seen: set[str] = set()
    while len(out) < count:
        word = rng.choice(words)
        text = slip(word, kind, rng)
        if not text or text == word or text in names or text in seen:  # a slip that is another name is no slip
            continue
        seen.add(text)
        out.append(Query(kind, text, tuple(names[word]), word))
    return out


def complete(roster: Roster, rng: random.Random, count: int = PER_KIND) -> list[Query]:
    """Full pinyin whose last syllable starts a longer syllable in another village's name."""
    names = by_pinyin(roster)
    parts = {}
    for v in roster.villages:
        found = syllables(stem(v.short_name))
        if found:
            parts["".join(found)] = found
    cut = set()  # pinyin typed up to inside a syllable: huji from hu-jia
    for found in parts.values():
        for n in range(1, len(found) + 1):
            head, last = "".join(found[:n - 1]), found[n - 1]
            for k in range(1, len(last)):
                cut.add(head + last[:k])
    candidates = sorted(w for w in names if w in cut and len(parts[w]) >= 2)
    rng.shuffle(candidates)
    return [Query("complete", w, tuple(names[w]), w) for w in candidates[:count]]


#: Plain speech: who, the trouble (with the guides that help), and how it is asked.
WHO = ("", "我", "我家", "俺", "俺家", "我爸", "我妈", "邻居", "我儿子", "老人")
TROUBLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("借了钱不还", ("lawyer", "legal-worker", "mediation")),
    ("欠钱不还", ("lawyer", "legal-worker", "mediation")),
    ("欠我钱", ("lawyer", "legal-worker", "mediation")),
    ("被人打了", ("legal-aid", "appraisal", "lawyer", "mediation")),
    ("被打了", ("legal-aid", "appraisal", "lawyer", "mediation")),
    ("打架受伤", ("appraisal", "lawyer", "mediation", "legal-aid")),
    ("想找律师", ("lawyer", "legal-aid")),
    ("请不起律师", ("legal-aid",)),
    ("老板不给工钱", ("legal-aid",)),
    ("工资要不回来", ("legal-aid",)),
    ("干活受伤了", ("legal-aid", "appraisal")),
    ("出了车祸", ("legal-aid", "appraisal", "lawyer")),
    ("要离婚", ("lawyer", "mediation")),
    ("两口子闹离婚", ("lawyer", "mediation")),
    ("儿女不养老", ("legal-aid", "mediation", "lawyer")),
    ("和邻居吵架", ("mediation",)),
    ("宅基地被占了", ("mediation", "lawyer")),
    ("地界有争议", ("mediation",)),
    ("老人去世分遗产", ("notary", "lawyer", "mediation")),
    ("想立个遗嘱", ("notary",)),
    ("房子过户", ("notary",)),
    ("被骗了钱", ("lawyer", "learn")),
    ("要打官司", ("lawyer", "legal-worker", "legal-aid")),
    ("想告他", ("lawyer", "legal-worker")),
    ("想考法考", ("exam",)),
    ("想学点法律", ("learn",)),
    ("验伤", ("appraisal",)),
    ("做亲子鉴定", ("appraisal",)),
)
ASK = ("", "怎么办", "咋办", "找谁", "怎么找律师", "能告吗", "去哪里问", "了", "怎么弄")


def speech(rng: random.Random, count: int = PER_KIND) -> list[Query]:
    out: list[Query] = []
    seen: set[str] = set()
    while len(out) < count:
        trouble, guides = rng.choice(TROUBLES)
        ask = rng.choice(ASK)
        text = rng.choice(WHO) + trouble + ask
        if text in seen:
            continue
        seen.add(text)
        expect = guides + (("lawyer",) if "律师" in ask else ())
        out.append(Query("speech", text, tuple(f"/guides/{g}/" for g in expect)))
    return out


def heldout(roster: Roster) -> list[Query]:
    """Every held-out query, each kind in turn, the same for the same roster."""
    rng = random.Random(SEED)
    out: list[Query] = []
    for kind in ("swapped", "doubled", "dropped", "neighbour"):
        out += slips(roster, kind, rng)
    return out + complete(roster, rng) + speech(rng)


def answers(site: Path, queries: list[Query], here: dict[str, str]) -> list[dict[str, object]]:
    """The first ten results of each query over ``site``'s index, as the browser's modules give them
    once a box has fetched what each needs (tests/node/heldout.mjs): urls, cut, corrected."""
    run = subprocess.run(["node", str(ROOT / "tests" / "node" / "heldout.mjs"), str(site)], capture_output=True, text=True,
                         input=json.dumps({"here": here, "queries": [q.text for q in queries]}), check=False)
    if run.returncode:
        raise RuntimeError(run.stderr)
    found: list[dict[str, object]] = json.loads(run.stdout)
    return found


def hit(query: Query, answer: dict[str, object]) -> bool:
    """Whether a page meant is in the first five; for ``complete``, with no result that reads the last
    syllable cut short ranked before it."""
    top = list(answer["urls"])[:5]  # type: ignore[call-overload]
    at = [top.index(u) for u in query.expect if u in top]
    if not at:
        return False
    return query.kind != "complete" or not any(list(answer["cut"])[:min(at)])  # type: ignore[call-overload]


def measure(site: Path, queries: list[Query], here: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Per kind: (queries whose page is in the first five, queries)."""
    out: dict[str, tuple[int, int]] = {}
    for query, answer in zip(queries, answers(site, queries, here)):
        hits, total = out.get(query.kind, (0, 0))
        out[query.kind] = (hits + hit(query, answer), total + 1)
    return out
