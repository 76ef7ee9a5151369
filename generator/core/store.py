"""What a build keeps for the next one, sealed so that only a build on this machine can have made it,
and objects that live for the whole build.

A state file (the parse cache, the render manifest, the publication's journal) is :mod:`marshal`
bytes behind their HMAC-SHA256 under the state key (:func:`state_key`), a key kept outside every
checkout. A file committed to the repository, restored from another machine's cache, left by an
older version or damaged on disk does not carry this key's seal: it reads as missing, and the build
does its work afresh. So nothing in a checkout can stand for state: whoever can commit a file can
also compute a plain digest of it, but not the seal.

A leaf: it imports nothing from the generator.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import hmac
import logging
import marshal
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: The environment variable that gives the state key (CI: a repository secret, so that what one run
#: keeps is still sealed for the next run on another machine). Empty is unset.
KEY_VARIABLE = "ROSTER_STATE_KEY"
_SEAL = 32  # bytes of HMAC-SHA256


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


def state_key() -> bytes:
    """The key that seals state files: from ``$ROSTER_STATE_KEY`` when it is set, else this machine's
    (:func:`key_file`, made on first use). Where that file can be neither read nor made, a key of this
    process alone: what it keeps is then good for itself only, and the next build starts afresh
    (slower, never wrong)."""
    given = os.environ.get(KEY_VARIABLE, "")
    if given:
        return hashlib.sha256(given.encode("utf-8")).digest()
    return _machine_key(key_file())


def key_file() -> Path:
    """Where this machine's state key is kept: ``$XDG_STATE_HOME/roster-generator/state.key``
    (``~/.local/state/…``), outside every checkout."""
    home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(home) / "roster-generator" / "state.key"


@lru_cache(maxsize=4)
def _machine_key(path: Path) -> bytes:
    """The key in ``path``, made there if there is none yet; a key of this process where it cannot be
    (the cache keeps it, so that what this process seals it can read back)."""
    try:
        try:
            return _read_key(path)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, made = tempfile.mkstemp(dir=path.parent, prefix=".state.key.")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(secrets.token_bytes(_SEAL))
                os.link(made, path)  # whole or not at all; a build that made one first keeps its own
            except FileExistsError:
                pass
            finally:
                os.unlink(made)
            return _read_key(path)
    except OSError as exc:
        log.warning(f"cannot keep the build's state key in {path} ({exc.strerror or exc}): "
                    "what this build keeps is not reused by the next one (only slower)")
        return secrets.token_bytes(_SEAL)


def _read_key(path: Path) -> bytes:
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
        key = f.read(_SEAL + 1)
    if len(key) != _SEAL:
        raise OSError(errno.EINVAL, "not a state key", str(path))
    return key


def read_sealed(path: Path) -> Any:
    """What :func:`write_sealed` wrote to ``path``; None when the file is missing, damaged, a link, or
    not sealed with this machine's key.

    The values are many small containers that live on (a province's trees, a site's file list): they
    are made without the cyclic garbage collector scanning them as they grow (:func:`lasting_objects`)."""
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
            blob = f.read()
    except OSError:
        return None
    check, payload = blob[:_SEAL], blob[_SEAL:]
    if not hmac.compare_digest(check, _seal(payload)):
        return None
    try:
        with lasting_objects():
            return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


def write_sealed(path: Path, data: Any, durable: bool = False) -> None:
    """Write ``data`` (plain values: text, numbers, lists, dicts…) as :mod:`marshal` bytes behind their
    seal, atomically: a reader sees the old file or the new one, never a part. ``durable``: on disk
    before this returns (a journal must outlive a crash).

    Raises OSError when the folder cannot take it, or is a link (state is kept only where it was asked
    to be kept)."""
    payload = marshal.dumps(data)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink():
        raise OSError(errno.ELOOP, "a link where a folder of the build's state should be", str(folder))
    fd, made = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")  # a new file: never through a link
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_seal(payload) + payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(made, path)
    except BaseException:
        os.unlink(made)
        raise


def _seal(payload: bytes) -> bytes:
    return hmac.new(state_key(), payload, hashlib.sha256).digest()
