"""``/queries`` and ``/queries/<name>`` over HTTP (Flask test client on the query fixture):
the list in HTML and JSON, every format by extension, ``format=`` and ``Accept``, parameters
checked (400 naming the parameter), values bound, the form with choices from the graph,
links to the resources, the cache with ETag and 304."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from server.canned.running import RESULTS, canned_queries, run_canned_query
from server.store.results import parse_sparql_json
from server.web.app import create_app
from tests.support import BuiltStore

ID = "https://w3id.org/regiograaf/id/"
HTML = "text/html"
SPARQL_JSON = "application/sparql-results+json"


# --- the list ------------------------------------------------------------------------------


def test_the_list_as_json(canned_client: FlaskClient, canned_store: BuiltStore) -> None:
    response = canned_client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    listed = response.get_json()["queries"]
    queries = canned_queries(canned_store.settings)
    assert [entry["name"] for entry in listed] == sorted(queries)
    for entry in listed:
        query = queries[entry["name"]]
        assert entry["title"] == query.title["nl"]
        assert entry["description"] == query.description["nl"]
        assert entry["url"] == f"/queries/{query.name}"
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in query.parameters]
        for parameter in entry["parameters"]:
            assert {"name", "type", "required", "default"} <= set(parameter)
    chances = next(entry for entry in listed if entry["name"] == "samenwerkingskansen")
    assert {p["name"]: (p["type"], p["required"], p["default"]) for p in chances["parameters"]} == {
        "gemeente": ("iri", False, []),
        "schakel": ("concept", False, None),
        "opgave": ("concept", False, None),
        "minimum": ("integer", False, 1),
    }
    assert chances["parameters"][0]["class"] == "https://w3id.org/regiograaf/def#Municipality"
    assert chances["parameters"][0]["multiple"] is True


def test_the_list_as_html(canned_client: FlaskClient, canned_store: BuiltStore) -> None:
    response = canned_client.get("/queries", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == HTML
    page = response.get_data(as_text=True)
    for name in canned_queries(canned_store.settings):
        assert f'href="/queries/{name}"' in page
    assert 'href="/api"' in page  # the API page, which links the OpenAPI document
    assert canned_client.get("/queries?format=json").mimetype == "application/json"


# --- one query, every format ---------------------------------------------------------------


def rows_of(body: bytes) -> list[dict[str, str]]:
    _, rows = parse_sparql_json(body)
    return [{name: str(value) for name, value in row.items()} for row in rows]


def test_json_is_the_engines_sparql_json(
    canned_client: FlaskClient, canned_store: BuiltStore
) -> None:
    response = canned_client.get("/queries/samenwerkingskansen.json?minimum=2")
    assert response.status_code == 200
    assert response.mimetype == SPARQL_JSON
    document = response.get_json(force=True)
    assert document["head"]["vars"][:5] == ["gemeente1", "naam1", "gemeente2", "naam2", "overlap"]
    expected = run_canned_query(
        "samenwerkingskansen",
        {"minimum": 2},
        store=canned_store.store,
        settings=canned_store.settings,
    )
    assert response.data == expected.json
    assert [row["overlap"]["value"] for row in document["results"]["bindings"]] == ["2", "2"]


@pytest.mark.parametrize(
    ("url", "accept", "media_type"),
    [
        ("/queries/aansluitingsscore", None, SPARQL_JSON),
        ("/queries/aansluitingsscore", "*/*", SPARQL_JSON),
        ("/queries/aansluitingsscore", "application/json", SPARQL_JSON),
        ("/queries/aansluitingsscore", SPARQL_JSON, SPARQL_JSON),
        ("/queries/aansluitingsscore", "text/csv", "text/csv"),
        ("/queries/aansluitingsscore", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", HTML),
        ("/queries/aansluitingsscore?format=csv", HTML, "text/csv"),
        ("/queries/aansluitingsscore.csv", SPARQL_JSON, "text/csv"),
        ("/queries/aansluitingsscore.html", SPARQL_JSON, HTML),
        ("/queries/gemeente-profiel", "application/geo+json", "application/geo+json"),
        ("/queries/gemeente-profiel.geojson", None, "application/geo+json"),
    ],
)
def test_formats_by_extension_format_or_accept(
    canned_client: FlaskClient, url: str, accept: str | None, media_type: str
) -> None:
    response = canned_client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    assert "Accept" in response.vary
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_csv(canned_client: FlaskClient) -> None:
    response = canned_client.get("/queries/aansluitingsscore.csv?gemeente=gm0606")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert rows == [
        ["gemeente", "naam", "score", "aansluitend", "projecten", "voorbeeld"],
        [ID + "gemeente/gm0606", "Schiedam", "75", "3", "4", "true"],
    ]
    assert response.data.endswith(b"\r\n")


def test_geojson(canned_client: FlaskClient) -> None:
    response = canned_client.get("/queries/projecten-per-gemeente.geojson")
    document = json.loads(response.data)
    assert document["type"] == "FeatureCollection"
    first = document["features"][0]
    assert first == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [4.3571, 52.0116]},
        "properties": {
            "gemeente": ID + "gemeente/gm0503",
            "naam": "Delft",
            "projecten": 3,
            "voorbeelden": 1,
            "voorbeeld": True,
        },
    }
    assert len(document["features"]) == 3


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/queries/bestaat-niet", 404),
        ("/queries/aansluitingsscore.xml", 404),
        ("/queries/aansluitingsscore.geojson", 406),
        ("/queries/aansluitingsscore?format=turtle", 406),
        ("/queries/aansluitingsscore?format=nonsense", 400),
    ],
)
def test_what_is_not_there(canned_client: FlaskClient, url: str, status: int) -> None:
    assert canned_client.get(url).status_code == status


# --- parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_string", "parameter"),
    [
        ("minimum=twee", "minimum"),
        ("minimum=0", "minimum"),
        ("gemeente=gm9999", "gemeente"),
        ("schakel=energietransitie", "schakel"),
        ("opgave=a&opgave=b", "opgave"),
        ("plaats=Delft", "plaats"),
    ],
)
def test_a_wrong_value_is_400_naming_the_parameter(
    canned_client: FlaskClient, query_string: str, parameter: str
) -> None:
    response = canned_client.get(f"/queries/samenwerkingskansen.json?{query_string}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400
    assert error["parameter"] == parameter
    assert f"'{parameter}'" in error["message"]
    text = canned_client.get(f"/queries/samenwerkingskansen.csv?{query_string}")
    assert text.status_code == 400 and f"'{parameter}'".encode() in text.data


def test_a_wrong_value_in_the_form_shows_the_form_again(canned_client: FlaskClient) -> None:
    response = canned_client.get(
        "/queries/projecttijdlijn?vanaf=31-12-2021&gemeente=gm0503",
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400
    assert response.mimetype == HTML
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert 'href="#parameter-vanaf"' in page
    assert re.search(r'id="parameter-vanaf"[^>]*aria-invalid="true"', page)
    assert 'value="31-12-2021"' in page
    # The summary names the field by its label, as the form does, not by the parameter's name.
    summary = page.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "Vanaf: geen datum JJJJ-MM-DD: '31-12-2021'" in html.unescape(summary)
    assert "parameter " not in html.unescape(summary)
    # What was chosen stays chosen.
    assert re.search(rf'value="{ID}gemeente/gm0503" checked', page)


def test_a_required_parameter_not_yet_given_shows_the_form(canned_client: FlaskClient) -> None:
    """Opening a question with a required parameter is no error: the form, nothing run. Sent
    with the parameter left out (another one given), the page says what is missing; the API
    answers 400 either way."""
    opened = canned_client.get("/queries/scan-leerprojecten", headers={"Accept": "text/html"})
    assert opened.status_code == 200 and opened.mimetype == HTML
    page = opened.get_data(as_text=True)
    assert 'id="parameter-schakel"' in page and 'role="alert"' not in page
    assert "<table" not in page
    sent = canned_client.get("/queries/scan-leerprojecten?taal=en", headers={"Accept": "text/html"})
    assert sent.status_code == 400 and 'role="alert"' in sent.get_data(as_text=True)
    api = canned_client.get("/queries/scan-leerprojecten.json")
    assert api.status_code == 400 and api.get_json()["error"]["parameter"] == "schakel"
    # The list offers no download that would be that 400.
    listed = canned_client.get("/queries", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "/queries/scan-leerprojecten.json" not in listed
    assert "/queries/scan-gaten.json" in listed


INJECTIONS = [
    '" } UNION { ?s ?p ?o } #',
    "x' } } SELECT * WHERE { ?s ?p ?o } #",
    "\\u0022 } #",
    "> } ; DELETE WHERE { ?s ?p ?o } #",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_sparql_syntax_in_a_value_changes_nothing(canned_client: FlaskClient, text: str) -> None:
    # As text: searched for literally (nothing has it).
    response = canned_client.get(f"/queries/projecten-zoeken.json?zoekterm={quote(text)}")
    assert response.status_code == 200
    assert response.get_json(force=True)["results"]["bindings"] == []
    # As an IRI, a number or a date: refused.
    for name in ("gemeente", "minimum"):
        response = canned_client.get(f"/queries/samenwerkingskansen.json?{name}={quote(text)}")
        assert response.status_code == 400
        assert response.get_json()["error"]["parameter"] == name
    response = canned_client.get(f"/queries/projecttijdlijn.json?vanaf={quote(text)}")
    assert response.status_code == 400


# --- the page ------------------------------------------------------------------------------


def test_the_page_has_a_form_with_choices_from_the_graph(canned_client: FlaskClient) -> None:
    page = canned_client.get(
        "/queries/lerende-partners?gemeente=gm0503&schakel=data", headers={"Accept": HTML}
    ).get_data(as_text=True)
    assert '<form method="get" action="/queries/lerende-partners"' in page
    # Municipalities with their Dutch names; the chosen one selected.
    assert f'<option value="{ID}gemeente/gm0503" selected>Delft</option>' in page
    assert f'<option value="{ID}gemeente/gm1783">Westland</option>' in page
    # Stages in chain order, then the enablers; concepts of the scheme only.
    stages = re.findall(rf'<option value="{ID}waardeketen/[^"]+"(?: selected)?>([^<]+)<', page)
    assert stages == [
        "Digitale infrastructuur",
        "Data",
        "Toepassingen en diensten",
        "Maatschappelijke waarde",
        "Governance en regie",
        "Publieke waarden",
    ]
    # Statuses (several values): checkboxes in life-cycle order.
    statuses = re.findall(rf'name="status" value="{ID}status/([a-z]+)"', page)
    assert statuses == ["onbekend", "idee", "pilot", "implementatie", "opgeschaald", "afgerond"]
    # "Our municipality" offers the current MRDH members only.
    assert "Brielle" not in page.split('id="parameter-gemeente"', 1)[1].split("</select>", 1)[0]
    assert "— alle —" in page and "(all)" not in page  # one language at a time


def test_the_table_links_to_the_resources(canned_client: FlaskClient) -> None:
    page = canned_client.get("/queries/aansluitingsscore", headers={"Accept": HTML}).get_data(
        as_text=True
    )
    # The IRI column shown with the names of the column after it, linked to /id/...
    assert '<a href="/id/gemeente/gm0503">Delft</a>' in page  # no prefixed name shown
    assert re.search(r'<td class="num" data-kolom="Score \(procent\)">50</td>', page)
    # Column labels for people, in the page's language only, each a link that sorts by it;
    # no variable names.
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert 'href="/queries/aansluitingsscore?sorteer=gemeente" class="sorteer">Gemeente<' in head
    assert "Municipality" not in head
    assert ">gemeente<" not in head and ">naam<" not in head and "voorbeeld" not in head
    # Rows that count an invented example carry the badge, explained above the table.
    assert page.count('class="voorbeeld-rij"') == 3
    assert 'class="voorbeeld-melding"' in page
    # The chart view: an SVG bar per municipality, named for people.
    assert page.count('<g class="bar">') == 3
    assert "Score (procent) per Naam" in page
    assert 'href="/queries/aansluitingsscore.json"' in page
    assert 'href="/queries/aansluitingsscore.csv"' in page


def test_a_map_view_draws_points_and_offers_geojson(canned_client: FlaskClient) -> None:
    page = canned_client.get(
        "/queries/lerende-partners?gemeente=gm0503&schakel=data", headers={"Accept": HTML}
    ).get_data(as_text=True)
    assert page.count('<g class="point">') == 2
    assert (
        'href="/queries/lerende-partners.geojson?gemeente='
        "https%3A%2F%2Fw3id.org%2Fregiograaf%2Fid%2Fgemeente%2Fgm0503&amp;schakel=" in page
    )


def test_a_timeline_view(canned_client: FlaskClient) -> None:
    page = canned_client.get("/queries/projecttijdlijn", headers={"Accept": HTML}).get_data(
        as_text=True
    )
    # Years and months are periods on the timeline; p6 has no start date: not drawn.
    assert page.count('<g class="bar') == 9
    assert page.count('<g class="bar open">') == 6  # p1, p2, p3, p4, p8, x1: no end yet
    assert "2019 tot 2023-06" in page  # x2, as precise as its source
    assert "Kustmonitor (voorbeeld) (voorbeeld)" in page  # an invented project, marked


# --- cache, ETag, 304 ----------------------------------------------------------------------


def test_etag_304_and_the_cache(canned_client: FlaskClient) -> None:
    RESULTS.clear()
    url = "/queries/waardeketen-gaten.json?gemeente=gm0606"
    first = canned_client.get(url)
    assert first.status_code == 200
    assert first.headers["Regiograaf-Cache"] == "miss"
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    # The same arguments written differently: the same answer, from the cache.
    second = canned_client.get(
        f"/queries/waardeketen-gaten.json?gemeente={quote(ID)}gemeente%2Fgm0606"
    )
    assert second.headers["Regiograaf-Cache"] == "hit"
    assert second.headers["ETag"] == etag
    assert second.data == first.data
    assert RESULTS.stats().hits == 1
    not_modified = canned_client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert RESULTS.stats().hits == 1  # a 304 does not even look in the cache
    # Another format or other arguments: another ETag.
    assert canned_client.get(url.replace(".json", ".csv")).headers["ETag"] != etag
    assert canned_client.get("/queries/waardeketen-gaten.json").headers["ETag"] != etag


def test_the_sparql_page_offers_every_query_as_an_example(
    canned_client: FlaskClient, canned_store
) -> None:
    page = canned_client.get("/sparql", headers={"Accept": HTML}).get_data(as_text=True)
    for name in canned_queries(canned_store.settings):
        assert f'data-example="{name}"' in page


def test_hostile_text_is_escaped_in_the_page(canned_client: FlaskClient) -> None:
    text = '"><script>alert(1)</script>'
    page = canned_client.get(
        f"/queries/projecten-zoeken?zoekterm={quote(text)}", headers={"Accept": HTML}
    ).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    bad = canned_client.get(
        f"/queries/projecttijdlijn?vanaf={quote(text)}", headers={"Accept": HTML}
    )
    assert bad.status_code == 400
    assert "<script>alert(1)" not in bad.get_data(as_text=True)


def test_without_a_store_the_answers_are_503(canned_store: BuiltStore, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    empty = dataclasses.replace(canned_store.settings, store=tmp_path / "no-store")
    client = create_app(empty).test_client()
    assert client.get("/queries/aansluitingsscore.json").status_code == 503
    assert client.get("/openapi.json").status_code == 503
    # The list needs no data.
    assert client.get("/queries", headers={"Accept": "application/json"}).status_code == 200
