"""Rebuilds that render only what changed: ``mkdocs build`` takes unchanged render tasks' files
from the published site instead of rendering them again.

A province's site has about 100,000 data pages; rendering them all again after one township file
changed took minutes. So each build remembers, in ``.cache/`` beside mkdocs.yml, a digest of what
each render task read from the roster (the same inputs the live preview compares,
:func:`preview.task_inputs`, plus the programme, site name, theme assets and data templates every
page reads, and the git dates a task's pages show) and the files the task wrote, each with its
inode, size and mtime as published. The next build links a task's files from the published site
(a hard link: no bytes are read or written) when its digest is the same and every file is still
the very file that was published (same inode, size and mtime); anything else is rendered. The
output is the same bytes as a clean build's: a digest that differs only costs a render, and a file
that changed under us is never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from . import build
from .build import Task
from .history import History
from .model import Roster
from .pages import Assets, page_tasks
from .preview import _templates, task_inputs
from .qr import QRCache

MANIFEST = "render-tasks.json"
VERSION = 1  # of the manifest's format; another version is ignored (everything renders once)


def _digest(*parts: object) -> str:
    # pickle's bytes are a function of the values (frozen dataclasses, tuples, text): equal bytes
    # mean equal inputs; unequal bytes for equal values (shared objects pickle as references) only
    # cost a render
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


def task_digest(roster: Roster, task: Task, shared: str, history: History | None) -> str | None:
    """What ``task``'s pages read, as one digest; None for a task that is always rendered."""
    kind, key = task
    if kind == "retired":  # a handful of pages that read many townships: cheaper to render
        return None
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
    return _digest(shared, task, inputs, dates)


@dataclass
class Reuse:
    """A :data:`build.Renderer` for ``mkdocs build``: renders the tasks whose inputs changed and links
    the rest from ``published``; :meth:`commit` records the published files once the site is swapped in."""

    cache: Path  # the folder of the manifest (the plugin's cache_dir)
    published: Path  # the site folder as last published
    qr_cache: QRCache
    workers: int | None = None
    reused: int = 0  # tasks linked by the last render, for the log and the bench
    rendered: int = 0
    _pending: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # task → (digest, paths)

    def _load(self) -> dict[str, object]:
        try:
            data = json.loads((self.cache / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION or data.get("site") != str(self.published.resolve()):
            return {}
        tasks = data.get("tasks")
        return tasks if isinstance(tasks, dict) else {}

    def _reusable(self, record: object, digest: str | None) -> list[str] | None:
        """The task's paths when the record is for ``digest`` and every file is still the very
        file that was published (same inode, size and mtime); else None."""
        if digest is None or not isinstance(record, dict) or record.get("digest") != digest:
            return None
        files = record.get("files")
        if not isinstance(files, list) or not files:
            return None
        paths = []
        for entry in files:
            try:
                path, ino, size, mtime = entry
                st = os.lstat(self.published / path)
            except (OSError, ValueError, TypeError):
                return None
            if (st.st_ino, st.st_size, st.st_mtime_ns) != (ino, size, mtime) or not isinstance(path, str):
                return None
            paths.append(path)
        return paths

    def render(self, roster: Roster, out: Path, templates: Path, assets: Assets, site_name: str,
               history: History | None = None) -> int:
        shared = _digest(roster.programme, site_name, assets, _templates(templates))
        tasks = page_tasks(roster)
        digests = {task: task_digest(roster, task, shared, history) for task in tasks}
        old = self._load()
        todo: list[Task] = []
        count = 0
        self._pending = {}
        for task in tasks:
            name = f"{task[0]}:{task[1]}"
            record = old.get(name)
            digest = digests[task]
            files = self._reusable(record, digest)
            if digest is not None and files is not None:
                for path in files:
                    target = out / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(self.published / path, target)
                count += len(files)
                self._pending[name] = (digest, files)
            else:
                todo.append(task)
        written = build.render_tasks(roster, todo, out, templates, assets, site_name, self.workers, self.qr_cache,
                                     history)
        for task, paths in zip(todo, written):
            if digests[task] is not None:
                self._pending[f"{task[0]}:{task[1]}"] = (digests[task] or "", paths)
        self.reused, self.rendered = len(tasks) - len(todo), len(todo)
        return count + sum(map(len, written))

    def commit(self) -> None:
        """Record what the published site now holds: each task's digest and its files as published
        (inode, size, mtime). Called after the swap; a build that failed records nothing."""
        tasks: dict[str, object] = {}
        for name, (digest, paths) in self._pending.items():
            files: list[list[object]] = []
            for path in paths:
                try:
                    st = os.lstat(self.published / path)
                except OSError:
                    break
                files.append([path, st.st_ino, st.st_size, st.st_mtime_ns])
            else:
                tasks[name] = {"digest": digest, "files": files}
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = self.cache / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"version": VERSION, "site": str(self.published.resolve()), "tasks": tasks}),
                       encoding="utf-8")
        os.replace(tmp, self.cache / MANIFEST)
