"""An answer asked for by several threads at once is computed once
(:meth:`server.store.cache.ResultsCache.once`): the others wait for it and get what was kept;
after a failure the next computes it; a value too large to keep makes nobody wait again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.store.cache import CacheKey, ResultsCache

KEY: CacheKey = ("v1", "vraag", ())
ASKERS = 6


def _ask_together(
    cache: ResultsCache[str], compute: Callable[[], str], *, until: float | None = None
) -> list[str | BaseException]:
    """Every asker asks for KEY at the same moment, each computing (and keeping) it when it
    gets the turn; what each got, or raised."""
    start = threading.Barrier(ASKERS)
    got: list[str | BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            with cache.once(KEY, until) as kept:
                if kept is not None:
                    got.append(kept)
                    return
                value = compute()
                cache.put(KEY, value, len(value))
                got.append(value)
        except Exception as error:  # what this asker's computation raised
            got.append(error)

    threads = [threading.Thread(target=ask) for _ in range(ASKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return got


def _slow(calls: list[float], value: str = "antwoord", seconds: float = 0.3) -> Callable[[], str]:
    def compute() -> str:
        calls.append(time.monotonic())
        time.sleep(seconds)
        return value

    return compute


def test_asked_by_many_at_once_it_is_computed_once() -> None:
    cache: ResultsCache[str] = ResultsCache()
    calls: list[float] = []
    assert _ask_together(cache, _slow(calls)) == ["antwoord"] * ASKERS
    assert len(calls) == 1
    stats = cache.stats()
    assert (stats.hits, stats.misses) == (ASKERS - 1, 1)


def test_after_a_failure_the_next_computes_it() -> None:
    cache: ResultsCache[str] = ResultsCache()
    calls: list[float] = []

    def fails_once() -> str:
        calls.append(time.monotonic())
        time.sleep(0.2)
        if len(calls) == 1:
            raise RuntimeError("bezet")
        return "antwoord"

    got = _ask_together(cache, fails_once)
    assert len(calls) == 2
    assert [type(value) for value in got].count(RuntimeError) == 1
    assert got.count("antwoord") == ASKERS - 1


def test_a_value_too_large_to_keep_makes_nobody_wait_again() -> None:
    cache: ResultsCache[str] = ResultsCache(max_bytes=4)  # "antwoord" is 8 bytes
    first: list[float] = []
    _ask_together(cache, _slow(first))
    # The others waited for the first; it kept nothing, so then they all computed it at once.
    assert len(first) == ASKERS
    assert min(first[1:]) - first[0] >= 0.3 * 0.9
    assert max(first[1:]) - min(first[1:]) < 0.3
    again: list[float] = []
    _ask_together(cache, _slow(again))
    assert len(again) == ASKERS  # now all at once: nobody waited for the first
    assert max(again) - min(again) < 0.3


def test_a_wait_ends_at_its_time() -> None:
    cache: ResultsCache[str] = ResultsCache()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with cache.once(KEY):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    began = time.monotonic()
    with cache.once(KEY, began + 0.2) as kept:
        assert kept is None  # not kept, and not this asker's turn either
    assert 0.2 <= time.monotonic() - began < 2
    release.set()
    holder.join(10)
    # The turn ended without a failure and kept nothing: the next asker does not wait.
    with cache.once(KEY, time.monotonic() + 5) as kept:
        assert kept is None


def test_a_new_version_forgets_what_was_not_kept() -> None:
    cache: ResultsCache[str] = ResultsCache()
    with cache.once(KEY) as kept:
        assert kept is None  # computed, not kept
    assert KEY in cache._unkept
    cache.put(("v2", "vraag", ()), "nieuw", 5)
    assert not cache._unkept
