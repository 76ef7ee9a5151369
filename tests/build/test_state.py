"""What a build keeps between runs is never taken from the checkout (SECURITY.md, "The trust boundary").

A pull request can commit any file beside the roster: a journal, a lock, a cache entry, a symbolic
link in the place of any of them. None of it may change a byte of the output or touch a path outside
the output and the build's own state.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from generator.build.output import Publication, files_under, journal_path, lock_path, staging_dir
from generator.build.pipeline import read_roster
from generator.printing.qr import qr_lines
from generator.roster.load import parse_yaml
from generator.roster.yamlcache import ParseCache, encode
from tests.helpers.roster_edit import SMALL, copy_roster
from tests.helpers.sites import mkdocs_build, project, tree_digest

URL = "https://fw.lc.example/v/371502102001/"


def forged_seal(data: object) -> bytes:
    """A state file as anyone who reads the source can make it: marshal bytes behind their SHA-256."""
    payload = marshal.dumps(data)
    return hashlib.sha256(payload).digest() + payload


def publish(target: Path, files: dict[str, str]) -> Path:
    build = Publication.begin(target)
    for rel, text in files.items():
        (build.staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (build.staging / rel).write_text(text, encoding="utf-8")
    build.publish()
    return target


def outside(tmp_path: Path) -> Path:
    """A folder beside the project with files no build may touch."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_text("keep me", encoding="utf-8")
    (folder / "secret.txt").write_text("SECRET-OUTSIDE", encoding="utf-8")
    return folder


def test_a_planted_journal_deletes_and_moves_nothing(tmp_path: Path) -> None:
    """Issue 21 row 1: a committed .site.journal named paths outside the site to delete, and a folder
    outside it to move files from; one with plain relative paths would delete the site's own pages."""
    site = publish(tmp_path / "site", {"index.html": "home", "v/1/index.html": "one"})
    away = outside(tmp_path)
    before = tree_digest(site)
    plans = [
        {"staging": str(away), "moves": ["secret.txt"], "deletes": [str(away / "victim.txt"), "../outside/victim.txt"]},
        {"staging": str(staging_dir(site)), "moves": [], "deletes": ["index.html", "v/1/index.html"]},
    ]
    for plan in plans:
        journal_path(site).write_text(json.dumps(plan), encoding="utf-8")
        Publication.begin(site).abandon()
        assert (away / "victim.txt").read_text(encoding="utf-8") == "keep me"
        assert (away / "secret.txt").read_text(encoding="utf-8") == "SECRET-OUTSIDE"
        assert tree_digest(site) == before


def test_links_planted_at_the_lock_and_the_journal_lead_nowhere(tmp_path: Path) -> None:
    """A committed link in the place of the lock or of the journal's temporary file: the build makes its
    own file there and writes nothing through the link."""
    site = publish(tmp_path / "site", {"index.html": "home", "v/1/index.html": "one"})
    away = outside(tmp_path)
    lock_path(site).unlink()
    lock_path(site).symlink_to(away / "made-by-the-lock")
    journal_path(site).with_name(journal_path(site).name + ".tmp").symlink_to(away / "victim.txt")
    build = Publication.begin(site)
    (build.staging / "index.html").write_text("home", encoding="utf-8")
    (build.staging / "v" / "2").mkdir(parents=True)
    (build.staging / "v" / "2" / "index.html").write_text("two", encoding="utf-8")
    assert build.publish(kept=["v/1/index.html"], previous=["index.html", "v/1/index.html"]) == [
        "index.html", "v/1/index.html", "v/2/index.html"]
    assert not (away / "made-by-the-lock").exists()
    assert (away / "victim.txt").read_text(encoding="utf-8") == "keep me"
    assert files_under(site) == ["index.html", "v/1/index.html", "v/2/index.html"]


def test_a_planted_parse_cache_entry_never_reaches_the_roster(tmp_path: Path) -> None:
    """Issue 21 row 6: a cache entry keyed by the digest of advisors.yaml's real bytes, holding a tree
    with another phone, was published, and validate said nothing."""
    data, cache = copy_roster(tmp_path), tmp_path / ".cache"
    raw = (data / "advisors.yaml").read_bytes()
    poisoned, problems = parse_yaml(raw.replace(b"'15805350004'", b"'13999999999'"), "advisors.yaml")
    assert poisoned is not None and not problems
    planted = ParseCache(cache).path
    assert planted is not None
    planted.parent.mkdir(parents=True)
    planted.write_bytes(forged_seal({hashlib.sha256(raw).hexdigest(): encode(poisoned)}))
    roster = read_roster(data, cache).roster
    assert roster.advisor["A0004"].phone == "15805350004"


