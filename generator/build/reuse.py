"""Rebuilds that render only what changed: ``mkdocs build`` keeps unchanged render tasks' files
in the published site instead of rendering them again.

A province's site has about 100,000 data pages; rendering them all again after one township file
changed took minutes. So each build remembers, beside the site (``.site.manifest``, with its lock and
journal: output.py), a digest of what
each render task read from the roster (the same inputs the live preview compares,
:func:`preview.task_inputs`, plus the programme, site name, theme assets and data templates every
page reads, and the git dates a task's pages show), the files the task wrote, each with its inode,
size and mtime as published, and the site's other files. The next build keeps a task's files where
they are (nothing is read, written or linked) when its digest is the same and every file is still
the very file that was published (same inode, size and mtime); anything else is rendered into the
staging folder, and :meth:`output.Publication.publish` writes only what changed. The output is the
same bytes as a clean build's: a digest that differs only costs a render, and a file that changed
under us is never trusted. The plugin starts the digests and the checks of the published files in a
second process as soon as the roster is read (:meth:`Reuse.prepare`), so they are ready when the data
pages render: a province's took seconds.

The manifest also keeps each file's SHA-256 (the render workers compute it from the bytes they
write), so that the service worker's version (:func:`offline.site_digest`, a digest of every file's
bytes) is made without reading 200,000 published files again. It is sealed (store.py): a manifest a
checkout carries, or another machine's, is not this machine's and reads as none (everything renders
once). It lives with the site, not in the cache folder, because it must never be older than the site
it describes: a manifest that could not be written would leave the last one standing for a site that
has changed since (files it does not list would never be deleted), so then the last one is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from generator.changes.history import History
from generator.core.i18n import _
from generator.core.model import Roster
from generator.core.store import read_sealed, write_sealed
from generator.site.pages import page_tasks

from .fork import in_child
from .output import clear, manifest_path
from .preview import _templates, task_inputs
from .render import RenderInputs, Task, render_tasks

log = logging.getLogger(__name__)

VERSION = 4  # of the manifest's format (store.write_sealed: a province's 200,000 files read in a fraction of
# a second); another version is ignored (everything renders once)


def _digest(*parts: object) -> str:
    # pickle's bytes are a function of the values (frozen dataclasses, tuples, text): equal bytes
    # mean equal inputs; unequal bytes for equal values (shared objects pickle as references) only
    # cost a render
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


def task_digest(roster: Roster, task: Task, shared: str, history: History | None) -> str | None:
    """What ``task``'s pages read, as one digest; None for a task that is always rendered."""
    return _with_shared(shared, _task_inputs_digest(roster, task, history))


def _with_shared(shared: str, inner: str | None) -> str | None:
    """A task's digest from what every page reads (``shared``) and its own inputs' digest; None stays None."""
    return None if inner is None else _digest(shared, inner)


def _task_inputs_digest(roster: Roster, task: Task, history: History | None) -> str | None:
    """The digest of what ``task`` reads from the roster and its history (without what every page reads)."""
    kind, key = task
    if kind in ("retired", "data"):  # a handful of pages that read many townships; the open data, which
        return None  # names the roster's version: cheaper to make than to digest
    if kind == "advisors":  # the build renders advisors in batches; each reads what its page does
        inputs: tuple[object, ...] = tuple(task_inputs(roster, ("advisors", i)) for i in key.split(","))
    else:
        inputs = task_inputs(roster, task)
    dates: object = None
    if history is not None:
        if kind == "township":
            dates = tuple(history.village_dates.get(v.code) for v in roster.township[key].villages)
        elif kind == "counties":
            dates = (history.entries, history.note)  # the 最近更新 page renders with the unit pages
    return _digest(task, inputs, dates)


#: Each render task's :func:`_task_inputs_digest`, and the names of the tasks whose recorded files
#: are all still the very files published.
Plan = tuple[dict[Task, str | None], set[str]]


