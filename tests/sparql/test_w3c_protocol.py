"""The query side of the W3C SPARQL 1.1 Protocol test suite, adapted to this endpoint.

The cases follow the W3C protocol manifest (``query_get``, ``query_post_form``,
``query_post_direct``, ``query_dataset_*``, ``query_multiple_dataset``,
``query_content_type_*``, ``bad_query_*``, ``bad_multiple_queries`` and the update requests a
read-only endpoint must refuse). Where the W3C tests load their own files at known URLs, these
run on the project's own named graphs: the real ``regiograaf serve`` (gunicorn) on the real
build, over HTTP. Expected numbers are not written down but taken from the store the server
serves, with queries that name the graphs in ``GRAPH`` patterns instead of through the
protocol's dataset parameters.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from rdflib import Graph, URIRef

from tests.support import BuiltStore, RunningServer

GRAPH = "https://w3id.org/regiograaf/graph/"
MUNICIPALITIES = GRAPH + "data/gemeenten"
ORGANISATIONS = GRAPH + "data/organisaties"
STATUSES = GRAPH + "data/projectstatus"
CHALLENGES = GRAPH + "data/opgaven"
ROTTERDAM = "https://w3id.org/regiograaf/id/gemeente/gm0599"

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMED = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
#: Triples per graph: the default graph as "default", the named graphs by name.
PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n) WHERE {
  { ?s ?p ?o BIND("default" AS ?g) } UNION { GRAPH ?g { ?s ?p ?o } }
} GROUP BY ?g"""
RESULTS_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def call(
    server: RunningServer,
    method: str,
    params: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, bytes]:
    """One request to ``/sparql``: status, Content-Type (without parameters) and body."""
    url = urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        path = "/sparql" + ("?" + urlencode(params) if params else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, content_type, response.read()
    finally:
        connection.close()


def results(
    server: RunningServer, params: list[tuple[str, str]], method: str = "GET"
) -> dict[str, Any]:
    """The SPARQL JSON results of a query sent by ``GET`` or by a form ``POST``."""
    if method == "GET":
        status, content_type, body = call(server, "GET", params, headers={"Accept": RESULTS_JSON})
    else:
        status, content_type, body = call(
            server,
            "POST",
            body=urlencode(params).encode(),
            headers={"Content-Type": FORM, "Accept": RESULTS_JSON},
        )
    assert status == 200, body
    assert content_type == RESULTS_JSON
    return json.loads(body)


def select(
    server: RunningServer, params: list[tuple[str, str]], method: str = "GET"
) -> list[dict[str, str]]:
    """The rows of a SELECT sent by ``GET`` or by a form ``POST``, as plain values."""
    return [
        {name: cell["value"] for name, cell in row.items()}
        for row in results(server, params, method)["results"]["bindings"]
    ]


def expected(built_store: BuiltStore, query: str) -> list[dict[str, str]]:
    """Rows of ``query`` asked of the store directly (not over HTTP)."""
    return [
        {name: str(value) for name, value in row.items() if value is not None}
        for row in built_store.store.query(query).rows()
    ]


def distinct_triples(built_store: BuiltStore, *graphs: str) -> int:
    """Triples in the RDF merge of ``graphs`` (a triple in two graphs counts once)."""
    names = " ".join(f"<{g}>" for g in graphs)
    rows = expected(
        built_store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }} }}",
    )
    return int(rows[0]["n"])


# --- query_get, query_post_form, query_post_direct -------------------------------------------


def test_query_get_post_form_and_post_direct(
    live_server: RunningServer, built_store: BuiltStore
) -> None:
    total = expected(built_store, COUNT)
    assert select(live_server, [("query", COUNT)]) == total
    assert select(live_server, [("query", COUNT)], "POST") == total
    status, content_type, body = call(
        live_server,
        "POST",
        body=COUNT.encode(),
        headers={"Content-Type": DIRECT, "Accept": RESULTS_JSON},
    )
    assert (status, content_type) == (200, RESULTS_JSON)
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == total[0]["n"]


# --- query_dataset_* and query_multiple_dataset ----------------------------------------------


def test_query_dataset_default_graph(live_server: RunningServer, built_store: BuiltStore) -> None:
    rows = select(live_server, [("query", COUNT), ("default-graph-uri", MUNICIPALITIES)])
    assert int(rows[0]["n"]) == built_store.store.count(MUNICIPALITIES)


#: Triples of two graphs that are in no other graph the test uses.
IN_BOTH = f"""ASK {{
  <{ROTTERDAM}> a ?municipality .
  <https://w3id.org/regiograaf/id/organisatie/mrdh> a ?organisation .
}}"""


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_default_graphs(live_server: RunningServer, method: str) -> None:
    """Two default-graph-uri: the default graph holds the triples of both (and of no other)."""
    for graphs, answer in (
        ((MUNICIPALITIES, ORGANISATIONS), True),
        ((MUNICIPALITIES,), False),
        ((ORGANISATIONS, STATUSES), False),
    ):
        params = [("query", IN_BOTH)] + [("default-graph-uri", g) for g in graphs]
        assert results(live_server, params, method)["boolean"] is answer, graphs


