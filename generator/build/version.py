"""Which roster a build shows: a date and a reference, never the wall clock."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class RosterVersion:
    """Which roster the figures are of, for the printed report: a date and a reference."""

    date: str  # YYYY-MM-DD, UTC
    ref: str  # a git short hash, or "sha256:" and 8 hex digits of the roster's files
    source: str  # where the date came from: "SOURCE_DATE_EPOCH", "git" or "files"


def _git(data_dir: Path, *args: str) -> str | None:
    try:
        r = subprocess.run(["git", "-C", str(data_dir), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def roster_version(data_dir: Path | str) -> RosterVersion:
    """The roster's date and version, never the wall clock: the same roster gives the same bytes.

    The date is ``$SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds convention, for a
    CI that wants to pin it); else, when the roster folder is in git and has no uncommitted
    change, the date of the last commit that touched it; else the newest modification time of
    its files. The reference is that commit's short hash, or else a fingerprint of the files
    (paths and bytes), so an edited but uncommitted roster does not claim a commit it is not.
    Dates are UTC days.
    """
    folder = Path(data_dir)
    last = _git(folder, "log", "-1", "--format=%ct %h", "--", ".")
    clean = _git(folder, "status", "--porcelain", "--", ".") == ""
    if last and clean:
        seconds, ref, source = int(last.split()[0]), last.split()[1], "git"
    else:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts)
        digest = hashlib.sha256()
        for p in files:
            digest.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
        seconds = int(max((p.stat().st_mtime for p in files), default=0))
        ref, source = "sha256:" + digest.hexdigest()[:8], "files"
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        seconds, source = int(epoch), "SOURCE_DATE_EPOCH"
    return RosterVersion(datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d"), ref, source)
