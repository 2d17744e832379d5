"""The example marker: every canned query's answer marks, in its ``voorbeeld`` column, exactly the
rows that involve an invented example (``rg:isExample true``), in JSON, CSV and HTML.

The expectation is computed independently of the queries' own marking: the fixture
(tests/data/queries) is built twice by the real build, with the ``examples`` setting on and
off (its examples are ``voorbeelden.ttl``), and every query is run on both. A row of the
answer with examples involves an example exactly when it is not in the answer without them
(compared as a bag, the marker column left out): it shows an example, or it counts, names or
is changed by one. Every query runs, also ones added later."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Mapping

import pytest
from flask.testing import FlaskClient
from rdflib import Literal
from rdflib.term import Identifier

from server.canned.query import EXAMPLE_COLUMN, CannedQuery
from server.canned.running import canned_queries, parameter_choices, run_canned_query
from server.settings import load_settings
from tests.support import BuiltStore, build_canned_store

QUERY_NAMES = sorted(canned_queries(load_settings()))
#: A value for a required parameter without a default, per type (iri and concept: a choice).
SAMPLE = {"string": "a", "integer": 1, "date": "2024-01-01"}


@pytest.fixture(scope="module")
def real_only_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The canned-query fixture without its examples (the ``examples`` setting off)."""
    return build_canned_store(tmp_path_factory.mktemp("canned-real-only"), examples=False)


#: Values chosen for a required parameter where the first choice would not show the examples.
CHOSEN = {("scan-leerprojecten", "schakel"): "https://w3id.org/regiograaf/id/waardeketen/data"}


def arguments(query: CannedQuery, store: BuiltStore) -> dict[str, object]:
    """Values for the required parameters that have no default (the rest stay unbound)."""
    given: dict[str, object] = {}
    for parameter in query.parameters:
        if (query.name, parameter.name) in CHOSEN:
            given[parameter.name] = CHOSEN[query.name, parameter.name]
            continue
        if parameter.required and not parameter.default:
            choices = parameter_choices(store.store, parameter)
            given[parameter.name] = str(choices[0].value) if choices else SAMPLE[parameter.type]
    return given


def comparable(term: Identifier) -> object:
    """A term to compare across the two stores: the order of the parts of a GROUP_CONCAT is
    undefined, so a text is compared as the sorted parts between ', ' and '; '."""
    if isinstance(term, Literal) and term.datatype is None:
        return (tuple(sorted(re.split(r"[;,] ", str(term)))), term.language)
    return term


def key(row: Mapping[str, Identifier]) -> tuple:
    return tuple(
        sorted((name, comparable(term)) for name, term in row.items() if name != EXAMPLE_COLUMN)
    )


def marked(row: Mapping[str, Identifier]) -> bool:
    value = row.get(EXAMPLE_COLUMN)
    assert isinstance(value, Literal) and value.datatype is not None, "no boolean marker"
    assert str(value.datatype).endswith("#boolean"), f"marker {value!r} is not an xsd:boolean"
    return bool(value.toPython())


def expected_marks(with_examples: list, without: list) -> list[bool]:
    """True for each row of ``with_examples`` that is not in ``without`` (as a bag)."""
    real = Counter(key(row) for row in without)
    marks = []
    for row in with_examples:
        found = real[key(row)] > 0
        real[key(row)] -= found
        marks.append(not found)
    return marks


#: Queries whose answers the fixture's examples (projects and goals) cannot reach, and why.
NOT_REACHED = {
    "scan-gaten": "answers about stages and building blocks; an invented project can only close "
    "a gap (fewer rows, none to mark)",
    "scan-gemeente": "answers about municipalities; the fixture has no invented municipality",
    "scan-strategie": "answers about strategy documents; the fixture has no invented one",
    "scan-volwassenheid": "answers about maturity assessments; the fixture has no invented one",
}


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_exactly_the_rows_involving_examples_are_marked(
    canned_store: BuiltStore, real_only_store: BuiltStore, name: str
) -> None:
    query = canned_queries(canned_store.settings)[name]
    assert query.marks_examples, f"{name} has no ?{EXAMPLE_COLUMN} column"
    given = arguments(query, real_only_store)
    with_examples = run_canned_query(
        name, given, store=canned_store.store, settings=canned_store.settings, cache=None
    ).rows
    without = run_canned_query(
        name, given, store=real_only_store.store, settings=real_only_store.settings, cache=None
    ).rows
    expected = expected_marks(list(with_examples), list(without))
    assert [marked(row) for row in with_examples] == expected
    # The fixture's examples reach every query but a few: the check above could fail.
    assert any(expected) or name in NOT_REACHED, f"the fixture's examples do not show in {name}"


def test_without_examples_nothing_is_marked(real_only_store: BuiltStore) -> None:
    for name, query in canned_queries(real_only_store.settings).items():
        result = run_canned_query(
            name,
            arguments(query, real_only_store),
            store=real_only_store.store,
            settings=real_only_store.settings,
            cache=None,
        )
        assert not any(marked(row) for row in result.rows), name


def test_without_examples_the_build_has_no_example_graph(real_only_store: BuiltStore) -> None:
    graphs = real_only_store.store.named_graphs()
    assert not [graph for graph in graphs if "voorbeeld" in graph]
    asked = "ASK { ?x <https://w3id.org/regiograaf/def#isExample> true }"
    assert real_only_store.store.query(asked).boolean() is False


def test_the_example_graph_is_marked_in_the_meta_graph(canned_store: BuiltStore) -> None:
    rows = canned_store.store.query(
        "SELECT ?g WHERE { GRAPH <https://w3id.org/regiograaf/graph/meta> "
        "{ ?g <https://w3id.org/regiograaf/def#isExample> true } }"
    ).rows()
    assert [str(row["g"]) for row in rows] == ["https://w3id.org/regiograaf/graph/data/voorbeelden"]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_json_csv_and_html_carry_the_marker(
    canned_client: FlaskClient, canned_store: BuiltStore, name: str
) -> None:
    query = canned_queries(canned_store.settings)[name]
    given = arguments(query, canned_store)
    rows = run_canned_query(
        name, given, store=canned_store.store, settings=canned_store.settings, cache=None
    ).rows
    marks = [marked(row) for row in rows]
    answer = json.loads(canned_client.get(f"/queries/{name}.json", query_string=given).data)
    assert EXAMPLE_COLUMN in answer["head"]["vars"]
    assert [
        binding[EXAMPLE_COLUMN]["value"] == "true" for binding in answer["results"]["bindings"]
    ] == marks
    table = list(csv.DictReader(io.StringIO(canned_client.get(
        f"/queries/{name}.csv", query_string=given
    ).get_data(as_text=True))))  # fmt: skip
    assert [line[EXAMPLE_COLUMN] == "true" for line in table] == marks
    assert {line[EXAMPLE_COLUMN] for line in table} <= {"true", "false"}
    page = canned_client.get(
        f"/queries/{name}", query_string=given, headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows_html = body.split("<tr")[1:]
    assert len(rows_html) == max(len(marks), 1)
    if marks:
        assert ["voorbeeld-rij" in row for row in rows_html] == marks
        # The badge says it in words (also to a screen reader), in the row's first cell.
        assert all(
            ">Voorbeeld<" in row.split("</td>", 1)[0] and "verzonnen" in row
            for row, mark in zip(rows_html, marks, strict=True)
            if mark
        )
    # People see labels, not the variable names.
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    for variable in query.variables:
        if variable != EXAMPLE_COLUMN and query.column_label(variable, "nl") != variable:
            assert f">{variable}<" not in head, (name, variable)
