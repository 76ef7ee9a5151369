"""Writing the output folder: exclusively, all or nothing, and deterministically.

A build takes an exclusive lock beside the target (``.site.lock``) and writes into a staging
folder beside it; nothing touches the published site until everything succeeded, so a failed
build never leaves a half-written site, and two builds into the same folder never interleave
(the second waits for the first). Then one of two ways in:

- **The whole site** (a first build, or one that knows nothing of the published site): the
  staging folder is swapped in with one atomic exchange, and the old tree removed.
- **Only what changed** (a rebuild that knows which published files it keeps, see reuse.py):
  the staging folder holds just the new and rendered files. Those whose bytes are already
  published are dropped (the published file keeps its mtime); the others are renamed into
  place one by one, and files the new site no longer has are deleted. A province's site has
  over 100,000 folders: building, linking and removing a whole tree each time took minutes,
  this takes well under a second. The plan is written first to a journal beside the target
  (``.site.journal``): a build killed while applying it is finished by the next build, before
  anything else, so the site is never left between two versions for longer than one apply.

Everything beside the target is the build's own state, and a checkout may hold anything there (a
pull request can commit a journal, or a link in the place of the lock). So the journal is sealed
(store.py: only a build on this machine can have written it) and names the site it was written for;
its paths are relative and inside the site, and its files come only from the staging folder, through
no link; the lock and every file the build writes beside the target are opened without following a
link. A journal that is not this machine's is not applied.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import gzip
import logging
import os
import shutil
import stat
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import UserError
from generator.core.i18n import _
from generator.core.store import read_sealed, write_sealed

log = logging.getLogger(__name__)

#: How long a second build waits for the first before giving up with a message.
LOCK_WAIT_SECONDS = 15 * 60


class OutputBusy(UserError):
    """Another build held the output folder's lock for longer than we waited."""


def staging_dir(target: Path) -> Path:
    """The sibling folder a build of ``target`` writes into before the swap."""
    return target.with_name(f".{target.name}.staging")


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def journal_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.journal")


def manifest_path(target: Path) -> Path:
    """Where a rebuild's record of the published site is kept (reuse.py): beside it, with its lock."""
    return target.with_name(f".{target.name}.manifest")


