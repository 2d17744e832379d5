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
    assert 'id="swagger-ui" data-spec-url="/openapi.json"' in page
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
