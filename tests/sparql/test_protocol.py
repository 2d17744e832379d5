"""/sparql: the SPARQL 1.1 Protocol query operation (server/sparql/operation.py,
server/web/sparql.py, server/sparql/protocol.py), with Flask's test client over a small store
built with the store API.

The store (``small_settings``, ``small_client``: tests/sparql/conftest.py) holds two named graphs
with known content (:data:`tests.support.SMALL_GRAPHS`), so every count below is exact.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, VOID

from server.settings import Settings, load_settings
from server.sparql import operation as query_operation
from server.sparql import protocol as protocol
from server.sparql import runs as query_runs
from server.store.embedded import EmbeddedStore
from server.store.isolation import PIECE_BYTES
from server.store.pool import QueryPool
from server.store.pooled import PooledStore
from server.web import sparql
from server.web.app import create_app
from tests.support import EX, G1, G2, SMALL_VERSION

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PREFIX = f"PREFIX ex: <{EX}>\n"

#: Triples per graph (the shared triple is in both).
COUNT_1, COUNT_2 = 4, 3
#: Triples of the default graph, the RDF merge of both: the shared triple once.
MERGED = COUNT_1 + COUNT_2 - 1

SELECT_ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
CONSTRUCT_LABELS = PREFIX + "CONSTRUCT { ?s ex:label ?l } WHERE { ?s ex:label ?l }"
JSON = "application/sparql-results+json"


def bindings(response) -> list[dict[str, str]]:
    """SPARQL JSON results as rows of plain values."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == JSON
    data = json.loads(response.data)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def store_state(small_settings: Settings) -> tuple[str | None, int, list[str]]:
    store = EmbeddedStore(small_settings.store)
    return store.data_version(), store.count(), store.named_graphs()


