"""Rebuilds keep unchanged render tasks' files in the published site (generator/build/reuse.py).

The site (the staged files over the kept ones) must be the bytes a clean render gives; a task
whose inputs changed, or whose published file was touched, renders again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import fork
from generator.build.output import files_under, manifest_path
from generator.build.pipeline import read_roster
from generator.build.render import RenderInputs, render_tasks
from generator.build.reuse import Reuse
from generator.core.model import Roster
from generator.site.pages import Assets, page_tasks
from tests.helpers import ROOT, TESTS
from tests.helpers.roster_edit import copy_roster, edit
from tests.helpers.sites import tree_digest

TEMPLATES = ROOT / "overrides" / "data"


def render(reuse: Reuse, roster: Roster, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    reuse.render(RenderInputs(roster, TEMPLATES, Assets(), "村居法律顾问"), out)


def merged(reuse: Reuse, staging: Path) -> dict[str, str]:
    """The site a publication makes of the staging folder and the published files kept."""
    kept = {path: hashlib.sha256((reuse.published / path).read_bytes()).hexdigest() for path in reuse.kept}
    staged = tree_digest(staging)
    assert not set(kept) & set(staged), "a kept file was rendered too"
    return kept | staged


def clean(roster: Roster, out: Path) -> dict[str, str]:
    out.mkdir(parents=True)
    render_tasks(RenderInputs(roster, TEMPLATES, Assets(), "村居法律顾问"), page_tasks(roster), out, workers=1)
    return tree_digest(out)


def test_rebuild_keeps_unchanged_tasks_and_renders_the_rest(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    site = tmp_path / "site"
    first = Reuse(site, workers=1)
    render(first, read_roster(data).roster, site)  # as if published: the render went straight to the site
    first.commit(files_under(site))
    assert (first.rendered, first.reused) == (6, 0)  # the open data, counties, three townships, one batch of advisors
    untouched = os.stat(site / "v" / "371502001003" / "index.html").st_ino

    edit(data, "371502102-堂邑镇.yaml", "hours: 周一至周五 9:00—17:00", "hours: 周一至周五 8:30—17:00")
    roster = read_roster(data).roster
    second = Reuse(site, workers=1)
    second.prepare(read_roster(data).roster)  # as the plugin does, but for another roster (equal, not the same)
    render(second, roster, tmp_path / "staging")
    # the open data (always made: it names the roster's version), the unit pages (they count every
    # township), 堂邑镇 and its advisors' batch render; two townships are kept
    assert (second.rendered, second.reused) == (4, 2)
    assert "v/371502001003/index.html" in second.kept and second.previous is not None
    assert not (tmp_path / "staging" / "v" / "371502001003").exists()  # nothing written for a kept task
    assert os.stat(site / "v" / "371502001003" / "index.html").st_ino == untouched
    assert "8:30—17:00" in (tmp_path / "staging" / "t" / "371502102" / "index.html").read_text(encoding="utf-8")
    assert merged(second, tmp_path / "staging") == clean(roster, tmp_path / "clean")


def _rewritten(page: Path) -> None:
    page.write_text("tampered", encoding="utf-8")  # same inode, new size and mtime


def _rewritten_in_place_at_the_same_size(page: Path) -> None:
    """Edited by hand, keeping its length (a digit of a phone number): the same inode and size, another mtime."""
    before, good = os.stat(page), page.read_bytes()
    bad = good.replace(b"0535", b"0999", 1)
    assert bad != good and len(bad) == len(good)
    with open(page, "r+b") as f:
        f.write(bad)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))  # a second later
    assert (os.stat(page).st_ino, os.stat(page).st_size) == (before.st_ino, before.st_size)


@pytest.mark.parametrize("touch", [_rewritten, _rewritten_in_place_at_the_same_size])
def test_a_touched_published_file_is_rendered_again(touch: Callable[[Path], None], tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    site = tmp_path / "site"
    roster = read_roster(data).roster
    first = Reuse(site, workers=1)
    render(first, roster, site)
    first.commit(files_under(site))
    touch(site / "v" / "371502001003" / "index.html")
    second = Reuse(site, workers=1)
    second.prepare(roster)  # as the plugin does: digests and checks in a second process
    render(second, roster, tmp_path / "staging")
    assert (second.rendered, second.reused) == (2, 4)  # its township's task, and the open data (always made)
    # only the touched file is staged: its task's other files have the bytes already published, and stay
    assert files_under(tmp_path / "staging") == ["v/371502001003/index.html"]
    assert merged(second, tmp_path / "staging") == clean(roster, tmp_path / "clean")


def test_another_site_folder_or_a_damaged_manifest_renders_everything(tmp_path: Path) -> None:
    roster = read_roster(copy_roster(tmp_path)).roster
    site = tmp_path / "site"
    first = Reuse(site, workers=1)
    render(first, roster, site)
    first.commit(files_under(site))
    other = Reuse(tmp_path / "other-site", workers=1)
    render(other, roster, tmp_path / "staging1")
    assert (other.reused, other.kept, other.previous) == (0, [], None)
    manifest = manifest_path(site)
    manifest.write_bytes(manifest.read_bytes()[:-1] + b"x")  # damaged: its seal no longer holds
    again = Reuse(site, workers=1)
    render(again, roster, tmp_path / "staging2")
    assert (again.reused, again.previous) == (0, None)  # without the list of published files: the whole site
    assert tree_digest(tmp_path / "staging2") == tree_digest(site)


def test_two_site_folders_keep_their_own_records(tmp_path: Path) -> None:
    """A province's site and one city's (ROSTER_CITY into another folder) from one checkout: building
    one leaves the other's record, so the next build of either keeps every unchanged task."""
    from tests.helpers.two_cities import two_city_roster

    province = read_roster(two_city_roster(tmp_path)).roster
    city = province.only_city("3716")
    def build(roster: Roster, site: Path) -> tuple[int, int]:
        reuse = Reuse(site, workers=1)
        render(reuse, roster, tmp_path / f"staging-{site.name}-{len(list(tmp_path.iterdir()))}")
        return reuse.rendered, reuse.reused

    alone = tmp_path / "alone"  # the province's site rebuilt with nothing in between: what a rebuild keeps
    for roster, site in ((province, alone), (province, tmp_path / "site"), (city, tmp_path / "site-3716")):
        first = Reuse(site, workers=1)
        render(first, roster, site)
        first.commit(files_under(site))
    kept = build(province, alone)
    assert kept[1] > 0
    assert build(province, tmp_path / "site") == kept  # the city's build in between took nothing of its record
    assert build(city, tmp_path / "site-3716")[1] > 0
    assert manifest_path(tmp_path / "site") != manifest_path(tmp_path / "site-3716")


