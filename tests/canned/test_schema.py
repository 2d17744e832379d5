"""The JSON Schema of the canned-query header (server/canned/header.schema.json): a valid
draft 2020-12 schema, the one that rejects a broken header (with the queries/NAME.rq:LINE:
message errors), and the source of the OpenAPI parameter schemas, so the two cannot drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from rdflib import URIRef

from server.canned.errors import CannedQueryError, ParameterError
from server.canned.headers import load_canned_queries, parse_canned_query
from server.canned.openapi import openapi_document
from server.canned.query import Choice, Parameter
from server.canned.schema import HEADER_SCHEMA, MAX_STRING, PARAMETER_TYPES, VALUE_SCHEMAS
from server.settings import load_settings

PATH = Path("queries/voorbeeld.rq")
EVERY_TYPE = """\
#+ title: Alle soorten
#+ parameters:
#+   - name: gemeente
#+     type: iri
#+     class: rg:Municipality
#+   - name: schakel
#+     type: concept
#+     scheme: begrippenkader:waardeketen
#+     multiple: true
#+   - name: zoekterm
#+     type: string
#+   - name: minimum
#+     type: integer
#+     minimum: 1
#+     maximum: 9
#+     default: 2
#+   - name: vanaf
#+     type: date
SELECT ?gemeente ?schakel ?zoekterm ?minimum ?vanaf WHERE { }
"""


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(HEADER_SCHEMA)
    assert set(VALUE_SCHEMAS) == set(PARAMETER_TYPES)


def test_every_project_query_passes_the_schema() -> None:
    assert load_canned_queries(load_settings().root / "queries")


@pytest.mark.parametrize(
    ("header", "line", "message"),
    [
        ("#+ titel: X", 1, "unknown header key 'titel' (known: name, title, description,"),
        ("#+ tags: woorden", 1, "'tags' must be a list of words"),
        ("#+ description: {}", 1, "'description' must be a text or a mapping of language"),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: string\n#+     kind: tekst",
            4,
            "unknown parameter key 'kind' (known: name, type, class,",
        ),
        ("#+ parameters:\n#+   - name: format\n#+     type: string", 2, "'format' is reserved"),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: date\n#+     minimum: 1",
            4,
            "'minimum' is a whole number, for an integer parameter only",
        ),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: integer\n#+     maximum: 1.0",
            4,
            "'maximum' is a whole number",
        ),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: concept\n#+     class: rg:X",
            4,
            "'class' does not apply to a parameter of type 'concept'",
        ),
        (
            f"#+ parameters:\n#+   - name: x\n#+     type: string\n#+     default: {'a' * 201}",
            4,
            "bad default for a parameter of type 'string'",
        ),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: date\n#+     default: '2024-02-30'",
            4,
            "bad default for a parameter of type 'date': 2024-02-30",
        ),
        ("#+ parameters:\n#+   - type: string", 2, "a parameter 'name' must be a variable name"),
        ("#+ parameters:\n#+   - name: x", 2, "parameter 'x' needs a 'type': one of iri, concept"),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: string\n#+     members: current",
            4,
            "'members' does not apply to a parameter of type 'string'",
        ),
        (
            "#+ parameters:\n#+   - name: x\n#+     type: iri\n#+     class: rg:X\n"
            "#+     members: former",
            5,
            "'members' must be one of current, all",
        ),
        ("#+ columns: [x]", 1, "'columns' must be a mapping of variable name to label"),
        ("#+ columns:\n#+   x: Iks", 2, "the label of column 'x' must be a text in Dutch and one"),
        ("#+ columns:\n#+   x: {nl: Iks}", 2, "the label of column 'x' must be a text in Dutch"),
        (
            "#+ columns:\n#+   x: {nl: Iks, en: Ex, de: Ix}",
            2,
            "the label of column 'x' must be a text in Dutch and one in English",
        ),
        ("#+ columns:\n#+   x y: {nl: A, en: B}", 2, "'x y' in 'columns' is not a variable name"),
        (
            "#+ columns:\n#+   x: {nl: Iks, en: Ex}\n#+   y: {nl: IJ, en: Why}",
            3,
            "column 'y' is not a variable of the SELECT (?y)",
        ),
    ],
)
def test_the_schema_rejects_a_broken_header_at_its_line(
    header: str, line: int, message: str
) -> None:
    with pytest.raises(CannedQueryError) as caught:
        parse_canned_query(PATH, header + "\nSELECT ?x WHERE { }\n")
    assert (caught.value.path, caught.value.line) == (PATH, line)
    assert str(caught.value).startswith(f"{PATH}:{line}: {message}")


def _choices(parameter: Parameter) -> tuple[Choice, ...]:
    return (Choice(URIRef(f"https://example.org/{parameter.name}")),)


def test_openapi_parameter_schemas_come_from_the_header_schema() -> None:
    query = parse_canned_query(Path("queries/alle-soorten.rq"), EVERY_TYPE)
    document = openapi_document([query], _choices, api_version="1", data_version=None)
    declared = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/queries/alle-soorten"]["get"]["parameters"]
    }
    for parameter in query.parameters:
        schema = declared[parameter.name]
        value = schema["items"] if parameter.multiple else schema
        # Every keyword of the header schema's value of that type, unchanged (bounds may only
        # be narrowed by the header) ...
        general = dict(VALUE_SCHEMAS[parameter.type])
        lowest, highest = general.pop("minimum", None), general.pop("maximum", None)
        assert value.items() >= general.items(), parameter.name
        assert lowest is None or value["minimum"] >= lowest
        assert highest is None or value["maximum"] <= highest
        # ... plus what the header says about this parameter.
        if parameter.has_choices:
            assert value["enum"] == [f"https://example.org/{parameter.name}"]
    assert (declared["minimum"]["minimum"], declared["minimum"]["maximum"]) == (1, 9)
    assert declared["zoekterm"]["maxLength"] == MAX_STRING


def test_the_server_enforces_the_declared_string_length() -> None:
    query = parse_canned_query(Path("queries/alle-soorten.rq"), EVERY_TYPE)
    zoekterm = query.parameter("zoekterm")
    assert str(zoekterm.coerce("a" * MAX_STRING)) == "a" * MAX_STRING
    with pytest.raises(ParameterError):
        zoekterm.coerce("a" * (MAX_STRING + 1))


def test_column_labels_in_both_languages() -> None:
    text = (
        "#+ columns:\n"
        "#+   gemeenteNaam: {nl: Gemeente, en: Municipality}\n"
        "#+   voorbeeld: {nl: Voorbeeld, en: Example}\n"
        "SELECT ?gemeenteNaam ?voorbeeld WHERE { }\n"
    )
    query = parse_canned_query(PATH, text)
    assert query.column_label("gemeenteNaam", "nl") == "Gemeente"
    assert query.column_label("gemeenteNaam", "en") == "Municipality"
    assert query.marks_examples
    # Without labels: the variable as words, never camelCase.
    bare = parse_canned_query(PATH, "#+ title: X\nSELECT ?gemeenteNaam ?naam1 WHERE { }\n")
    assert bare.column_label("gemeenteNaam", "nl") == "gemeente naam"
    assert bare.column_label("naam1", "en") == "naam 1"
    assert not bare.marks_examples


def test_columns_must_label_every_column() -> None:
    text = "#+ columns:\n#+   x: {nl: Iks, en: Ex}\nSELECT ?x ?y ?z WHERE { }\n"
    with pytest.raises(CannedQueryError) as caught:
        parse_canned_query(PATH, text)
    assert str(caught.value) == f"{PATH}:1: 'columns' has no label for 'y', 'z'"


def test_the_openapi_result_schema_titles_the_columns() -> None:
    text = (
        "#+ columns:\n"
        "#+   naam: {nl: Naam, en: Name}\n"
        "#+   voorbeeld: {nl: Voorbeeld, en: Example}\n"
        "SELECT ?naam ?voorbeeld WHERE { }\n"
    )
    query = parse_canned_query(Path("queries/kolommen.rq"), text)
    document = openapi_document([query], _choices, api_version="1", data_version=None)
    schema = document["components"]["schemas"]["Result_kolommen"]
    columns = schema["properties"]["results"]["properties"]["bindings"]["items"]["properties"]
    assert columns["naam"] == {"$ref": "#/components/schemas/RdfTerm", "title": "Naam"}
    assert columns["voorbeeld"]["title"] == "Voorbeeld"
    assert "verzonnen voorbeeld" in columns["voorbeeld"]["description"]
    english = openapi_document([query], _choices, api_version="1", data_version=None, lang="en")[
        "components"
    ]["schemas"]["Result_kolommen"]["properties"]["results"]
    titles = english["properties"]["bindings"]["items"]["properties"]
    assert (titles["naam"]["title"], titles["voorbeeld"]["title"]) == ("Name", "Example")
