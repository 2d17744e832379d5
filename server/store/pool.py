"""The server's store: every query of a worker runs in one of its query processes.

pyoxigraph cannot interrupt a query, and a query can crash it (a deep enough text overflows its
stack). So a server worker does not evaluate queries itself: it forks a few *query processes*
(:class:`QueryPool`, ``query_processes`` per worker) that share its in-memory copy of the store
copy-on-write, are sealed against the network (:mod:`server.store.isolation`), and answer one
query at a time over a socket (:mod:`server.store.channel`). That gives:

* **a timeout ends the work**: at the deadline the process is killed (SIGKILL): its CPU and
  memory come back at once, and a fresh process takes its place when needed;
* **a crash costs one query**: when the engine dies, that request gets :class:`EngineFailed`
  (500) and the worker and its other requests go on;
* **a cap on concurrent queries**: the pool size; a query that finds every process busy waits at
  most ``queue_wait`` seconds for one, then gets :class:`QueriesBusy` (503, ``Retry-After``);
* **cheap queries keep flowing under expensive ones**: at most ``long_queries`` queries of the
  whole server may run longer than ``long_query_after`` seconds (:mod:`server.store.slots`,
  which also bounds the memory they copy); one more that does is stopped with 503. So the
  other processes always turn over quickly. A long query also runs at a lower CPU priority
  (nice 10), and its process is replaced afterwards;
* **one data version per answer**: a process serves one version; the head of its answer says
  which, and the ETag is made from that (:attr:`Answer.data_version`). After a rebuild, idle
  processes of the old version are replaced, busy ones when they finish.

:class:`PooledStore` offers all of it as a :class:`~server.store.Store`, so the canned
queries, the pages and ``/sparql`` all go through it. The pool belongs to one process: a forked
gunicorn worker starts its own. The answers of its processes are read by
:mod:`server.store.answers`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Final

from server.messages import N_
from server.settings import Settings
from server.store import (
    QueriesBusy,
    StoreError,
    channel,
)
from server.store.embedded import EmbeddedStore
from server.store.isolation import (
    SealError,
    child_main,
    network_filter,
)
from server.store.limits import QueryLimits
from server.store.slots import LongSlots

__all__ = ["PoolConfig", "QueryPool", "QueryProcess"]

log = logging.getLogger(__name__)

#: The CPU priority (nice value) of a query that runs long.
LONG_NICENESS: Final = 10
#: A process is replaced after this many queries (what it allocated goes back to the system).
QUERIES_PER_PROCESS: Final = 2_000


@dataclass(frozen=True)
class PoolConfig:
    """How a worker runs queries (settings ``query_processes``, ``long_queries``,
    ``long_query_after``, ``queue_wait``, ``query_timeout``, ``query_memory`` and the query
    limits); see the module docstring. Hashable: one pool per configuration and process."""

    processes: int = 6
    long_queries: int = 2
    long_query_after: float = 0.5
    queue_wait: float = 2.0
    timeout: float = 30.0
    memory_bytes: int = 1024 * 1024 * 1024
    limits: QueryLimits = field(default_factory=QueryLimits)

    @classmethod
    def from_settings(cls, settings: Settings) -> PoolConfig:
        """The configuration the settings give."""
        return cls(
            processes=settings.query_processes,
            long_queries=settings.long_queries,
            long_query_after=settings.long_query_after,
            queue_wait=settings.queue_wait,
            timeout=settings.query_timeout,
            memory_bytes=settings.query_memory * 1024 * 1024,
            limits=QueryLimits(
                settings.max_query_chars, settings.max_query_depth, settings.max_query_parts
            ),
        )


class QueryProcess:
    """One query process: its pid, the worker's end of its channel and what it serves."""

    def __init__(self, pid: int, sock: socket.socket, key: tuple[str, bool]) -> None:
        self.pid = pid
        self.sock = sock
        #: The frames of its answers (kept across a deadline that passes mid-frame).
        self.frames = channel.Receiver(sock)
        #: (version folder, in memory): the snapshot it serves.
        self.key = key
        self.queries = 0
        #: The long-query slot it holds (:class:`~server.store.slots.LongSlots`), if any.
        self.slot: int | None = None

    @property
    def long(self) -> bool:
        """Whether its query runs long (it holds a slot)."""
        return self.slot is not None

    def kill(self) -> int | None:
        """End the process now and reap it; its wait status (``None`` if already reaped)."""
        self.sock.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        try:
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            return None

    def reap(self) -> int | None:
        """The wait status of a process that closed its channel (waits up to a second for
        it to end); ``None`` if it had to be killed (its own status is then unknown)."""
        for _ in range(100):
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid:
                self.sock.close()
                return status
            time.sleep(0.01)
        self.kill()
        return None


