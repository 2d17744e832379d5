"""The answer cache of ``/sparql`` (server/sparql/operation.py, setting ``answer_cache``): the
same query asked again is answered from the cache with the same body and headers; what it
may not serve (another format or dataset, a volatile function, a large answer, another data
version) it does not."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from flask.testing import FlaskClient
from rdflib import Graph

from server.http.policy import CACHE_HEADER, MAX_ROWS_HEADER
from server.settings import Settings
from server.store.embedded import EmbeddedStore
from server.web.app import create_app
from tests.support import EX, G1, SMALL_GRAPHS, build_small_store

LABELS = f"SELECT ?s ?label WHERE {{ ?s <{EX}label> ?label }} ORDER BY ?s ?label"
#: 10,000 rows: an answer of more than 64 KiB.
MANY = (
    "SELECT ?a ?b WHERE { "
    + " ".join(f"VALUES ?{name} {{ {' '.join(str(i) for i in range(100))} }}" for name in "ab")
    + " }"
)


def _client(settings: Settings, **changes: object) -> FlaskClient:
    return create_app(dataclasses.replace(settings, **changes)).test_client()


def _ask(client: FlaskClient, query: str, **params: str):
    return client.get("/sparql", query_string={"query": query, **params})


def test_the_same_query_again_is_a_hit_with_the_same_answer(small_settings: Settings) -> None:
    client = _client(small_settings)
    first, second = _ask(client, LABELS), _ask(client, LABELS)
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == ("miss", "hit")
    assert second.data == first.data and second.status_code == 200
    for header in ("ETag", "Content-Type", "Content-Length", "Cache-Control", "Vary"):
        assert second.headers.get(header) == first.headers.get(header), header
    head = client.head("/sparql", query_string={"query": LABELS})
    assert head.headers[CACHE_HEADER] == "hit" and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))
    # A conditional request is still answered 304 before the cache is asked.
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_formats_and_datasets_are_kept_apart(small_settings: Settings) -> None:
    cached, uncached = _client(small_settings), _client(small_settings, answer_cache=0)
    asked = (
        {},
        {"format": "csv"},
        {"default-graph-uri": G1},
        {"format": "csv", "default-graph-uri": G1},
        {},
        {"default-graph-uri": G1},
    )
    for params in asked:
        ours, reference = _ask(cached, LABELS, **params), _ask(uncached, LABELS, **params)
        assert ours.data == reference.data, params
        assert ours.headers["Content-Type"] == reference.headers["Content-Type"], params
        assert CACHE_HEADER not in reference.headers
    assert _ask(cached, LABELS, format="csv").headers[CACHE_HEADER] == "hit"


def test_volatile_functions_always_run(small_settings: Settings) -> None:
    client = _client(small_settings)
    for query in (
        "SELECT (STRUUID() AS ?id) WHERE {}",
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELECT (NOW() AS ?t) WHERE {}",
    ):
        answers = {_ask(client, query).data for _ in range(3)}
        assert CACHE_HEADER not in _ask(client, query).headers, query
        if "NOW" not in query:  # the clock may not move between two runs
            assert len(answers) == 3, query


def test_an_answer_that_streams_is_not_kept(small_settings: Settings) -> None:
    client = _client(small_settings)
    first = _ask(client, MANY)
    assert len(first.data) > 64 * 1024 and first.headers[CACHE_HEADER] == "miss"
    assert _ask(client, MANY).headers[CACHE_HEADER] == "miss"


def test_a_new_data_version_is_never_answered_from_the_old(tmp_path: Path) -> None:
    settings = build_small_store(tmp_path / "store")
    client = _client(settings)
    before = _ask(client, LABELS)
    assert _ask(client, LABELS).headers[CACHE_HEADER] == "hit"
    changed = {
        iri: Graph().parse(data=text.replace('"one"@en', '"uno"@es'), format="turtle")
        for iri, text in SMALL_GRAPHS.items()
    }
    EmbeddedStore(settings.store, read_only=False).replace(changed, "test-version-2")
    after = _ask(client, LABELS)
    assert after.headers[CACHE_HEADER] == "miss"
    assert b"uno" in after.data and b"uno" not in before.data
    assert after.headers["ETag"] != before.headers["ETag"]
    assert _ask(client, LABELS).headers[CACHE_HEADER] == "hit"


def test_the_cache_is_bounded(small_settings: Settings) -> None:
    """With room for a few answers only, older ones go and are run again when asked."""
    client = _client(small_settings)
    app = client.application
    operation = app.wsgi_app
    answers = operation.answers  # type: ignore[attr-defined]
    answers.max_bytes = 3 * 2048
    queries = [f"SELECT ?s WHERE {{ ?s ?p {n} }}" for n in range(1, 8)]
    for query in queries:
        assert _ask(client, query).headers[CACHE_HEADER] == "miss"
    assert answers.stats().bytes <= answers.max_bytes
    assert _ask(client, queries[0]).headers[CACHE_HEADER] == "miss"
    assert _ask(client, queries[-1]).headers[CACHE_HEADER] == "hit"


def test_a_capped_answer_is_kept_apart_from_the_same_text_uncapped(
    small_settings: Settings,
) -> None:
    """With a cap of 1 row, "LIMIT 50" runs as "LIMIT 1" and says so; "LIMIT 1" asked first
    must not answer it from the cache without the notice (nor the other way round)."""
    client = _client(small_settings, max_rows=1)
    select = f"SELECT ?s WHERE {{ ?s <{EX}label> ?label }} ORDER BY ?s"
    exact, capped = _ask(client, select + " LIMIT 1"), _ask(client, select + " LIMIT 50")
    assert MAX_ROWS_HEADER not in exact.headers
    assert capped.headers[MAX_ROWS_HEADER] == "1"
    assert capped.headers[CACHE_HEADER] == "miss"
    assert _ask(client, select + " LIMIT 50").headers[MAX_ROWS_HEADER] == "1"
    assert MAX_ROWS_HEADER not in _ask(client, select + " LIMIT 1").headers


def test_a_large_whole_answer_is_not_kept(small_settings: Settings) -> None:
    """Without query processes the store hands the whole answer over as one piece: one of
    more than 64 KiB is still not kept."""
    client = _client(small_settings, query_processes=0)
    first = _ask(client, MANY)
    assert len(first.data) > 64 * 1024 and first.headers[CACHE_HEADER] == "miss"
    assert _ask(client, MANY).headers[CACHE_HEADER] == "miss"


#: About 10^6 solutions counted: long enough (a few tenths of a second) that the requests
#: below all arrive while it runs.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?{name} {{ {' '.join(str(i) for i in range(100))} }}" for name in "abc")
    + " }"
)


def test_a_query_asked_by_many_at_once_runs_once(small_settings: Settings) -> None:
    """Six requests for one uncached query at the same moment: one runs it, the other five
    wait for its answer and get it from the cache (without the waiting, all six would run
    it, or be refused for want of query processes)."""
    app = _client(small_settings, long_query_after=30.0).application
    start = threading.Barrier(6)
    answers: list[tuple[int, str | None, bytes]] = []

    def ask() -> None:
        client = app.test_client()
        start.wait()
        answer = _ask(client, SLOW)
        answers.append((answer.status_code, answer.headers.get(CACHE_HEADER), answer.data))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _, _ in answers) == [200] * 6
    assert sorted(cache for _, cache, _ in answers) == ["hit"] * 5 + ["miss"]
    assert len({body for _, _, body in answers}) == 1 and b"1000000" in answers[0][2]
