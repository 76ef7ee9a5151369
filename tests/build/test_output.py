"""Writing the output folder: one build at a time, one atomic swap, nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build.output import (
    OutputBusy,
    Publication,
    exchange,
    files_under,
    journal_path,
    lock_path,
    manifest_path,
    staging_dir,
    swap_in,
    write_journal,
)
from tests.helpers.roster_edit import SAMPLE, SMALL
from tests.helpers.sites import project


def site_with(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_swap_exchanges_in_one_step(tmp_path: Path) -> None:
    target = site_with(tmp_path / "site", "old")
    staging = site_with(tmp_path / ".site.staging", "new")
    assert exchange(staging, target)  # Linux: renameat2 works on this file system
    assert (target / "index.html").read_text() == "new" and (staging / "index.html").read_text() == "old"
    swap_in(site_with(tmp_path / "next", "newer"), target)
    assert (target / "index.html").read_text() == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.staging", "site"]  # old copy left by the first exchange


def test_swap_into_nothing(tmp_path: Path) -> None:
    swap_in(site_with(tmp_path / "staging", "new"), tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_second_publication_waits_then_gives_up(tmp_path: Path) -> None:
    first = Publication.begin(tmp_path / "site")
    with pytest.raises(OutputBusy, match=rf"^another build has been writing {tmp_path / 'site'} for over 0 minutes "
                                         r"\(lock \.site\.lock\); wait for it or stop it, then build again$"):
        Publication.begin(tmp_path / "site", wait=0.1)
    first.abandon()
    second = Publication.begin(tmp_path / "site", wait=0.5)
    site_with(second.staging / "v", "x")
    second.publish()
    assert (tmp_path / "site" / "v" / "index.html").exists()
    assert not staging_dir(tmp_path / "site").exists()


def test_abandon_after_publish_leaves_the_next_build_alone(tmp_path: Path) -> None:
    first = Publication.begin(tmp_path / "site")
    first.publish()
    second = Publication.begin(tmp_path / "site")
    first.abandon()  # what the first build's atexit hook does when its process ends
    assert second.staging.is_dir()
    second.abandon()


def published(tmp_path: Path) -> Path:
    """A site as a first build published it: a page, a page kept, a page to be dropped."""
    first = Publication.begin(tmp_path / "site")
    for rel, text in (("index.html", "home"), ("v/1/index.html", "one"), ("v/2/index.html", "two"),
                      ("v/3/index.html", "three")):
        (first.staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (first.staging / rel).write_text(text, encoding="utf-8")
    assert first.publish() == ["index.html", "v/1/index.html", "v/2/index.html", "v/3/index.html"]
    return tmp_path / "site"


def test_a_rebuild_writes_only_what_changed(tmp_path: Path) -> None:
    site = published(tmp_path)
    before = {rel: os.stat(site / rel) for rel in files_under(site)}
    second = Publication.begin(site)
    for rel, text in (("index.html", "home"), ("v/2/index.html", "TWO"), ("v/4/index.html", "four")):
        (second.staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (second.staging / rel).write_text(text, encoding="utf-8")
    now = second.publish(kept=["v/1/index.html"], previous=list(before))
    assert now == files_under(site) == ["index.html", "v/1/index.html", "v/2/index.html", "v/4/index.html"]
    assert [(site / rel).read_text() for rel in now] == ["home", "one", "TWO", "four"]
    for same in ("index.html", "v/1/index.html"):  # the same bytes: the published file, untouched
        assert (os.stat(site / same).st_ino, os.stat(site / same).st_mtime_ns) == (before[same].st_ino, before[same].st_mtime_ns)
    assert not (site / "v" / "3").exists()  # dropped, and its folder with it
    assert sorted(p.name for p in tmp_path.iterdir()) == [lock_path(site).name, "site"]  # no staging, no journal


def test_a_build_killed_while_writing_the_site_is_finished_by_the_next(tmp_path: Path) -> None:
    site = published(tmp_path)
    staging = staging_dir(site)
    (staging / "v" / "2").mkdir(parents=True)
    (staging / "v" / "2" / "index.html").write_text("TWO", encoding="utf-8")
    (staging / "new.html").write_text("new", encoding="utf-8")
    (site / "new.html").write_text("half-written", encoding="utf-8")
    # as a killed build leaves it: the plan written, the first move done (a/5), the rest not
    (site / "a" / "5").mkdir(parents=True)
    (site / "a" / "5" / "index.html").write_text("five", encoding="utf-8")
    write_journal(site, ["a/5/index.html", "new.html", "v/2/index.html"], ["v/3/index.html"])
    nxt = Publication.begin(site)
    assert files_under(site) == ["a/5/index.html", "index.html", "new.html", "v/1/index.html", "v/2/index.html"]
    assert [(site / r).read_text() for r in ("a/5/index.html", "new.html", "v/2/index.html")] == ["five", "new", "TWO"]
    assert not journal_path(site).exists() and files_under(nxt.staging) == []
    nxt.abandon()


def test_a_build_without_the_list_of_published_files_replaces_the_whole_site(tmp_path: Path) -> None:
    site = published(tmp_path)
    second = Publication.begin(site)
    (second.staging / "index.html").write_text("home", encoding="utf-8")
    assert second.publish(kept=["v/1/index.html"], previous=None) == ["index.html"]
    assert files_under(site) == ["index.html"]


def mkdocs(folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # real mkdocs builds, one waiting on purpose
def test_a_build_waits_for_the_lock_and_never_interleaves(tmp_path: Path) -> None:
    folder = project(tmp_path, SMALL)
    held = Publication.begin(folder / "site")  # as if another build were running
    build = mkdocs(folder)
    time.sleep(4)  # long enough for an unlocked build of the small roster to finish
    assert build.poll() is None, "the build went ahead while another held the folder"
    assert not (folder / "site").exists()
    held.abandon()
    _, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    assert "another build is writing" in err
    assert (folder / "site" / "index.html").exists() and (folder / "site" / "assets").is_dir()


@pytest.mark.slow  # real mkdocs builds, one waiting on purpose
def test_two_builds_at_once_leave_one_whole_site(tmp_path: Path) -> None:
    folder = project(tmp_path, SMALL)
    builds = [mkdocs(folder) for _ in range(2)]
    for b in builds:
        _, err = b.communicate(timeout=180)
        assert b.returncode == 0, err
    site = folder / "site"
    assert (site / "index.html").exists() and (site / "search.json").exists() and (site / "assets").is_dir()
    assert len(list((site / "v").iterdir())) == 9
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".site")) == [lock_path(site).name,
                                                                                    manifest_path(site).name]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_build_takes_its_workers_and_keeps_the_old_site(tmp_path: Path, sig: signal.Signals) -> None:
    folder = project(tmp_path, SAMPLE)
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text("the published site", encoding="utf-8")
    build = mkdocs(folder)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = children(build.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started its render workers"
    os.kill(build.pid, sig)
    build.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), "render workers outlived the build"
    assert (folder / "site" / "index.html").read_text(encoding="utf-8") == "the published site"
    if sig == signal.SIGTERM:
        assert not staging_dir(folder / "site").exists()


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(site)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.slow  # three real builds
def test_a_rebuild_touches_only_the_files_that_changed(tmp_path: Path) -> None:
    from tests.helpers.roster_edit import edit
    from tests.helpers.sites import mkdocs_build, tree_digest

    folder = project(tmp_path / "p", SMALL)
    assert mkdocs_build(folder).returncode == 0
    site = folder / "site"
    first = stamps(site)
    assert mkdocs_build(folder).returncode == 0
    assert stamps(site) == first  # nothing changed: every file is the one already published
    edit(folder / "data", "advisors.yaml", "phone: '13905350002'", "phone: '13905350099'")
    assert mkdocs_build(folder).returncode == 0
    after = stamps(site)
    changed = sorted(k for k in after if after[k] != first.get(k))
    assert "a/A0002/index.html" in changed and "search.json" in changed
    assert "sw.js" in changed  # a new cache name: phones that saved the old pages fetch the new ones
    assert "a/A0001/index.html" not in changed and "guides/lawyer/index.html" not in changed
    assert len(changed) < len(after) // 3
    clean = project(tmp_path / "clean", folder / "data")  # the same roster built from nothing
    assert mkdocs_build(clean).returncode == 0
    assert tree_digest(clean / "site") == tree_digest(site)


def test_files_are_compared_whole_however_long(tmp_path: Path) -> None:
    """A published file keeps its inode and mtime only if every byte is the same, also past the first
    64 KiB read; one that differs in its last byte, or is a link, is written anew. Both ways in."""
    big = bytes(range(256)) * 800  # 200 KiB, read in chunks
    late = big[:-1] + b"!"
    for kept, previous in ((["index.html"], ["index.html", "same.bin", "late.bin", "link.bin"]), (None, None)):
        site = tmp_path / f"site-{kept is None}"
        site.mkdir()
        for name, data in (("index.html", b"home"), ("same.bin", big), ("late.bin", big)):
            (site / name).write_bytes(data)
        (site / "link.bin").symlink_to(site / "same.bin")
        before = {name: os.lstat(site / name) for name in ("same.bin", "late.bin", "link.bin")}
        build = Publication.begin(site)
        for name, data in (("same.bin", big), ("late.bin", late), ("link.bin", big)):
            (build.staging / name).write_bytes(data)
        if kept is None:
            (build.staging / "index.html").write_bytes(b"home")
        build.publish(kept=kept, previous=previous)
        assert (site / "late.bin").read_bytes() == late and (site / "same.bin").read_bytes() == big
        assert os.stat(site / "same.bin").st_ino == before["same.bin"].st_ino, kept  # untouched
        assert os.stat(site / "late.bin").st_ino != before["late.bin"].st_ino, kept  # written anew
        assert not (site / "link.bin").is_symlink() and (site / "link.bin").read_bytes() == big, kept


def test_a_swap_that_cannot_happen_names_both_paths(tmp_path: Path) -> None:
    import errno

    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError):  # each failure reports its own errno, not an earlier call's
        exchange(tmp_path / "file" / "x", tmp_path / "site")
    with pytest.raises(FileNotFoundError) as failed:
        exchange(tmp_path / "missing", tmp_path / "site")
    e = failed.value
    assert (e.errno, e.strerror) == (errno.ENOENT, os.strerror(errno.ENOENT))
    assert (e.filename, e.filename2) == (str(tmp_path / "missing"), str(tmp_path / "site"))


def test_gzip_carries_no_timestamp_so_equal_input_gives_equal_bytes() -> None:
    import gzip

    from generator.build.output import gzip_bytes

    packed = gzip_bytes(b"<urlset/>")
    assert packed[4:8] == b"\0\0\0\0" and gzip.decompress(packed) == b"<urlset/>"  # MTIME field: none


def test_keep_unchanged_keeps_every_published_file_with_the_same_bytes(tmp_path: Path) -> None:
    """In any folder, whatever else the folder holds: new files, linked ones, other sizes, other bytes."""
    from generator.build.output import keep_unchanged

    target, staging = tmp_path / "site", tmp_path / ".site.staging"
    big = bytes(range(256)) * 300
    published = {"index.html": b"home", "v/1/a.html": b"a", "v/1/b.bin": big, "v/1/c.html": b"ccc", "v/1/d.html": b"d",
                 "v/1/linked.html": b"linked", "v/2/e.html": b"e"}
    staged = {"index.html": b"home", "v/1/a.html": b"a", "v/1/b.bin": big, "v/1/c.html": b"cc", "v/1/d.html": b"D",
              "v/1/new.html": b"new", "v/2/e.html": b"e"}
    for root, files in ((target, published), (staging, staged)):
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
    os.link(target / "v/1/linked.html", staging / "v/1/linked.html")  # as reuse.py links an unchanged render task's file
    inodes = {rel: os.stat(target / rel).st_ino for rel in published}
    assert keep_unchanged(staging, target) == 5  # index, a, b, e with the same bytes; the linked file
    for rel in ("index.html", "v/1/a.html", "v/1/b.bin", "v/2/e.html", "v/1/linked.html"):
        assert os.stat(staging / rel).st_ino == inodes[rel], rel
    for rel in ("v/1/c.html", "v/1/d.html"):
        assert os.stat(staging / rel).st_ino != inodes[rel], rel
    assert sorted(p.name for p in (staging / "v/1").iterdir()) == ["a.html", "b.bin", "c.html", "d.html", "linked.html", "new.html"]
    assert keep_unchanged(staging, tmp_path / "nothing-published-yet") == 0


@pytest.mark.slow  # three real builds
def test_a_village_dropped_from_the_roster_leaves_the_site_as_a_clean_build_would(tmp_path: Path) -> None:
    from tests.helpers.roster_edit import edit
    from tests.helpers.sites import mkdocs_build, tree_digest

    folder = project(tmp_path / "p", SMALL)
    assert mkdocs_build(folder).returncode == 0
    site = folder / "site"
    assert (site / "v" / "371502001003" / "index.html").is_file()
    edit(folder / "data", "371502001-古楼街道.yaml",
         "  - code: '371502001003'\n    name: 王庄村委会\n    advisor: A0002\n", "")
    built = mkdocs_build(folder)
    assert built.returncode == 0, built.stderr
    assert not (site / "v" / "371502001003").exists()  # its page and its folder are gone
    clean = project(tmp_path / "clean", folder / "data")
    assert mkdocs_build(clean).returncode == 0
    assert tree_digest(clean / "site") == tree_digest(site)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".site")) == [".site.lock", ".site.manifest"]


def test_a_swap_the_kernel_refuses_as_impossible_is_reported_as_not_done(tmp_path: Path) -> None:
    """renameat2 says EINVAL for a folder and its own subfolder: exchange says False (the caller then
    renames), and nothing moved."""
    (tmp_path / "site" / "sub").mkdir(parents=True)
    assert exchange(tmp_path / "site", tmp_path / "site" / "sub") is False
    assert (tmp_path / "site" / "sub").is_dir()


def test_a_site_that_is_a_link_is_replaced_and_what_it_pointed_to_left_alone(tmp_path: Path) -> None:
    """The site folder may be a link (to a web server's folder), a file or a dangling link: the new site
    takes its place, and whatever the link pointed to stays as it was."""
    elsewhere = site_with(tmp_path / "www", "served elsewhere")
    for kind in ("link", "file", "dangling"):
        target = tmp_path / kind
        if kind == "link":
            target.symlink_to(elsewhere)
        elif kind == "file":
            target.write_text("not a site", encoding="utf-8")
        else:
            target.symlink_to(tmp_path / "nowhere")
        swap_in(site_with(tmp_path / f"staging-{kind}", "new"), target)
        assert not target.is_symlink() and (target / "index.html").read_text() == "new", kind
    assert (elsewhere / "index.html").read_text() == "served elsewhere"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "file", "link", "www"]  # no old copy left


def test_the_first_build_makes_the_folders_above_the_site_and_a_lock_others_can_read(tmp_path: Path) -> None:
    site = tmp_path / "out" / "public" / "site"
    build = Publication.begin(site)
    assert lock_path(site).stat().st_mode & 0o777 == 0o644 & ~current_umask()
    (build.staging / "index.html").write_text("home", encoding="utf-8")
    assert build.publish(kept=[], previous=[]) == ["index.html"]  # nothing published yet: the whole site goes in
    assert files_under(site) == ["index.html"]


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_lock_freed_while_waiting_lets_the_build_go_ahead(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import threading

    site = tmp_path / "site"
    first = Publication.begin(site)
    threading.Timer(0.1, first.abandon).start()  # the first build ends while the second waits
    with caplog.at_level("WARNING", logger="generator.build.output"):
        second = Publication.begin(site, wait=90)
    assert caplog.messages == [f"another build is writing {site}; waiting for it to finish (up to 2 minutes)"]
    second.abandon()


def test_a_rebuild_where_files_become_folders_and_folders_files_leaves_the_new_site(tmp_path: Path) -> None:
    """A page's URL may turn from a file into a folder and back between two rosters: the rebuild leaves
    exactly the new site, the old files gone with the folders they leave empty."""
    site = tmp_path / "site"
    old = {"index.html": "home", "a": "file a", "b/index.html": "folder b", "c/d/old.html": "c", "e/f/old.html": "e",
           "z.html": "z"}
    new = {"index.html": "home", "a/index.html": "folder a", "b": "file b", "n/m/new.html": "new"}
    for files, kept, previous in ((old, None, None), (new, [], list(old))):
        build = Publication.begin(site)
        for rel, text in files.items():
            (build.staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (build.staging / rel).write_text(text, encoding="utf-8")
        assert build.publish(kept=kept, previous=previous) == sorted(files)
    assert files_under(site) == sorted(new) and [(site / rel).read_text() for rel in sorted(new)] == \
        [new[rel] for rel in sorted(new)]
    assert sorted(p.name for p in site.iterdir()) == ["a", "b", "index.html", "n"]  # c/d and e/f removed
    assert sorted(p.name for p in tmp_path.iterdir()) == [lock_path(site).name, "site"]  # no journal left


def test_a_rebuild_stages_only_files_not_published_byte_for_byte(tmp_path: Path) -> None:
    """write_files with the published site: a file with the same bytes is not written; one of other
    bytes (even of the same size), another size, a new one, or a link in the published site is."""
    from generator.build.output import write_files

    site, staging = tmp_path / "site", tmp_path / "staging"
    site.mkdir()
    for name, data in (("same.html", "村居"), ("other.html", "abc"), ("short.html", "ab")):
        (site / name).write_text(data, encoding="utf-8")
    (site / "link.html").symlink_to(site / "same.html")
    files: list[tuple[str, str | bytes]] = [("same.html", "村居"), ("other.html", "abd"), ("short.html", "abc"), ("link.html", "村居".encode()),
             ("new/x.html", "new")]
    assert write_files(staging, files, unless_in=site) == 4
    assert files_under(staging) == ["link.html", "new/x.html", "other.html", "short.html"]
    assert (staging / "link.html").read_text(encoding="utf-8") == "村居" and (staging / "other.html").read_text() == "abd"
    assert write_files(tmp_path / "all", files) == 5


def test_keep_unchanged_looks_at_every_file_of_a_folder_and_never_into_a_linked_site(tmp_path: Path) -> None:
    """New files mixed with unchanged and already linked ones in one folder: each unchanged or linked
    one is kept, whatever order the folder lists them in. A site folder that is a link (perhaps to another file system, where no
    hard link can go) is not looked into."""
    from generator.build.output import keep_unchanged

    target, staging = site_with(tmp_path / "site", "home"), site_with(tmp_path / ".site.staging", "home")
    for i in range(10):
        (target / f"same{i}.html").write_text(f"s{i}", encoding="utf-8")
        (staging / f"same{i}.html").write_text(f"s{i}", encoding="utf-8")
        (staging / f"new{i}.html").write_text(f"n{i}", encoding="utf-8")
        (target / f"linked{i}.html").write_text(f"l{i}", encoding="utf-8")
        os.link(target / f"linked{i}.html", staging / f"linked{i}.html")  # as reuse.py links a kept task's files
    (tmp_path / "linked").symlink_to(target)
    assert keep_unchanged(staging, tmp_path / "linked") == 0
    assert keep_unchanged(staging, target) == 21