def clear(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the system or file system cannot (not Linux, an old kernel, a file
    system without the flag); the caller then falls back to two renames.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging``; the old tree is removed only after the swap.

    With an existing target, one atomic exchange puts the new site in place and the old one
    at ``staging``: at no moment is there no site. Where exchange is impossible, the fallback
    renames the old site aside and the new one in: a crash between the two renames leaves
    the old site whole at ``.<name>.old``.
    """
    if target.is_dir() and not target.is_symlink() and exchange(staging, target):
        clear(staging)  # now the old site
        return
    old = target.with_name(f".{target.name}.old")
    clear(old)
    if target.exists() or target.is_symlink():
        os.replace(target, old)
    os.replace(staging, target)
    clear(old)


def _same_bytes(a: str, b: str) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            chunk = fa.read(1 << 16)
            if chunk != fb.read(1 << 16):
                return False
            if not chunk:
                return True


def keep_unchanged(staging: Path, target: Path) -> int:
    """Where a new file has the same bytes as the published one, keep the published file (a hard
    link in its place): its mtime stays, so rsync or an object-storage sync moves only what
    changed. Returns how many files were kept. Both folders are siblings, on one file system."""
    if not target.is_dir() or target.is_symlink():
        return 0
    kept = 0
    for folder, _dirs, names in os.walk(staging):
        rel = os.path.relpath(folder, staging)
        for name in names:
            new, old = os.path.join(folder, name), os.path.join(target, rel, name)
            try:
                st_old, st_new = os.lstat(old), os.lstat(new)
            except FileNotFoundError:
                continue
            if (st_old.st_ino, st_old.st_dev) == (st_new.st_ino, st_new.st_dev):
                kept += 1  # linked from the published site by the build (reuse.py): the same file
                continue
            if _published_as(Path(new), Path(old)):
                kept_name = new + ".kept"
                os.link(old, kept_name)
                os.replace(kept_name, new)
                kept += 1
    return kept


@dataclass
class Publication:
    """One build's exclusive right to ``target``: hold it from staging to swap.

    ``begin`` takes the lock and prepares an empty staging folder; ``publish`` swaps it in,
    ``abandon`` throws it away; both release the lock. The lock is an ``flock`` on a file
    beside the target, so the kernel releases it when the process dies, however it dies.
    """

    target: Path
    staging: Path
    fd: int | None

    @classmethod
    def begin(cls, target: Path, wait: float = LOCK_WAIT_SECONDS) -> Publication:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(lock_path(target))
        try:
            _lock(fd, target, wait)
            apply_journal(target)  # a build killed while writing into the site: finish its work first
        except BaseException:
            os.close(fd)
            raise
        staging = staging_dir(target)
        clear(staging)  # left by a build that was killed
        staging.mkdir()
        return cls(target, staging, fd)

    def publish(self, kept: Collection[str] | None = None, previous: Collection[str] | None = None) -> list[str]:
        """Put the staged site in place; return every file of the site now published (paths
        relative to it, sorted).

        With ``kept`` (published files the new site keeps as they are; they are not staged) and
        ``previous`` (every file of the published site), only what changed is written; without,
        the staging folder replaces the whole site.
        """
        try:
            staged = files_under(self.staging)
            if kept is None or previous is None or not self.target.is_dir() or self.target.is_symlink():
                keep_unchanged(self.staging, self.target)
                swap_in(self.staging, self.target)
                return staged
            site = set(staged) | set(kept)
            moves = [rel for rel in staged if not _published_as(self.staging / rel, self.target / rel)]
            write_journal(self.target, moves, sorted(set(previous) - site))
            apply_journal(self.target)
            return sorted(site)
        finally:
            self.release()

    def abandon(self) -> None:
        if self.fd is None:  # published or abandoned already: the staging folder may be another build's now
            return
        try:
            clear(self.staging)
        finally:
            self.release()

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None


def _open_lock(path: Path) -> int:
    """The lock file, made if need be. A link or a folder in its place is not a lock any build of ours
    made (a checkout can hold one): it is removed, never followed."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EISDIR):
            raise
    clear(path)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_EXCL, 0o644)


def _lock(fd: int, target: Path, wait: float) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    log.warning(_("another build is writing {path}; waiting for it to finish (up to {minutes:.0f} minutes)").format(
        path=target, minutes=wait / 60))
    deadline = time.monotonic() + wait
    while True:
        time.sleep(0.2)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise OutputBusy(_(
                    "another build has been writing {path} for over {minutes:.0f} minutes (lock {lock}); "
                    "wait for it or stop it, then build again").format(path=target, minutes=wait / 60, lock=lock_path(target).name)
                ) from None


def files_under(root: Path) -> list[str]:
    """Every file under ``root``, as sorted paths relative to it."""
    found = []
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        found += [name if rel == "." else f"{rel}/{name}" for name in names]
    return sorted(found)


def _published_as(new: Path, old: Path) -> bool:
    """Whether ``old`` is a file with exactly ``new``'s bytes."""
    try:
        if not old.is_file() or old.is_symlink() or old.stat().st_size != new.stat().st_size:
            return False
    except OSError:
        return False
    return _same_bytes(str(old), str(new))


def write_journal(target: Path, moves: list[str], deletes: list[str]) -> None:
    """The plan of a rebuild (:meth:`Publication.publish`): the staged files to rename into ``target``
    and the published files to delete, sealed, on disk before anything of it is done."""
    write_sealed(journal_path(target), {"site": str(target.resolve()), "moves": moves, "deletes": deletes},
                 durable=True)


