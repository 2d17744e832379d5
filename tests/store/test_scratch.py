"""ScratchGraph: rdflib graphs queried on the engine, solutions as the graphs' own terms."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from server.store.scratch import ExistsTest, ScratchGraph, check_select

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


def _tested_graph() -> Graph:
    graph = Graph()
    for name, size in (("a", 1), ("b", 2), ("c", 3)):
        graph.add((URIRef(EX + name), URIRef(EX + "size"), Literal(size)))
    graph.add((URIRef(EX + "m"), URIRef(EX + "max"), Literal(2)))
    graph.add((URIRef(EX + "m"), URIRef(EX + "owner"), URIRef(EX + "b")))
    return graph


def test_select_tested_filters_once_for_all_solutions_and_hides_variables() -> None:
    scratch = ScratchGraph([_tested_graph()])
    query = "SELECT ?s ?n WHERE { ?s <urn:example:size> ?n }"
    group = "?m <urn:example:max> ?n ; <urn:example:owner> ?s"
    test = ExistsTest(True, ("n", "s"), group, "")
    kept = scratch.select_tested(query, [test], frozenset({"n"}))
    assert sorted(str(row["s"]) for row in kept or []) == [EX + "a", EX + "c"]
    assert all(set(row) == {"s"} for row in kept or [])
    found = scratch.select_tested(query, [ExistsTest(False, ("n", "s"), group, "")])
    assert found == [{"s": URIRef(EX + "b"), "n": Literal(2)}]


def test_select_tested_leaves_an_unbound_variable_free() -> None:
    scratch = ScratchGraph([_tested_graph()])
    query = "SELECT ?s ?x WHERE { ?s <urn:example:size> ?n BIND (IF(?n > 1, ?n, 1 / 0) AS ?x) }"
    test = ExistsTest(False, ("x",), "?m <urn:example:max> ?x", "")
    # a: ?x unbound, so any max will do; b: max 2; c: no max 3
    found = scratch.select_tested(query, [test], frozenset({"x"}))
    assert sorted(str(row["s"]) for row in found or []) == [EX + "a", EX + "b"]


def test_select_tested_gives_none_for_a_blank_node() -> None:
    scratch = ScratchGraph(*_split())
    query = "SELECT ?s ?b WHERE { ?s <urn:example:p> ?b }"
    test = ExistsTest(True, ("b",), "?b <urn:example:q> ?d", "")
    assert scratch.select_tested(query, [test]) is None


def test_failing_functions_have_no_value() -> None:
    scratch = ScratchGraph(*_split())
    query = 'SELECT ?d WHERE { BIND (xsd:date("2024-01-02") AS ?d) }'
    query = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query
    assert list(scratch.select(query)) == [{"d": Literal("2024-01-02", datatype=XSD.date)}]
    assert list(scratch.select(query, failing=frozenset({str(XSD.date)}))) == [{}]
    assert not check_select("SELECT ?x WHERE { BIND (<urn:f>(1) AS ?x) }")
    assert check_select("SELECT ?x WHERE { BIND (<urn:f>(1) AS ?x) }", frozenset({"urn:f"}))