@dataclass
class Reuse:
    """A :data:`render.Renderer` for ``mkdocs build``: renders the tasks whose inputs changed and keeps
    the rest's files in ``published`` (:attr:`kept`); :meth:`commit` records the published files once
    the site is published."""

    published: Path  # the site folder as last published (its manifest is beside it: output.manifest_path)
    workers: int | None = None
    reused: int = 0  # tasks kept by the last render, for the log and the bench
    rendered: int = 0
    #: after :meth:`render`: the published files the new site keeps as they are (not staged)
    kept: list[str] = field(default_factory=list)
    #: after :meth:`render`: every file of the published site, when the manifest knows them (else None)
    previous: list[str] | None = None
    #: after :meth:`render`: the SHA-256 (hex) of each rendered or kept task file's bytes
    fingerprints: dict[str, str] = field(default_factory=dict)
    _pending: dict[str, tuple[str, list[str], list[list[object]] | None]] = field(default_factory=dict)
    _plan: tuple[tuple[Roster, History | None], Callable[[], Plan]] | None = None  # for what, and the wait
    _manifest: tuple[dict[str, object], list[str] | None] | None = None  # read by prepare, for render

    def _load(self) -> tuple[dict[str, object], list[str] | None]:
        """The manifest's tasks, and every file it says the published site has (None when unknown)."""
        data = read_sealed(manifest_path(self.published))
        if not isinstance(data, dict) or data.get("version") != VERSION or data.get("site") != str(self.published.resolve()):
            return {}, None
        tasks, others = data.get("tasks"), data.get("others")
        if not isinstance(tasks, dict) or not isinstance(others, list) or not self.published.is_dir():
            return {}, None
        files = [str(entry[0]) for record in tasks.values() if isinstance(record, dict)
                 for entry in record.get("files", ()) if isinstance(entry, list) and entry]
        return tasks, [*files, *map(str, others)]

    def _intact(self, record: object) -> bool:
        """Whether the task's recorded files are all still the very files published (same inode,
        size and mtime)."""
        files = record.get("files") if isinstance(record, dict) else None
        if not isinstance(files, list) or not files:
            return False
        base = str(self.published)  # plain strings: a province has 200,000 files to check
        for entry in files:
            try:
                path, ino, size, mtime, sha = entry
                st = os.lstat(f"{base}/{path}")
            except (OSError, ValueError, TypeError):
                return False
            if (st.st_ino, st.st_size, st.st_mtime_ns) != (ino, size, mtime) or not isinstance(path, str):
                return False
            if not isinstance(sha, str) or len(sha) != 64:
                return False
        return True

    def prepare(self, roster: Roster, history: History | None = None) -> None:
        """Start digesting ``roster``'s render tasks and checking the published files, in a second
        process (:func:`fork.in_child`), while MkDocs renders the hand-written pages: a province's
        took seconds. :meth:`render` waits for the result (or does the work itself without it)."""
        self._manifest = self._load()  # read once: the plan's process inherits it, render uses it
        self._plan = ((roster, history), in_child(self._make_plan, (roster, history, self._manifest[0])))

    def abandon(self) -> None:
        """Wait for a prepared plan that no render will use (a build that failed first), so that no
        child process is left behind."""
        plan, self._plan = self._plan, None
        if plan is not None:
            plan[1]()

    def _make_plan(self, args: tuple[Roster, History | None, dict[str, object]]) -> Plan:
        roster, history, old = args  # old: the manifest's tasks (none without a manifest)
        digests = {task: _task_inputs_digest(roster, task, history) for task in page_tasks(roster)}
        return digests, {name for name, record in old.items() if self._intact(record)}

    def render(self, inputs: RenderInputs, out: Path, meanwhile: Callable[[], object] | None = None) -> int:
        roster, history = inputs.roster, inputs.history
        shared = _digest(roster.programme, inputs.site_name, inputs.assets, _templates(inputs.templates))
        tasks = page_tasks(roster)
        manifest, self._manifest = self._manifest, None
        old, self.previous = manifest if manifest is not None else self._load()
        plan, self._plan = self._plan, None
        if meanwhile is not None:
            meanwhile()  # while the plan's process works on (prepare): on a province, each takes seconds
        made = plan[1]() if plan is not None else None  # waited for in any case: no child is left behind
        if plan is not None and made is not None and plan[0][0] is roster and plan[0][1] is history:
            inner, intact = made
        else:  # not prepared, or for another roster
            inner, intact = self._make_plan((roster, history, old))
        digests = {task: _with_shared(shared, inner[task]) for task in tasks}
        todo: list[Task] = []
        self._pending, self.kept, self.fingerprints = {}, [], {}
        for task in tasks:
            name = f"{task[0]}:{task[1]}"
            digest, record = digests[task], old.get(name)
            if digest is not None and name in intact and isinstance(record, dict) and record.get("digest") == digest:
                files = cast(list[list[object]], record["files"])
                paths = [str(entry[0]) for entry in files]
                self.kept += paths
                self._pending[name] = (digest, paths, files)
                self.fingerprints.update((str(entry[0]), str(entry[4])) for entry in files)
            else:
                todo.append(task)
        written = render_tasks(inputs, todo, out, workers=self.workers,
                               published=self.published if self.previous is not None else None,
                               hashes=self.fingerprints)
        for task, paths in zip(todo, written):
            # a rendered file with the bytes already published was not staged: the site keeps it
            self.kept += [path for path in paths if not os.path.lexists(out / path)]
            if (digest := digests[task]) is not None:
                self._pending[f"{task[0]}:{task[1]}"] = (digest, paths, None)
        self.reused, self.rendered = len(tasks) - len(todo), len(todo)
        return sum(len(paths) for _, paths, _ in self._pending.values()) + sum(
            len(paths) for task, paths in zip(todo, written) if digests[task] is None)

    def known(self) -> dict[str, str]:
        """The last render's :attr:`fingerprints` (for :func:`pipeline.write_data_pages`)."""
        return self.fingerprints

    def commit(self, site: list[str]) -> None:
        """Record what the published site now holds: each task's digest and its files as published
        (inode, size, mtime), and the rest of ``site`` (every file published). Called after the
        publication; a build that failed records nothing."""
        tasks: dict[str, object] = {}
        in_tasks: set[str] = set()  # files a recorded task holds; every other file of the site is in others
        for name, (digest, paths, kept) in self._pending.items():
            if kept is not None:  # the very files recorded last time
                tasks[name] = {"digest": digest, "files": kept}
                in_tasks.update(paths)
                continue
            files: list[list[object]] = []
            for path in paths:
                try:
                    st = os.lstat(self.published / path)
                except OSError:
                    break
                files.append([path, st.st_ino, st.st_size, st.st_mtime_ns, self.fingerprints[path]])
            else:
                tasks[name] = {"digest": digest, "files": files}
                in_tasks.update(paths)
        others = [path for path in site if path not in in_tasks]
        manifest = manifest_path(self.published)
        try:
            write_sealed(manifest, {"version": VERSION, "site": str(self.published.resolve()), "tasks": tasks,
                                    "others": others})
        except OSError as exc:
            # the last manifest describes an older site: the next build must not trust it
            log.warning(_("cannot record the published files in {path} ({why}): the next build renders "
                          "everything again").format(path=manifest, why=exc.strerror or exc))
            with contextlib.suppress(OSError):
                clear(manifest)
