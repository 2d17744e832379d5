"""Answers kept per data version, bounded in size: the canned queries' results
(:mod:`server.canned.running`) and ``/sparql``'s small answers (:mod:`server.sparql.operation`).

An answer depends only on the data and on what was asked (a canned query's name and checked,
normalised arguments; a query's text, dataset and media type), so it is cached under
``(data version, name, arguments)`` (:class:`CacheKey`). The data only changes with a
rebuild, which changes the data version: entries of another version are never served, and are
dropped as soon as an entry for a new version is stored. A cache holds at most its
``max_entries`` entries (default :data:`MAX_ENTRIES`) and ``max_bytes`` bytes (default
:data:`MAX_BYTES`); the least recently used go first.

Each process (a gunicorn worker) has its own caches; they are thread-safe. An answer is computed
once per process however many ask for it at the same time (:meth:`ResultsCache.once`): the
first to ask computes it, the others wait for it and get what it kept. So a flood of one heavy
query, or many visitors of one page after a rebuild, costs one evaluation per worker, not one
per request.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "CacheKey", "CacheStats", "ResultsCache"]

#: Most entries kept.
MAX_ENTRIES: Final = 512
#: Most bytes of results kept (the size each entry reports).
MAX_BYTES: Final = 64 * 1024 * 1024
#: Most keys remembered as computed but not kept (too large, or streamed).
MAX_UNKEPT: Final = 4096

#: ``(data version, query name, normalised arguments)``.
CacheKey = tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]

T = TypeVar("T")


@dataclass(frozen=True)
class CacheStats:
    """Counters, for tests and monitoring."""

    hits: int
    misses: int
    entries: int
    bytes: int


class ResultsCache(Generic[T]):
    """A thread-safe least-recently-used cache of results, bounded in entries and bytes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, tuple[T, int]] = OrderedDict()
        #: The data version of the entries (all have the same).
        self._version: str | None = None
        self._bytes = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()
        #: The keys being computed now (:meth:`once`), each with the event that ends its turn.
        self._computing: dict[CacheKey, threading.Event] = {}
        #: Keys whose value was computed and not kept: nobody waits for them.
        self._unkept: set[CacheKey] = set()

    def get(self, key: CacheKey) -> T | None:
        """The cached value for ``key`` (now the most recently used), or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return entry[0]

    @contextlib.contextmanager
    def once(self, key: CacheKey, until: float | None = None) -> Iterator[T | None]:
        """The cached value for ``key``; or ``None``, and the caller computes it (and may
        :meth:`put` it) in the ``with`` block.

        While one thread computes ``key``, the others that ask for it wait (until ``until``, a
        :func:`time.monotonic` time; ``None``: as long as it takes) and then get what it kept.
        If it kept nothing because it failed, the next of them computes it. If it kept nothing
        without failing (a value too large to keep), ``key`` is remembered and nobody waits for
        it again in this version. A wait that reaches ``until`` gets ``None`` too."""
        value, turn = self._value_or_turn(key, until)
        failed = False
        try:
            yield value
        except BaseException:
            failed = True
            raise
        finally:
            if turn is not None:
                self._end_turn(key, turn, failed)

    def _value_or_turn(
        self, key: CacheKey, until: float | None
    ) -> tuple[T | None, threading.Event | None]:
        """What :meth:`once` yields, and the event of the caller's turn if it computes."""
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None:
                    self._entries.move_to_end(key)
                    self._hits += 1
                    return entry[0], None
                computing = self._computing.get(key)
                if computing is None or key in self._unkept:
                    self._misses += 1
                    if computing is not None:
                        return None, None
                    turn = self._computing[key] = threading.Event()
                    return None, turn
            remaining = None if until is None else until - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None, None
            computing.wait(remaining)

    def _end_turn(self, key: CacheKey, turn: threading.Event, failed: bool) -> None:
        """Let the threads waiting for ``key`` go on (see :meth:`once`)."""
        with self._lock:
            del self._computing[key]
            if not failed and key not in self._entries and len(self._unkept) < MAX_UNKEPT:
                self._unkept.add(key)
        turn.set()

    def put(self, key: CacheKey, value: T, size: int) -> None:
        """Keep ``value`` (``size`` bytes) under ``key``; entries of other data versions are
        dropped, then the least recently used until the bounds hold. A value larger than the
        whole cache is not kept."""
        if size > self.max_bytes or self.max_entries <= 0:
            return
        with self._lock:
            if key[0] != self._version:  # a new version: the old one's entries go
                for old in [old for old in self._entries if old[0] != key[0]]:
                    self._remove(old)
                self._unkept.clear()
                self._version = key[0]
            if key in self._entries:
                self._remove(key)
            self._entries[key] = (value, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._remove(next(iter(self._entries)))

    def _remove(self, key: CacheKey) -> None:
        _, size = self._entries.pop(key)
        self._bytes -= size

    def clear(self) -> None:
        """Drop every entry and reset the counters."""
        with self._lock:
            self._entries.clear()
            self._unkept.clear()
            self._bytes = self._hits = self._misses = 0

    def stats(self) -> CacheStats:
        """Hits, misses, entries and bytes held."""
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)