def test_a_tasks_digest_changes_exactly_when_what_its_pages_show_changes() -> None:
    """A township's pages show its villages' dates, the unit pages the recent changes: those count; another
    township's dates and the build's shared inputs change only what reads them. Retired pages always render."""
    from generator.build.reuse import task_digest
    from generator.changes.history import History

    r = read_roster(TESTS / "rosters" / "small").roster
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
    reuse = Reuse(tmp_path / "site", workers=1)
    reuse.prepare(roster)
    if fork.can_fork():
        assert _children() - before  # the plan is made in a second process
    reuse.abandon()
    assert _children() == before
    reuse.prepare(read_roster(data).roster)  # equal, not the same roster: the plan is not used
    render(reuse, roster, tmp_path / "staging")
    assert _children() == before and reuse.rendered == 6


def test_a_manifest_or_record_that_cannot_be_trusted_keeps_nothing(tmp_path: Path) -> None:
    """Only this format's manifest of this very site folder is read, and only a record of the same
    digest whose every file is still as published, with its SHA-256, is kept; anything else (another
    version, a damaged manifest or record, a site folder gone) renders, and never crashes the build."""
    from generator.build.reuse import VERSION
    from generator.core.store import write_sealed

    site = tmp_path / "site"
    (site / "v").mkdir(parents=True)
    page = site / "v" / "index.html"
    page.write_text("村", encoding="utf-8")
    st = os.stat(page)
    sha = hashlib.sha256(page.read_bytes()).hexdigest()
    entry = ["v/index.html", st.st_ino, st.st_size, st.st_mtime_ns, sha]
    good = {"version": VERSION, "site": str(site.resolve()), "tasks": {"township:1": {"digest": "d", "files": [entry]}},
            "others": ["search.json"]}

    def loaded(manifest: object) -> list[str] | None:
        write_sealed(manifest_path(site), manifest)
        reuse = Reuse(site)
        tasks, files = reuse._load()
        assert (tasks == {}) == (files is None)
        return files

    assert loaded(good) == ["v/index.html", "search.json"]
    damaged = {"township:2": {"digest": "d"}, "township:3": {"digest": "d", "files": ["junk", []]}, "township:4": []}
    assert loaded({**good, "tasks": {**good["tasks"], **damaged}}) == ["v/index.html", "search.json"]
    for bad in ([good], {**good, "version": VERSION - 1}, {**good, "site": str(tmp_path / "other")}, {**good, "tasks": []},
                {**good, "others": {}}, {**good, "tasks": [], "others": {}}):
        assert loaded(bad) is None, bad
    page.rename(tmp_path / "away.html")
    site.rename(tmp_path / "site-gone")
    assert loaded(good) is None  # no published site: nothing to keep
    (tmp_path / "site-gone").rename(site)
    (tmp_path / "away.html").rename(page)

    reuse = Reuse(site)
    record = {"digest": "d", "files": [entry]}
    assert reuse._intact(record)
    for bad_record in ([record], {"digest": "d", "files": []}, {"digest": "d", "files": {}},
                       {"digest": "d", "files": [[*entry[:4], sha[:63]]]}, {"digest": "d", "files": [[*entry[:4], None]]},
                       {"digest": "d", "files": [entry[:4]]}, {"digest": "d", "files": [[entry[0], 0, *entry[2:]]]}):
        assert not reuse._intact(bad_record), bad_record


