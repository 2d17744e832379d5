"""The real server (``regiograaf serve``, gunicorn) answers /health and / with what is loaded."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support import BuiltStore, RunningServer, get, start_server, stop_server


def test_health(live_server: RunningServer, built_store: BuiltStore) -> None:
    status, headers, body = get(live_server.url + "/health")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    health = json.loads(body)
    assert health == {
        "status": "ok",
        "data_version": built_store.result.data_version,
        "graphs": len(built_store.store.named_graphs()),
        "triples": built_store.store.count(),
    }


def test_many_requests_across_workers(live_server: RunningServer) -> None:
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: get(live_server.url + "/health"), range(40)))
    assert {status for status, _, _ in answers} == {200}


def _shown(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}">(\d+)<', html)
    assert match, element_id
    return int(match.group(1))


def test_the_page_about_the_data_shows_what_is_loaded(
    live_server: RunningServer, built_store: BuiltStore
) -> None:
    status, headers, body = get(live_server.url + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["ETag"] == f'"{built_store.result.data_version}"'
    assert '<html lang="nl">' in body.decode("utf-8")
    # The figures are on the page about the data, linked from every page's footer.
    assert 'href="/over"' in body.decode("utf-8")
    status, _, body = get(live_server.url + "/over")
    assert status == 200
    html = body.decode("utf-8")
    assert built_store.result.data_version in html

    def count(sparql: str) -> int:
        rows = built_store.store.query(
            "PREFIX rg: <https://w3id.org/regiograaf/def#>\n" + sparql
        ).rows()
        return int(rows[0]["n"])

    assert _shown(html, "municipalities") == 24
    assert _shown(html, "projects") == count(
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Project }"
    )
    assert _shown(html, "example-projects") == count(
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Project ; rg:isExample true }"
    )
    assert _shown(html, "goals") == count(
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Goal }"
    )
    for graph in built_store.store.named_graphs():
        assert f"<code>{graph}</code>" in html


def test_serve_builds_a_missing_store(tmp_path: Path) -> None:
    server = start_server(tmp_path / "new-store", tmp_path / "serve.log", workers=1)
    try:
        status, _, body = get(server.url + "/health")
        assert status == 200
        assert json.loads(body)["triples"] > 0
    finally:
        stop_server(server)
    assert "built data version" in server.log.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/health", "/"])
def test_no_store_is_503(tmp_path: Path, path: str) -> None:
    from server.settings import load_settings
    from server.web.app import create_app

    client = create_app(load_settings(store=tmp_path / "missing")).test_client()
    assert client.get(path).status_code == 503


def test_gunicorn_control_socket_is_disabled(tmp_path: Path) -> None:
    """Parallel servers must not share ~/.gunicorn/gunicorn.ctl."""
    from server.settings import load_settings
    from server.web.gunicorn_app import RegiograafApplication

    application = RegiograafApplication(load_settings(store=tmp_path / "store"))
    assert application.cfg is not None
    assert application.cfg.control_socket_disable is True


def test_workers_copy_the_store_into_memory(live_server: RunningServer) -> None:
    """Each of the 2 workers logs that it queries an in-memory copy of the store
    (setting ``memory_quads``), and a query answers the same before and after."""
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, _, before = get(f"{live_server.url}/sparql?query={query}")
    assert status == 200
    deadline = time.monotonic() + 60
    while live_server.log.read_text(errors="replace").count("store in memory:") < 2:
        assert time.monotonic() < deadline, live_server.log.read_text(errors="replace")
        time.sleep(0.1)
    for _ in range(4):  # whichever worker answers
        assert get(f"{live_server.url}/sparql?query={query}")[2] == before
