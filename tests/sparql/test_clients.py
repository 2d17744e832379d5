"""/sparql against real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) over HTTP.

The server is the real one: gunicorn running :class:`server.web.gunicorn_app.RegiograafApplication`
on a free port of 127.0.0.1, serving a small store with known content (the one of
``tests/test_sparql_protocol.py``), so the answers can be checked exactly.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from server.settings import PROJECT_ROOT, load_settings
from server.store.embedded import EmbeddedStore
from tests.support import RunningServer, free_port, get, stop_server

EX = "http://example.org/"
G1 = "https://w3id.org/regiograaf/graph/test/een"
G2 = "https://w3id.org/regiograaf/graph/test/twee"
DATA = {
    G1: f'@prefix ex: <{EX}> . ex:a ex:label "\u00e9\u00e9n"@nl , "one"@en ; ex:n 1 .',
    G2: f'@prefix ex: <{EX}> . ex:b ex:label "\u2019s-Gravenhage"@nl ; ex:n 2 .',
}
LABELS = {"\u00e9\u00e9n", "one", "\u2019s-Gravenhage"}
SELECT = f"PREFIX ex: <{EX}> SELECT ?s ?n WHERE {{ ?s ex:n ?n }} ORDER BY ?n"
CONSTRUCT = f"PREFIX ex: <{EX}> CONSTRUCT {{ ?s ex:label ?l }} WHERE {{ ?s ex:label ?l }}"

_SERVE = """
import sys
from server.web.gunicorn_app import RegiograafApplication
from server.settings import load_settings

settings = load_settings(store=sys.argv[1], host="127.0.0.1", port=int(sys.argv[2]), workers=2)
RegiograafApplication(settings).run()
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """gunicorn with the real app on a free port, over a store holding :data:`DATA`."""
    folder = tmp_path_factory.mktemp("sparql-clients")
    settings = load_settings(store=folder / "store")
    graphs = {iri: Graph().parse(data=text, format="turtle") for iri, text in DATA.items()}
    EmbeddedStore(settings.store, read_only=False).replace(graphs, "clients-1")
    port = free_port()
    log = folder / "gunicorn.log"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(settings.store), str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )
    running = RunningServer(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(running)
        yield running
    finally:
        stop_server(running)


def _wait_until_up(running: RunningServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    ask = running.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(running.log.read_text(errors="replace"))
        try:
            if get(ask, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start:\n{running.log.read_text(errors='replace')}")


def wrapper(server: RunningServer, query: str, return_format: str, method: str) -> SPARQLWrapper:
    """A SPARQLWrapper for ``/sparql``; ``method`` is GET, POST (form) or POSTDIRECTLY."""
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    if method == "GET":
        client.setMethod("GET")
    else:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY if method == POSTDIRECTLY else URLENCODED)
    return client


METHODS = ["GET", "POST", POSTDIRECTLY]


@pytest.mark.parametrize("method", METHODS)
def test_sparqlwrapper_select_json(server: RunningServer, method: str) -> None:
    result = wrapper(server, SELECT, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    rows = result["results"]["bindings"]
    assert [(row["s"]["value"], row["n"]["value"]) for row in rows] == [
        (EX + "a", "1"),
        (EX + "b", "2"),
    ]


@pytest.mark.parametrize("method", METHODS)
def test_sparqlwrapper_select_xml(server: RunningServer, method: str) -> None:
    result = wrapper(server, SELECT, XML, method).queryAndConvert()
    assert isinstance(result, Document)
    values = [node.firstChild.data for node in result.getElementsByTagName("uri")]
    assert values == [EX + "a", EX + "b"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("return_format", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_and_tsv(
    server: RunningServer, method: str, return_format: str, delimiter: str
) -> None:
    result = wrapper(server, SELECT, return_format, method).queryAndConvert()
    assert isinstance(result, bytes)
    rows = list(csv.reader(io.StringIO(result.decode("utf-8")), delimiter=delimiter))
    if return_format == CSV:
        assert rows == [["s", "n"], [EX + "a", "1"], [EX + "b", "2"]]
    else:
        assert rows == [["?s", "?n"], [f"<{EX}a>", "1"], [f"<{EX}b>", "2"]]


@pytest.mark.parametrize("method", METHODS)
def test_sparqlwrapper_ask(server: RunningServer, method: str) -> None:
    query = f"PREFIX ex: <{EX}> ASK {{ ex:b ex:n 2 }}"
    assert wrapper(server, query, JSON, method).queryAndConvert()["boolean"] is True


def _labels(graph: Graph) -> set[str]:
    return {str(o) for o in graph.objects(None, URIRef(EX + "label"))}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("return_format", "accept", "rdflib_format"),
    [
        (TURTLE, None, "turtle"),
        (N3, None, "turtle"),
        (N3, "application/n-triples", "nt"),
        (RDFXML, None, None),
        (XML, None, None),
        (JSONLD, None, None),
    ],
)
def test_sparqlwrapper_construct(
    server: RunningServer,
    method: str,
    return_format: str,
    accept: str | None,
    rdflib_format: str | None,
) -> None:
    client = wrapper(server, CONSTRUCT, return_format, method)
    if accept:
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
    response = client.query()
    content_type = response.response.headers["Content-Type"].split(";")[0]
    result = response.convert()
    if rdflib_format is None:
        graph = result  # SPARQLWrapper parsed RDF/XML and JSON-LD itself
        assert isinstance(graph, Graph)
    else:
        assert isinstance(result, bytes)
        assert content_type == (accept or "text/turtle")
        graph = Graph().parse(data=result, format=rdflib_format)
    assert _labels(graph) == LABELS


def test_sparqlwrapper_sees_http_errors(server: RunningServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = wrapper(server, "SELECT * WHERE {", JSON, "GET")
    with pytest.raises(QueryBadFormed, match="syntax error"):
        client.query()


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(server: RunningServer, method: str) -> None:
    store = SPARQLStore(query_endpoint=server.url + "/sparql", method=method)
    graph = Graph(store=store)
    rows = list(graph.query(SELECT))
    assert [(str(row.s), int(row.n)) for row in rows] == [(EX + "a", 1), (EX + "b", 2)]
    assert graph.query(f"ASK {{ <{EX}a> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None
    assert _labels(constructed) == LABELS
    assert (URIRef(EX + "a"), URIRef(EX + "n"), Literal(1)) in graph


def test_rdflib_sparqlstore_default_graph_uri(server: RunningServer) -> None:
    # A graph with an IRI identifier sends it as default-graph-uri.
    graph = Graph(store=SPARQLStore(query_endpoint=server.url + "/sparql"), identifier=URIRef(G2))
    labels = {str(row.l) for row in graph.query(f"SELECT ?l WHERE {{ ?s <{EX}label> ?l }}")}
    assert labels == {"\u2019s-Gravenhage"}


def test_service_description_over_http(server: RunningServer) -> None:
    status, headers, body = get(server.url + "/sparql")
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    names = {
        str(o)
        for o in graph.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name"))
    }
    assert names == {G1, G2}
