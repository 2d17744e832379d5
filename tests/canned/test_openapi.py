"""``/openapi.json``: OpenAPI 3.1 generated from the query headers (valid per
openapi-spec-validator, one operation per query, typed parameters with enums from the graph,
response types), and ``/api``: the interactive page, served by the app without a CDN."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from server.canned.openapi import operation_id
from server.canned.running import canned_queries
from server.messages import TEXT_KEYS
from server.web.assets import missing_assets
from tests.support import BuiltStore

ID = "https://w3id.org/regiograaf/id/"


@pytest.fixture(scope="module")
def document(canned_app: Flask) -> dict:
    response = canned_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.data)


def test_the_document_is_valid_openapi_3_1(document: dict) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_on_the_real_data_is_valid(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    document = json.loads(response.data)
    validate(document)
    municipalities = document["paths"]["/queries/gemeente-profiel"]["get"]["parameters"][0]
    assert f"{ID}gemeente/gm0599" in municipalities["schema"]["enum"]
    assert "Rotterdam" in municipalities["schema"]["x-enum-labels"]


def test_one_operation_per_query(document: dict, canned_store: BuiltStore) -> None:
    queries = canned_queries(canned_store.settings)
    paths = {path: item for path, item in document["paths"].items() if path.startswith("/queries")}
    assert set(paths) == {"/queries"} | {f"/queries/{name}" for name in queries}
    ids = [operation["get"]["operationId"] for operation in paths.values()]
    assert len(ids) == len(set(ids))
    for name, query in queries.items():
        operation = paths[f"/queries/{name}"]["get"]
        assert operation["operationId"] == operation_id(name)
        assert operation["summary"] == query.title["nl"]
        assert [p["name"] for p in operation["parameters"]] == [p.name for p in query.parameters]
        assert all(p["in"] == "query" for p in operation["parameters"])
        content = operation["responses"]["200"]["content"]
        expected = {"application/sparql-results+json", "text/csv", "text/html"}
        if query.has_geometry:
            expected.add("application/geo+json")
        assert set(content) == expected
        assert set(operation["responses"]) >= {"200", "304", "400"}
        # The JSON response lists exactly the query's columns.
        schema = content["application/sparql-results+json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        result = document["components"]["schemas"][schema]
        binding = result["properties"]["results"]["properties"]["bindings"]["items"]
        assert list(binding["properties"]) == list(query.variables)
        assert result["properties"]["head"]["properties"]["vars"]["items"]["enum"] == list(
            query.variables
        )
    assert operation_id("waardeketen-matrix") == "waardeketenMatrix"


def test_parameters_are_typed_with_enums_from_the_graph(document: dict) -> None:
    def parameters(name: str) -> dict[str, dict]:
        operation = document["paths"][f"/queries/{name}"]["get"]
        return {parameter["name"]: parameter for parameter in operation["parameters"]}

    chances = parameters("samenwerkingskansen")
    gemeente = chances["gemeente"]
    assert gemeente["required"] is False
    assert gemeente["style"] == "form" and gemeente["explode"] is True
    assert gemeente["schema"]["type"] == "array"
    # Current MRDH members only (Brielle left in 2023).
    assert gemeente["schema"]["items"]["enum"] == [
        f"{ID}gemeente/{code}" for code in ("gm0503", "gm0606", "gm1783")
    ]
    assert gemeente["schema"]["items"]["x-enum-labels"] == ["Delft", "Schiedam", "Westland"]
    assert "Alleen huidige leden van de MRDH" in gemeente["description"]
    # History offers former members too, named as such.
    timeline = parameters("projecttijdlijn")["gemeente"]["schema"]["items"]
    assert timeline["x-enum-labels"][0] == "Brielle (voormalig MRDH-lid)"
    assert chances["schakel"]["schema"]["enum"] == [
        f"{ID}waardeketen/{stage}"
        for stage in (
            "digitale-infrastructuur",
            "data",
            "toepassingen-en-diensten",
            "maatschappelijke-waarde",
            "governance-en-regie",
            "publieke-waarden",
        )
    ]
    assert chances["opgave"]["schema"]["enum"] == [
        f"{ID}opgave/{name}"
        for name in ("energietransitie", "klimaatadaptatie", "mobiliteitstransitie")
    ]
    assert chances["minimum"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 999_999_999_999_999_999,
        "default": 1,
        "description": "At most 18 digits.",
    }
    timeline = parameters("projecttijdlijn")
    assert timeline["vanaf"]["schema"] == {"type": "string", "format": "date"}
    # By notation: "onbekend" (0), then the life cycle from "idee" (1).
    assert timeline["status"]["schema"]["items"]["enum"][:2] == [
        f"{ID}status/onbekend",
        f"{ID}status/idee",
    ]
    search = parameters("projecten-zoeken")
    assert search["zoekterm"]["schema"] == {
        "type": "string",
        "maxLength": 200,
        "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
        "description": "No control characters (C0, DEL, C1).",
    }
    principles = parameters("bijdragen-aan-principes")
    # Without a position or notation, by Dutch title.
    assert principles["principe"]["schema"]["enum"] == [
        f"{ID}principe/pzh-waardenvol-{n}" for n in (2, 3, 1)
    ]
    assert principles["principe"]["schema"]["x-enum-labels"] == [
        "Data als gedeelde bron",
        "Digitale veiligheid",
        "Opgaven van de provincie staan voorop",
    ]


def test_the_document_has_an_etag(canned_client: FlaskClient) -> None:
    first = canned_client.get("/openapi.json")
    again = canned_client.get("/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_an_enum_value_from_the_document_is_accepted(
    canned_client: FlaskClient, document: dict
) -> None:
    operation = document["paths"]["/queries/lerende-partners"]["get"]
    gemeente = next(p for p in operation["parameters"] if p["name"] == "gemeente")
    for value in gemeente["schema"]["enum"]:
        response = canned_client.get(
            "/queries/lerende-partners.json", query_string={"gemeente": value}
        )
        assert response.status_code == 200


def test_the_api_page(canned_client: FlaskClient) -> None:
    response = canned_client.get("/api")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Swagger UI loads the description in the page's language.
    assert 'id="swagger-ui" data-spec-url="/openapi.json?lang=nl"' in page
    english = canned_client.get("/api?lang=en").get_data(as_text=True)
    assert 'data-spec-url="/openapi.json?lang=en"' in english
    remembered = canned_client.get("/api").get_data(as_text=True)  # the cookie is set now
    assert 'data-spec-url="/openapi.json?lang=en"' in remembered
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts, "the page loads Swagger UI"
    for attributes, body in scripts:
        # No inline script (a Content-Security-Policy without 'unsafe-inline' allows the page).
        assert 'src="/assets/' in attributes and not body.strip()
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not re.match(r"(?:https?:)?//", url), url
    assert "/assets/swagger-ui/swagger-ui-bundle.js?v=" in page


@pytest.mark.skipif(bool(missing_assets()), reason="node_modules is missing (npm ci)")
@pytest.mark.parametrize(
    "name",
    ["swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "regiograaf/api-ui.js"],
)
def test_the_api_page_assets_are_served(canned_client: FlaskClient, name: str) -> None:
    assert canned_client.get(f"/assets/{name}").status_code == 200


def _without_texts(structure: object) -> object:
    """``structure`` without what people read: the texts under "description", "summary" and
    "title", and the labels next to an enum."""
    if isinstance(structure, dict):
        return {
            key: _without_texts(value)
            for key, value in structure.items()
            if not (key in TEXT_KEYS and isinstance(value, str)) and key != "x-enum-labels"
        }
    if isinstance(structure, list):
        return [_without_texts(value) for value in structure]
    return structure


def _texts(structure: object) -> list[str]:
    """Every text people read in ``structure`` (as :func:`_without_texts` removes them)."""
    if isinstance(structure, dict):
        return [
            text
            for key, value in structure.items()
            for text in (
                [value]
                if key in TEXT_KEYS and isinstance(value, str)
                else value
                if key == "x-enum-labels"
                else _texts(value)
            )
        ]
    if isinstance(structure, list):
        return [text for value in structure for text in _texts(value)]
    return []


@pytest.fixture(scope="module")
def english(canned_app: Flask) -> dict:
    response = canned_app.test_client().get("/openapi.json?lang=en")
    assert response.status_code == 200
    return json.loads(response.data)


def test_the_document_speaks_the_language_of_the_request(canned_client: FlaskClient) -> None:
    dutch = canned_client.get("/openapi.json")
    assert dutch.get_json()["info"]["title"] == "Regiograaf — vragen"
    assert "Cookie" in dutch.vary  # the cookie (absent here) chose the language
    english = canned_client.get("/openapi.json?lang=en")
    assert english.get_json()["info"]["title"] == "Regiograaf — canned queries"
    assert "Cookie" not in english.vary  # the URL chose it
    assert english.headers["ETag"] != dutch.headers["ETag"]
    remembered = canned_client.get("/openapi.json")  # the cookie ?lang=en set
    assert remembered.get_json()["info"]["title"] == "Regiograaf — canned queries"
    assert remembered.headers["ETag"] == english.headers["ETag"]
    assert "Cookie" in remembered.vary
    again = canned_client.get("/openapi.json", headers={"If-None-Match": english.headers["ETag"]})
    assert again.status_code == 304
    stale = canned_client.get(
        "/openapi.json?lang=nl", headers={"If-None-Match": english.headers["ETag"]}
    )
    assert stale.status_code == 200 and stale.get_json()["info"]["title"] == "Regiograaf — vragen"


def test_the_english_document_is_valid_openapi_3_1(english: dict) -> None:
    validate(english)
    operation = english["paths"]["/queries/projecttijdlijn"]["get"]
    gemeente = next(p for p in operation["parameters"] if p["name"] == "gemeente")
    assert gemeente["schema"]["items"]["x-enum-labels"][0] == "Brielle (former MRDH member)"
    assert "Only current members" not in gemeente["description"]
    chances = english["paths"]["/queries/samenwerkingskansen"]["get"]["parameters"][0]
    assert "Only current members of the MRDH." in chances["description"]


def test_both_languages_describe_the_same_api(document: dict, english: dict) -> None:
    assert _without_texts(english) == _without_texts(document)
    assert len(_texts(document)) == len(_texts(english)) > 100
    # The texts differ: the fixed ones are translated, the queries' own come from their headers.
    different = [
        pair for pair in zip(_texts(document), _texts(english), strict=True) if pair[0] != pair[1]
    ]
    assert len(different) > 0.8 * len(_texts(document))


def test_the_queries_own_texts_in_one_language(
    document: dict, english: dict, canned_store: BuiltStore
) -> None:
    for name, query in canned_queries(canned_store.settings).items():
        dutch, other = (d["paths"][f"/queries/{name}"]["get"] for d in (document, english))
        assert (dutch["summary"], other["summary"]) == (query.title_in("nl"), query.title_in("en"))
        assert dutch["description"].startswith(query.description_in("nl"))
        assert other["description"].startswith(query.description_in("en"))
        for parameter, described in zip(query.parameters, other["parameters"], strict=True):
            assert described["description"].startswith(parameter.label_in("en"))


@pytest.mark.parametrize(
    ("lang", "foreign"),
    [
        # Texts that stood next to each other before: the other language's half is gone.
        ("nl", ["(the answer)", "(this server)", "The questions of", "(the hits)", "(validate)"]),
        ("en", ["Het antwoord", "Deze server", "De vragen van", "De resultaten", "controleren"]),
    ],
)
def test_no_text_of_the_other_language(
    document: dict, english: dict, lang: str, foreign: list[str]
) -> None:
    text = json.dumps(document if lang == "nl" else english, ensure_ascii=False)
    assert [sentence for sentence in foreign if sentence in text] == []
    assert "(English)" not in text and "\n\n*" not in text  # no translation under the text
