"""One language at a time on the canned-query pages (issue 14 point 4), on the query fixture:

- the queries with a ``taal`` parameter answer with the names in that language (exact answers,
  worked out from tests/data/queries); the page asks them in its own language;
- the table names an IRI without a label column by its label in the page's language, and
  shows the kinds the queries write as Dutch words (``schakel``, ``randvoorwaarde``) in it;
- a geometry (WKT) is no column of the HTML table, but stays in JSON and CSV.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.canned.fixture import DELFT, P2, P5, POINTS, SCHIEDAM, WESTLAND, X1, run
from tests.support import BuiltStore

HTML = {"Accept": "text/html"}


def cells(page: str) -> list[list[str]]:
    """The result table's rows as the texts of their cells (tags left out)."""
    body = page.split('<table class="results">', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_waardeketen_gaten_in_english(canned_store: BuiltStore) -> None:
    def gap(stage: str, name: str, kind: str, others: int, example: bool) -> dict:
        return {
            "gemeente": f"gemeente/{SCHIEDAM}",
            "naam": "Schiedam",
            "schakel": f"waardeketen/{stage}",
            "schakelNaam": name,
            "soort": kind,
            "elders": others,
            "voorbeeld": example,
        }

    assert run(canned_store, "waardeketen-gaten", gemeente=SCHIEDAM, taal="en") == [
        gap("digitale-infrastructuur", "Digital infrastructure", "schakel", 2, False),
        gap("maatschappelijke-waarde", "Societal value", "schakel", 1, True),
    ]


def test_lerende_partners_in_english(canned_store: BuiltStore) -> None:
    def partner(code: str, status: str, status_name: str, titles: str, example: bool) -> dict:
        return {
            "partner": f"gemeente/{code}",
            "partnerNaam": {SCHIEDAM: "Schiedam", WESTLAND: "Westland"}[code],
            "schakel": "waardeketen/data",
            "schakelNaam": "Data",
            "status": f"status/{status}",
            "statusNaam": status_name,
            "projecten": 1,
            "titels": titles,
            "geometry": POINTS[code],
            "voorbeeld": example,
        }

    assert run(canned_store, "lerende-partners", gemeente=DELFT, schakel="data", taal="en") == [
        partner(WESTLAND, "afgerond", "Finished", "Greenhouse energy data", False),
        partner(SCHIEDAM, "implementatie", "Implementation", "Energy data platform", False),
        partner(SCHIEDAM, "pilot", "Pilot", "Smart greenhouses (example)", True),
        partner(WESTLAND, "pilot", "Pilot", "Smart greenhouses (example)", True),
    ]


def test_bouwstenen_per_schakel_in_english(canned_store: BuiltStore) -> None:
    def row(project: str, title: str, lead: str) -> dict:
        return {
            "schakel": "waardeketen/data",
            "schakelNaam": "Data",
            "soort": "bouwsteen",
            "item": "bouwsteen/dataplatform",
            "titel": "Data platform",
            "project": f"project/{project}",
            "projectTitel": title,
            "trekkerNaam": lead,
            "voorbeeld": project == X1,
        }

    # In the order of the English titles of the projects.
    assert run(canned_store, "bouwstenen-per-schakel", schakel="data", taal="en") == [
        row(P2, "Energy data platform", "Delft"),
        row(P5, "Greenhouse energy data", "Westland"),
        row(X1, "Smart greenhouses (example)", "Westland"),
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", [["Schiedam", "Digitale infrastructuur", "schakel", "2"]]),
        ("en", [["Schiedam", "Digital infrastructure", "stage", "2"]]),
    ],
)
def test_the_page_shows_names_and_kinds_in_its_language(
    canned_client: FlaskClient, lang: str, expected: list[list[str]]
) -> None:
    response = canned_client.get(
        f"/queries/waardeketen-gaten?gemeente={SCHIEDAM}&lang={lang}", headers=HTML
    )
    assert cells(response.get_data(as_text=True))[:1] == expected
    # The API keeps its default: Dutch names, and the kinds as the query writes them.
    answer = canned_client.get(f"/queries/waardeketen-gaten.csv?gemeente={SCHIEDAM}&lang={lang}")
    assert "Digitale infrastructuur,schakel" in answer.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "name"), [("nl", "Delft"), ("en", "Delft")])
