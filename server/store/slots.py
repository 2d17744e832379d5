"""Slots for long queries, shared by every worker of a server (setting ``long_queries``).

A query process that runs a query over much of the in-memory store writes to most of the pages
it shares with its worker (pyoxigraph counts references on what a query walks), and so holds a
private copy of them for the query's time: about 0.7 GB at 100,000 projects. So the number of
long queries bounds the server's memory, and it is counted for the whole server, not per
worker: a query that goes long takes a slot, one of ``long_queries`` lock files in a folder.

The lock is an ``flock`` on a descriptor of the worker that took it. The kernel drops it when
that descriptor is closed, also when the worker dies, so a crash never leaks a slot (the query
processes close every inherited descriptor, :func:`server.store.isolation.child_main`).

Gunicorn's master calls :func:`share_slots` before it forks a worker, so that all its workers
count in one folder. A pool made without it (tests, ``regiograaf query``) counts on its own.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["LongSlots", "one_at_a_time", "share_slots"]

#: The folder every pool of this process, and of the processes it forks, counts in.
_shared: Path | None = None


def _made_folder() -> Path:
    """A new folder for slot files, removed when the process that made it exits (only by
    that process: a forked worker exits too)."""
    folder = Path(tempfile.mkdtemp(prefix="regiograaf-long-"))
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    return folder


def share_slots() -> Path:
    """Make every pool of this process and of the processes forked from it count its long
    queries in one folder (gunicorn's master, before the first fork); that folder."""
    global _shared
    if _shared is None:
        _shared = _made_folder()
        # Locked (shared) while the server runs, so that a cleaner of old temporary files
        # (systemd-tmpfiles) leaves it alone; the descriptor lives as long as the process.
        held = os.open(_shared, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(held, fcntl.LOCK_SH)
    return _shared


@contextlib.contextmanager
def one_at_a_time(name: str) -> Iterator[None]:
    """Run the block in one process of the server at a time (the lock file ``name`` in the
    shared folder, waited for; freed by the kernel when its holder dies); without a shared
    folder (no gunicorn master), at once."""
    if _shared is None:
        yield
        return
    descriptor = os.open(_shared / name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)  # also held by any copy forked meanwhile
        os.close(descriptor)


class LongSlots:
    """At most ``count`` long queries at once among every :class:`LongSlots` of ``folder``
    (see the module docstring); without a folder, the shared one or one of its own."""

    def __init__(self, count: int, folder: Path | None = None) -> None:
        self.count = count
        self.folder = folder or _shared or _made_folder()

    def take(self) -> int | None:
        """A free slot (the descriptor holding its lock), or ``None`` when all are taken."""
        for number in range(self.count):
            # A descriptor of its own each time: flock locks an open file description, so two
            # threads of one worker exclude each other as two workers do.
            descriptor = os.open(
                self.folder / str(number), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
            )
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            return descriptor
        return None

    @staticmethod
    def give(descriptor: int) -> None:
        """Free the slot ``descriptor`` holds (unlocked first: a query process forked
        meanwhile may hold a copy of the descriptor until it closes its inherited ones)."""
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
