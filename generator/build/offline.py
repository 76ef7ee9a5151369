"""Offline after the first visit: the service worker (``sw.js`` at the site root) and its notice page.

A page opened once with signal opens again without it: the worker keeps every page, stylesheet,
script and the search index it has fetched (the plain Cache API, no framework), and a village's
``index.json``, and as it installs, the pages open in the browser (the first one a phone opens
comes before any worker); the open data under ``data/`` (megabytes of tables) goes to the network
only, and nothing else is fetched ahead but the notice page and the files given to
:func:`service_worker`. Pages and data are fetched from the network first, so a new deploy is seen
as soon as there is signal; the cache is the fallback, and a page never visited is answered by the
notice page (``offline/``). The cache's name holds a digest of the built site, so every deploy makes
a new worker, which takes over the pages the old caches saved and then deletes them; the same site
gives the same bytes.

The worker's script is ``sw.js`` beside this module, a template this module fills in; its strategy
has unit tests of its own in Node (tests/node/sw/), which StrykerJS mutates (tests/node/README.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from generator.core.urls import OFFLINE, OPEN_DATA, SERVICE_WORKER

from .output import files_under


def site_digest(site_dir: Path, skip: Iterable[str] = (), known: Mapping[str, str] | None = None) -> str:
    """A digest of every file of the built site (its path and bytes), but those in ``skip``.

    ``known`` gives files (paths from the site root) by the SHA-256 of their bytes (hex), as the
    render workers computed them: they are not read again, and need not be in ``site_dir``
    (reuse.py's files kept in the published site). The digest is the same either way.
    """
    left_out, known = set(skip), known or {}
    entries = {rel: bytes.fromhex(value) for rel, value in known.items() if rel not in left_out}
    for rel in files_under(site_dir):
        if rel not in left_out and rel not in entries:
            entries[rel] = hashlib.sha256((site_dir / rel).read_bytes()).digest()
    digest = hashlib.sha256()
    for rel in sorted(entries):
        digest.update(rel.encode("utf-8") + b"\0" + entries[rel])
    return digest.hexdigest()[:16]


def service_worker(site_dir: Path, precache: Iterable[str], known: Mapping[str, str] | None = None) -> tuple[str, bytes]:
    """``sw.js`` for the site built in ``site_dir`` (call it last: it digests every other file,
    see :func:`site_digest` for ``known``), keeping the notice page and ``precache`` (paths from
    the site root) from its install on."""
    version = site_digest(site_dir, skip=[SERVICE_WORKER], known=known)
    template = resources.files(__package__).joinpath("sw.js").read_text(encoding="utf-8")
    text = (template.replace("__VERSION__", version).replace("__OFFLINE__", OFFLINE).replace("__DATA__", OPEN_DATA)
            .replace("__PRECACHE__", json.dumps(sorted(set(precache)))))
    return SERVICE_WORKER, text.encode("utf-8")
