"""Hostile clients against the real ``regiograaf serve`` (gunicorn, the buffered worker, query
processes): no fetched URL whatever the query says, no crashed worker, 503 with Retry-After
beyond the caps, 413 for a large body, slow clients closed, timed-out work gone, and ETags
that always belong to their body's data version while the store is rebuilt."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from rdflib import Graph

from server.store.embedded import EmbeddedStore
from tests.store.test_pool import Listener
from tests.support import (
    SMALL_GRAPHS,
    RunningServer,
    build_small_store,
    serving,
)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
JSON = "application/sparql-results+json"
#: A join of the store with itself, counted: runs for hours in constant memory.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?a{i} ?b{i} ?c{i}" for i in range(14)) + " }"
)
#: The settings of the strict server: short limits, so the tests wait little.
STRICT = {
    "REGIOGRAAF_QUERY_TIMEOUT": "1",
    "REGIOGRAAF_HEADER_TIMEOUT": "1",
    "REGIOGRAAF_BODY_TIMEOUT": "1",
    "REGIOGRAAF_LONG_QUERY_AFTER": "0.3",
    "REGIOGRAAF_LONG_QUERIES": "2",
    "REGIOGRAAF_MAX_BODY": "100000",
}
RACE_GRAPH = "https://w3id.org/regiograaf/graph/test/race"


def call(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request; raises :class:`Dropped` when the server
    closes the connection without an answer."""
    url = urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        connection.connect()
        connected = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers or {})
        except ConnectionError as error:
            raise Dropped(time.monotonic() - connected) from error
        late = time.monotonic() - connected
        try:
            response = connection.getresponse()
        except ConnectionError as error:  # http.client.RemoteDisconnected among them
            raise Dropped(late) from error
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Dropped(ConnectionError):
    """The server closed the connection without an answer; ``late``: the seconds from
    connecting until the request was sent (or its sending failed)."""

    def __init__(self, late: float) -> None:
        super().__init__(f"no answer, the request sent {late:.2f} s after connecting")
        self.late = late


def get_query(server: RunningServer, query: str) -> tuple[int, dict[str, str], bytes]:
    return call(server, "GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": JSON})


def workers(server: RunningServer) -> list[int]:
    return children(server.process.pid)


def children(pid: int) -> list[int]:
    text = ""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:  # a process forked by another thread is listed under that thread
            text += " " + (task / "children").read_text()
        except OSError:
            continue
    return sorted(int(part) for part in text.split())


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


