"""Query processes (server/store/pool.py, isolation.py, pooled.py): real forked processes on a
real store. A timeout kills the work, a crash costs one query, the cap answers 503 with
Retry-After, a query cannot reach the network, and every answer says its data version."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from server.http.media_types import SPARQL_JSON
from server.store import (
    EngineFailed,
    QueriesBusy,
    QueryOutOfMemory,
    QueryTimeout,
    ServiceRefused,
    slots,
)
from server.store.embedded import EmbeddedStore
from server.store.limits import QueryLimits
from server.store.pool import PoolConfig
from server.store.pooled import PooledStore
from tests.support import SMALL_GRAPHS, SMALL_VERSION, build_small_store

JSON = {"select": SPARQL_JSON, "ask": SPARQL_JSON, "graph": None}
#: Counts 6^14 solutions of a join of the store with itself: runs for hours in constant memory.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?a{i} ?b{i} ?c{i}" for i in range(14)) + " }"
)


def make(path: Path, **config: object) -> PooledStore:
    return PooledStore(EmbeddedStore(path, read_only=True), PoolConfig(**config))  # type: ignore[arg-type]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "store").store


@pytest.fixture
def pooled(store_path: Path) -> Iterator[PooledStore]:
    store = make(store_path, processes=2, long_queries=1, long_query_after=0.3, queue_wait=0.3)
    yield store
    store.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_answers_carry_rows_and_their_data_version(pooled: PooledStore) -> None:
    assert pooled.count() == 6
    assert pooled.query("ASK { ?s ?p ?o }").boolean() is True
    answer = pooled.answer("SELECT * WHERE { ?s ?p ?o }", media_types=JSON)
    body, last = answer.read()
    answer.close()
    assert last and b'"bindings"' in body
    assert answer.data_version == SMALL_VERSION


def in_background(store: PooledStore, seconds: float) -> tuple[threading.Thread, list[object]]:
    """Run :data:`ENDLESS` with a time limit of ``seconds`` in a thread; the thread and, once
    it ended, the type of its error."""
    outcome: list[object] = []

    def run() -> None:
        try:
            store.answer(ENDLESS, media_types=JSON, deadline=time.monotonic() + seconds).read()
        except (QueryTimeout, QueriesBusy) as error:
            outcome.append(type(error))

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def busy_pid(store: PooledStore) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with store.pool._lock:
            busy = [process.pid for process in store.pool._busy]
        if busy:
            return busy[0]
        time.sleep(0.01)
    raise AssertionError("no query process became busy")


def running_long(store: PooledStore) -> None:
    """Wait until a query of ``store`` runs long (it holds a long-query slot)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with store.pool._lock:
            if any(process.long for process in store.pool._busy):
                return
        time.sleep(0.01)
    raise AssertionError("no query ran long")


def test_a_timed_out_query_is_killed_and_reaped(pooled: PooledStore) -> None:
    began = time.monotonic()
    thread, outcome = in_background(pooled, 0.5)
    pid = busy_pid(pooled)
    assert alive(pid)
    thread.join(timeout=10)
    # Killed and reaped by the time the 503 is raised: its CPU and memory are back.
    assert outcome == [QueryTimeout]
    assert not alive(pid)
    assert time.monotonic() - began < 10  # stopped at its limit, not after hours of work
    assert pid not in pooled.pool.pids()


def test_beyond_the_cap_the_answer_is_busy_with_retry_after(store_path: Path) -> None:
    store = make(store_path, processes=1, long_queries=1, long_query_after=10, queue_wait=0.2)
    try:
        thread, outcome = in_background(store, 6)
        busy_pid(store)
        began = time.monotonic()
        with pytest.raises(QueriesBusy) as caught:
            store.answer("ASK {}", media_types=JSON)
        # It waited its queue_wait and gave up while the other query still ran (that one ends
        # only at its 6 s limit): no timing goal, an order of events.
        assert time.monotonic() - began >= 0.2 and thread.is_alive() and outcome == []
        assert ("Retry-After", "2") in caught.value.headers
        assert caught.value.status == 503
        thread.join(timeout=10)
        assert outcome == [QueryTimeout]
        assert store.query("ASK {}").boolean() is True
    finally:
        store.close()


def test_only_so_many_queries_may_run_long(pooled: PooledStore) -> None:
    thread, outcome = in_background(pooled, 3)
    busy_pid(pooled)
    running_long(pooled)  # the first one runs long now (long_query_after 0.3 s)
    began = time.monotonic()
    with pytest.raises(QueriesBusy, match="lange vragen"):
        pooled.answer(ENDLESS, media_types=JSON, deadline=time.monotonic() + 3).read()
    assert time.monotonic() - began < 3  # stopped when it went long, not at its 3 s limit
    thread.join(timeout=10)
    assert outcome == [QueryTimeout]


