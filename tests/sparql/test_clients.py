"""/sparql against real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) over HTTP.

The server is the real one: ``regiograaf serve`` (gunicorn) on a free port of 127.0.0.1,
serving the small store with known content (``small_server``: tests/sparql/conftest.py, the
store of tests/sparql/test_protocol.py), so the answers can be checked exactly.
"""

from __future__ import annotations

import csv
import io
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

from tests.support import EX, G1, G2, RunningServer, get

LABELS = {"\u00e9\u00e9n", "one", "\u2019s-Gravenhage"}
SELECT = f"PREFIX ex: <{EX}> SELECT ?s ?n WHERE {{ ?s ex:n ?n }} ORDER BY ?n"
CONSTRUCT = f"PREFIX ex: <{EX}> CONSTRUCT {{ ?s ex:label ?l }} WHERE {{ ?s ex:label ?l }}"


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
def test_sparqlwrapper_select_json(small_server: RunningServer, method: str) -> None:
    result = wrapper(small_server, SELECT, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    rows = result["results"]["bindings"]
    assert [(row["s"]["value"], row["n"]["value"]) for row in rows] == [
        (EX + "a", "1"),
        (EX + "b", "2"),
    ]


@pytest.mark.parametrize("method", METHODS)
def test_sparqlwrapper_select_xml(small_server: RunningServer, method: str) -> None:
    result = wrapper(small_server, SELECT, XML, method).queryAndConvert()
    assert isinstance(result, Document)
    values = [node.firstChild.data for node in result.getElementsByTagName("uri")]
    assert values == [EX + "a", EX + "b"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("return_format", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_and_tsv(
    small_server: RunningServer, method: str, return_format: str, delimiter: str
) -> None:
    result = wrapper(small_server, SELECT, return_format, method).queryAndConvert()
    assert isinstance(result, bytes)
    rows = list(csv.reader(io.StringIO(result.decode("utf-8")), delimiter=delimiter))
    if return_format == CSV:
        assert rows == [["s", "n"], [EX + "a", "1"], [EX + "b", "2"]]
    else:
        assert rows == [["?s", "?n"], [f"<{EX}a>", "1"], [f"<{EX}b>", "2"]]


@pytest.mark.parametrize("method", METHODS)
def test_sparqlwrapper_ask(small_server: RunningServer, method: str) -> None:
    query = f"PREFIX ex: <{EX}> ASK {{ ex:b ex:n 2 }}"
    assert wrapper(small_server, query, JSON, method).queryAndConvert()["boolean"] is True


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
    small_server: RunningServer,
    method: str,
    return_format: str,
    accept: str | None,
    rdflib_format: str | None,
) -> None:
    client = wrapper(small_server, CONSTRUCT, return_format, method)
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


def test_sparqlwrapper_sees_http_errors(small_server: RunningServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = wrapper(small_server, "SELECT * WHERE {", JSON, "GET")
    with pytest.raises(QueryBadFormed, match="syntax error"):
        client.query()


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(small_server: RunningServer, method: str) -> None:
    store = SPARQLStore(query_endpoint=small_server.url + "/sparql", method=method)
    graph = Graph(store=store)
    rows = list(graph.query(SELECT))
    assert [(str(row.s), int(row.n)) for row in rows] == [(EX + "a", 1), (EX + "b", 2)]
    assert graph.query(f"ASK {{ <{EX}a> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None
    assert _labels(constructed) == LABELS
    assert (URIRef(EX + "a"), URIRef(EX + "n"), Literal(1)) in graph


def test_rdflib_sparqlstore_default_graph_uri(small_server: RunningServer) -> None:
    # A graph with an IRI identifier sends it as default-graph-uri.
    graph = Graph(
        store=SPARQLStore(query_endpoint=small_server.url + "/sparql"), identifier=URIRef(G2)
    )
    labels = {str(row.l) for row in graph.query(f"SELECT ?l WHERE {{ ?s <{EX}label> ?l }}")}
    assert labels == {"\u2019s-Gravenhage"}


def test_service_description_over_http(small_server: RunningServer) -> None:
    status, headers, body = get(small_server.url + "/sparql")
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    names = {
        str(o)
        for o in graph.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name"))
    }
    assert names == {G1, G2}
