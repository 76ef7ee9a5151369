"""Commit subjects of at most 72 characters, with the why in the body.

    python3 scripts/commit_subject.py .git/COMMIT_EDITMSG   # pre-commit's commit-msg hook
    python3 scripts/commit_subject.py --since REV           # every commit after REV (the tests)

Characters, not bytes: a Chinese subject of 30 characters is 90 bytes and fine. Lines git
strips (comments, the scissors line and below) are not the message. Exit 1 and one line per
subject that is too long or missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MAX_SUBJECT = 72


def subject(message: str) -> str:
    """The first line git keeps of ``message``: comments and the scissors' cut are not part of it."""
    for line in message.split("# ------------------------ >8 ------------------------", 1)[0].splitlines():
        if line.strip() and not line.startswith("#"):
            return line.rstrip()
    return ""


def problem(message: str) -> str | None:
    """What is wrong with the subject of ``message``, or None."""
    first = subject(message)
    if not first:
        return "expected a subject line, found none"
    if len(first) > MAX_SUBJECT:
        return (f"expected a subject of at most {MAX_SUBJECT} characters, found {len(first)}: "
                f"{first[:40]}…; say the what in the subject and the why in the body")
    return None


def subjects_since(rev: str) -> list[tuple[str, str]]:
    """``(short hash, subject)`` of each commit reachable from HEAD and not from ``rev``."""
    out = subprocess.run(["git", "log", "--format=%h%x00%s", f"{rev}..HEAD"], capture_output=True, text=True,
                         check=True).stdout
    return [(h, s) for h, s in (line.split("\0", 1) for line in out.splitlines())]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--since"] and len(argv) == 2:
        found = [f"{h}: {p}" for h, s in subjects_since(argv[1]) if (p := problem(s))]
    elif len(argv) == 1:
        found = [f"{argv[0]}: {p}" for p in [problem(Path(argv[0]).read_text(encoding="utf-8"))] if p]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
