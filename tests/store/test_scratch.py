"""ScratchGraph: rdflib graphs queried on the engine, solutions as the graphs' own terms."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from server.store.scratch import ScratchGraph, check_select

EX = "urn:example:"


def _graphs() -> tuple[Graph, Graph]:
    first, second = Graph(), Graph()
    shared = BNode("shared")
    first.add((URIRef(EX + "a"), URIRef(EX + "p"), shared))
    second.add((shared, URIRef(EX + "q"), Literal("2024-01-02", datatype=XSD.date)))
    second.add((URIRef(EX + "b"), URIRef(EX + "p"), Literal("x", lang="nl")))
    return first, second


def _split() -> tuple[list[Graph], list[Graph]]:
    first, second = _graphs()
    return [first], [second]


def test_union_of_graphs_with_a_shared_blank_node() -> None:
    rows = list(
        ScratchGraph(*_split()).select(
            "SELECT ?s ?d WHERE { ?s <urn:example:p> ?b . ?b <urn:example:q> ?d }"
        )
    )
    assert rows == [{"s": URIRef(EX + "a"), "d": Literal("2024-01-02", datatype=XSD.date)}]


def test_bindings_are_substituted_and_terms_come_back_as_rdflib() -> None:
    scratch = ScratchGraph(*_split())
    query = "SELECT ?s ?o WHERE { ?s <urn:example:p> ?o }"
    b = URIRef(EX + "b")
    assert list(scratch.select(query, {"s": b})) == [{"s": b, "o": Literal("x", lang="nl")}]
    assert list(scratch.select(query, {"s": BNode("shared")})) == []
    (row,) = scratch.select(query, {"s": URIRef(EX + "a")})
    assert row["o"] == BNode("shared")


def test_check_select() -> None:
    assert check_select("SELECT * WHERE { ?s ?p ?o }")
    assert not check_select("ASK { ?s ?p ?o }")
    assert not check_select("SELECT WHERE {")
