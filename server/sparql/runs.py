"""Running one SPARQL query in a thread of its own, with a time limit, and handing the engine's
serialisation on in pieces (:class:`QueryRun`, on :class:`QueryThreads`).

pyoxigraph cannot interrupt a query, so each query runs in a thread of its own (pyoxigraph
releases the GIL while it evaluates and serialises) while the request thread waits for the
first bytes of output. The query threads are kept for the next query rather than started per
query; a query never waits for one. When the limit passes first, the request thread gives up
(:class:`QueryTimeout`) and the query is cancelled at its next write: the writer the engine
serialises into raises, which stops the engine. A query that computes for long without writing
(a large aggregate) keeps one core busy until it finishes, but the request thread is free.

The output is handed to the request thread in pieces of :data:`PIECE_BYTES` (the last one
smaller), so a small result can go out in one piece with a ``Content-Length``, and a query that
fails before its first piece can still get a proper error status; larger results stream.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import IO, Final, cast

from server.errors import RegiograafError, Unavailable
from server.http import negotiation
from server.sparql.protocol import DatasetArguments
from server.store import QueryResult, Store

#: Name of the threads that run queries.
QUERY_THREAD_NAME: Final = "sparql-query"
#: Bytes of output gathered before they are handed to the request thread (the engine writes
#: 8 KiB at a time): a result up to this size goes out in one piece, with ``Content-Length``.
PIECE_BYTES: Final = 64 * 1024


class QueryThreads:
    """Threads that run queries, kept for the next query instead of started for each one.

    A query never waits for a thread: when none is idle a new one starts, because a query past
    its time limit cannot be interrupted and keeps its thread until the engine stops. A thread
    idle for ``idle_seconds`` ends. The pool belongs to one process (see :data:`_THREADS`).
    """

    def __init__(self, idle_seconds: float = 60.0) -> None:
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0  # threads waiting for a task that no submit has claimed yet
        self._busy = 0  # tasks submitted and not finished

    def submit(self, task: Callable[[], None]) -> None:
        """Run ``task`` in an idle thread, or in a new one when none is idle."""
        with self._lock:
            self._busy += 1
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, name=QUERY_THREAD_NAME, daemon=True).start()

    def _work(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._idle:  # no submit counts on this thread: end it
                        self._idle -= 1
                        return
                continue  # a task is on its way to some waiting thread
            try:
                task()
            finally:
                del task
                with self._lock:
                    self._busy -= 1
                    self._idle += 1
                    self._settled.notify_all()

    def running(self) -> int:
        """How many submitted tasks have not finished."""
        with self._lock:
            return self._busy

    def wait(self, timeout: float) -> bool:
        """Wait until no task runs (at most ``timeout`` seconds); whether none does."""
        with self._settled:
            return self._settled.wait_for(lambda: self._busy == 0, timeout)


#: The query threads of this process; a forked child (a gunicorn worker) starts a fresh pool.
_THREADS = QueryThreads()


def _fresh_threads() -> None:
    global _THREADS
    _THREADS = QueryThreads()


os.register_at_fork(after_in_child=_fresh_threads)


def wait_for_queries(timeout: float = 60.0) -> bool:
    """Wait until every query of this process has finished, abandoned ones included (they
    cannot be interrupted); whether they all did within ``timeout`` seconds."""
    return _THREADS.wait(timeout)


class QueryTimeout(Unavailable):
    """The query passed the time limit (before or while streaming): 503, try again later."""

    logged = False
    headers = (("Retry-After", "10"),)


class QueryAborted(RegiograafError, RuntimeError):
    """The query failed or was cancelled after its response had started (the client sees a
    response cut off; nothing is rendered)."""


class QueryRun:
    """One query evaluated and serialised by the engine in a query thread (:class:`QueryThreads`).

    The engine writes its serialisation into this object (a binary file-like object); the
    output goes through a queue to the request thread as ``(bytes, last)`` pieces of
    :data:`PIECE_BYTES` (the last piece, with ``last`` true, may be smaller or empty).
    :meth:`cancel`, or passing the ``deadline`` (``time.monotonic()`` value, or ``None``), makes
    the next write raise, which stops the engine.
    """

    def __init__(
        self,
        store: Store,
        query: str,
        dataset: DatasetArguments,
        accept: str | None,
        formats: tuple[str, ...],
        deadline: float | None,
    ) -> None:
        self._store = store
        self._query = query
        self._dataset = dataset
        self._accept = accept
        self._formats = formats
        self.deadline = deadline
        #: The offer of the result's kind (graph or solutions) and the media type chosen from
        #: it (``None``: nothing of it is acceptable); set once the engine has answered.
        self.offer: negotiation.Offer | None = None
        self.media_type: str | None = None
        self.error: BaseException | None = None
        self._pieces: queue.SimpleQueue[tuple[bytes, bool]] = queue.SimpleQueue()
        self._gathered: list[bytes] = []
        self._size = 0
        self._cancelled = threading.Event()

    def start(self) -> QueryRun:
        """Start evaluating; returns ``self``."""
        _THREADS.submit(self._run)
        return self

    def cancel(self) -> None:
        """Stop the engine at its next write."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether the run was cancelled or passed its deadline."""
        return self._cancelled.is_set() or (
            self.deadline is not None and time.monotonic() > self.deadline
        )

    # The file-like side, called by the engine in the query thread.

    def write(self, data: bytes) -> int:
        """Take a chunk of serialised output (raises :class:`QueryTimeout` when cancelled)."""
        if self.cancelled:
            raise QueryTimeout("query cancelled")
        self._gathered.append(bytes(data))
        self._size += len(data)
        if self._size >= PIECE_BYTES:
            self._pieces.put((b"".join(self._gathered), False))
            self._gathered.clear()
            self._size = 0
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: output is handed on in pieces as it comes."""

    def _run(self) -> None:
        try:
            self._evaluate()
        except BaseException as error:  # handed to the request thread, which re-raises
            # pyoxigraph's results must be released by the thread that made them: drop the
            # frame locals that still refer to one before another thread holds the error.
            seen: set[int] = set()
            current: BaseException | None = error
            while current is not None and id(current) not in seen:
                seen.add(id(current))
                traceback.clear_frames(current.__traceback__)
                current = current.__cause__ or current.__context__
            self.error = error
        finally:
            last = b"".join(self._gathered)
            self._gathered.clear()
            self._pieces.put((last, True))

    def _evaluate(self) -> None:
        result = self._store.query(self._query, **self._dataset)
        try:
            self.media_type = self._choose(result)
            if self.media_type is not None:
                # The engine only calls write() and flush() of its output.
                result.write(self.media_type, cast("IO[bytes]", self))
        finally:
            del result

    def _choose(self, result: QueryResult) -> str | None:
        self.offer = negotiation.GRAPH if result.kind == "graph" else negotiation.RESULTS
        return negotiation.negotiate_remembered(self.offer, self._accept, self._formats)

    # The request side.

    def _remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def next_piece(self) -> tuple[bytes, bool]:
        """The next piece of output and whether it is the last; raises :class:`QueryTimeout`
        (and cancels) when the deadline passes first."""
        try:
            return self._pieces.get(timeout=self._remaining())
        except queue.Empty:
            self.cancel()
            raise QueryTimeout("query timed out") from None

    def stream(self, first: bytes) -> Iterator[bytes]:
        """The response body: ``first`` (a piece that was not the last), then the rest as the
        engine writes it; cancels the query when the client goes away."""
        try:
            piece, last = first, False
            while True:
                if piece:
                    yield piece
                if last:
                    break
                try:
                    piece, last = self.next_piece()
                except QueryTimeout as error:
                    raise QueryAborted("query passed the time limit while streaming") from error
            if self.error is not None:
                raise QueryAborted(f"query stopped while streaming: {self.error}")
        finally:
            self.cancel()