def _plan(target: Path) -> tuple[list[str], list[str]] | None:
    """The moves and deletes of the journal beside ``target``, if a build of this site on this machine
    wrote it; else None (and a journal that is not ours is removed, unread)."""
    journal = journal_path(target)
    if not os.path.lexists(journal):
        return None
    plan = read_sealed(journal)
    moves, deletes = (plan.get("moves"), plan.get("deletes")) if isinstance(plan, dict) else (None, None)
    if (not isinstance(plan, dict) or plan.get("site") != str(target.resolve()) or not isinstance(moves, list)
            or not isinstance(deletes, list) or not all(map(_inside, moves + deletes))):
        # damaged, or not written by a build of this site on this machine
        log.warning(_("ignored {journal}: not a plan this machine's builds wrote for {site}").format(
            journal=journal, site=target))
        clear(journal)
        return None
    return moves, deletes


def _inside(rel: object) -> bool:
    """Whether ``rel`` is a relative path of names (no '..', '.', empty part or NUL): inside any folder."""
    return (isinstance(rel, str) and rel != "" and "\0" not in rel
            and all(part not in ("", ".", "..") for part in rel.split("/")))


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _real_folders(root: Path, rel: Path, checked: dict[Path, bool]) -> bool:
    """Whether every folder from ``root`` down to ``root / rel`` is a folder, none a link (memoized in
    ``checked``, as a journal's paths share their folders)."""
    folder = root / rel
    if folder not in checked:
        checked[folder] = folder == root or (_is_folder(folder) and _real_folders(root, rel.parent, checked))
    return checked[folder]


def apply_journal(target: Path) -> None:
    """Carry out the plan of :meth:`Publication.publish` written beside ``target``, if any: rename
    each staged file into place, delete what the new site no longer has (and folders left empty),
    then remove the journal. Each step can be done twice: a build killed half-way is finished
    by the next one. Only regular files of the staging folder move, and nothing is deleted or
    written through a link."""
    plan = _plan(target)
    if plan is None:
        return
    moves, deletes = plan
    staging = staging_dir(target)
    made: set[Path] = set()
    sources: dict[Path, bool] = {staging: _is_folder(staging)}  # a link there is no staging folder of ours
    for rel in moves:
        source, dest = staging / rel, target / rel
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode) or not _real_folders(staging, Path(rel).parent, sources):
                continue
        except OSError:
            continue  # moved by the build that was killed
        if dest.parent not in made:
            for parent in reversed(dest.relative_to(target).parents[:-1]):
                folder = target / parent
                if not folder.is_dir() or folder.is_symlink():
                    clear(folder)  # a file (or a link) where the new site has a folder
                    folder.mkdir()
            made.add(dest.parent)
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)  # a folder where the new site has a file
        os.replace(source, dest)
    emptied: set[Path] = set()
    folders: dict[Path, bool] = {}
    for rel in deletes:
        path = target / rel
        if not _real_folders(target, Path(rel).parent, folders):
            continue  # gone, or its folder is a file (or a link) now
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            continue
        emptied.add(path.parent)
    for folder in sorted(emptied, key=lambda f: -len(f.parts)):  # deepest first
        while folder != target and target in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty (or gone): its parents are not empty either
                break
            folder = folder.parent
    clear(staging)  # what is left there is already published
    journal_path(target).unlink()


def write_files(root: Path, files: Iterable[tuple[str, str | bytes]], unless_in: Path | None = None) -> int:
    """Write ``(relative path, content)`` pairs under ``root``; return the count.

    With ``unless_in`` (the published site), a file whose bytes are already there is not
    written: a rebuild stages only what changed, and makes no folder for the rest."""
    made: set[Path] = set()
    n = 0
    for rel, content in files:
        data = content.encode("utf-8") if isinstance(content, str) else content
        if unless_in is not None and _holds(unless_in / rel, data):
            continue
        path = root / rel
        parent = path.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        path.write_bytes(data)
        n += 1
    return n


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a file of exactly ``data``."""
    try:
        if os.stat(path).st_size != len(data) or path.is_symlink():
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def gzip_bytes(data: bytes) -> bytes:
    """gzip without a timestamp or file name, so equal input gives equal bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)