def test_what_every_page_reads_renders_every_task_when_it_changes(tmp_path: Path) -> None:
    """The programme, the site's name, the theme's assets and the data templates are on every page: a
    change to any renders every task again; the git dates render the pages that show them."""
    import shutil

    from generator.changes.history import History

    data = copy_roster(tmp_path)
    site = tmp_path / "site"
    roster = read_roster(data).roster
    first = Reuse(site, workers=1)
    render(first, roster, site)
    first.commit(files_under(site))
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    with (templates / "village.html").open("a", encoding="utf-8") as f:
        f.write("{# changed #}\n")
    edit(data, "programme.yaml", "local_hotline: '0635-12348'", "local_hotline: '0635-12349'")
    changed = {"programme": (read_roster(data).roster, TEMPLATES, Assets(), "村居法律顾问"),
               "site name": (roster, TEMPLATES, Assets(), "法律顾问"),
               "assets": (roster, TEMPLATES, Assets(stylesheets=("assets/stylesheets/new.css",)), "村居法律顾问"),
               "templates": (roster, templates, Assets(), "村居法律顾问")}
    for what, (r, folder, assets, name) in {"nothing": (roster, TEMPLATES, Assets(), "村居法律顾问"), **changed}.items():
        again = Reuse(site, workers=1)
        out = tmp_path / f"staging-{what}"
        out.mkdir()
        again.render(RenderInputs(r, folder, assets, name), out)
        assert again.reused == (5 if what == "nothing" else 0), what
    dated = Reuse(site, workers=1)
    (tmp_path / "staging-dated").mkdir()
    dated.render(RenderInputs(roster, TEMPLATES, Assets(), "村居法律顾问",
                              History(village_dates={"371502102001": "2024-01-02"})), tmp_path / "staging-dated")
    # the unit pages and the townships show dates, the open data is always made; the advisors' pages are kept
    assert (dated.rendered, dated.reused) == (5, 1)


def test_a_kept_task_is_kept_again_and_a_file_lost_before_the_record_renders_its_task(tmp_path: Path) -> None:
    """The manifest records kept tasks again (a third build keeps them too) and every file of the
    site; a task whose file is gone by the time the site is recorded is left out (it renders next time)
    and its other files stay known as the site's, so that a later build can still delete them."""
    roster = read_roster(copy_roster(tmp_path)).roster
    site = tmp_path / "project" / "site"  # no project folder yet
    first = Reuse(site, workers=1)
    render(first, roster, site)
    (site / "search.json").write_text("{}", encoding="utf-8")  # a file of the site that no task wrote
    (site / "v" / "371502001003" / "index.html").unlink()  # lost before the publication is recorded
    first.commit(files_under(site))
    for run in ("second", "third"):  # nothing changed: every task's files are kept, and recorded again
        again = Reuse(site, workers=1)
        render(again, roster, tmp_path / f"staging-{run}")
        assert again.reused == (4 if run == "second" else 5), run  # 古楼街道 rendered (its page was lost), once
        assert again.previous is not None and sorted(again.previous) == sorted(files_under(site)), run
        for path in again.kept:
            assert (site / path).is_file()
        for path, sha in again.fingerprints.items():  # each file's digest, kept or rendered, is its bytes'
            staged = tmp_path / f"staging-{run}" / path
            assert sha == hashlib.sha256((staged if staged.exists() else site / path).read_bytes()).hexdigest()
        every = set(files_under(site)) | set(files_under(tmp_path / f"staging-{run}"))
        assert set(again.fingerprints) == every - {"search.json"}
        staged = files_under(tmp_path / f"staging-{run}")
        for path in staged:  # as if published: the staged files go into the site
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_path / f"staging-{run}" / path, site / path)
        again.commit(files_under(site))
