"""The server's one in-memory copy of the store (server/web/arbiter.py SharingArbiter,
server/store/memory.py ServerCopy), on real gunicorn servers of 2 workers over a small store
written with the store API."""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from server.store.embedded import EmbeddedStore
from tests.support import RunningServer, get, start_server, stop_server

EX = "http://example.org/"
GRAPH = "https://w3id.org/regiograaf/graph/data/copy"
ALL_QUADS = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


def _graph(names: int) -> dict[str, Graph]:
    """``names`` subjects with a name, and one blank node (its label must survive the copy)."""
    graph = Graph()
    place = BNode("place")
    for number in range(names):
        graph.add((URIRef(f"{EX}s{number}"), URIRef(EX + "name"), Literal(f"naam {number}")))
    graph.add((URIRef(EX + "s0"), URIRef(EX + "at"), place))
    graph.add((place, URIRef(EX + "wkt"), Literal("POINT(4 52)")))
    return {GRAPH: graph}


def _store(tmp_path: Path, names: int = 5) -> Path:
    path = tmp_path / "store"
    EmbeddedStore(path, read_only=False).replace(_graph(names), "v1")
    return path


def _csv(server: RunningServer, sparql: str) -> bytes:
    query = urllib.parse.quote(sparql)
    status, _, body = get(f"{server.url}/sparql?query={query}&format=csv")
    assert status == 200, body
    return body


def _wait_for(server: RunningServer, done: Callable[[str], bool], timeout: float = 60) -> str:
    """The server's log once ``done`` holds for it."""
    deadline = time.monotonic() + timeout
    while True:
        log = server.log.read_text(errors="replace")
        if done(log):
            return log
        assert time.monotonic() < deadline, log
        time.sleep(0.1)


def _on_disk(store: Path, log: Path) -> bytes:
    """Every quad, as a server that queries the disk only answers."""
    server = start_server(store, log, build=False, env={"REGIOGRAAF_MEMORY_QUADS": "0"})
    try:
        return _csv(server, ALL_QUADS)
    finally:
        stop_server(server)


def test_a_small_store_is_copied_by_each_worker(tmp_path: Path) -> None:
    """At most ``memory_quads_per_worker`` quads: each worker copies the store itself, as
    before; the master makes no copy and replaces no worker; the copies answer exactly as the
    disk does (blank node labels included)."""
    store = _store(tmp_path)
    expected = _on_disk(store, tmp_path / "disk.log")
    assert b"_:place" in expected
    assert "store in memory" not in (tmp_path / "disk.log").read_text(errors="replace")
    server = start_server(store, tmp_path / "serve.log", build=False)
    try:
        log = _wait_for(server, lambda log: log.count("store in memory: 14 quads") == 2)
        for _ in range(4):  # whichever worker answers
            assert _csv(server, ALL_QUADS) == expected
    finally:
        stop_server(server)
    assert "server's copy" not in log
    assert "replaced" not in log


def test_workers_are_replaced_when_the_server_copy_is_complete_and_after_a_build(
    tmp_path: Path,
) -> None:
    """Above ``memory_quads_per_worker`` (here 0) the first workers answer from disk while the
    master copies the store; once the copy is complete they are replaced by workers that share
    it, and answer as the disk does. A build's new version is answered at once, copied, and the
    workers are replaced again."""
    store = _store(tmp_path)
    expected = _on_disk(store, tmp_path / "disk.log")
    env = {"REGIOGRAAF_MEMORY_QUADS_PER_WORKER": "0"}
    server = start_server(store, tmp_path / "serve.log", build=False, env=env)
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        before = _csv(server, count)
        log = _wait_for(server, lambda log: log.count("store in memory: the server's copy") == 2)
        booted = [match.start() for match in re.finditer("Booting worker", log)]
        assert len(booted) == 4
        assert booted[1] < log.index("server's copy of the store: 14 quads") < booted[2]
        assert "2 workers replaced" in log
        assert _csv(server, count) == before == b"n\r\n7\r\n"
        for _ in range(4):
            assert _csv(server, ALL_QUADS) == expected

        EmbeddedStore(store, read_only=False).replace(_graph(8), "v2")
        assert _csv(server, count) == b"n\r\n10\r\n"  # at once, from disk or the new copy
        log = _wait_for(server, lambda log: log.count("store in memory: the server's copy") == 4)
        assert log.count("server's copy of the store: ") == 2
        assert log.count("2 workers replaced") == 2
        for _ in range(4):
            assert _csv(server, count) == b"n\r\n10\r\n"
    finally:
        stop_server(server)
