"""Work in a forked process: started now, waited for later, never outliving the build.

Validation and the reuse plan run in a child while the build's process does something else; the
render workers are forked too (render.py). Where forking is unsafe (another thread runs, as under
``mkdocs serve``) or impossible, the work is done in this process instead.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar, cast

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    """Whether this process may fork: forking a process that runs other threads (mkdocs serve's
    server) is unsafe, and some systems cannot fork at all."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def in_child(work: Callable[[Any], T], arg: Any) -> Callable[[], T]:
    """Start ``work(arg)`` in a forked process and return a function that waits for its result
    (the child inherits ``arg``: nothing is copied to it). Where forking is unsafe, or the child
    gives no result (killed), the work is done in this process instead. An exception in the
    child is raised by the waiting function."""
    if not can_fork():
        return partial(work, arg)
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 0
        try:
            os.close(read)
            die_with_parent(parent)
            try:
                data = pickle.dumps((True, work(arg)))
            except Exception as exc:  # handed to the parent, which raises it
                data = pickle.dumps((False, exc))
            with os.fdopen(write, "wb") as out:
                out.write(data)
        except BaseException:  # the parent sees no result and does the work itself
            code = 1
        finally:
            os._exit(code)
    os.close(write)

    def result() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        if not data:
            return work(arg)
        ok, value = pickle.loads(data)  # our own child's bytes, through a pipe only we hold
        if not ok:
            raise value
        return cast(T, value)

    return result


def die_with_parent(parent: int) -> None:
    """Ask Linux to end this process when the build's process (``parent``) ends, even by SIGKILL."""
    # the default action, not the parent's handler: a handler that raises would be caught by
    # the pool's worker loop as a task's failure, and the worker would live on
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: workers end when their queue closes
        return
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)
