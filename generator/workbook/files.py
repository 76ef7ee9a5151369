"""Roster files as import writes them: named by codes, only inside the output folder, all or none.

A township's file is ``regions/<unit id>-<unit name>/<township code>-<township name>.yaml``, the
sample's layout, where a name follows its code only when it is safe in a file name on any system
(no path separator, control character or ``:*?"<>|``, no leading or trailing dot or space, at
most 64 characters); otherwise the code alone names it (``regions/371502/371502001.yaml``). A
name never decides where a file goes: the code before it does, and a code is checked first.

Nothing is written outside the output folder: every path is the folder joined with a checked
relative path, and a symbolic link on the way (a folder or a file inside the output that is a
link) is refused before anything is read or written through it. Writing is all or none: every
changed file is first written beside its target under a temporary name; only when all are
written are they renamed into place (a rename needs no space), then the files no longer in the
workbook are removed. A full disk or a read-only folder stops the import with the roster as it
was, in one line that says why and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import UserError
from generator.core.i18n import _
from generator.core.schema import REGIONS_DIR
from generator.roster.load import display_path

#: A name that may follow its code in a file name.
_SAFE_NAME = re.compile(r'[^\x00-\x1f\x7f-\x9f/\\:*?"<>|\u2028\u2029]{1,64}')
#: A key (code or id) that may name a file: what the validator lets a code or id be.
_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The separators that would put part of a name in another folder.
PATH_SEPARATORS = ("/", "\\")


class OutputError(UserError):
    """The output folder cannot take the roster: one line, with the fix."""


@dataclass
class Written:
    """What writing did, as paths the user reads."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def file_name(key: str, name: str) -> str:
    """``key-name`` when the name is safe in a file name, else ``key`` alone (``_`` for a key
    that cannot name a file: the validator refuses it, so nothing is written under it)."""
    head = key if _SAFE_KEY.fullmatch(key) else "_"
    safe = _SAFE_NAME.fullmatch(name) and name == name.strip(" .")
    return f"{head}-{name}" if safe else head


def township_path(unit: str, unit_name: str, code: str, name: str) -> str:
    """The relative path of a township's file."""
    return f"{REGIONS_DIR}/{file_name(unit, unit_name)}/{file_name(code, name)}.yaml"


def _checked(out: Path, rel: str) -> Path:
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts) or rel.startswith("/"):
        raise OutputError(_("refused to write '{path}': not a path inside the output folder").format(path=rel))
    return out.joinpath(*parts)


def _links(out: Path, rels: Iterable[str]) -> None:
    """Refuse any symbolic link between ``out`` and the files ``rels`` (the files included)."""
    seen: set[Path] = set()
    for rel in rels:
        path = out
        for part in rel.split("/"):
            path = path / part
            if path in seen:
                continue
            seen.add(path)
            if path.is_symlink():
                raise OutputError(_(
                    "{path} is a symbolic link; import writes only real files and folders inside the output folder, "
                    "never through a link: replace the link by the folder or file itself, or import into another "
                    "folder (--data)").format(path=display_path(path)))


def check_output(out: Path, rels: Iterable[str]) -> dict[str, Path]:
    """The files ``rels`` as paths inside ``out``, after refusing a path that leaves it or a link
    on the way to one: what is read or written there afterwards stays inside ``out``."""
    paths = {rel: _checked(out, rel) for rel in rels}
    if out.is_symlink() and not out.resolve().is_dir():
        raise OutputError(_("{path} is a link to no folder; import into a folder (--data)").format(path=display_path(out)))
    if out.exists() and not out.is_dir():
        raise OutputError(_("{path} is a file, not a folder; import into a folder (--data)").format(path=display_path(out)))
    _links(out, paths)
    return paths


def _failed(path: Path, exc: OSError) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = _("free some space on that disk (or import into another folder with --data) and import again")
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        fix = _("make the folder writable (or import into another folder with --data) and import again")
    else:
        fix = _("check the folder and import again")
    return OutputError(_("cannot write {path}: {reason}; {fix}. Nothing was changed.").format(
        path=display_path(path), reason=exc.strerror or exc, fix=fix))


def _stale(out: Path, keep: set[Path], optional: Iterable[str]) -> list[Path]:
    """Township files under ``out`` that the workbook no longer has (links are not followed)."""
    stale = []
    regions = out / REGIONS_DIR
    if regions.is_dir() and not regions.is_symlink():
        for folder, _dirs, names in os.walk(regions):
            for name in sorted(names):
                path = Path(folder) / name
                if path.suffix in (".yaml", ".yml") and path not in keep:
                    stale.append(path)
    stale += [out / name for name in optional if (out / name).is_file() and out / name not in keep]
    return sorted(stale)


def write_roster(out: Path, texts: dict[str, str], same: Callable[[str, Path], bool], optional: Iterable[str]) -> Written:
    """Write ``texts`` (relative path → content) into ``out``, skipping a file ``same`` says is
    unchanged, and remove township files and ``optional`` files that ``texts`` does not have."""
    paths = check_output(out, texts)
    done = Written()
    changed = []
    for rel in sorted(texts):
        path = paths[rel]
        if path.is_file() and same(rel, path):
            done.unchanged += 1
        else:
            changed.append(rel)
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    at = out
    try:
        at = _make_folder(out, made)
        for rel in changed:
            target = paths[rel]
            at = _make_folder(target.parent, made)
            at = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fd = os.open(at, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
            staged.append((at, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(texts[rel])
    except OSError as exc:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise _failed(at, exc) from None
    for tmp, target in staged:
        os.replace(tmp, target)
        done.written.append(display_path(target))
    stale = _stale(out, set(paths.values()), optional)
    try:
        for path in stale:
            path.unlink()
            done.removed.append(display_path(path))
        for folder in sorted({p.parent for p in stale}, key=lambda p: len(p.parts), reverse=True):
            if folder != out and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    except OSError as exc:
        raise OutputError(_("cannot remove {path}: {reason}; the new files are written, remove it by hand").format(
            path=display_path(path), reason=exc.strerror or exc)) from None
    return done


def _make_folder(folder: Path, made: list[Path]) -> Path:
    """Make ``folder`` and its missing parents, noting each one made; the folder."""
    missing = []
    path = folder
    while not path.is_dir() and path.parent != path:
        missing.append(path)
        path = path.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)
    return folder