# --- the three ways to send a query (SPARQL 1.1 Protocol §2.1) -----------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(small_client: FlaskClient) -> None:
    by_get = bindings(small_client.get("/sparql", query_string={"query": SELECT_ALL}))
    by_form = bindings(small_client.post("/sparql", data={"query": SELECT_ALL}))
    by_body = bindings(
        small_client.post(
            "/sparql",
            data=SELECT_ALL.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
    )
    assert by_get == by_form == by_body
    # The default graph: the RDF merge of both graphs, the shared triple once.
    assert len(by_get) == MERGED
    assert {"s": EX + "b", "p": EX + "label", "o": "\u2019s-Gravenhage"} in by_get


def test_post_direct_with_utf8_charset(small_client: FlaskClient) -> None:
    query = PREFIX + 'ASK { ?s ex:label "één"@nl }'
    response = small_client.post(
        "/sparql",
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert response.status_code == 200
    assert json.loads(response.data)["boolean"] is True


@pytest.mark.parametrize(
    ("method", "kwargs", "fragment"),
    [
        ("get", {"query_string": "query=ASK%7B%7D&query=ASK%7B%7D"}, "more than once"),
        ("get", {"query_string": {"query": "  "}}, "empty"),
        ("get", {"query_string": {"default-graph-uri": G1}}, "missing"),
        ("post", {"data": {"default-graph-uri": G1}}, "missing"),
        ("post", {"data": {"query": "ASK {}"}, "query_string": {"query": "ASK {}"}}, "more than"),
        (
            "post",
            {
                "data": b"ASK {}",
                "query_string": {"query": "ASK {}"},
                "headers": {"Content-Type": "application/sparql-query"},
            },
            "twice",
        ),
        ("post", {"data": b"", "headers": {"Content-Type": "application/sparql-query"}}, "empty"),
        ("post", {"data": b"ASK {}"}, "Content-Type"),
        ("post", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, "text/plain"),
        (
            "post",
            {"data": b"ASK {}", "headers": {"Content-Type": "application/json"}},
            "Unsupported",
        ),
        (
            "post",
            {
                "data": b"ASK {}",
                "headers": {"Content-Type": "application/sparql-query; charset=latin-1"},
            },
            "charset",
        ),
        (
            "post",
            {
                "data": b"ASK { ?s ?p '\xe9' }",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            "UTF-8",
        ),
        (
            "post",
            {
                "data": b"query=ASK%20%7B%20%3Fs%20%3Fp%20%27%E9%27%20%7D",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            "UTF-8",
        ),
        ("get", {"query_string": "query=ASK%20%7B%20%3Fs%20%3Fp%20%27%E9%27%20%7D"}, "UTF-8"),
    ],
)
def test_malformed_requests_are_400(
    small_client: FlaskClient, method: str, kwargs: dict, fragment: str
) -> None:
    response = getattr(small_client, method)("/sparql", **kwargs)
    assert response.status_code == 400
    assert fragment in response.get_data(as_text=True)


def test_syntax_error_is_400_with_the_parsers_message_and_position(
    small_client: FlaskClient,
) -> None:
    response = small_client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("SPARQL syntax error: error at 3:")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405_with_allow(small_client: FlaskClient, method: str) -> None:
    response = getattr(small_client, method)("/sparql", data=b"ASK {}")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST", "OPTIONS"} <= allowed


# --- read-only --------------------------------------------------------------------------------

UPDATE = f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}new> <{EX}p> <{EX}o> }} }}"


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("get", {"query_string": {"update": UPDATE}}),
        ("post", {"data": {"update": UPDATE}}),
        (
            "post",
            {"data": UPDATE.encode(), "headers": {"Content-Type": "application/sparql-update"}},
        ),
        ("get", {"query_string": {"query": UPDATE}}),
        ("post", {"data": {"query": f"DELETE WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"}}),
        ("get", {"query_string": {"query": f"PREFIX ex: <{EX}>\nCLEAR ALL"}}),
        ("get", {"query_string": {"query": f"DROP GRAPH <{G2}>"}}),
        ("get", {"query_string": {"query": "LOAD <http://127.0.0.1:1/data.ttl>"}}),
        ("get", {"query_string": {"query": f"CREATE GRAPH <{EX}g>"}}),
    ],
)
def test_updates_are_refused_and_change_nothing(
    small_client: FlaskClient, small_settings: Settings, method: str, kwargs: dict
) -> None:
    before = store_state(small_settings)
    response = getattr(small_client, method)("/sparql", **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert store_state(small_settings) == before
    ask = small_client.get("/sparql", query_string={"query": f"ASK {{ <{EX}new> ?p ?o }}"})
    assert json.loads(ask.data)["boolean"] is False
    assert bindings(small_client.get("/sparql", query_string={"query": SELECT_ALL}))


def test_service_is_refused(small_client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = small_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.get_data(as_text=True)
    silent = "SELECT * WHERE { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    assert small_client.post("/sparql", data={"query": silent}).status_code == 400


def test_keywords_in_strings_iris_and_comments_are_not_refused(small_client: FlaskClient) -> None:
    query = (
        "# SERVICE and INSERT in a comment\n"
        'SELECT ?x WHERE { BIND("SERVICE <x> DELETE" AS ?x) '
        "FILTER(?x != <http://example.org/LOAD#SERVICE>) }"
    )
    assert bindings(small_client.get("/sparql", query_string={"query": query})) == [
        {"x": "SERVICE <x> DELETE"}
    ]


# --- content negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/sparql-results+json", JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", JSON),
    ],
)
def test_select_formats(small_client: FlaskClient, accept: str | None, mimetype: str) -> None:
    headers = {"Accept": accept} if accept else {}
    query = PREFIX + "SELECT ?s ?n WHERE { ?s ex:n ?n } ORDER BY ?n"
    response = small_client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    if mimetype == JSON:
        assert [row["n"] for row in bindings(response)] == ["1", "2"]
    elif mimetype == "text/csv":
        assert list(csv.reader(io.StringIO(body))) == [
            ["s", "n"],
            [EX + "a", "1"],
            [EX + "b", "2"],
        ]
    elif mimetype == "text/tab-separated-values":
        assert body.splitlines() == ["?s\t?n", f"<{EX}a>\t1", f"<{EX}b>\t2"]
    else:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(response.data)
        assert [v.attrib["name"] for v in root.iter(ns + "variable")] == ["s", "n"]
        assert len(list(root.iter(ns + "result"))) == 2


