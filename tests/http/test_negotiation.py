"""Content negotiation (server/http/negotiation.py): Accept with q-values, format=, aliases."""

from __future__ import annotations

import pytest

from server.http import negotiation as n


def test_parse_accept_reads_quality_and_skips_malformed_elements() -> None:
    ranges = n.parse_accept("text/html, application/xml;q=0.9, bogus, */*;q=0.8, a/b;q=x")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "html", 1.0),
        ("application", "xml", 0.9),
        ("*", "*", 0.8),
    ]


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_accept_means_anything(header: str | None) -> None:
    assert n.negotiate(n.RESULTS, header) == n.SPARQL_JSON
    assert n.negotiate(n.GRAPH, header) == n.TURTLE


@pytest.mark.parametrize(
    ("offer", "accept", "expected"),
    [
        (n.RESULTS, "*/*", n.SPARQL_JSON),
        (n.GRAPH, "*/*", n.TURTLE),
        (n.RESULTS, "text/csv;q=0.5, application/sparql-results+xml;q=0.9", n.SPARQL_XML),
        (n.RESULTS, "application/sparql-results+json;q=0, */*", n.SPARQL_XML),
        (n.RESULTS, "text/*", n.CSV),
        (n.RESULTS, "text/*;q=0.2, text/tab-separated-values", n.TSV),
        (n.RESULTS, "application/json", n.SPARQL_JSON),
        (n.GRAPH, "application/x-turtle", n.TURTLE),
        (n.GRAPH, "application/x-json+ld", n.JSON_LD),
        (n.GRAPH, "application/rdf+xml, text/turtle;q=0.1", n.RDF_XML),
        # Equal quality: the client's order decides before the server's preference.
        (n.RESULTS, "text/csv, application/sparql-results+json", n.CSV),
        # A browser: no HTML for results, so */* gives the server's first choice.
        (
            n.RESULTS,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            n.SPARQL_JSON,
        ),
        (n.DESCRIPTION, "text/html,application/xhtml+xml,*/*;q=0.8", n.HTML),
        (n.DESCRIPTION, "*/*", n.TURTLE),
    ],
)
def test_negotiate(offer: n.Offer, accept: str, expected: str) -> None:
    assert n.negotiate(offer, accept) == expected


def test_most_specific_range_sets_the_quality() -> None:
    # text/csv is excluded by its own range even though text/* would allow it.
    assert n.negotiate(n.RESULTS, "text/csv;q=0, text/*") == n.TSV
    assert n.negotiate(n.RESULTS, "text/csv;q=0") is None


@pytest.mark.parametrize("accept", ["text/html", "application/n-triples", "image/*"])
def test_nothing_acceptable_gives_none(accept: str) -> None:
    assert n.negotiate(n.RESULTS, accept) is None


def test_format_parameter_overrides_accept() -> None:
    assert n.negotiate(n.RESULTS, "application/sparql-results+json", ["csv"]) == n.CSV
    assert n.negotiate(n.GRAPH, None, ["ntriples"]) == n.N_TRIPLES
    assert n.negotiate(n.GRAPH, None, ["json"]) == n.JSON_LD
    assert n.negotiate(n.GRAPH, None, ["xml"]) == n.RDF_XML
    # SPARQLWrapper repeats format= with a short name and a media type.
    assert n.negotiate(n.RESULTS, None, ["tsv", "text/tab-separated-values"]) == n.TSV
    assert n.negotiate(n.GRAPH, None, ["rdf+xml", "application/rdf+xml"]) == n.RDF_XML
    assert n.negotiate(n.RESULTS, None, ["", "xml"]) == n.SPARQL_XML


def test_format_for_the_other_kind_is_not_acceptable() -> None:
    assert n.negotiate(n.RESULTS, None, ["turtle"]) is None
    assert n.negotiate(n.GRAPH, None, ["csv"]) is None


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(n.UnknownFormat):
        n.negotiate(n.RESULTS, None, ["excel"])


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, n.TEXT),
        ("*/*", n.TEXT),
        ("text/html,*/*;q=0.8", n.HTML),
        ("application/sparql-results+json,application/json", n.JSON),
        ("image/png", n.TEXT),
    ],
)
def test_error_media_type(accept: str | None, expected: str) -> None:
    assert n.error_media_type(accept) == expected


def test_content_type_adds_charset_to_text() -> None:
    assert n.content_type(n.CSV) == "text/csv; charset=utf-8"
    assert n.content_type(n.SPARQL_XML) == "application/sparql-results+xml; charset=utf-8"
    assert n.content_type(n.SPARQL_JSON) == n.SPARQL_JSON
