"""How a canned query runs and reads its answer, proven equal to the plain way.

A canned query gives the engine its one-valued projected parameters as ``known_values``
(substituted up front, so that pyoxigraph reads the rows of one municipality, not of all),
while its text binds them in a ``VALUES`` block. The answer must be the one the text alone
gives: every canned query, with every choice of each parameter that has choices and both
languages, is run both ways on the canned-query and the Strategiescan fixtures and compared
row by row, in order."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from pytest import FixtureRequest
from rdflib import XSD, URIRef
from rdflib.term import Identifier

from server.canned.formats import plain_binding, plain_value
from server.canned.query import CannedQuery
from server.canned.running import (
    bound_sparql,
    canned_queries,
    check_arguments,
    known_values,
    parameter_choices,
    run_canned_query,
)
from server.http.media_types import SPARQL_JSON
from server.settings import load_settings
from server.store.results import _term, parse_sparql_json
from tests.support import BuiltStore

QUERY_NAMES = sorted(canned_queries(load_settings()))


def argument_sets(query: CannedQuery, built: BuiltStore) -> Iterator[dict[str, object]]:
    """Every combination of the choices of the parameters that have choices (or one unbound
    value, where the parameter may be left out) and of both languages for ``taal``."""
    options: dict[str, list[object]] = {}
    for parameter in query.parameters:
        if parameter.name == "taal":
            options["taal"] = ["nl", "en"]
        elif parameter.type in ("iri", "concept"):
            values: list[object] = [str(c.value) for c in parameter_choices(built.store, parameter)]
            options[parameter.name] = values if parameter.required else [None, *values]
    names = list(options)
    for combination in itertools.product(*(options[name] for name in names)):
        yield {n: v for n, v in zip(names, combination, strict=True) if v is not None}


def rows(built: BuiltStore, sparql: str, **options: object) -> list[dict[str, Identifier]]:
    result = built.store.query(sparql, **options)  # type: ignore[arg-type]
    return parse_sparql_json(result.serialize(SPARQL_JSON))[1]


@pytest.mark.parametrize("fixture", ["canned_store", "scan_store"])
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_known_values_change_no_answer(request: FixtureRequest, fixture: str, name: str) -> None:
    built: BuiltStore = request.getfixturevalue(fixture)
    query = canned_queries(built.settings)[name]
    compared = 0
    for given in argument_sets(query, built):
        arguments = check_arguments(built.store, query, given)
        known = known_values(query, arguments)
        sparql = bound_sparql(query, arguments)
        assert rows(built, sparql, known_values=known) == rows(built, sparql), (name, given)
        compared += bool(known)
    # The canned-query fixture has a choice for every parameter: the check above could fail.
    if fixture == "canned_store" and any(p.name in query.variables for p in query.parameters):
        assert compared, f"{name}: no argument set had a known value to substitute"


def test_the_embedded_engine_substitutes_known_values(canned_store: BuiltStore) -> None:
    """Not ignored: a known value the text does not bind narrows the answer to it."""
    sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    graphs = [row["g"] for row in rows(canned_store, sparql)]
    assert len(graphs) > 1
    first = URIRef(graphs[0])
    assert [row["g"] for row in rows(canned_store, sparql, known_values={"g": first})] == [
        graphs[0]
    ]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_records_read_from_the_json_equal_the_terms_made_plain(
    scan_store: BuiltStore, name: str
) -> None:
    """``records`` reads the engine's JSON without rdflib terms; it gives what the terms of
    ``rows`` give through :func:`plain_value` (numbers, booleans, texts, IRIs, blank nodes)."""
    query = canned_queries(scan_store.settings)[name]
    for given in argument_sets(query, scan_store):
        result = run_canned_query(
            name, given, store=scan_store.store, settings=scan_store.settings, cache=None
        )
        expected = [{n: plain_value(row.get(n)) for n in result.variables} for row in result.rows]
        assert [dict(record) for record in result.records] == expected, (name, given)


@pytest.mark.parametrize(
    ("binding", "value"),
    [
        ({"type": "literal", "value": "12", "datatype": str(XSD.integer)}, 12),
        ({"type": "literal", "value": "1.0", "datatype": str(XSD.decimal)}, 1.0),
        ({"type": "literal", "value": "2E0", "datatype": str(XSD.double)}, 2),
        ({"type": "literal", "value": "true", "datatype": str(XSD.boolean)}, True),
        ({"type": "literal", "value": "x", "datatype": str(XSD.integer)}, "x"),
        ({"type": "literal", "value": "tekst", "xml:lang": "nl"}, "tekst"),
        ({"type": "bnode", "value": "b0"}, "_:b0"),
        ({"type": "uri", "value": "https://example.org/a"}, "https://example.org/a"),
    ],
)
def test_plain_binding_is_plain_value(binding: dict[str, str], value: object) -> None:
    assert plain_binding(binding) == value == plain_value(_term(binding))
    assert type(plain_binding(binding)) is type(value)