def test_ask_in_json_and_xml(small_client: FlaskClient) -> None:
    query = {"query": PREFIX + "ASK { ex:a ex:n 1 }"}
    assert json.loads(small_client.get("/sparql", query_string=query).data) == {
        "head": {},
        "boolean": True,
    }
    response = small_client.get("/sparql", query_string={**query, "format": "xml"})
    assert response.mimetype == "application/sparql-results+xml"
    assert b"<boolean>true</boolean>" in response.data


def test_ask_in_csv_and_tsv_in_the_form_jena_reads(small_client: FlaskClient) -> None:
    # SPARQL 1.1 CSV/TSV define no boolean; Apache Jena reads a one-column "_askResult" table.
    query = PREFIX + "ASK { ex:a ex:n 2 }"
    csv_answer = small_client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert csv_answer.mimetype == "text/csv"
    assert csv_answer.data == b"_askResult\r\nfalse\r\n"
    tsv_answer = small_client.get(
        "/sparql",
        query_string={"query": PREFIX + "ASK {}"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert tsv_answer.data == b"?_askResult\ntrue\n"


def test_relative_iris_are_resolved_against_the_base_iri(
    small_client: FlaskClient, small_settings: Settings
) -> None:
    # The W3C protocol test query_content_type_construct: a template of relative IRIs.
    response = small_client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 200
    base = small_settings.base_iri
    assert response.get_data(as_text=True).split() == [
        f"<{base}s>",
        f"<{base}p>",
        ('"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ".",
    ]
    # A BASE in the query takes precedence.
    own = small_client.get(
        "/sparql",
        query_string={"query": "BASE <http://example.org/> SELECT (<x> AS ?x) {}"},
    )
    assert bindings(own) == [{"x": "http://example.org/x"}]


@pytest.mark.parametrize(
    ("accept", "fmt", "mimetype", "rdflib_format"),
    [
        (None, None, "text/turtle", "turtle"),
        ("*/*", None, "text/turtle", "turtle"),
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("application/rdf+xml;q=0.5, application/n-triples", None, "application/n-triples", "nt"),
        (None, "turtle", "text/turtle", "turtle"),
        ("text/turtle", "ntriples", "application/n-triples", "nt"),
        (None, "jsonld", "application/ld+json", "json-ld"),
        (None, "rdfxml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(
    small_client: FlaskClient,
    accept: str | None,
    fmt: str | None,
    mimetype: str,
    rdflib_format: str,
) -> None:
    params = {"query": CONSTRUCT_LABELS, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    response = small_client.get("/sparql", query_string=params, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == mimetype
    graph = Graph().parse(data=response.data, format=rdflib_format)
    labels = {str(o) for o in graph.objects(None, URIRef(EX + "label"))}
    assert labels == {"één", "one", "\u2019s-Gravenhage"}


def test_describe_is_a_graph(small_client: FlaskClient) -> None:
    response = small_client.get("/sparql", query_string={"query": f"DESCRIBE <{EX}a>"})
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(EX + "a"), URIRef(EX + "n"), None) in graph


@pytest.mark.parametrize(
    ("query", "params", "headers"),
    [
        (SELECT_ALL, {}, {"Accept": "text/turtle"}),
        (SELECT_ALL, {}, {"Accept": "text/html"}),
        (SELECT_ALL, {}, {"Accept": f"{JSON};q=0, text/*;q=0"}),
        (CONSTRUCT_LABELS, {}, {"Accept": "application/sparql-results+json"}),
        (SELECT_ALL, {"format": "turtle"}, {}),
        (CONSTRUCT_LABELS, {"format": "csv"}, {}),
    ],
)
def test_nothing_acceptable_is_406(
    small_client: FlaskClient, query: str, params: dict, headers: dict
) -> None:
    response = small_client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    assert response.status_code == 406
    assert "Available" in response.get_data(as_text=True)


def test_format_parameter_beats_accept_and_unknown_format_is_400(small_client: FlaskClient) -> None:
    response = small_client.get(
        "/sparql", query_string={"query": SELECT_ALL, "format": "csv"}, headers={"Accept": JSON}
    )
    assert response.mimetype == "text/csv"
    response = small_client.get("/sparql", query_string={"query": SELECT_ALL, "format": "excel"})
    assert response.status_code == 400


def test_errors_follow_the_clients_preference(small_client: FlaskClient) -> None:
    query = {"query": "SELECT * {"}
    as_json = small_client.get(
        "/sparql", query_string=query, headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 400
    assert json.loads(as_json.data)["error"]["status"] == 400
    as_html = small_client.get(
        "/sparql", query_string=query, headers={"Accept": "text/html,*/*;q=0.8"}
    )
    assert as_html.mimetype == "text/html"
    assert b"syntax error" in as_html.data
    plain = small_client.get("/sparql", query_string=query)
    assert plain.mimetype == "text/plain"


# --- service description -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "rdflib_format"),
    [
        ("text/turtle", None, "turtle"),
        (None, None, "turtle"),
        ("application/rdf+xml", None, "xml"),
        ("application/ld+json", None, "json-ld"),
        ("application/n-triples", None, "nt"),
        ("text/html", "jsonld", "json-ld"),
    ],
)
def test_service_description(
    small_client: FlaskClient, accept: str | None, fmt: str | None, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = small_client.get(
        "/sparql", query_string={"format": fmt} if fmt else {}, headers=headers
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=rdflib_format)
    service = graph.value(None, RDF.type, SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    dataset = graph.value(service, SD.defaultDataset)
    counts = {
        str(graph.value(named, SD.name)): int(
            graph.value(graph.value(named, SD.graph), VOID.triples)
        )
        for named in graph.objects(dataset, SD.namedGraph)
    }
    assert counts == {G1: COUNT_1, G2: COUNT_2}
    default = graph.value(dataset, SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) == MERGED


def test_browsers_get_a_query_form(small_client: FlaskClient) -> None:
    response = small_client.get(
        "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'<form method="get" action="/sparql">' in response.data
    assert b'name="query"' in response.data


# --- dataset (SPARQL 1.1 Protocol §2.1.4) ------------------------------------------------------

COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def count_of(response) -> int:
    return int(bindings(response)[0]["n"])


def test_default_graph_uri_restricts_the_default_graph(small_client: FlaskClient) -> None:
    assert count_of(small_client.get("/sparql", query_string={"query": COUNT_QUERY})) == MERGED
    one = small_client.get("/sparql", query_string={"query": COUNT_QUERY, "default-graph-uri": G1})
    assert count_of(one) == COUNT_1
    # Distinct triples: pyoxigraph repeats a shared triple when it merges graphs itself
    # (tests/sparql/test_w3c_protocol.py: test_default_graph_of_two_graphs_is_their_rdf_merge).
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    both = small_client.post("/sparql", data={"query": distinct, "default-graph-uri": [G1, G2]})
    assert count_of(both) == MERGED
    # Only a default graph given: no named graphs in the dataset.
    named = small_client.get(
        "/sparql", query_string={"query": GRAPHS_QUERY, "default-graph-uri": G1}
    )
    assert bindings(named) == []


def test_named_graph_uri_restricts_graph_patterns(small_client: FlaskClient) -> None:
    response = small_client.post(
        f"/sparql?named-graph-uri={G2}",
        data=GRAPHS_QUERY.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert bindings(response) == [{"g": G2}]
    # Only named graphs given: the default graph is empty.
    empty = small_client.get("/sparql", query_string={"query": COUNT_QUERY, "named-graph-uri": G1})
    assert count_of(empty) == 0


def test_from_and_from_named_in_the_query(small_client: FlaskClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}"
    assert count_of(small_client.get("/sparql", query_string={"query": query})) == COUNT_2
    query = f"SELECT DISTINCT ?g FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert bindings(small_client.get("/sparql", query_string={"query": query})) == [{"g": G1}]


def test_protocol_dataset_overrides_from(small_client: FlaskClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}"
    response = small_client.get("/sparql", query_string={"query": query, "default-graph-uri": G1})
    assert count_of(response) == COUNT_1
    query = f"SELECT DISTINCT ?g FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = small_client.get("/sparql", query_string={"query": query, "named-graph-uri": G2})
    assert bindings(response) == [{"g": G2}]


# --- caching and CORS ------------------------------------------------------------------------


def test_etag_and_304(small_client: FlaskClient) -> None:
    query = {"query": SELECT_ALL}
    response = small_client.get("/sparql", query_string=query)
    assert response.headers["ETag"] == f'"{SMALL_VERSION}"'
    assert response.headers["Cache-Control"] == f"public, max-age={query_operation.MAX_AGE}"
    again = small_client.get(
        "/sparql", query_string=query, headers={"If-None-Match": f'"{SMALL_VERSION}"'}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == f'"{SMALL_VERSION}"'
    other = small_client.get("/sparql", query_string=query, headers={"If-None-Match": '"old"'})
    assert other.status_code == 200
    description = small_client.get("/sparql", headers={"If-None-Match": f'"{SMALL_VERSION}"'})
    assert description.status_code == 304


def test_cors(small_client: FlaskClient) -> None:
    response = small_client.get("/sparql", query_string={"query": SELECT_ALL})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = small_client.options(
        "/sparql",
        headers={
            "Origin": "https://example.net",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"


def test_head_has_the_headers_of_get_and_no_body(small_client: FlaskClient) -> None:
    query = {"query": SELECT_ALL}
    get = small_client.get("/sparql", query_string=query, headers={"Accept": JSON})
    head = small_client.head("/sparql", query_string=query, headers={"Accept": JSON})
    assert head.status_code == 200
    assert head.data == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Cache-Control", "Vary"):
        assert head.headers[name] == get.headers[name]
    assert int(head.headers["Content-Length"]) == len(get.data)
    assert head.headers["Access-Control-Allow-Origin"] == "*"


def test_a_defect_in_the_query_operation_is_a_logged_generic_500(
    small_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def defect(*args: object) -> object:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(protocol, "inspect_query", defect)
    small_client = create_app(small_settings).test_client()
    response = small_client.get(
        "/sparql", query_string={"query": SELECT_ALL}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 500
    assert json.loads(response.data)["error"]["message"] == query_operation.INTERNAL_ERROR
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "secret detail" in caplog.text
    # The service description and the UI do not go through the query path.
    assert small_client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200


# --- limits -----------------------------------------------------------------------------------


def limited_app(small_settings: Settings, **changes: object) -> Flask:
    return create_app(dataclasses.replace(small_settings, **changes))


def test_row_cap(small_settings: Settings) -> None:
    small_client = limited_app(small_settings, max_rows=3).test_client()
    capped = small_client.get("/sparql", query_string={"query": SELECT_ALL})
    assert len(bindings(capped)) == 3
    assert capped.headers[query_operation.MAX_ROWS_HEADER] == "3"
    lowered = small_client.get("/sparql", query_string={"query": SELECT_ALL + " LIMIT 5"})
    assert len(bindings(lowered)) == 3
    small = small_client.get("/sparql", query_string={"query": SELECT_ALL + " LIMIT 2"})
    assert len(bindings(small)) == 2
    assert query_operation.MAX_ROWS_HEADER not in small.headers
    uncapped = limited_app(small_settings, max_rows=0).test_client()
    assert len(bindings(uncapped.get("/sparql", query_string={"query": SELECT_ALL}))) == MERGED


def _values(name: str, count: int) -> str:
    return f"VALUES ?{name} {{ {' '.join(str(i) for i in range(count))} }}"


#: About 40 million solutions counted by the engine: seconds of work, no output until done.
SLOW_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(
        _values(name, size) for name, size in (("a", 100), ("b", 100), ("c", 100), ("d", 40))
    )
    + " }"
)
#: Five million solutions streamed: output starts at once and takes seconds to finish.
SLOW_STREAM = (
    "SELECT * WHERE { "
    + " ".join(_values(name, size) for name, size in (("a", 100), ("b", 100), ("c", 100), ("d", 5)))
    + " }"
)


def pool_of(settings: Settings) -> QueryPool:
    """The query processes of the store ``settings`` names, in this (the test) process."""
    store = query_operation.process_store(settings)
    assert isinstance(store, PooledStore)
    return store.pool


def test_timeout_is_503_while_other_requests_are_answered(small_settings: Settings) -> None:
    app = limited_app(small_settings, query_timeout=0.5)
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        response = app.test_client().get("/sparql", query_string={"query": SLOW_COUNT})
        outcome["slow"] = (response.status_code, response.get_data(as_text=True))
        outcome["slow_seconds"] = time.monotonic() - started
        outcome["retry"] = response.headers.get("Retry-After")

    thread = threading.Thread(target=slow)
    thread.start()
    # A fast query sent while the slow one is (most likely) running is answered normally. No
    # assertions on exact timings: a loaded CI machine may schedule the threads late.
    fast = app.test_client().get("/sparql", query_string={"query": PREFIX + "ASK { ex:a ex:n 1 }"})
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert fast.status_code == 200
    assert json.loads(fast.data)["boolean"] is True
    status, text = outcome["slow"]  # type: ignore[misc]
    assert status == 503
    assert "0.5 seconden" in text
    assert outcome["retry"] == "10"
    # The deadline is measured on the monotonic clock, so the 503 never comes early.
    assert outcome["slow_seconds"] >= 0.5  # type: ignore[operator]
    assert outcome["slow_seconds"] < 30  # type: ignore[operator]


def test_timeout_while_streaming_cuts_the_response_off(small_settings: Settings) -> None:
    app = limited_app(small_settings, query_timeout=0.3, max_rows=0)
    response = app.test_client().get(
        "/sparql", query_string={"query": SLOW_STREAM, "format": "tsv"}, buffered=False
    )
    assert response.status_code == 200
    with pytest.raises(query_runs.QueryAborted):
        for _ in response.response:
            pass
    response.close()


def test_small_result_in_one_piece_large_one_streams(small_settings: Settings) -> None:
    small_client = limited_app(small_settings, max_rows=0).test_client()
    small = small_client.get("/sparql", query_string={"query": SELECT_ALL})
    assert small.status_code == 200
    assert small.headers["Content-Length"] == str(len(small.data))
    assert "Transfer-Encoding" not in small.headers
    large = small_client.get(
        "/sparql",
        query_string={
            "query": "SELECT * WHERE { "
            + " ".join(_values(name, size) for name, size in (("a", 100), ("b", 100), ("c", 5)))
            + " }",
            "format": "tsv",
        },
        buffered=False,
    )
    assert large.status_code == 200
    assert "Content-Length" not in large.headers
    body = b"".join(large.response)
    large.close()
    assert len(body) > PIECE_BYTES
    assert body.count(b"\n") == 100 * 100 * 5 + 1


def test_query_processes_are_reused(small_settings: Settings) -> None:
    settings = dataclasses.replace(small_settings, long_query_after=5.0)
    small_client = limited_app(settings).test_client()
    pool = pool_of(settings)
    assert small_client.get("/sparql", query_string={"query": SELECT_ALL}).status_code == 200
    before = set(pool.pids())
    for _ in range(20):
        assert small_client.get("/sparql", query_string={"query": SELECT_ALL}).status_code == 200
    # One request at a time: the same process answers them all (a version swap aside).
    assert len(set(pool.pids()) - before) <= 1
    assert len(pool.pids()) <= 2


def test_failure_before_the_first_piece_gets_its_status(
    small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.store import StoreError
    from server.store.embedded import EmbeddedResult

    def failing(self: EmbeddedResult, media_type: str, output: object) -> None:
        output.write(b'{"head": ')  # type: ignore[attr-defined]
        raise StoreError("disk went away")

    settings = dataclasses.replace(small_settings, queue_wait=2.5)
    # Query processes forked from now on (this one's own pool) inherit the broken writer.
    monkeypatch.setattr(EmbeddedResult, "write", failing)
    try:
        response = (
            limited_app(settings).test_client().get("/sparql", query_string={"query": SELECT_ALL})
        )
    finally:
        pool_of(settings).close()
    assert response.status_code == 503
    assert b'{"head": ' not in response.data


def test_missing_store_is_503(tmp_path: Path) -> None:
    small_client = create_app(load_settings(store=tmp_path / "nothing")).test_client()
    response = small_client.get("/sparql", query_string={"query": SELECT_ALL})
    assert response.status_code == 503
    assert small_client.get("/sparql").status_code == 503


# --- the pure protocol functions -------------------------------------------------------------


def test_tokens_skip_strings_iris_and_comments() -> None:
    text = (
        "PREFIX load: <http://x/SERVICE#a>\n"
        "SELECT ?insert WHERE { ?s load:drop '''it's \"\"SERVICE\"\"'''@en . } # DELETE\n"
    )
    words = [t.text for t in protocol.tokens(text) if t.kind == "word"]
    assert words == ["PREFIX", "SELECT", "WHERE"]
    assert protocol.inspect_query(text).form == "SELECT"


@pytest.mark.parametrize(
    ("query", "expected", "changed"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nLIMIT 10\n", True),
        ("SELECT * { ?s ?p ?o } LIMIT 50 # note", "SELECT * { ?s ?p ?o } LIMIT 10 # note", True),
        ("SELECT * { ?s ?p ?o } OFFSET 5 LIMIT 5", "SELECT * { ?s ?p ?o } OFFSET 5 LIMIT 5", False),
        (
            "SELECT * { ?s ?p ?o } VALUES ?s { <a> }",
            "SELECT * { ?s ?p ?o } LIMIT 10\nVALUES ?s { <a> }",
            True,
        ),
        (
            "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 99 } }",
            "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 99 } }\nLIMIT 10\n",
            True,
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }\nLIMIT 10\n", True),
        ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }", False),
        ("SELECT * { ?s ?p ?o ", "SELECT * { ?s ?p ?o ", False),
    ],
)
def test_cap_rows(query: str, expected: str, changed: bool) -> None:
    assert protocol.cap_rows(query, 10) == (expected, changed)
    assert protocol.cap_rows(query, 0) == (query, False)


def test_query_dataset_resolves_prefixes_and_base() -> None:
    query = (
        "BASE <http://b/> PREFIX e: <http://e/> "
        "SELECT * FROM e:g1 FROM <x> FROM NAMED <http://n/> WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert protocol.query_dataset(query) == (("http://e/g1", "http://b/x"), ("http://n/",))
    assert protocol.query_dataset("SELECT * WHERE { ?s ?p ?o }") is None
    assert protocol.query_dataset("SELECT * FROM unknown:g WHERE { ?s ?p ?o }") is None


@pytest.mark.parametrize(
    "query_string",
    [
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "not an iri"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "named-graph-uri": "::"},
        {"query": "SELECT * FROM <http://a/%zz> WHERE { ?s ?p ?o }"},
    ],
)
def test_invalid_graph_iri_is_400(small_client: FlaskClient, query_string: dict[str, str]) -> None:
    response = small_client.get("/sparql", query_string=query_string)
    assert response.status_code == 400
    assert response.get_data(as_text=True).strip()


def test_limit_that_is_not_an_integer_is_not_a_500(small_client: FlaskClient) -> None:
    assert protocol.cap_rows("SELECT * WHERE { ?s ?p ?o } LIMIT 1e400", 10) == (
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1e400",
        False,
    )
    response = small_client.get("/sparql", query_string={"query": SELECT_ALL + " LIMIT 1e400"})
    assert response.status_code == 400


def test_unreadable_store_is_503_without_paths(
    small_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store whose database folder went away: the query processes cannot open it.
    monkeypatch.setattr(sparql, "_descriptions", {})
    store = tmp_path / "store"
    shutil.copytree(small_settings.store, store, symlinks=True)
    shutil.rmtree(store / "current" / "oxigraph")
    settings = dataclasses.replace(small_settings, store=store, memory_quads=0)
    small_client = create_app(settings).test_client()
    for response in (
        small_client.get("/sparql", query_string={"query": SELECT_ALL}),
        small_client.get("/sparql", headers={"Accept": "text/turtle"}),
        small_client.get("/"),
    ):
        assert response.status_code == 503
        assert str(store) not in response.get_data(as_text=True)
