"""The answer of a query process, read frame by frame (:class:`PooledAnswer`), and
:func:`run_query`, which checks a query, takes a process of the pool and starts it.

The answer enforces the pool's limits while it waits: the deadline (the process is killed,
:class:`~server.store.QueryTimeout`), ``long_query_after`` (the query runs on as one of the
``long_queries``, or is stopped with :class:`~server.store.QueriesBusy`), and it turns what
a query process reports, or its death, into Regiograaf's errors.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import signal
import time
from collections.abc import Mapping
from typing import Any, Final

from server.errors import InvalidRequest, ProtocolError, RegiograafError
from server.messages import N_
from server.store import (
    EngineFailed,
    QueriesBusy,
    QueryKind,
    QueryOutOfMemory,
    QuerySyntaxError,
    QueryTimeout,
    ServiceRefused,
    StoreError,
    UnsupportedMediaType,
)
from server.store import channel as frames
from server.store.channel import QueryRequest
from server.store.isolation import PIECE_BYTES, SEAL_FAILED
from server.store.limits import check_query
from server.store.pool import QueryPool, QueryProcess

__all__ = ["PooledAnswer", "run_query"]

#: What a query stopped at its memory limit is told.
OUT_OF_MEMORY = N_(
    "De vraag had meer geheugen nodig dan een vraag hier mag gebruiken en is gestopt. Maak haar "
    "gerichter (een LIMIT, nauwere patronen) en probeer het opnieuw."
)

log = logging.getLogger(__name__)

#: Errors a query process reports after which it is still fit for the next query.
_HARMLESS: Final = frozenset({"syntax", "service", "unsupported", "client"})


def _error(report: Mapping[str, Any]) -> Exception:
    """The exception for an error a query process reported."""
    code, message = str(report.get("error", "")), str(report.get("message", ""))
    if code == "syntax":
        return QuerySyntaxError(message)
    if code == "service":
        return ServiceRefused()
    if code == "unsupported":
        return UnsupportedMediaType(message)
    if code == "client":
        status = report.get("status")
        if isinstance(status, int) and 400 <= status < 500 and status != 400:
            return ProtocolError(status, message)
        return InvalidRequest(message)
    if code == "memory":
        return QueryOutOfMemory.saying(OUT_OF_MEMORY)
    if code == "internal":
        return RegiograafError(f"in a query process: {message}")
    return StoreError(message or "the query process failed")


class PooledAnswer:
    """The answer of one query process, read frame by frame (see :class:`~server.store.Answer`).

    ``kind``, ``media_type`` and ``data_version`` come from the head frame, which
    :meth:`start` waits for."""

    def __init__(
        self, pool: QueryPool, process: QueryProcess, deadline: float | None, seconds: float
    ) -> None:
        self.pool = pool
        self.process = process
        self.deadline = deadline
        #: The time limit the caller gave, in seconds (for messages).
        self.seconds = seconds
        self.started = time.monotonic()
        self.kind: QueryKind = "select"
        self.media_type: str | None = None
        self.data_version: str | None = None
        self.variables: list[str] = []
        self._done = False

    def start(self, request: QueryRequest) -> PooledAnswer:
        """Send ``request`` and wait for the head of the answer; raises the query's error."""
        try:
            frames.send(self.process.sock, frames.REQUEST, pickle.dumps(request))
        except OSError:
            self._ended()
        self.process.queries += 1
        kind, payload = self._frame()
        if kind != frames.HEAD:
            self._unexpected(kind, payload)
        head = frames.receive_json(payload)
        self.kind = head.get("kind", "select")
        self.media_type = head.get("media_type")
        self.data_version = head.get("version")
        self.variables = list(head.get("variables") or [])
        return self

    def read(self) -> tuple[bytes, bool]:
        """The next piece of about :data:`PIECE_BYTES` and whether it is the last."""
        if self._done:
            return b"", True
        gathered: list[bytes] = []
        size = 0
        while size < PIECE_BYTES:
            kind, payload = self._frame()
            if kind == frames.DATA:
                gathered.append(payload)
                size += len(payload)
            elif kind == frames.END:
                self._finish(reusable=True)
                return b"".join(gathered), True
            else:
                self._unexpected(kind, payload)
        return b"".join(gathered), False

    def close(self) -> None:
        """Stop an unfinished query (its process is killed) or give the process back."""
        if not self._done:
            self._finish(reusable=False)

    def _finish(self, *, reusable: bool) -> None:
        self._done = True
        self.pool.release(self.process, reusable=reusable)

    def _unexpected(self, kind: bytes, payload: bytes) -> None:
        """Raise the error a query process reported (it stays usable), or a protocol fault."""
        if kind == frames.ERROR:
            report = frames.receive_json(payload)
            self._finish(reusable=report.get("error") in _HARMLESS)
            raise _error(report)
        self._finish(reusable=False)
        raise StoreError(f"unexpected frame {kind!r} from a query process")

    def _frame(self) -> tuple[bytes, bytes]:
        """The next frame; enforces ``long_query_after`` and the deadline."""
        config = self.pool.config
        while True:
            limit = self.deadline
            if not self.process.long and config.long_query_after > 0:
                go_long_at = self.started + config.long_query_after
                limit = go_long_at if limit is None else min(limit, go_long_at)
            try:
                return self.process.frames.receive(limit)
            except TimeoutError:
                self._passed(limit)
            except (frames.ChannelClosed, OSError):
                self._ended()

    def _passed(self, limit: float | None) -> None:
        """``limit`` passed: the deadline (the query is stopped) or ``long_query_after``."""
        if self.deadline is not None and limit is not None and limit >= self.deadline:
            self._finish(reusable=False)
            raise QueryTimeout.saying(
                N_(
                    "De vraag was na %(seconds)s seconden niet klaar en is gestopt. Maak haar "
                    "gerichter (een LIMIT, nauwere patronen) en probeer het opnieuw."
                ),
                seconds=f"{self.seconds:g}",
            )
        try:
            went_long = self.pool.go_long(self.process)
        except OSError as error:  # the slots' folder: the process is not left busy
            self._finish(reusable=False)
            raise StoreError(f"the long-query slots cannot be read: {error}") from None
        if not went_long:
            self._finish(reusable=False)
            raise QueriesBusy.saying(
                N_(
                    "De vraag liep langer dan %(seconds)s s terwijl er al %(count)s lange vragen "
                    "liepen, en is gestopt. Probeer het zo opnieuw."
                ),
                seconds=f"{self.pool.config.long_query_after:g}",
                count=self.pool.config.long_queries,
            )

    def _ended(self) -> Any:
        """The query process ended by itself: raise why."""
        self._done = True
        status = self.pool.forget(self.process)
        if status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == SEAL_FAILED:
            raise StoreError(
                "a query process could not drop its network access: is libseccomp installed "
                "and seccomp enabled? No query is run without it"
            )
        signalled = status is not None and os.WIFSIGNALED(status)
        number = os.WTERMSIG(status) if signalled and status is not None else 0
        if number in (signal.SIGABRT, signal.SIGKILL):
            # The allocator aborts when the address-space limit is reached (the kernel's
            # out-of-memory killer sends SIGKILL).
            raise QueryOutOfMemory.saying(OUT_OF_MEMORY)
        how = f"signal {number}" if signalled else f"status {status}"
        if status is None:  # alive but silent, so it was killed: its channel broke
            how = "its channel broke"
        log.warning("a query process (pid %d) ended during a query: %s", self.process.pid, how)
        raise EngineFailed(f"the query process ended during a query ({how})")


def run_query(
    pool: QueryPool, request: QueryRequest, deadline: float | None = None
) -> PooledAnswer:
    """Check the request's query against the limits, take a query process and start the
    answer."""
    # The time left, up to a tenth of a second: the configured limit, though the request waited a
    # little before it got here (0.49 s of a 0.5 s limit read '0.49 seconden' on a busy machine).
    seconds = 0.0
    if deadline is not None:
        seconds = max(0.1, math.ceil((deadline - time.monotonic()) * 10) / 10)
    check_query(request.sparql, pool.config.limits)
    process = pool.acquire(deadline)
    return PooledAnswer(pool, process, deadline, seconds).start(request)
