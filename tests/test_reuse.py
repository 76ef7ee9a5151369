"""Rebuilds keep unchanged render tasks' files in the published site (generator/reuse.py).

The site (the staged files over the kept ones) must be the bytes a clean render gives; a task
whose inputs changed, or whose published file was touched, renders again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from generator import build
from generator.build import read_roster
from generator.model import Roster
from generator.output import files_under
from generator.pages import Assets
from generator.qr import QRCache
from generator.reuse import MANIFEST, Reuse
from roster_edit import copy_roster, edit
from sites import tree_digest

TEMPLATES = Path(__file__).resolve().parent.parent / "overrides" / "data"


def render(reuse: Reuse, roster: Roster, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    reuse.render(roster, out, TEMPLATES, Assets(), "村居法律顾问")


def merged(reuse: Reuse, staging: Path) -> dict[str, str]:
    """The site a publication makes of the staging folder and the published files kept."""
    kept = {path: hashlib.sha256((reuse.published / path).read_bytes()).hexdigest() for path in reuse.kept}
    staged = tree_digest(staging)
    assert not set(kept) & set(staged), "a kept file was rendered too"
    return kept | staged


def clean(roster: Roster, out: Path) -> dict[str, str]:
    out.mkdir(parents=True)
    build.render_tasks(roster, build.page_tasks(roster), out, TEMPLATES, Assets(), "村居法律顾问", workers=1)
    return tree_digest(out)


def test_rebuild_keeps_unchanged_tasks_and_renders_the_rest(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    site, cache = tmp_path / "site", tmp_path / ".cache"
    first = Reuse(cache, site, QRCache(None), workers=1)
    render(first, read_roster(data).roster, site)  # as if published: the render went straight to the site
    first.commit(files_under(site))
    assert (first.rendered, first.reused) == (5, 0)  # counties, three townships, one batch of advisors
    untouched = os.stat(site / "v" / "371502001003" / "index.html").st_ino

    edit(data, "371502102-堂邑镇.yaml", "hours: 周一至周五 9:00—17:00", "hours: 周一至周五 8:30—17:00")
    roster = read_roster(data).roster
    second = Reuse(cache, site, QRCache(None), workers=1)
    second.prepare(read_roster(data).roster)  # as the plugin does, but for another roster (equal, not the same)
    render(second, roster, tmp_path / "staging")
    # the unit pages (they count every township), 堂邑镇 and its advisors' batch render; two townships are kept
    assert (second.rendered, second.reused) == (3, 2)
    assert "v/371502001003/index.html" in second.kept and second.previous is not None
    assert not (tmp_path / "staging" / "v" / "371502001003").exists()  # nothing written for a kept task
    assert os.stat(site / "v" / "371502001003" / "index.html").st_ino == untouched
    assert "8:30—17:00" in (tmp_path / "staging" / "t" / "371502102" / "index.html").read_text(encoding="utf-8")
    assert merged(second, tmp_path / "staging") == clean(roster, tmp_path / "clean")


def test_a_touched_published_file_is_rendered_again(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    site, cache = tmp_path / "site", tmp_path / ".cache"
    roster = read_roster(data).roster
    first = Reuse(cache, site, QRCache(None), workers=1)
    render(first, roster, site)
    first.commit(files_under(site))
    page = site / "v" / "371502001003" / "index.html"
    page.write_text("tampered", encoding="utf-8")  # same inode, new size and mtime
    second = Reuse(cache, site, QRCache(None), workers=1)
    second.prepare(roster)  # as the plugin does: digests and checks in a second process
    render(second, roster, tmp_path / "staging")
    assert (second.rendered, second.reused) == (1, 4)
    assert (tmp_path / "staging" / "v" / "371502001003" / "index.html").is_file()
    assert merged(second, tmp_path / "staging") == clean(roster, tmp_path / "clean")


def test_another_site_folder_or_a_damaged_manifest_renders_everything(tmp_path: Path) -> None:
    roster = read_roster(copy_roster(tmp_path)).roster
    site, cache = tmp_path / "site", tmp_path / ".cache"
    first = Reuse(cache, site, QRCache(None), workers=1)
    render(first, roster, site)
    first.commit(files_under(site))
    other = Reuse(cache, tmp_path / "other-site", QRCache(None), workers=1)
    render(other, roster, tmp_path / "staging1")
    assert (other.reused, other.kept, other.previous) == (0, [], None)
    manifest = cache / MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:-1] + b"x")  # damaged: its checksum no longer holds
    again = Reuse(cache, site, QRCache(None), workers=1)
    render(again, roster, tmp_path / "staging2")
    assert (again.reused, again.previous) == (0, None)  # without the list of published files: the whole site
    assert tree_digest(tmp_path / "staging2") == tree_digest(site)


def test_a_tasks_digest_changes_exactly_when_what_its_pages_show_changes() -> None:
    """A township's pages show its villages' dates, the unit pages the recent changes: those count; another
    township's dates and the build's shared inputs change only what reads them. Retired pages always render."""
    from generator.history import History
    from generator.reuse import task_digest

    r = read_roster(Path(__file__).parent / "rosters" / "small").roster
    town, other, units = ("township", "371502102"), ("township", "371502001"), ("counties", "")
    dates = History(village_dates={"371502102001": "2024-01-02", "371502001001": "2024-01-03"})

    def digest(task: tuple[str, str], shared: str = "s", history: History | None = dates) -> str | None:
        return task_digest(r, task, shared, history)

    assert digest(("retired", "")) is None
    assert digest(town) != digest(other) and digest(town) != digest(town, shared="t")
    assert digest(town) != digest(town, history=History(village_dates={**dates.village_dates, "371502102001": "2025-05-05"}))
    assert digest(town) == digest(town, history=History(village_dates={**dates.village_dates, "371502001001": "2025-05-05"}))
    assert digest(town) != digest(town, history=None) and digest(units) != digest(units, history=None)
    assert digest(units) != digest(units, history=History(village_dates=dates.village_dates, note="没有 git 记录"))
    assert digest(units) == digest(units, history=History(village_dates={}, entries=dates.entries, note=dates.note))


def _children() -> set[str]:
    """This process's child processes, zombies (ended, not waited for) included."""
    return set(Path(f"/proc/self/task/{os.getpid()}/children").read_text().split())


def test_a_plan_that_no_render_uses_leaves_no_process_behind(tmp_path: Path) -> None:
    """A build that fails after the plan was started (abandon), or renders another roster than the
    plan's, still waits for the plan's process: a long-lived process must not collect zombies."""
    data = copy_roster(tmp_path)
    roster = read_roster(data).roster
    before = _children()
    reuse = Reuse(tmp_path / ".cache", tmp_path / "site", QRCache(None), workers=1)
    reuse.prepare(roster)
    if build._can_fork():
        assert _children() - before  # the plan is made in a second process
    reuse.abandon()
    assert _children() == before
    reuse.prepare(read_roster(data).roster)  # equal, not the same roster: the plan is not used
    render(reuse, roster, tmp_path / "staging")
    assert _children() == before and reuse.rendered == 5