class QueryPool:
    """The query processes of one worker (see the module docstring)."""

    def __init__(self, store: EmbeddedStore, config: PoolConfig) -> None:
        self.store = store
        self.config = config
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._idle: list[QueryProcess] = []
        self._busy: set[QueryProcess] = set()
        self.slots = LongSlots(config.long_queries)

    def running(self) -> tuple[int, int]:
        """(processes, busy ones)."""
        with self._lock:
            return len(self._idle) + len(self._busy), len(self._busy)

    def pids(self) -> list[int]:
        """The process ids of the query processes alive now."""
        with self._lock:
            return [process.pid for process in [*self._idle, *self._busy]]

    def acquire(self, deadline: float | None) -> QueryProcess:
        """A query process of the current snapshot for one query: an idle one, a new one while
        there are fewer than ``processes``, or the first one freed within ``queue_wait``
        seconds (and before ``deadline``). Raises :class:`QueriesBusy` otherwise.

        When all are busy, unreachable answers are collected first: a streamed answer that its
        reader dropped without closing it frees its process only when it is collected."""
        wait_until = time.monotonic() + self.config.queue_wait
        if deadline is not None:
            wait_until = min(wait_until, deadline)
        collected = False
        while True:
            with self._freed:
                process = self._take()
                while process is None and collected:
                    remaining = wait_until - time.monotonic()
                    if remaining <= 0 or not self._freed.wait(remaining):
                        raise QueriesBusy.saying(
                            N_(
                                "Alle %(count)s vraagprocessen van dit serverproces zijn bezig. "
                                "Probeer het zo opnieuw."
                            ),
                            count=self.config.processes,
                        )
                    process = self._take()
                if process is not None:
                    return process
            gc.collect()  # outside the lock: a collected answer releases its process
            collected = True

    def _take(self) -> QueryProcess | None:
        """An idle process of the current snapshot, or a new one below the cap (call it
        holding the lock); ``None`` when all are busy."""
        key = self.store.snapshot_key()
        for process in [p for p in self._idle if p.key != key]:
            self._idle.remove(process)
            process.kill()
        if self._idle:
            process = self._idle.pop()
        elif len(self._busy) < self.config.processes:
            process = self._spawn()
        else:
            return None
        self._busy.add(process)
        return process

    def _spawn(self) -> QueryProcess:
        snapshot = self.store.snapshot()
        try:
            rules = network_filter()
        except SealError as error:
            log.error("%s", error)
            rules = None  # the query process refuses to run (fail closed)
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the query process
            child_main(theirs, snapshot, self.config.memory_bytes, rules)
        theirs.close()
        key = (str(snapshot.folder), snapshot.memory is not None)
        return QueryProcess(pid, ours, key)

    def release(self, process: QueryProcess, *, reusable: bool) -> None:
        """Give ``process`` back after a query: to the idle ones, or (unfinished, long, old,
        or of another snapshot) killed."""
        with self._freed:
            self._busy.discard(process)
            keep = (
                reusable
                and not process.long
                and process.queries < QUERIES_PER_PROCESS
                and process.key == self.store.snapshot_key()
            )
            if keep:
                self._idle.append(process)
            self._freed.notify()
        if not keep:
            process.kill()
            self._give_slot(process)
            self._replace()

    def _replace(self) -> None:
        """Fork a process in place of one that was killed, so that the next query finds one
        ready (a fresh process needs some milliseconds to seal itself)."""
        with self._freed:
            if len(self._idle) + len(self._busy) >= self.config.processes:
                return
            try:
                self._idle.append(self._spawn())
            except StoreError:
                return  # nothing to serve (no store): the next query says so
            self._freed.notify()

    def forget(self, process: QueryProcess) -> int | None:
        """Take a process that ended by itself out of the pool; its wait status."""
        with self._freed:
            self._busy.discard(process)
            self._freed.notify()
        status = process.reap()
        self._give_slot(process)
        return status

    def _give_slot(self, process: QueryProcess) -> None:
        """Free the long-query slot of ``process``, if it holds one, once it has ended (its
        private pages are gone then)."""
        with self._lock:
            slot, process.slot = process.slot, None
        if slot is not None:
            self.slots.give(slot)

    def go_long(self, process: QueryProcess) -> bool:
        """Let ``process`` run past ``long_query_after`` (and lower its priority); ``False``
        when ``long_queries`` queries of the whole server already do."""
        slot = self.slots.take()
        if slot is None:
            return False
        with self._lock:
            process.slot = slot
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, process.pid, LONG_NICENESS)
        return True

    def close(self) -> None:
        """Kill every query process (the pool can be used again: it forks new ones)."""
        with self._lock:
            processes = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
        for process in processes:
            process.kill()
            self._give_slot(process)
