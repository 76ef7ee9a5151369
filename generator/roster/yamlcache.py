"""Parsed roster files, kept between builds by the digest of their bytes.

A province's roster is about 1,900 files and 20 MB of YAML; parsing it (twice: once for its
shape, once for its values, see :func:`load.parse_yaml`) took a third of a one-township rebuild.
A file's parse depends only on its bytes and on the parser, so a build keeps each well-formed
file's tree in ``.cache/`` (the plugin's ``cache_dir``), named by the Python, PyYAML and format
versions, and the next build reads the trees of unchanged files back. Only files that parsed
without a problem, and only trees of plain values (text, numbers, yes/no, nothing), are kept;
anything else is parsed every time.

The file is :mod:`marshal` data (plain values only, no code, read by the interpreter in C) sealed
with this machine's state key (store.py): a damaged file, or one that did not come from a build on
this machine (committed to the repository, restored from another runner's cache), is ignored and
rewritten at the end of the build, so a tree is never taken from anywhere but a parse of the file's
own bytes. Entries of files no longer in the roster are dropped when the cache is written. A cache
that cannot be written costs the next build its parse, nothing else.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from generator.core.i18n import _
from generator.core.store import read_sealed, write_sealed

log = logging.getLogger(__name__)

#: Bump when the encoding below or the way files are parsed changes.
FORMAT = 1
_NAME = f"yaml-{FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-pyyaml{yaml.__version__}.marshal"
_PLAIN = (str, int, float, bool, type(None))

N = TypeVar("N")
#: Makes a node from (value, line, column, keys): :class:`load.Node`.
Make = Callable[[Any, int, int, "dict[str, tuple[int, int]] | None"], N]


def encode(node: Any) -> tuple[Any, ...] | None:
    """A parsed tree (nodes with ``value``, ``line``, ``column``, ``keys``) as plain tuples,
    lists and dicts; None when a scalar is of another type (a date, say)."""
    value = node.value
    if isinstance(value, list):
        items = [encode(n) for n in value]
        return None if any(i is None for i in items) else (items, node.line, node.column)
    if isinstance(value, dict):
        entries = {k: encode(n) for k, n in value.items()}
        if any(e is None for e in entries.values()):
            return None
        return (entries, node.line, node.column, node.keys)
    return (value, node.line, node.column) if type(value) in _PLAIN else None


def decode(data: tuple[Any, ...], make: Make[N]) -> N:
    """The tree :func:`encode` was given, made of ``make``'s nodes."""
    value = data[0]
    if isinstance(value, list):
        return make([decode(d, make) for d in value], data[1], data[2], None)
    if isinstance(value, dict):
        return make({k: decode(d, make) for k, d in value.items()}, data[1], data[2], data[3])
    return make(value, data[1], data[2], None)


class ParseCache:
    """Encoded trees by the SHA-256 of their file's bytes; a no-op without a folder."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / _NAME if folder is not None else None
        self._old: dict[str, Any] = self._read()
        self._used: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        data = read_sealed(self.path) if self.path is not None else None
        return data if isinstance(data, dict) else {}

    def get(self, raw: bytes) -> tuple[str, Any]:
        """The file's key, and its encoded tree when cached (else None)."""
        key = hashlib.sha256(raw).hexdigest()
        found = self._old.get(key)
        if found is not None:
            self._used[key] = found
        return key, found

    def put(self, key: str, tree: Any) -> None:
        """Keep ``tree`` (a parsed root node) for the file of ``key``, when it is plain values."""
        if self.path is not None and (encoded := encode(tree)) is not None:
            self._used[key] = encoded

    def save(self) -> None:
        """Write the trees this build used, when they differ from the file's."""
        if self.path is None or self._used.keys() == self._old.keys():
            return
        try:
            write_sealed(self.path, self._used)
        except OSError as exc:
            log.warning(_("cannot keep parsed roster files in {path} ({why}): the next build parses them "
                          "again").format(path=self.path.parent, why=exc.strerror or exc))

