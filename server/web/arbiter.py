"""Gunicorn's master for Regiograaf (:class:`SharingArbiter`): it holds the server's one
in-memory copy of a large store and replaces the workers so that they share it
(:mod:`server.web.gunicorn_app` runs it; :class:`~server.store.memory.ServerCopy` makes the
copy)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from gunicorn.arbiter import Arbiter

from server.settings import Settings
from server.store.memory import ServerCopy, server_copy
from server.store.slots import share_slots
from server.store.versions import CurrentLink

if TYPE_CHECKING:
    from server.web.gunicorn_app import RegiograafApplication

__all__ = ["SharingArbiter", "log_store_to_gunicorn", "replaced_soon"]


def log_store_to_gunicorn() -> logging.Logger:
    """Send what the store logs (the in-memory copies) to gunicorn's error log; its logger."""
    store_log = logging.getLogger("server.store")
    store_log.setLevel(logging.INFO)
    store_log.handlers = list(logging.getLogger("gunicorn.error").handlers)
    store_log.propagate = False
    return store_log


class SharingArbiter(Arbiter):
    """Gunicorn's master, which also holds the server's one in-memory copy of a large store
    (:class:`~server.store.memory.ServerCopy`).

    A version of at most ``memory_quads_per_worker`` quads each worker copies itself, at its
    start and after every build, as before (a fraction of a second; nothing is replaced). A
    larger one, up to ``memory_quads``, is copied once, by a thread of the master, after the
    first workers are forked; they answer from disk meanwhile. No worker is forked while a copy
    is made. When a copy is complete (or dropped), the workers forked before are replaced: new
    ones are forked, which inherit the copy, and gunicorn stops the oldest ones gracefully. The
    same after a build makes a new large version current: the workers query it on disk until
    its copy is complete. One copy serves every worker and query process (shared
    copy-on-write) instead of one per worker."""

    def __init__(self, app: RegiograafApplication) -> None:
        """The master of ``app``, with the server's copy when its settings call for one."""
        super().__init__(app)
        settings = app.settings
        share_slots()  # the workers count their long queries together
        self.server_copy: ServerCopy | None = None
        if settings.memory_quads > 0 and not settings.store_query:
            self.server_copy = ServerCopy(
                Path(settings.store), settings.memory_quads_per_worker, settings.memory_quads
            )
            log_store_to_gunicorn()
        # The copy generation each worker was forked at, by process id.
        self._generations: dict[int, int] = {}

    def manage_workers(self) -> None:
        """Fork and stop workers as gunicorn does, replacing those that hold an old copy (or
        none); while a copy is made, nothing is forked."""
        copy = self.server_copy
        if copy is not None and not copy.busy():
            self._replace_stale(copy)
        # Also while a copy is made: a worker that ended is noted (and replaced once no copy
        # is being made, see spawn_worker), and one too many is stopped.
        super().manage_workers()
        if copy is not None:
            copy.watch()  # after the first workers are forked

    def _replace_stale(self, copy: ServerCopy) -> None:
        """Fork a new worker for each one forked at an older copy generation; gunicorn then
        stops the oldest workers beyond ``workers``, gracefully."""
        self._generations = {pid: self._generations.get(pid, -1) for pid in self.WORKERS}
        stale = [pid for pid, seen in self._generations.items() if seen != copy.generation]
        if stale:
            assert self.log is not None  # set up by gunicorn before the first fork
            self.log.info("%d workers replaced: the server's copy of the store changed", len(stale))
            forked = sum(1 for _ in stale if self.spawn_worker())
            # The oldest are stopped by gunicorn, not replaced again (those a copy that began
            # meanwhile kept from being replaced are, next time).
            for pid in stale[:forked]:
                self._generations[pid] = copy.generation

    def spawn_worker(self) -> int:
        """Fork a worker, never while a copy is being made: then nothing is forked (0), and
        the master's loop, which goes on handling signals, forks it once the copy is done."""
        copy = self.server_copy
        if copy is None:
            return int(super().spawn_worker())
        if not copy.fork_lock.acquire(blocking=False):
            return 0
        try:
            generation = copy.generation
            pid = int(super().spawn_worker())
        finally:
            copy.fork_lock.release()
        self._generations[pid] = generation
        return pid


def replaced_soon(settings: Settings) -> bool:
    """Whether this worker, which holds no server's copy of the store, is replaced by one that
    holds it once the master's copy is complete."""
    if server_copy() is not None or settings.memory_quads <= 0 or settings.store_query:
        return False
    current = CurrentLink(Path(settings.store).resolve()).read()
    low, high = settings.memory_quads_per_worker, settings.memory_quads
    return current is not None and low < current.quads <= high