def planted_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose checkout carries state files and links as a hostile pull request would commit them."""
    folder = project(tmp_path / "p", SMALL)
    away = outside(tmp_path)
    cache = folder / ".cache"
    cache.mkdir()
    other = "https://evil.example/v/371502102001/"
    packed_other = "".join(qr_lines(other))
    size = len(qr_lines(other))
    entry = f"{size}:{int(packed_other, 2):0{-(-len(packed_other) // 4)}x}:{__import__('zlib').crc32(packed_other.encode()):08x}"
    (cache / f"qr-1-M-q4-qrcode{version('qrcode')}.json").write_text(json.dumps({URL: entry}), encoding="utf-8")
    raw = (folder / "data" / "advisors.yaml").read_bytes()
    poisoned, _ = parse_yaml(raw.replace(b"'15805350004'", b"'13999999999'"), "advisors.yaml")
    parse_cache = ParseCache(cache).path
    assert parse_cache is not None
    parse_cache.write_bytes(forged_seal({hashlib.sha256(raw).hexdigest(): encode(poisoned)}))
    (folder / ".site.journal").write_text(json.dumps({"staging": str(away), "moves": ["secret.txt"],
                                                      "deletes": [str(away / "victim.txt")]}), encoding="utf-8")
    return folder, away


@pytest.mark.slow  # two real builds
def test_planted_state_changes_no_byte_of_the_site_and_nothing_outside_it(tmp_path: Path) -> None:
    """Issue 21 rows 1, 4 and 6 as CI meets them: the PR's checkout carries a journal, a QR cache entry
    (the right URL's text, another site's code) and a parse cache entry (a phone the YAML does not
    have). The build publishes exactly what a clean checkout builds, and touches nothing outside."""
    folder, away = planted_project(tmp_path)
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    assert (away / "victim.txt").read_text(encoding="utf-8") == "keep me"
    assert (away / "secret.txt").read_text(encoding="utf-8") == "SECRET-OUTSIDE"
    site = folder / "site"
    assert "13999999999" not in (site / "a" / "A0004" / "index.html").read_text(encoding="utf-8")
    sheet = (site / "print" / "371502102" / "index.html").read_text(encoding="utf-8")
    from generator.printing.qr import qr_svg

    assert re.search(r'd="([^"]+)"', str(qr_svg(URL, "x"))).group(1) in sheet  # type: ignore[union-attr]
    clean = project(tmp_path / "clean", SMALL)
    assert mkdocs_build(clean).returncode == 0
    assert tree_digest(site) == tree_digest(clean / "site")


@pytest.mark.slow  # Chromium
def test_the_print_shop_pdf_never_takes_a_planted_qr_code(tmp_path: Path) -> None:
    """Issue 21 row 4: the PR job prints reprint.pdf with `cards`, which read .cache/ beside data/."""
    from tests.helpers.raster import decode_qr, rasterize

    folder, _ = planted_project(tmp_path)
    (tmp_path / "reprint.txt").write_text("371502102001\n", encoding="utf-8")
    pdf = tmp_path / "reprint.pdf"
    r = subprocess.run([sys.executable, "-m", "generator", "cards", "--villages", str(tmp_path / "reprint.txt"),
                        "-o", str(pdf), "--data", "data"], capture_output=True, text=True, cwd=folder)
    assert r.returncode == 0, r.stderr
    rasterize(pdf, 1, 150, tmp_path)
    assert decode_qr(tmp_path / "p1.pgm") == [URL]


def unshare_works() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-Urm", "true"], capture_output=True).returncode == 0


needs_namespaces = pytest.mark.skipif(not unshare_works(), reason="needs user and mount namespaces (unshare -Urm)")


def in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` (sh) in a user and mount namespace of its own: it may mount a small or read-only
    file system where it likes, seen by nothing else on the machine."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(["unshare", "-Urm", "sh", "-ec", script], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.slow  # real builds
def test_an_unwritable_cache_costs_time_never_the_build(tmp_path: Path) -> None:
    """Issue 21 row 11: a cache folder that cannot be written (here: a file in its place) failed the
    build with a traceback; the README says losing it only costs time."""
    folder = project(tmp_path / "p", SMALL)
    (folder / ".cache").write_text("not a folder", encoding="utf-8")
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and (folder / "site" / "index.html").exists()
    assert ".cache" in r.stderr  # a warning says what could not be kept
    clean = project(tmp_path / "clean", SMALL)
    assert mkdocs_build(clean).returncode == 0
    assert tree_digest(folder / "site") == tree_digest(clean / "site")


@pytest.mark.slow  # real builds in a namespace
@needs_namespaces
def test_a_read_only_cache_costs_time_never_the_build(tmp_path: Path) -> None:
    folder = project(tmp_path / "p", SMALL)
    (folder / ".cache").mkdir()
    r = in_namespace(f"mount --bind {folder / '.cache'} {folder / '.cache'}; "
                     f"mount -o remount,bind,ro {folder / '.cache'}; {sys.executable} -m mkdocs build -q", folder)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and (folder / "site" / "index.html").exists()


@pytest.mark.slow  # real builds in a namespace
@needs_namespaces
@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_an_output_folder_that_cannot_take_the_site_is_one_line(tmp_path: Path, fault: str) -> None:
    """Issue 21 row 11: a read-only output folder or a full disk gave a traceback; now one line that
    says what and where, exit 1, and the site published before is left as it was."""
    folder = project(tmp_path / "p", SMALL)
    out = folder / "out"
    out.mkdir()
    publish(out / "site", {"index.html": "the published site"})
    mount = (f"mount --bind {out} {out}; mount -o remount,bind,ro {out}" if fault == "read-only" else
             f"cp -a {out} {tmp_path / 'copy'}; mount -t tmpfs -o size=600k tmpfs {out}; cp -a {tmp_path / 'copy'}/. {out}/")
    r = in_namespace(f"{mount}; rc=0; {sys.executable} -m mkdocs build -q -d {out / 'site'} || rc=$?; "
                     f"cat {out / 'site' / 'index.html'} > {tmp_path / 'after.html'}; exit $rc", folder)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, r.stderr
    assert str(out) in errors[0] and ("read-only" in errors[0] or "no space" in errors[0]), errors[0]
    assert (tmp_path / "after.html").read_text(encoding="utf-8") == "the published site"


def _plant(folder: Path, away: Path, shape: str) -> None:
    """The fresh hostile set of issue 21: state files and links of shapes the first tests did not use."""
    site = (folder / "site").resolve()
    match shape:
        case "staging is a link out":
            (folder / ".site.staging").symlink_to(away, target_is_directory=True)
        case "journal is a link to a folder out":
            (folder / ".site.journal").symlink_to(away, target_is_directory=True)
        case "lock is a folder":
            (folder / ".site.lock").mkdir()
            (folder / ".site.lock" / "x").write_text("x", encoding="utf-8")
        case "cache is a link out":
            (folder / ".cache").symlink_to(away, target_is_directory=True)
        case "old site is a link out":
            (folder / ".site.old").symlink_to(away, target_is_directory=True)
        case "forged manifest":
            (folder / ".site.manifest").write_bytes(forged_seal(
                {"version": 4, "site": str(site), "tasks": {}, "others": ["../outside/victim.txt", "index.html"]}))
        case "forged journal over a planted staging folder":
            (folder / ".site.staging" / "evil").mkdir(parents=True)
            (folder / ".site.staging" / "evil" / "index.html").write_text("EVIL", encoding="utf-8")
            (folder / ".site.journal").write_bytes(forged_seal({"site": str(site), "moves": ["evil/index.html"], "deletes": []}))
        case "a planted site with a link out":
            (folder / "site" / "evil").mkdir(parents=True)
            (folder / "site" / "evil" / "index.html").write_text("EVIL", encoding="utf-8")
            (folder / "site" / "v").symlink_to(away, target_is_directory=True)


SHAPES = ["staging is a link out", "journal is a link to a folder out", "lock is a folder", "cache is a link out",
          "old site is a link out", "forged manifest", "forged journal over a planted staging folder",
          "a planted site with a link out"]


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = project(tmp_path_factory.mktemp("clean"), SMALL)
    assert mkdocs_build(folder).returncode == 0
    return tree_digest(folder / "site")


@pytest.mark.slow  # two real builds each
@pytest.mark.parametrize("shape", SHAPES)
def test_no_shape_of_planted_state_changes_the_site_or_anything_outside(tmp_path: Path, shape: str,
                                                                      clean_site: dict[str, str]) -> None:
    folder = project(tmp_path / "p", SMALL)
    away = outside(tmp_path)
    before = tree_digest(away)
    _plant(folder, away, shape)
    for build in ("first", "again"):
        r = mkdocs_build(folder)
        assert r.returncode == 0, (build, r.stderr)
        assert tree_digest(away) == before, build
        assert tree_digest(folder / "site") == clean_site, build


def test_a_fault_the_user_can_act_on_is_one_line_and_a_bug_is_not() -> None:
    import errno

    from generator.build.output import OutputBusy
    from generator.build.session import user_fault

    assert user_fault(OSError(errno.EACCES, "Permission denied", "/srv/www/site")) == (
        "cannot write /srv/www/site: permission denied; check the folder's owner and permissions, or build into "
        "another (mkdocs build -d FOLDER)")
    copied = OSError(errno.ENOSPC, "No space left on device", "/usr/lib/x.js", None, "/srv/.site.staging/x.js")
    assert user_fault(copied) == ("cannot write /srv/.site.staging/x.js: no space left on device; free some space (a "
                                  "build writes the new site beside the old one) and build again")
    assert user_fault(OutputBusy("another build has been writing site")) == "another build has been writing site"
    assert user_fault(ValueError("a bug")) is None and user_fault(OSError(errno.EBADF, "Bad file descriptor")) is None


def test_a_record_of_the_site_that_cannot_be_written_leaves_none_behind(tmp_path: Path) -> None:
    """An older record would list the site as it was: files added since would never be deleted."""
    from generator.build.output import manifest_path
    from generator.build.reuse import Reuse

    site = publish(tmp_path / "site", {"index.html": "home"})
    Reuse(site).commit(["index.html"])
    assert Reuse(site)._load()[1] == ["index.html"]
    manifest_path(site).unlink()
    manifest_path(site).mkdir()  # a folder in its place: the record cannot be written
    (manifest_path(site) / "x").write_text("x", encoding="utf-8")
    Reuse(site).commit(["index.html", "v/1/index.html"])
    assert not manifest_path(site).exists() and Reuse(site)._load() == ({}, None)
