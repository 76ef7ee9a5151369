"""Writing the output folder: atomically (all or nothing) and deterministically.

A build writes into a staging folder beside the target and swaps it in only when
everything succeeded, so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path
from typing import Iterable


def staging_dir(target: Path) -> Path:
    """The sibling folder a build of ``target`` writes into before the swap."""
    return target.with_name(f".{target.name}.staging")


def clear(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging``; the old tree is removed only after the swap."""
    old = target.with_name(f".{target.name}.old")
    clear(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    clear(old)


def write_files(root: Path, files: Iterable[tuple[str, str | bytes]]) -> int:
    """Write ``(relative path, content)`` pairs under ``root``; return the count."""
    made: set[Path] = set()
    n = 0
    for rel, content in files:
        path = root / rel
        parent = path.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        n += 1
    return n


def gzip_bytes(data: bytes) -> bytes:
    """gzip without a timestamp or file name, so equal input gives equal bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)
