"""Canned queries: the '#+' YAML header (texts, tags, view, typed parameters) parsed into frozen
dataclasses, errors with file:line, argument checking, and every query in queries/*.rq: a full
header, and a sensible answer on the real data with its parameters unbound (as the SPARQL
page runs it) and bound."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from server.canned.arguments import bind_arguments
from server.canned.errors import CannedQueryError, ParameterError
from server.canned.headers import load_canned_queries, parse_canned_query
from server.canned.query import CannedQuery, Choice, Parameter
from server.canned.running import run_canned_query
from server.canned.schema import PARAMETER_TYPES, VIEWS
from server.settings import load_settings
from tests.support import BuiltStore

QUERIES = load_settings().root / "queries"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
EXAMPLES = (
    "doelen-zonder-aansluiting",
    "projecten-per-gemeente",
    "waardeketen-matrix",
)

GOOD = """\
#+ name: voorbeeld
#+ title:
#+   nl: Een voorbeeld
#+   en: An example
#+ description: Alleen Nederlands.
#+ tags: [a, b]
SELECT * WHERE { ?s ?p ?o }
"""


def test_header_is_parsed_into_a_frozen_dataclass() -> None:
    query = parse_canned_query(Path("queries/voorbeeld.rq"), GOOD)
    assert query.name == "voorbeeld"
    assert dict(query.title) == {"nl": "Een voorbeeld", "en": "An example"}
    assert query.title_in("en") == "An example"
    assert query.title_in("fr") == "Een voorbeeld"
    assert query.description_in("en") == "Alleen Nederlands."
    assert query.tags == ("a", "b")
    assert query.sparql == "SELECT * WHERE { ?s ?p ?o }\n"
    assert query.path == Path("queries/voorbeeld.rq")
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        query.title["nl"] = "changed"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("SELECT * WHERE { ?s ?p ?o }\n", 1, "no '#+' header"),
        ("#+ name: voorbeeld\n#+ title: [unclosed\nSELECT * {}\n", 2, "not valid YAML"),
        ("#+ name: voorbeeld\n#+ description: a: b\nSELECT * {}\n", 2, "not valid YAML"),
        ("#+ - just\n#+ - a list\nSELECT * {}\n", 1, "must be a YAML mapping"),
        ("#+ name: voorbeeld\n#+ titel: Typo\nSELECT * {}\n", 2, "unknown header key 'titel'"),
        ("#+ name: anders\nSELECT * {}\n", 1, "file is named 'voorbeeld.rq'"),
        ("#+ name: Voorbeeld Query\nSELECT * {}\n", 1, "lower-case words"),
        ("#+ name: voorbeeld\n#+ tags:\n#+   - 1\nSELECT * {}\n", 2, "'tags'"),
        ("#+ name: voorbeeld\n#+ title:\n#+   nl: [1]\nSELECT * {}\n", 2, "'title'"),
        ("#+ name: voorbeeld\n#+ title: Leeg\n\n", 3, "no SPARQL"),
        ("#+ name: voorbeeld\n#+title: x\nSELECT * {}\n", 2, "'#+ ' (then a space)"),
    ],
)
def test_broken_header_names_file_and_line(text: str, line: int, fragment: str) -> None:
    path = Path("queries/voorbeeld.rq")
    with pytest.raises(CannedQueryError) as caught:
        parse_canned_query(path, text)
    assert caught.value.path == path
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


def test_only_the_top_folder_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "qc").mkdir()
    (tmp_path / "qc" / "check.rq").write_text("not a canned query\n")
    (tmp_path / "b.rq").write_text("#+ title: B\nSELECT ?b {}\n")
    (tmp_path / "a.rq").write_text("#+ title: A\nSELECT ?a {}\n")
    assert [query.name for query in load_canned_queries(tmp_path)] == ["a", "b"]


ALL_QUERIES = sorted(path.stem for path in QUERIES.glob("*.rq"))


def test_example_queries_have_full_headers() -> None:
    queries = {query.name: query for query in load_canned_queries(QUERIES)}
    assert set(EXAMPLES) <= set(queries)
    assert len(queries) >= 12
    for name, query in queries.items():
        assert isinstance(query, CannedQuery)
        assert set(query.title) >= {"nl", "en"}, name
        assert set(query.description) >= {"nl", "en"}, name
        assert query.tags, name
        assert query.view in VIEWS, name
        assert query.variables, name
        for parameter in query.parameters:
            assert set(parameter.label) >= {"nl", "en"}, (name, parameter.name)
        if query.view == "map":
            assert query.has_geometry, name
        # Every answer marks the rows with invented examples, and every column has a label
        # for people in both languages (never the variable name).
        assert query.marks_examples, name
        assert set(query.columns) == set(query.variables), name
        for column, labels in query.columns.items():
            assert set(labels) >= {"nl", "en"}, (name, column)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_query_returns_rows(built_store: BuiltStore, name: str) -> None:
    query = parse_canned_query(QUERIES / f"{name}.rq")
    rows = built_store.store.query(query.sparql).rows()
    assert rows, f"{name} returns no rows on the project data"


#: Queries that may rightly find nothing on the project's data: every goal may have a project,
#: and the sources found align no goal with a provincial goal (data/register/).
MAY_BE_EMPTY = {"doelen-zonder-bijdrage", "indirecte-bijdragen"}


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_query_runs_unbound_on_the_real_data(built_store: BuiltStore, name: str) -> None:
    # Exactly what the SPARQL page runs as an example: the text, no values.
    query = parse_canned_query(QUERIES / f"{name}.rq")
    result = built_store.store.query(query.sparql)
    assert result.variables == list(query.variables)
    rows = result.rows()
    assert rows or name in MAY_BE_EMPTY, f"{name} returns no rows on the project data"


#: A value for each parameter type, on the real data.
SAMPLE = {
    "iri": "gm0599",
    "integer": 1,
    "date": datetime.date(2022, 1, 1),
    "string": "data",
}


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_query_runs_with_its_parameters_bound(built_store: BuiltStore, name: str) -> None:
    query = parse_canned_query(QUERIES / f"{name}.rq")
    arguments: dict[str, object] = {}
    for parameter in query.parameters:
        if parameter.type == "concept":
            arguments[parameter.name] = {
                "waardeketen": "data",
                "maatschappelijke-opgaven": "energietransitie",
                "projectstatus": "pilot",
            }[str(parameter.scheme).rsplit("/", 1)[-1]]
        elif parameter.type == "iri" and parameter.class_iri.endswith("Principle"):
            arguments[parameter.name] = "pzh-waardenvol-1"
        elif parameter.type == "integer":
            arguments[parameter.name] = parameter.minimum or 1
        else:
            arguments[parameter.name] = SAMPLE[parameter.type]
    result = run_canned_query(
        name, arguments, store=built_store.store, settings=built_store.settings, cache=None
    )
    assert result.variables == query.variables
    assert set(result.arguments.values) == {parameter.name for parameter in query.parameters}


# --- parameters and view in the header -----------------------------------------------------

WITH_PARAMETERS = """\
#+ name: voorbeeld
#+ title: {nl: Voorbeeld, en: Example}
#+ view: map
#+ parameters:
#+   - name: gemeente
#+     type: iri
#+     class: rg:Municipality
#+     multiple: true
#+     label: {nl: Gemeente, en: Municipality}
#+     description: Alleen deze.
#+   - name: schakel
#+     type: concept
#+     scheme: waardeketen:stelsel
#+     required: true
#+   - name: minimum
#+     type: integer
#+     default: 2
#+     minimum: 1
#+     maximum: 10
#+   - name: vanaf
#+     type: date
#+     default: 2020-01-31
#+   - name: zoekterm
#+     type: string
#+   - name: status
#+     type: concept
#+     scheme: <https://example.org/statussen>
#+     multiple: true
#+     default: [https://example.org/a, https://example.org/b]
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX waardeketen: <https://example.org/waardeketen#>
SELECT ?gemeente (COUNT(?x) AS ?n) ?geometry
WHERE { ?x ?schakel ?gemeente ; ?p ?minimum, ?vanaf, ?zoekterm, ?status ; ?q ?geometry }
GROUP BY ?gemeente ?geometry
"""


def test_parameters_are_frozen_dataclasses_with_types() -> None:
    query = parse_canned_query(Path("queries/voorbeeld.rq"), WITH_PARAMETERS)
    assert query.view == "map"
    assert query.variables == ("gemeente", "n", "geometry")
    assert query.has_geometry
    assert [p.name for p in query.parameters] == [
        "gemeente",
        "schakel",
        "minimum",
        "vanaf",
        "zoekterm",
        "status",
    ]
    gemeente, schakel, minimum, vanaf, zoekterm, status = query.parameters
    assert isinstance(gemeente, Parameter)
    assert gemeente.type == "iri"
    assert gemeente.class_iri == "https://w3id.org/regiograaf/def#Municipality"
    assert gemeente.multiple and not gemeente.required
    assert gemeente.label_in("en") == "Municipality"
    assert gemeente.description_in("nl") == "Alleen deze."
    assert gemeente.line == 5
    # The query's own PREFIX wins over Regiograaf's prefix of the same name.
    assert schakel.scheme == "https://example.org/waardeketen#stelsel"
    assert schakel.required and schakel.default == ()
    assert minimum.default == (Literal("2", datatype=XSD_INTEGER),)
    assert minimum.default_values == (2,)
    assert (minimum.minimum, minimum.maximum) == (1, 10)
    assert vanaf.default == (Literal("2020-01-31", datatype=XSD_DATE),)
    assert zoekterm.type == "string"
    assert status.scheme == "https://example.org/statussen"
    assert status.default == (URIRef("https://example.org/a"), URIRef("https://example.org/b"))
    assert {p.type for p in query.parameters} == set(PARAMETER_TYPES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        minimum.default = ()  # type: ignore[misc]
    assert query.parameter("vanaf") is vanaf
    with pytest.raises(KeyError):
        query.parameter("geen")


def _replace(old: str, new: str) -> str:
    assert old in WITH_PARAMETERS, old
    return WITH_PARAMETERS.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (_replace("#+ view: map", "#+ view: kaart"), 3, "'view' must be one of"),
        (
            _replace("?q ?geometry }", "?q ?g }").replace(" ?geometry\n", "\n"),
            3,
            "needs a ?geometry column",
        ),
        ("#+ title: X\n#+ parameters: gemeente\nSELECT ?gemeente {}\n", 2, "must be a list"),
        ("#+ title: X\n#+ parameters:\n#+   - gemeente\nSELECT ?gemeente {}\n", 3, "mapping"),
        (_replace("#+   - name: gemeente", "#+   - naam: gemeente"), 5, "unknown parameter key"),
        (_replace("#+   - name: gemeente", "#+   - name: Gemeente"), 5, "variable name"),
        (_replace("#+   - name: gemeente", "#+   - name: stad"), 5, "not a variable"),
        (_replace("#+   - name: zoekterm", "#+   - name: minimum"), 23, "declared twice"),
        (_replace("#+     type: iri", "#+     type: uri"), 6, "needs a 'type'"),
        (_replace("#+     class: rg:Municipality", "#+     class: onbekend:X"), 7, "needs 'class'"),
        (_replace("#+     class: rg:Municipality", "#+     scheme: rg:X"), 7, "does not apply"),
        (_replace("#+     required: true", "#+     required: ja"), 14, "true or false"),
        (_replace("#+     default: 2\n", "#+     default: twee\n"), 17, "bad default"),
        (_replace("#+     default: 2\n", "#+     default: [1, 2]\n"), 17, "multiple: true"),
        (_replace("#+     minimum: 1", "#+     minimum: 1.5"), 18, "whole number"),
        (_replace("#+     default: 2020-01-31", "#+     default: 31-01-2020"), 22, "bad default"),
        (
            _replace("#+     required: true", "#+     required: true\n#+     default: x"),
            15,
            "required parameter has no default",
        ),
        (_replace("#+     type: string", "#+     type: string\n#+     minimum: 1"), 25, "integer"),
        (WITH_PARAMETERS.replace("SELECT ?gemeente", "ASK {} #"), 32, "SELECT"),
    ],
)
def test_broken_parameters_name_file_and_line(text: str, line: int, fragment: str) -> None:
    path = Path("queries/voorbeeld.rq")
    with pytest.raises(CannedQueryError) as caught:
        parse_canned_query(path, text)
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


def test_a_broken_header_fails_loading_the_folder(tmp_path: Path) -> None:
    (tmp_path / "goed.rq").write_text("#+ title: Goed\nSELECT ?x {}\n")
    (tmp_path / "fout.rq").write_text(
        "#+ title: Fout\n#+ parameters:\n#+   - name: y\n#+     type: integer\nSELECT ?x {}\n"
    )
    with pytest.raises(CannedQueryError) as caught:
        load_canned_queries(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'fout.rq'}:3: ")


# --- checking arguments --------------------------------------------------------------------

QUERY = parse_canned_query(Path("queries/voorbeeld.rq"), WITH_PARAMETERS)
MUNICIPALITIES = (
    Choice(URIRef("https://w3id.org/regiograaf/id/gemeente/gm0599")),
    Choice(URIRef("https://w3id.org/regiograaf/id/gemeente/gm0518")),
)
STAGES = (Choice(URIRef("https://example.org/waardeketen#data")),)
STATUSES = (Choice(URIRef("https://example.org/a")), Choice(URIRef("https://example.org/b")))


GM0599 = "https://w3id.org/regiograaf/id/gemeente/gm0599"


def choices(parameter: Parameter) -> tuple[Choice, ...]:
    return {"gemeente": MUNICIPALITIES, "schakel": STAGES, "status": STATUSES}[parameter.name]


def test_arguments_are_typed_terms_with_defaults() -> None:
    arguments = bind_arguments(
        QUERY,
        {
            # The last path segment and the whole IRI of one value: once.
            "gemeente": ["gm0599", "https://w3id.org/regiograaf/id/gemeente/gm0518", GM0599],
            "schakel": "data",
            "minimum": "5",
            "zoekterm": '  "x" ',
        },
        choices,
    )
    assert arguments.values == {
        "gemeente": (
            URIRef("https://w3id.org/regiograaf/id/gemeente/gm0518"),
            URIRef("https://w3id.org/regiograaf/id/gemeente/gm0599"),
        ),
        "schakel": (URIRef("https://example.org/waardeketen#data"),),
        "minimum": (Literal("5", datatype=XSD_INTEGER),),
        # Not given: the default.
        "vanaf": (Literal("2020-01-31", datatype=XSD_DATE),),
        "zoekterm": (Literal('"x"'),),
        "status": (URIRef("https://example.org/a"), URIRef("https://example.org/b")),
    }
    # The key does not depend on the order the values came in.
    again = bind_arguments(
        QUERY,
        {
            "zoekterm": '"x"',
            "schakel": "https://example.org/waardeketen#data",
            "minimum": 5,
            "gemeente": ["gm0518", "gm0599"],
        },
        choices,
    )
    assert again.key == arguments.key
    assert bind_arguments(QUERY, {"schakel": "data", "minimum": 6}, choices).key != arguments.key


@pytest.mark.parametrize(
    ("arguments", "parameter", "fragment"),
    [
        ({}, "schakel", "verplicht"),
        ({"schakel": "data", "gemeente": "gm0001"}, "gemeente", "geen van de keuzes"),
        ({"schakel": "stad"}, "schakel", "geen van de keuzes"),
        ({"schakel": ["data", "data"]}, "schakel", "neemt één waarde"),
        ({"schakel": "data", "minimum": "11"}, "minimum", "groter dan 10"),
        ({"schakel": "data", "minimum": "0"}, "minimum", "kleiner dan 1"),
        ({"schakel": "data", "minimum": "1e3"}, "minimum", "geen geheel getal"),
        ({"schakel": "data", "minimum": True}, "minimum", "geen geheel getal"),
        ({"schakel": "data", "vanaf": "2021-13-01"}, "vanaf", "geen datum"),
        ({"schakel": "data", "vanaf": "20210101"}, "vanaf", "geen datum"),
        (
            {"schakel": "data", "vanaf": datetime.datetime(2021, 1, 1, 12)},
            "vanaf",
            "zonder tijd",
        ),
        ({"schakel": "data", "plaats": "x"}, "plaats", "onbekend"),
        # As the OpenAPI document says (uniqueItems, format: date, integer, the string pattern).
        ({"schakel": "data", "gemeente": ["gm0599", "gm0599"]}, "gemeente", "dubbel"),
        ({"schakel": "data", "vanaf": ""}, "vanaf", "leeg"),
        ({"schakel": ""}, "schakel", "leeg"),
        ({"schakel": "data", "minimum": " 5 "}, "minimum", "geen geheel getal"),
        ({"schakel": "data", "minimum": "+5"}, "minimum", "geen geheel getal"),
        ({"schakel": "data", "minimum": "1" * 19}, "minimum", "geen geheel getal"),
        ({"schakel": "data", "zoekterm": "data\n"}, "zoekterm", "stuurtekens"),
        ({"schakel": "data", "zoekterm": "data\x85"}, "zoekterm", "stuurtekens"),
    ],
)
def test_wrong_arguments_name_the_parameter(arguments: dict, parameter: str, fragment: str) -> None:
    with pytest.raises(ParameterError) as caught:
        bind_arguments(QUERY, arguments, choices)
    assert caught.value.parameter == parameter
    assert fragment in str(caught.value)  # in Dutch, as the catalog's messages are written


def test_without_choices_only_the_form_of_an_iri_is_checked() -> None:
    arguments = bind_arguments(QUERY, {"schakel": "https://example.org/elders"})
    assert arguments.values["schakel"] == (URIRef("https://example.org/elders"),)
    for bad in ("<https://example.org/x>", "https://example.org/a b", 'x"y', "x}"):
        with pytest.raises(ParameterError):
            bind_arguments(QUERY, {"schakel": bad})
