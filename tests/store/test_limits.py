"""The one SPARQL tokenizer (server/store/scan.py) reads ``<`` as the engine does, and the query
limits (server/store/limits.py) refuse what would overflow the engine's stack."""

from __future__ import annotations

import pytest

from server.store.limits import QueryLimits, QueryTooComplex, check_query
from server.store.scan import tokens

LIMITS = QueryLimits()


def words(text: str) -> list[str]:
    return [token.text.upper() for token in tokens(text) if token.kind == "word"]


@pytest.mark.parametrize(
    "text",
    [
        # The bypass of issue 12: the old scanner read "<2)SERVICE#>" as an IRI.
        "SELECT * WHERE { FILTER(1<2)SERVICE#>\n<http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { FILTER(?a<?b)SERVICE#>\n<http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { FILTER('a'<'b')SERVICE#>\n<http://127.0.0.1:9/x> {} }",
        'SELECT * WHERE { FILTER("a"@en<"b")SERVICE#>\n<http://127.0.0.1:9/x> {} }',
        "SELECT * WHERE { FILTER((1)<2)SERVICE#>\n<http://127.0.0.1:9/x> {} }",
        "SELECT * WHERE { FILTER(true<2)SERVICE#>\n<http://127.0.0.1:9/x> {} }",
        "SELECT * WHERE { BIND(1<2 AS ?x)SERVICE#>\n<http://127.0.0.1:9/x> {} }",
        "SELECT (1<2 AS ?x) WHERE { SERVICE#>\n<http://127.0.0.1:9/x> {} }",
    ],
)
def test_less_than_after_an_operand_is_an_operator(text: str) -> None:
    assert "SERVICE" in words(text)


@pytest.mark.parametrize(
    ("text", "iris"),
    [
        ("SELECT * WHERE { ?s <http://e/p> <http://e/o> }", ["<http://e/p>", "<http://e/o>"]),
        (
            "SELECT * WHERE { ?s ?p ( <http://e/a> <http://e/b> ) }",
            ["<http://e/a>", "<http://e/b>"],
        ),
        ("SELECT * WHERE { ?s (<http://e/p>|<http://e/q>) ?o }", ["<http://e/p>", "<http://e/q>"]),
        (
            "SELECT * WHERE { FILTER(?x IN (<http://e/a>, <http://e/b>)) }",
            ["<http://e/a>", "<http://e/b>"],
        ),
        ("SELECT * WHERE { FILTER <http://e/f>(?x) }", ["<http://e/f>"]),
        ("SELECT * WHERE { FILTER(?x = <http://e/a>) }", ["<http://e/a>"]),
        (
            "ASK { FILTER(NOT EXISTS { ?s <http://e/p> <http://e/o> }) }",
            ["<http://e/p>", "<http://e/o>"],
        ),
    ],
)
def test_iris_where_the_grammar_has_terms(text: str, iris: list[str]) -> None:
    assert [t.text for t in tokens(text) if t.kind == "iri"] == iris


def test_nothing_in_strings_iris_and_comments_is_a_keyword() -> None:
    text = (
        "PREFIX load: <http://x/SERVICE#a>\n"
        "SELECT ?insert WHERE { ?s load:drop '''it's \"\"SERVICE\"\"'''@en . } # DELETE\n"
    )
    assert words(text) == ["PREFIX", "SELECT", "WHERE"]


def test_the_three_thousand_brace_query_is_refused() -> None:
    text = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    with pytest.raises(QueryTooComplex, match="64 deep") as caught:
        check_query(text, LIMITS)
    assert caught.value.status == 400


def test_the_hundred_thousand_group_union_is_refused() -> None:
    text = "SELECT * WHERE { " + " UNION ".join(f"{{ ?s ?p {i} }}" for i in range(100_000)) + " }"
    with pytest.raises(QueryTooComplex, match="characters"):
        check_query(text, LIMITS)
    # Within the length limit, the number of parts refuses it.
    short = "SELECT * WHERE { " + " UNION ".join("{?s ?p ?o}" for _ in range(3000)) + " }"
    assert len(short) < LIMITS.max_chars
    with pytest.raises(QueryTooComplex, match="keywords, operators"):
        check_query(short, LIMITS)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { FILTER(" + "(" * 100 + "1" + ")" * 100 + ") }",
        "SELECT * WHERE { ?s <p:a> " + "(" * 100 + "1" + ")" * 100 + " }",
        "SELECT * WHERE { FILTER(" + "+".join(["1"] * 6000) + ") }",
        # Parentheses hidden from the old scanner inside an "IRI": still counted.
        "SELECT * WHERE { FILTER(?a<" + "(" * 100 + "?b" + ")" * 100 + ">?c) }",
    ],
)
def test_deep_or_large_expressions_are_refused(text: str) -> None:
    with pytest.raises(QueryTooComplex):
        check_query(text, LIMITS)


def test_long_values_lists_and_real_queries_pass() -> None:
    values = "SELECT * WHERE { VALUES ?x { " + " ".join(str(i) for i in range(10_000)) + " } }"
    check_query(values, LIMITS)
    check_query("SELECT ?s WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } } LIMIT 10", LIMITS)


def test_a_limit_of_zero_is_off() -> None:
    check_query("SELECT * WHERE " + "{" * 100 + "}" * 100, QueryLimits(0, 0, 0))
