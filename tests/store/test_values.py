"""How parameter values reach the engine: the SPARQL scanner (projection, where the WHERE group
opens) and the VALUES block written from checked RDF terms by the store layer, including
attempts to break out of a term."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from server.store.embedded import EmbeddedStore
from server.store.scan import ScanError, projection, query_form, where_group_start
from server.store.values import InvalidTerm, sparql_term, values_block, with_values

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("SELECT ?a ?b WHERE { ?a ?p ?b }", ("a", "b")),
        ("select distinct ?a $b { ?a ?p ?b }", ("a", "b")),
        ("SELECT ?g (COUNT(DISTINCT ?x) AS ?n) (SAMPLE(?y) AS ?s) WHERE {}", ("g", "n", "s")),
        ("SELECT (IF(?a < 3, ?b, ?c) AS ?d) ?e {}", ("d", "e")),
        ("PREFIX x: <http://e/#?no>\n# SELECT ?comment\nSELECT ?a FROM <http://g> {}", ("a",)),
        ("SELECT ?a (CONCAT(\"?no\", '{') AS ?b) {}", ("a", "b")),
        ("SELECT (EXISTS { ?x ?y ?z } AS ?b) WHERE {}", ("b",)),
        ("SELECT * WHERE { ?s ?p ?o }", None),
    ],
)
def test_projection(text: str, variables: tuple[str, ...] | None) -> None:
    assert projection(text) == variables


def test_projection_of_other_forms_is_an_error() -> None:
    with pytest.raises(ScanError):
        projection("ASK { ?s ?p ?o }")
    with pytest.raises(ScanError):
        where_group_start('SELECT ("unterminated AS ?a) { }')
    assert query_form("PREFIX a: <x:>\nCONSTRUCT { ?s ?p ?o } WHERE {}") == "CONSTRUCT"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?a WHERE {| ?a ?p ?o }",
        "PREFIX r: <http://e/{x}#>\nSELECT ?a {| ?a ?p ?o }",
        'SELECT ?a (CONCAT("{", ?a) AS ?b) # { not this\nWHERE {| ?a ?p ?o }',
        "SELECT (EXISTS { ?x ?y ?z } AS ?b) FROM <http://g#{x}> WHERE {| }".replace("{x}", "x"),
        "SELECT ?a {|\n  { SELECT ?a WHERE { ?a ?p ?o } }\n}",
        'ASK {| ?a ?p """{ multi\nline }""" }',
    ],
)
def test_where_group_start(text: str) -> None:
    # '|' marks where the group opens, just after its '{'.
    expected = text.index("{|") + 1
    assert where_group_start(text.replace("{|", "{ ")) == expected


def test_there_is_no_where_group_in_construct_or_in_nonsense() -> None:
    with pytest.raises(ScanError):
        where_group_start("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    with pytest.raises(ScanError):
        where_group_start("SELECT ?a")


@pytest.mark.parametrize(
    ("term", "written"),
    [
        (URIRef("https://w3id.org/regiograaf/id/gemeente/gm0599"),
         "<https://w3id.org/regiograaf/id/gemeente/gm0599>"),
        (Literal("Delft"), '"Delft"'),
        (Literal('a "b" \\ c\nd\re\tf'), '"a \\"b\\" \\\\ c\\nd\\re\\tf"'),
        (Literal("x", lang="nl"), '"x"@nl'),
        (Literal("3", datatype=URIRef(XSD + "integer")), f'"3"^^<{XSD}integer>'),
        (Literal("2024-01-31", datatype=URIRef(XSD + "date")), f'"2024-01-31"^^<{XSD}date>'),
        (Literal("\\u0022 } #"), '"\\\\u0022 } #"'),
    ],
)  # fmt: skip
def test_terms_are_written_escaped(term: Identifier, written: str) -> None:
    assert sparql_term(term) == written


@pytest.mark.parametrize(
    "term",
    [
        URIRef("http://e/a> } ; DROP ALL ; SELECT * { <x"),
        URIRef("http://e/a b"),
        URIRef("http://e/\\u003E"),
        URIRef("no-scheme"),
        BNode("b0"),
        Literal("x", datatype=URIRef("http://e/a> <b")),
    ],
)
def test_terms_that_could_break_out_are_refused(term: Identifier) -> None:
    with pytest.raises(InvalidTerm):
        sparql_term(term)


def test_a_variable_name_is_checked_too() -> None:
    with pytest.raises(InvalidTerm):
        values_block("x } ?y", [Literal("1")])
    with pytest.raises(InvalidTerm):
        values_block("x", [])


def test_with_values_puts_a_block_per_variable_at_the_start_of_the_where_group() -> None:
    text = "PREFIX e: <http://e/>\nSELECT ?a ?b WHERE {\n  ?a e:p ?b .\n}\n"
    bound = with_values(
        text, {"a": [URIRef("http://e/1"), URIRef("http://e/2")], "b": [Literal("x")]}
    )
    assert bound == (
        "PREFIX e: <http://e/>\nSELECT ?a ?b WHERE {"
        "\n  VALUES ?a { <http://e/1> <http://e/2> }"
        '\n  VALUES ?b { "x" }'
        "\n\n  ?a e:p ?b .\n}\n"
    )
    assert with_values(text, {}) is text


HOSTILE = [
    '" } } SELECT * WHERE { ?s ?p ?o } #',
    '\\" } ?s ?p ?o {',
    '"""',
    "\\u0022) } #",
    'x"@nl } UNION { ?s ?p ?o',
    "\\\\\\",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_engine_reads_back_exactly_the_value(tmp_path, text: str) -> None:  # type: ignore[no-untyped-def]
    # Whatever the text, the bound query parses and ?v is that one literal, nothing more.
    store = EmbeddedStore(tmp_path / "store", read_only=False)
    from rdflib import Graph

    store.replace({"https://e/g": Graph()}, "v1")
    rows = store.query(with_values("SELECT ?v WHERE { }", {"v": [Literal(text)]})).rows()
    assert rows == [{"v": Literal(text)}]


def test_why_values_blocks_and_not_substitutions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """pyoxigraph's substitutions (``Store.query(bindings=...)``) are not seen by FILTER, so
    "everyone but the asking municipality" cannot be written with them; a VALUES block has
    the standard semantics (server/store/values.py). If this ever fails, substitutions may do."""
    from rdflib import Graph

    graph = Graph()
    for name in ("a", "b"):
        graph.add((URIRef(f"http://e/{name}"), URIRef("http://e/p"), Literal(name)))
    store = EmbeddedStore(tmp_path / "store", read_only=False)
    store.replace({"https://e/g": graph}, "v1")
    text = "SELECT ?s ?me WHERE { ?s <http://e/p> ?o . FILTER(!BOUND(?me) || ?s != ?me) }"
    me = URIRef("http://e/a")
    with_values_rows = store.query(with_values(text, {"me": [me]})).rows()
    assert [row["s"] for row in with_values_rows] == [URIRef("http://e/b")]
    substituted = store.query(text, bindings={"me": me}).rows()
    assert sorted(str(row["s"]) for row in substituted) == ["http://e/a", "http://e/b"]