UPSTREAM_MERGE = (
    "pyoxigraph 0.5.13 counts a triple that is in several graphs once per graph when it "
    "merges them into the default graph (oxigraph issue #1919, fixed upstream in #1920, not "
    "released in 0.5.x); here: the descriptions of sources that several files cite. The "
    "default graph without default-graph-uri is not affected: the build stores the merge "
    "(server/store/embedded.py)"
)


def test_default_graph_of_two_graphs_is_their_rdf_merge(
    live_server: RunningServer, built_store: BuiltStore
) -> None:
    merged = distinct_triples(built_store, MUNICIPALITIES, ORGANISATIONS)
    total = built_store.store.count(MUNICIPALITIES) + built_store.store.count(ORGANISATIONS)
    assert merged < total, "the two graphs should share triples for this test to mean anything"
    rows = select(
        live_server,
        [
            ("query", COUNT),
            ("default-graph-uri", MUNICIPALITIES),
            ("default-graph-uri", ORGANISATIONS),
        ],
    )
    if int(rows[0]["n"]) == total:
        pytest.xfail(UPSTREAM_MERGE)
    assert int(rows[0]["n"]) == merged


def test_union_default_graph_is_the_rdf_merge_of_all_graphs(
    live_server: RunningServer, built_store: BuiltStore
) -> None:
    rows = select(live_server, [("query", COUNT)])
    assert int(rows[0]["n"]) == distinct_triples(built_store, *built_store.store.named_graphs())


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_named_graphs(live_server: RunningServer, method: str) -> None:
    params = [("query", NAMED), ("named-graph-uri", STATUSES), ("named-graph-uri", CHALLENGES)]
    assert select(live_server, params, method) == [{"g": CHALLENGES}, {"g": STATUSES}]


def test_query_dataset_full(live_server: RunningServer, built_store: BuiltStore) -> None:
    rows = select(
        live_server,
        [
            ("query", PER_GRAPH),
            ("default-graph-uri", MUNICIPALITIES),
            ("named-graph-uri", STATUSES),
            ("named-graph-uri", CHALLENGES),
        ],
    )
    assert {row["g"]: int(row["n"]) for row in rows} == {
        "default": built_store.store.count(MUNICIPALITIES),
        STATUSES: built_store.store.count(STATUSES),
        CHALLENGES: built_store.store.count(CHALLENGES),
    }


def test_query_multiple_dataset_the_protocol_wins_over_from(
    live_server: RunningServer, built_store: BuiltStore
) -> None:
    query = PER_GRAPH.replace(
        "WHERE", f"FROM <{ORGANISATIONS}> FROM NAMED <{MUNICIPALITIES}> WHERE", 1
    )
    # The query's own dataset alone ...
    alone = select(live_server, [("query", query)])
    assert {row["g"]: int(row["n"]) for row in alone} == {
        "default": built_store.store.count(ORGANISATIONS),
        MUNICIPALITIES: built_store.store.count(MUNICIPALITIES),
    }
    # ... is replaced by the protocol's.
    rows = select(
        live_server,
        [("query", query), ("default-graph-uri", STATUSES), ("named-graph-uri", CHALLENGES)],
    )
    assert {row["g"]: int(row["n"]) for row in rows} == {
        "default": built_store.store.count(STATUSES),
        CHALLENGES: built_store.store.count(CHALLENGES),
    }


# --- query_content_type_* ---------------------------------------------------------------------

LABELS = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    f"SELECT ?s ?label WHERE {{ GRAPH <{MUNICIPALITIES}> {{ ?s skos:prefLabel ?label }} }}"
)


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_query_content_type_select(
    live_server: RunningServer, built_store: BuiltStore, accept: str
) -> None:
    status, content_type, body = call(
        live_server, "GET", [("query", LABELS)], headers={"Accept": accept}
    )
    assert (status, content_type) == (200, accept)
    text = body.decode("utf-8")
    if accept.endswith("json"):
        count = len(json.loads(text)["results"]["bindings"])
    elif accept.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        count = len(ET.fromstring(body).findall(f"{ns}results/{ns}result"))
    else:
        delimiter = "," if accept == "text/csv" else "\t"
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert rows[0] in (["s", "label"], ["?s", "?label"])
        count = len(rows) - 1
    assert count == len(expected(built_store, LABELS)) > 0


