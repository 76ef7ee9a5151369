"""What a build keeps for the next one, and objects that live for the whole build.

A leaf: it imports nothing from the generator.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def lasting_objects() -> Iterator[None]:
    """Make objects that live for the rest of the build (a parsed roster, its model) without the
    cyclic garbage collector, and set them aside from it (:func:`gc.freeze`).

    A province's roster is millions of objects. While they are made, the collector scans them all
    again each time they grow by a quarter: that took a third of reading the roster. Made without
    it, they are frozen so that later collections (and those in forked workers, which would touch,
    and so copy, every page of them) skip them. Refcounting still frees what is dropped; each use
    first unfreezes what the last one froze, so that a cycle dropped since (serve reads a roster per
    rebuild) is collected after all."""
    gc.unfreeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def read_sealed(path: Path) -> Any:
    """What :func:`write_sealed` wrote to ``path``; None when the file is missing, damaged or not ours.

    The values are many small containers that live on (a province's trees, a site's file list): they
    are made without the cyclic garbage collector scanning them as they grow (:func:`lasting_objects`)."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    check, payload = blob[:32], blob[32:]
    if hashlib.sha256(payload).digest() != check:
        return None
    try:
        with lasting_objects():
            return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


def write_sealed(path: Path, data: Any) -> None:
    """Write ``data`` (plain values: text, numbers, lists, dicts…) as :mod:`marshal` bytes behind their
    SHA-256, atomically: a reader sees the old file or the new one, never a part."""
    payload = marshal.dumps(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(hashlib.sha256(payload).digest() + payload)
    os.replace(tmp, path)