def test_the_long_queries_are_counted_for_the_whole_server(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two pools, as two workers of one server, count in the folder the master shares.
    monkeypatch.setattr(slots, "_shared", tmp_path)
    first, second = (make(store_path, long_queries=1, long_query_after=0.3) for _ in range(2))
    try:
        thread, outcome = in_background(first, 2)
        busy_pid(first)
        running_long(first)  # it runs long now, in the first worker
        with pytest.raises(QueriesBusy, match="lange vragen"):
            second.answer(ENDLESS, media_types=JSON, deadline=time.monotonic() + 3).read()
        thread.join(timeout=10)
        assert outcome == [QueryTimeout]
        # Its process was killed, so the slot is free: the second worker's query runs long to
        # its own time limit.
        with pytest.raises(QueryTimeout):
            second.answer(ENDLESS, media_types=JSON, deadline=time.monotonic() + 1).read()
    finally:
        first.close()
        second.close()


def test_a_slot_is_freed_when_its_holder_dies(tmp_path: Path) -> None:
    ours = slots.LongSlots(1, tmp_path)
    taken, told = os.pipe()
    pid = os.fork()
    if pid == 0:  # a worker that takes the slot and is killed while it holds it
        try:
            os.write(told, b"y" if ours.take() is not None else b"n")
            time.sleep(60)
        finally:
            os._exit(0)
    os.close(told)
    try:
        assert os.read(taken, 1) == b"y"
        assert ours.take() is None
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(taken)
    slot = ours.take()
    assert slot is not None
    assert ours.take() is None  # there is one slot
    ours.give(slot)
    assert ours.take() is not None


def test_one_process_of_the_server_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slots, "_shared", tmp_path)
    inside: list[str] = []
    leave = threading.Event()

    def first() -> None:
        with slots.one_at_a_time("warm-up"):
            inside.append("first in")
            leave.wait(10)
            inside.append("first out")

    def second() -> None:
        with slots.one_at_a_time("warm-up"):
            inside.append("second in")

    one = threading.Thread(target=first)
    one.start()
    while not inside:
        time.sleep(0.01)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.3)
    assert inside == ["first in"]  # the second waits
    leave.set()
    one.join(timeout=10)
    two.join(timeout=10)
    assert inside == ["first in", "first out", "second in"]


def test_a_crash_of_the_engine_costs_one_query(store_path: Path) -> None:
    # Without the text limits, 100,000 nested groups overflow the engine's stack (SIGSEGV).
    store = make(store_path, processes=1, limits=QueryLimits(0, 0, 0))
    try:
        with pytest.raises(EngineFailed) as caught:
            store.query("SELECT * WHERE " + "{" * 100_000 + "}" * 100_000).rows()
        assert caught.value.status == 500
        assert store.query("ASK { ?s ?p ?o }").boolean() is True
    finally:
        store.close()


def test_a_query_past_its_memory_is_stopped(store_path: Path) -> None:
    store = make(store_path, processes=1, memory_bytes=64 * 1024 * 1024)
    values = " ".join(str(i) for i in range(2000))
    sort = f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }} ORDER BY ?b ?a"
    try:
        with pytest.raises(QueryOutOfMemory) as caught:
            store.query(sort).rows()
        assert caught.value.status == 503
        assert store.query("ASK { ?s ?p ?o }").boolean() is True
    finally:
        store.close()


class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}",
        "ASK {{ SERVICE <{url}> {{ }} }}",
    ],
)
def test_a_query_process_cannot_connect(pooled: PooledStore, template: str) -> None:
    listener = Listener()
    try:
        query = template.format(url=f"http://127.0.0.1:{listener.port}/sparql")
        try:
            pooled.query(query).rows()
        except ServiceRefused as error:
            assert error.status == 400
        time.sleep(0.2)
        assert listener.connections == 0
    finally:
        listener.close()


def test_after_a_rebuild_answers_come_from_the_new_version(store_path: Path) -> None:
    store = make(store_path, processes=2)
    try:
        assert store.answer("ASK {}", media_types=JSON).data_version == SMALL_VERSION
        graphs = {
            iri: Graph().parse(data=text, format="turtle") for iri, text in SMALL_GRAPHS.items()
        }
        EmbeddedStore(store_path, read_only=False).replace(graphs, "version-2")
        answer = store.answer("ASK {}", media_types=JSON)
        answer.read()
        assert answer.data_version == "version-2"
    finally:
        store.close()