def test_query_content_type_select_prefers_the_clients_order(live_server: RunningServer) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml, application/sparql-results+json;q=0.9"
    status, content_type, _ = call(
        live_server, "GET", [("query", LABELS)], headers={"Accept": accept}
    )
    assert (status, content_type) == (200, "application/sparql-results+xml")


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_query_content_type_ask(live_server: RunningServer, accept: str) -> None:
    query = f"ASK {{ GRAPH <{MUNICIPALITIES}> {{ <{ROTTERDAM}> ?p ?o }} }}"
    status, content_type, body = call(
        live_server, "GET", [("query", query)], headers={"Accept": accept}
    )
    assert (status, content_type) == (200, accept)
    if accept.endswith("json"):
        assert json.loads(body)["boolean"] is True
    else:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert ET.fromstring(body).findtext(f"{ns}boolean") == "true"


RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_query_content_type_describe(live_server: RunningServer, accept: str) -> None:
    status, content_type, body = call(
        live_server, "GET", [("query", f"DESCRIBE <{ROTTERDAM}>")], headers={"Accept": accept}
    )
    assert (status, content_type) == (200, accept)
    graph = Graph().parse(data=body, format=RDF_TYPES[accept])
    assert len(graph) > 0
    assert set(graph.subjects()) >= {URIRef(ROTTERDAM)}


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_query_content_type_construct(
    live_server: RunningServer, built_store: BuiltStore, accept: str
) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{STATUSES}> {{ ?s ?p ?o }} }}"
    status, content_type, body = call(
        live_server, "GET", [("query", query)], headers={"Accept": accept}
    )
    assert (status, content_type) == (200, accept)
    graph = Graph().parse(data=body, format=RDF_TYPES[accept])
    assert len(graph) == built_store.store.count(STATUSES)


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_query_content_type_construct_w3c(live_server: RunningServer, accept: str) -> None:
    # The W3C test's own query: relative IRIs, resolved against the endpoint's base IRI.
    query = "PREFIX : <http://example.org/>\nCONSTRUCT { <s> <p> 1 } WHERE {}"
    status, content_type, body = call(
        live_server, "GET", [("query", query)], headers={"Accept": accept}
    )
    assert (status, content_type) == (200, accept)
    graph = Graph().parse(data=body, format=RDF_TYPES[accept])
    assert set(graph.subjects()) == {URIRef("https://w3id.org/regiograaf/s")}


# --- bad_query_* and bad_multiple_queries -----------------------------------------------------


def test_bad_query_method(live_server: RunningServer) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        status, _, _ = call(
            live_server, method, body=COUNT.encode(), headers={"Content-Type": DIRECT}
        )
        assert status == 405, method


def test_bad_multiple_queries(live_server: RunningServer) -> None:
    status, _, body = call(live_server, "GET", [("query", "ASK {}"), ("query", "ASK {}")])
    assert status == 400
    assert b"query" in body


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        # bad_query_wrong_media_type: a query in a body of the wrong type
        (COUNT.encode(), {"Content-Type": "text/plain"}),
        # bad_query_missing_form_type: form-encoded without a Content-Type
        (urlencode({"query": COUNT}).encode(), {}),
        # bad_query_missing_direct_type: a direct query without a Content-Type
        (COUNT.encode(), {}),
        # bad_query_non_utf8: the body is not UTF-8
        ('SELECT * WHERE { ?s ?p "Gemeente Súdwest" }'.encode("latin-1"), {"Content-Type": DIRECT}),
        (b"query=" + '"é"'.encode("latin-1"), {"Content-Type": FORM}),
    ],
)
def test_bad_query_requests_are_400(
    live_server: RunningServer, body: bytes, headers: dict[str, str]
) -> None:
    status, _, _ = call(live_server, "POST", body=body, headers=headers)
    assert status == 400


def test_bad_query_syntax(live_server: RunningServer) -> None:
    # Results in JSON, errors (which are not results) in plain text.
    accept = f"{RESULTS_JSON}, text/plain;q=0.1"
    status, content_type, body = call(
        live_server, "GET", [("query", "SELECT * WHERE { ?s ?p }")], headers={"Accept": accept}
    )
    assert (status, content_type) == (400, "text/plain")
    message = body.decode("utf-8")
    assert "syntax error" in message.lower()
    assert "1:" in message  # the parser's position (line:column)


# --- updates: this endpoint is read-only -----------------------------------------------------

INSERT = f"INSERT DATA {{ GRAPH <{STATUSES}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}"


def test_updates_are_refused_in_every_form_and_change_nothing(
    live_server: RunningServer, built_store: BuiltStore
) -> None:
    before = select(live_server, [("query", COUNT)])
    attempts = [
        call(live_server, "GET", [("update", INSERT)]),
        call(live_server, "GET", [("query", INSERT)]),
        call(
            live_server,
            "POST",
            body=urlencode({"update": INSERT}).encode(),
            headers={"Content-Type": FORM},
        ),
        call(
            live_server,
            "POST",
            body=INSERT.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        call(live_server, "POST", body=INSERT.encode(), headers={"Content-Type": DIRECT}),
    ]
    for status, _, body in attempts:
        assert 400 <= status < 500, body
    assert select(live_server, [("query", COUNT)]) == before
    assert results(live_server, [("query", "ASK { <urn:x:a> ?p ?o }")])["boolean"] is False
