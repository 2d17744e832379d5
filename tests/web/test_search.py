"""``/zoeken`` and ``/zoeken.json`` (server/web/search.py) on the project's data: the page in
one language at a time, its JSON by extension, ``format=`` and ``Accept`` (the same document,
described by the OpenAPI document), links to the pages of the hits, examples marked, 304 by
ETag, and clear 400s."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

HTML = {"Accept": "text/html"}


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, url
    assert response.content_type.startswith("text/html")
    return response.get_data(as_text=True)


def test_the_empty_page_is_a_form_with_help(client: FlaskClient) -> None:
    html = _page(client, "/zoeken")
    assert '<form class="zoeken-formulier" method="get" action="/zoeken" role="search">' in html
    assert 'id="resultaten' not in html
    for link in ('href="/scan"', 'href="/begrippen"', 'href="/zoeken?q=Data"'):
        assert link in html, link


def test_a_search_lists_its_hits_with_kind_and_page(client: FlaskClient) -> None:
    html = _page(client, "/zoeken?q=zoetermeer")
    assert "8 resultaten voor „zoetermeer”" in html
    hits = re.findall(r'<li class="zoeken-hit">(.*?)</li>', html, re.S)
    assert len(hits) == 8
    assert "Gemeente" in hits[0] and '<a href="/scan/gm0637">Zoetermeer</a>' in hits[0]
    assert re.search(r'<a href="/doc/project/[^"]+">Smart City Living Lab', hits[1])
    marked = [hit for hit in hits if 'class="zoeken-voorbeeld"' in hit]
    assert len(marked) == 4 and all("Voorbeeld:" in hit for hit in marked)
    # The counts per kind, each a filter.
    assert '<a href="/zoeken?q=zoetermeer&amp;soort=project">Project (6)</a>' in html


def test_one_language_at_a_time(client: FlaskClient) -> None:
    html = _page(client, "/zoeken?q=zoetermeer&lang=en")
    assert "8 results for “zoetermeer”" in html and "resultaten voor" not in html
    assert '<a href="/scan/gm0637?lang=en">Zoetermeer</a>' in html
    assert '<p class="zoeken-soort">Municipality' in html
    assert 'href="/zoeken?q=zoetermeer&amp;lang=nl"' in html  # the switch back
    assert 'name="lang" value="en"' in html  # the form stays in English


def test_a_former_municipality_is_marked_and_links_to_its_page(client: FlaskClient) -> None:
    html = _page(client, "/zoeken?q=brielle")
    first = re.findall(r'<li class="zoeken-hit">(.*?)</li>', html, re.S)[0]
    assert "voormalige gemeente" in first and 'href="/doc/gemeente/gm0501"' in first


def test_nothing_found_suggests_other_searches(client: FlaskClient) -> None:
    html = _page(client, "/zoeken?q=e-dienstverlening")
    assert "Niets gevonden" in html
    assert '<a href="/zoeken?q=dienstverlening">dienstverlening</a>' in html
    assert 'href="/begrippen"' in html and 'href="/scan"' in html


@pytest.mark.parametrize(
    "url",
    ["/zoeken.json?q=Zoetermeer", "/zoeken?q=Zoetermeer&format=json"],
)
def test_json_by_extension_and_format(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200 and response.content_type == "application/json"
    document = response.get_json()
    assert document["total"] == 8 and document["words"] == ["zoetermeer"]
    first = document["results"][0]
    assert first["url"] == "http://localhost/scan/gm0637"
    assert (first["kind"], first["kind_label"], first["rank"]) == ("gemeente", "gemeente", 0)
    assert sum(hit["example"] for hit in document["results"]) == 4


def test_json_by_accept_varies_on_accept(client: FlaskClient) -> None:
    response = client.get("/zoeken?q=data&lang=en", headers={"Accept": "application/json"})
    assert response.content_type == "application/json"
    assert "Accept" in response.headers["Vary"]
    assert response.get_json() == client.get("/zoeken.json?q=data&lang=en").get_json()
    html = client.get("/zoeken?q=data&lang=en", headers=HTML)
    assert html.headers["ETag"] != response.headers["ETag"]


def test_the_openapi_document_describes_the_answer(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert {"/zoeken", "/zoeken.json"} <= set(spec["paths"])
    parameters = {p["name"]: p for p in spec["paths"]["/zoeken.json"]["get"]["parameters"]}
    assert parameters["q"]["required"] and parameters["q"]["schema"]["maxLength"] == 100
    schema = {"$ref": "#/components/schemas/SearchResult", "components": spec["components"]}
    validator = Draft202012Validator(schema)
    for url in (
        "/zoeken.json?q=data&limit=100",
        "/zoeken.json?q=brielle&lang=en",
        "/zoeken.json?q=",
    ):
        errors = [error.message for error in validator.iter_errors(client.get(url).get_json())]
        assert errors == [], (url, errors)


def test_304_for_a_client_that_has_it(client: FlaskClient) -> None:
    for url, headers in (("/zoeken?q=data", HTML), ("/zoeken.json?q=data", {})):
        client.delete_cookie("lang")  # the switch below remembered English
        etag = client.get(url, headers=headers).headers["ETag"]
        again = client.get(url, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304, url
        other = client.get(url + "&lang=en", headers={**headers, "If-None-Match": etag})
        assert other.status_code == 200, url


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("q=" + "a" * 101, "te lang"),
        ("q=data%00", "stuurtekens"),
        ("q=data%0A", "stuurtekens"),
        ("q=data&lang=de", "lang="),
        ("q=data&soort=fiets", "soort="),
        ("q=data&soort=", "soort="),
        ("q=data&limit=0", "limit="),
        ("q=data&limit=101", "limit="),
        ("q=data&limit=", "limit="),
        ("q=data&limit=%D9%A3", "limit="),
        ("lang=en", "q= is"),
    ],
)
def test_a_bad_request_is_a_clear_400_in_json(client: FlaskClient, query: str, words: str) -> None:
    response = client.get(f"/zoeken.json?{query}")
    assert response.status_code == 400 and response.content_type == "application/json"
    assert words in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "words"),
    [("q=" + "a" * 101, "te lang"), ("q=a%1Bb", "stuurtekens"), ("soort=AAA", "soort=")],
)
def test_a_bad_search_shows_the_form_and_the_reason(
    client: FlaskClient, query: str, words: str
) -> None:
    for accept in ("text/html", "*/*", None):
        response = client.get(f"/zoeken?{query}", headers={"Accept": accept} if accept else {})
        assert response.status_code == 400 and response.content_type.startswith("text/html")
        html = response.get_data(as_text=True)
        assert 'role="alert"' in html and words in html
        assert 'maxlength="100"' in html


@pytest.mark.parametrize("q", [".*", "%5B%28%7B", "%22%27%5C", "%20"])
def test_no_words_is_no_error(client: FlaskClient, q: str) -> None:
    html = _page(client, f"/zoeken?q={q}")
    assert "Waar wilt u verder zoeken?" in html
    assert client.get(f"/zoeken.json?q={q}").get_json()["results"] == []


def test_more_than_six_words(client: FlaskClient) -> None:
    document = client.get("/zoeken.json?q=a+b+c+d+e+f+g+h").get_json()
    assert len(document["words"]) == 6 and document["dropped_words"] == 2
    assert "Alleen de eerste zes woorden" in _page(client, "/zoeken?q=a+b+c+d+e+f+g+h")
