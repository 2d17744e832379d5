"""kill -9 of the server during a write: afterwards the file holds the old or the new version
(never part of one), and once the server is started again the store and the history agree
with the file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import URIRef

from server.contribute.graphs import CONTRIBUTIONS
from server.store.embedded import EmbeddedStore
from tests.contribute.live import WriteServer, graph_url, http, restart, start_write_server, stop
from tests.support import TEST_DATA

EIGEN = (TEST_DATA / "contribute" / "delft-eigen.ttl").read_bytes()
NEW = EIGEN.replace(b"sensoren in de binnenstad", b"sensoren in de hele stad")
TURTLE = {"Content-Type": "text/turtle"}
SHA = (
    "SELECT ?g ?sha WHERE { GRAPH <https://w3id.org/regiograaf/graph/meta> "
    "{ ?g <https://w3id.org/regiograaf/def#sha256> ?sha } }"
)


def _sha(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _kill(server: WriteServer) -> None:
    os.killpg(server.server.process.pid, signal.SIGKILL)
    server.server.process.wait(timeout=30)


def _wait_for(condition: Callable[[], bool], seconds: float = 300) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture(scope="module")
def crashing(
    small_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WriteServer]:
    folder = tmp_path_factory.mktemp("crash")
    server = start_write_server(small_project, folder, codes=("gm0503",))
    try:
        first = http("PUT", graph_url(server, "crash"), EIGEN, {**TURTLE, **server.bearer()})
        assert first.status == 201
        yield server
    finally:
        stop(server)


@pytest.mark.parametrize(
    "moment",
    [
        "while validating",  # soon after the request arrives
        "right after the file is replaced",  # the build has not swapped the store yet
    ],
)
def test_kill_9_during_a_write(crashing: WriteServer, moment: str) -> None:
    server = crashing
    path = server.settings.root / "data" / "contributions" / "gm0503" / "crash.ttl"
    before = path.read_bytes()
    body = NEW if before == EIGEN else EIGEN

    def write() -> None:
        with contextlib.suppress(OSError):  # the server dies before it answers
            http("PUT", graph_url(server, "crash"), body, {**TURTLE, **server.bearer()})

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    if moment == "while validating":
        time.sleep(0.5)
    else:
        assert _wait_for(lambda: path.read_bytes() != before)
    _kill(server)
    thread.join(timeout=30)

    now = path.read_bytes() if path.exists() else None
    assert _sha(now) in {_sha(before), _sha(body)}  # old or new, never half
    turtle = sorted(p.name for p in path.parent.glob("*.ttl"))
    assert turtle == ["crash.ttl"]

    server.server = restart(server.settings, server.log.parent)
    store = EmbeddedStore(server.settings.store)
    rows = store.query(SHA, bindings={"g": URIRef(CONTRIBUTIONS + "gm0503/crash")}).rows()
    assert [str(r["sha"]) for r in rows] == [_sha(now)]  # the store agrees with the file
    read = http("GET", graph_url(server, "crash"))
    assert read.headers["etag"] == f'"{_sha(now)}"'
    graphs = http("GET", server.url + "/bijdragen/gm0503.json").json()["graphs"]  # type: ignore[index]
    versions = next(g for g in graphs if g["name"] == "crash")["versions"]
    assert versions[0]["sha256"] == _sha(now)  # so does the history
    # and the server takes writes again
    again = http(
        "PUT",
        graph_url(server, "crash"),
        before if now != before else body,
        {**TURTLE, **server.bearer()},
    )
    assert again.status == 200