def test_an_iri_without_a_label_column_is_named_by_its_label(
    canned_client: FlaskClient, lang: str, name: str
) -> None:
    # scan-gaten's first column is the municipality, with no column of its name beside it.
    response = canned_client.get(f"/queries/scan-gaten?gemeente={DELFT}&lang={lang}", headers=HTML)
    page = response.get_data(as_text=True)
    first = cells(page)[0]
    assert first[0] == name
    assert f'<a href="/id/gemeente/{DELFT}">{name}</a>' in page
    assert "gemeente:gm" not in page.split("sparql-text", 1)[0]


def test_the_page_asks_for_the_names_in_its_language(canned_client: FlaskClient) -> None:
    # scan-gaten has a parameter taal (default nl); the English page asks for English names.
    page = canned_client.get(
        f"/queries/scan-gaten?gemeente={DELFT}&lang=en", headers=HTML
    ).get_data(as_text=True)
    assert cells(page)[0][:3] == ["Delft", "Applications and services", "stage"]


def test_a_geometry_is_no_column_of_the_page_but_is_in_the_downloads(
    canned_client: FlaskClient,
) -> None:
    url = f"/queries/lerende-partners?gemeente={DELFT}&schakel=data"
    page = canned_client.get(url, headers=HTML).get_data(as_text=True)
    table = page.split('<table class="results">', 1)[1].split("</table>", 1)[0]
    assert "POINT(" not in table and "Ligging" not in table
    # Organisation, stage, status, projects, titles: the geometry is left out.
    assert {len(row) for row in cells(page)} == {5}
    assert POINTS[WESTLAND] in canned_client.get(url.replace("partners", "partners.csv")).text
    assert POINTS[WESTLAND] in canned_client.get(url.replace("partners", "partners.json")).text


@pytest.mark.parametrize(("lang", "stage"), [("nl", "Sensoren"), ("en", "Sensors")])
def test_a_list_of_iris_in_one_text_is_shown_as_their_names(
    canned_client: FlaskClient, lang: str, stage: str
) -> None:
    # scan-projecten joins a project's stages into one text of IRIs (for the scan); the table
    # names them in the page's language.
    page = canned_client.get(
        f"/queries/scan-projecten?gemeente={DELFT}&lang={lang}", headers=HTML
    ).get_data(as_text=True)
    row = next(row for row in cells(page) if row[1].startswith(stage))
    assert ("Digitale infrastructuur" if lang == "nl" else "Digital infrastructure") in row
    assert not any("w3id.org" in cell for cell in row)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", ["Slimme kassen (voorbeeld)", "Digitale connectiviteit"]),
        ("en", ["Smart greenhouses (example)", "Digital connectivity"]),
    ],
)
def test_names_a_query_gives_in_dutch_are_shown_in_the_page_language(
    canned_client: FlaskClient, lang: str, expected: list[str]
) -> None:
    # indirecte-bijdragen has no parameter taal: its titles are Dutch; the English page shows
    # the English titles of the project and the goal, which the graph has.
    page = canned_client.get(f"/queries/indirecte-bijdragen?lang={lang}", headers=HTML)
    first = cells(page.get_data(as_text=True))[0]
    assert first[0].endswith(expected[0]) and first[1] == expected[1]  # after the example badge
    # The download keeps the query's own (Dutch) names.
    assert "Digitale connectiviteit" in canned_client.get("/queries/indirecte-bijdragen.csv").text


@pytest.mark.parametrize(
    ("lang", "caption"),
    [("nl", "Ligging op de kaart"), ("en", "Location on the map")],
)
def test_the_figure_speaks_the_page_language(
    canned_client: FlaskClient, lang: str, caption: str
) -> None:
    # lerende-partners is a map: a point per partner, named, with a caption in one language.
    page = canned_client.get(
        f"/queries/lerende-partners?gemeente={DELFT}&schakel=data&lang={lang}", headers=HTML
    ).get_data(as_text=True)
    figure = page.split("<figure", 1)[1].split("</figure>", 1)[0]
    assert "<title>Westland</title>" in figure and "<title>Schiedam</title>" in figure
    assert f"<figcaption>{caption} (" in figure
    assert "(location)" not in figure and "(timeline)" not in figure