@pytest.fixture(scope="module")
def strict_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small store of :func:`strict_server`."""
    return build_small_store(tmp_path_factory.mktemp("strict") / "store").store


@pytest.fixture(scope="module")
def strict_server(strict_store: Path) -> Iterator[RunningServer]:
    """``regiograaf serve`` (2 workers) on the small store with short limits (:data:`STRICT`)."""
    with serving(
        strict_store, strict_store.parent / "serve.log", build=False, env=STRICT
    ) as server:
        yield server


# --- no server-side fetch ---------------------------------------------------------------------


def service_spellings(url: str) -> list[str]:
    """``SERVICE`` in the spellings the grammar allows: keyword case, comments and white space
    around it, the IRI as written, prefixed, relative to a BASE, escaped, or a variable, in
    every kind of group, with SILENT, and the bypass of issue 12."""
    host, rest = url.split("//", 1)[1].split("/", 1)
    escaped_url = url.replace("1", "\\u0031")
    spellings = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE\t<{url}>\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{url}>#more\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service silent\r\n<{url}> {{ }} }}",
        f"PREFIX x: <http://{host}/>\nSELECT * WHERE {{ SERVICE x:{rest} {{ ?s ?p ?o }} }}",
        f"BASE <http://{host}/>\nSELECT * WHERE {{ SERVICE <{rest}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES $u {{ <{url}> }} SERVICE SILENT $u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped_url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
        f"ASK {{ SERVICE <{url}> {{ }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ]
    # The bypass: the old guard read "<2)SERVICE#>" as an IRI, the engine reads a comparison,
    # SERVICE and a comment.
    for left in ("1", "?x", "'a'", "(1)", "true"):
        spellings.append(f"SELECT * WHERE {{ FILTER({left}<2)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}")
        spellings.append(f"SELECT * WHERE {{ FILTER({left}<2)service#>\n<{url}> {{ }} }}")
    return spellings


def test_no_query_makes_the_server_connect(live_server: RunningServer) -> None:
    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/sparql"
        before = workers(live_server)
        for query in service_spellings(url):
            for method in ("GET", "FORM", "DIRECT"):
                if method == "GET":
                    status, _, body = get_query(live_server, query)
                elif method == "FORM":
                    status, _, body = call(
                        live_server,
                        "POST",
                        "/sparql",
                        urlencode({"query": query}).encode(),
                        {"Content-Type": FORM, "Accept": JSON},
                    )
                else:
                    status, _, body = call(
                        live_server,
                        "POST",
                        "/sparql",
                        query.encode(),
                        {"Content-Type": DIRECT, "Accept": JSON},
                    )
                # Refused (400), or answered without the service (SILENT, an unbound
                # variable): never a server error, never data from the listener.
                assert status in (200, 400), (query, status, body[:300])
                if status == 400:
                    assert body.strip()
        time.sleep(0.5)
        assert listener.connections == 0
        assert workers(live_server) == before
    finally:
        listener.close()


def test_service_refusal_names_the_reason(live_server: RunningServer) -> None:
    status, _, body = get_query(
        live_server, "SELECT * WHERE { FILTER(1<2)SERVICE#>\n<http://127.0.0.1:9/x> { } }"
    )
    assert status == 400
    assert b"SERVICE" in body


# --- no crash from any query text -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
        "SELECT * WHERE { " + "UNION".join(["{}"] * 100_000) + " }",
        "SELECT * WHERE { " + " UNION ".join("{?s ?p ?o}" for _ in range(4000)) + " }",
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    ],
    ids=["3000 braces", "100000 unions", "4000 unions", "5000 parentheses"],
)
def test_huge_and_deep_queries_are_400_and_the_workers_live(
    live_server: RunningServer, query: str
) -> None:
    before = workers(live_server)
    status, _, body = call(
        live_server, "POST", "/sparql", query.encode(), {"Content-Type": DIRECT, "Accept": JSON}
    )
    assert status == 400
    assert b"this server evaluates" in body
    assert workers(live_server) == before
    assert call(live_server, "GET", "/health")[0] == 200


# --- limits -----------------------------------------------------------------------------------


def test_a_large_body_is_413(strict_server: RunningServer) -> None:
    query = b"ASK { }" + b" " * 200_000
    status, headers, body = call(strict_server, "POST", "/sparql", query, {"Content-Type": DIRECT})
    assert status == 413
    assert b"100,000 bytes" in body
    assert headers.get("X-Content-Type-Options") == "nosniff"
    # Sent in chunks, with no length announced: refused once past the limit.
    url = urlsplit(strict_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        chunks = iter([b"ASK { }"] + [b" " * 50_000] * 4)
        connection.request(
            "POST", "/sparql", body=chunks, headers={"Content-Type": DIRECT}, encode_chunked=True
        )
        assert connection.getresponse().status == 413
    finally:
        connection.close()
    assert call(strict_server, "POST", "/sparql", b"ASK { }", {"Content-Type": DIRECT})[0] == 200


def test_a_timed_out_query_stops_its_work(strict_server: RunningServer) -> None:
    began = time.monotonic()
    status, headers, _ = get_query(strict_server, ENDLESS)
    assert status == 503
    assert headers.get("Retry-After")
    assert time.monotonic() - began < 5
    # Within a second no query process computes any more.
    time.sleep(1)
    processes = [child for worker in workers(strict_server) for child in children(worker)]
    before = {pid: cpu_ticks(pid) for pid in processes}
    time.sleep(0.5)
    assert all(cpu_ticks(pid) - ticks < 10 for pid, ticks in before.items())


def test_beyond_the_long_queries_the_answer_is_503_with_retry_after(
    strict_server: RunningServer,
) -> None:
    outcomes: list[tuple[int, str | None, bytes]] = []
    lock = threading.Lock()

    def endless(number: int) -> None:
        # Each its own text: requests for one text would wait for one answer.
        status, headers, body = get_query(strict_server, f"{ENDLESS} # {number}")
        with lock:
            outcomes.append((status, headers.get("Retry-After"), body))

    # More clients than one worker has threads (8), so that both workers run queries.
    threads = [threading.Thread(target=endless, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    # A query process that runs long runs at nice 10 until it is killed, so the niced ones
    # alive at any moment are the long queries of the whole server: at most long_queries (2),
    # though each of the 2 workers runs up to 6 queries at once.
    most_long = 0
    while any(thread.is_alive() for thread in threads):
        most_long = max(most_long, len(niced_query_processes(strict_server)))
        time.sleep(0.01)
    # Others running at once were stopped early (how many overlap depends on how the machine
    # schedules the clients).
    assert all(status == 503 and retry for status, retry, _ in outcomes)
    assert any(b"lange vragen" in body for _, _, body in outcomes)
    assert 1 <= most_long <= 2
    assert get_query(strict_server, "ASK {}")[0] == 200


def niced_query_processes(server: RunningServer) -> list[int]:
    """The query processes of ``server`` that run at a lower CPU priority (a long query)."""
    niced = []
    for pid in [child for worker in workers(server) for child in children(worker)]:
        try:
            if os.getpriority(os.PRIO_PROCESS, pid) > 0:
                niced.append(pid)
        except OSError:  # ended meanwhile
            continue
    return niced


def test_slow_clients_are_closed_and_others_answered(strict_server: RunningServer) -> None:
    url = urlsplit(strict_server.url)
    slow = []
    for _ in range(50):
        sock = socket.create_connection((url.hostname, url.port))
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finished
        slow.append(sock)
    try:
        # Nothing of them holds a thread: the server answers meanwhile.
        for _ in range(5):
            assert call(strict_server, "GET", "/health", timeout=10)[0] == 200
            assert get_query(strict_server, "ASK { }")[0] == 200
        # After the header timeout (1 s here) the server has closed them.
        time.sleep(2.5)
        for sock in slow:
            sock.settimeout(2)
            assert sock.recv(1) == b""
    finally:
        for sock in slow:
            sock.close()


# --- one data version per answer --------------------------------------------------------------


def rebuild_versions(folder: str, count: int, built: Any) -> None:
    """Make ``count`` new versions of the store in ``folder``, each with its number as the
    value of the race triple, 0.4 s apart (run in a process of its own: see below)."""
    store = EmbeddedStore(Path(folder), read_only=False)
    base = {iri: Graph().parse(data=text, format="turtle") for iri, text in SMALL_GRAPHS.items()}
    for number in range(1, count + 1):
        marker = Graph().parse(
            data=f'<http://example.org/race> <http://example.org/v> "race-{number}" .',
            format="turtle",
        )
        store.replace({**base, RACE_GRAPH: marker}, f"race-{number}")
        built.value = number
        time.sleep(0.4)


def test_etag_and_body_come_from_one_version_during_rebuilds(
    strict_server: RunningServer, strict_store: Path
) -> None:
    # The versions are made in a process of their own. When a thread of this process made
    # them, CI twice saw a connection closed without an answer while versions took 2-3 s each
    # to make; the likely cause (not proven): the thread held the interpreter, this process
    # sent its request more than header_timeout (1 s) after connecting, and the server closed
    # the connection as it should. A drop is therefore allowed only when the request went out
    # after header_timeout (the server's clock starts when it accepts, after the connect).
    spawn = multiprocessing.get_context("spawn")
    built = spawn.Value("i", 0)
    rebuilder = spawn.Process(target=rebuild_versions, args=(str(strict_store), 10, built))
    rebuilder.start()
    query = "SELECT ?v WHERE { <http://example.org/race> <http://example.org/v> ?v }"
    path = "/sparql?query=" + quote(query)
    checked = 0
    seen: set[str] = set()
    try:
        while rebuilder.is_alive():
            try:
                status, headers, body = call(strict_server, "GET", path, headers={"Accept": JSON})
            except Dropped as error:
                if error.late >= 0.99:
                    continue  # this process was late to send (a loaded machine): closed rightly
                log = strict_server.log.read_text(errors="replace")[-3000:]
                raise AssertionError(f"{error}; the server's log ends:\n{log}") from error
            except http.client.HTTPException as error:
                log = strict_server.log.read_text(errors="replace")[-3000:]
                raise AssertionError(
                    f"no answer ({error}); the server's log ends:\n{log}"
                ) from error
            if status != 200:
                continue
            rows = json.loads(body)["results"]["bindings"]
            version = rows[0]["v"]["value"] if rows else "test-version-1"
            etag = headers["ETag"].strip('"')
            assert etag == version or etag.startswith(version + "-"), (etag, version)
            checked += 1
            seen.add(version)
    except BaseException:
        rebuilder.kill()
        raise
    finally:
        rebuilder.join(timeout=120)
        if rebuilder.is_alive():
            rebuilder.kill()
            rebuilder.join()
    assert rebuilder.exitcode == 0
    assert built.value == 10
    assert checked >= 50
    assert len(seen - {"test-version-1"}) >= 3, seen  # the answers did follow the rebuilds


# --- last: it kills a worker of the strict server ------------------------------------------


def test_query_processes_end_with_their_worker(strict_server: RunningServer) -> None:
    assert get_query(strict_server, "ASK { }")[0] == 200
    victim = next(worker for worker in workers(strict_server) if children(worker))
    processes = children(victim)
    os.kill(victim, 9)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in processes):
        time.sleep(0.1)
    assert not any(
        Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()
        for pid in processes
    )
