"""Rendering data pages in parallel: one process per core, each rendering whole tasks.

A task is a piece of the site that renders on its own (:func:`generator.site.pages.page_tasks`): a
township with its villages and print sheets, a batch of advisors, the unit pages. Pages are
independent, so the output does not depend on how tasks are split among workers.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from generator.changes.history import History
from generator.core.model import Roster
from generator.printing import cards
from generator.site.opendata import Edition
from generator.site.pages import Assets, Site, environment

from . import fork
from .output import write_files

#: One piece of the site to render: ``(kind, key)``, as :meth:`pages.Site.pages_for` takes it.
Task = tuple[str, str]


@dataclass(frozen=True)
class RenderInputs:
    """What every data page of one render reads besides its task: the roster, the data-page
    templates' folder, the theme's assets, the site's name and the git history (None: not read)."""

    roster: Roster
    templates: Path
    assets: Assets
    site_name: str
    history: History | None = None
    edition: Edition | None = None  # the roster's version and date, which the open data names


#: Renders the data pages of a roster into a site folder and returns how many there are, calling the
#: third argument once, in this process, while other processes work (:func:`render_tasks`: its workers;
#: the reuse: its plan's). The preview passes one that re-renders only what changed since the last rebuild.
Renderer = Callable[[RenderInputs, Path, Callable[[], object]], int]

# per worker process, set once by _start_worker: the site, the output folder and the published folder
# whose identical files are not written again
_worker: tuple[Site, Path, Path | None] | None = None


def _start_worker(inputs: RenderInputs, out: Path, published: Path | None, parent: int | None = None) -> None:
    global _worker
    if parent is not None:
        fork.die_with_parent(parent)
    site = Site(inputs.roster, environment(inputs.templates), inputs.assets, inputs.site_name, inputs.history,
                inputs.edition)
    _worker = (site, out, published)


def _print_pages(site: Site, task: Task) -> Iterator[tuple[str, str]]:
    """The print sheets that go with a render task: a township's with its pages, the backs with the units'."""
    kind, key = task
    if kind == "counties":
        yield from cards.backs_sheets(site)
    elif kind == "township":
        yield cards.township_sheets(site, site.roster.township[key])


def _render(task: Task) -> tuple[list[str], list[str]]:
    """Render one task; return the paths of its files and the SHA-256 of each."""
    assert _worker is not None
    site, out, published = _worker
    files = [(path, content.encode("utf-8") if isinstance(content, str) else content)
             for path, content in chain(site.pages_for(task), _print_pages(site, task))]
    write_files(out, files, unless_in=published)
    return [path for path, _ in files], [hashlib.sha256(data).hexdigest() for _, data in files]


def render_tasks(inputs: RenderInputs, tasks: list[Task], out: Path, *, workers: int | None = None,
                 published: Path | None = None,
                 hashes: dict[str, str] | None = None, meanwhile: Callable[[], object] | None = None) -> list[list[str]]:
    """Render ``tasks`` into ``out``; return the paths of each task's files, in task order.

    With ``published``, a file whose bytes that folder already has is
    not written to ``out`` (output.write_files). ``hashes``, when given, receives each file's SHA-256
    (hex), by path. ``meanwhile`` is called once, in this process, while the workers render (before
    rendering, where there are none).
    """
    results = _render_all(tasks, (inputs, out, published), workers, meanwhile or (lambda: None))
    if hashes is not None:
        for paths, shas in results:
            hashes.update(zip(paths, shas))
    return [paths for paths, _ in results]


def _render_all(tasks: list[Task], args: tuple[RenderInputs, Path, Path | None], workers: int | None,
                meanwhile: Callable[[], object]) -> list[tuple[list[str], list[str]]]:
    # where forking is unsafe, render in-process
    workers = workers or (min(4, os.cpu_count() or 1) if fork.can_fork() else 1)
    if workers == 1 or len(tasks) < 2:
        meanwhile()
        _start_worker(*args)
        return list(map(_render, tasks))
    # many small tasks (the preview renders advisors one by one) go to workers in chunks
    chunk = max(1, len(tasks) // (workers * 16))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(*args, os.getpid())) as pool:
        try:
            results = pool.map(_render, tasks, chunksize=chunk)  # submits every task: the workers are forked now
            meanwhile()
            return list(results)
        except BaseException:  # failed or interrupted: render no more, and leave no worker writing into `out`
            pool.shutdown(wait=True, cancel_futures=True)
            raise
