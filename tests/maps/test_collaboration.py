"""The collaboration map and the project map on the canned-query fixture (tests/data/queries),
where real projects and invented examples meet: a reason is marked "voorbeeld" by its own
projects, not by its pair's; the notices about examples only where the map holds examples;
the filters offer the current members; one table row per pair of municipalities; the glossary
words link to their explanation.

On the fixture, Delft and Westland share (data, energy), where Westland's side names the
invented "Slimme kassen", and (infrastructure, climate), of real projects only; Schiedam and
Westland share (applications, energy) of real projects, and the invented joint project
"Slimme kassen" takes their (data, energy) away, so that examples change the pair's overlap.
Brielle (gm0501) is a former member that a real project names.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.web.app import create_app
from tests.support import BuiltStore, build_canned_store

DELFT_WESTLAND = "gm0503-gm1783"
SCHIEDAM_WESTLAND = "gm0606-gm1783"
DELFT_SCHIEDAM = "gm0503-gm0606"


@pytest.fixture(scope="module")
def real_only_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app on the canned-query fixture without its examples (the setting off)."""
    store: BuiltStore = build_canned_store(
        tmp_path_factory.mktemp("maps-real-only"), examples=False
    )
    return create_app(store.settings)


def _lines(client: FlaskClient) -> dict[str, dict]:
    features = client.get("/kaart/samenwerking.geojson").json["features"]
    return {f["id"]: f["properties"] for f in features}


def _reasons(properties: dict) -> dict[tuple[str, str], bool]:
    return {
        (r["schakel"].rsplit("/", 1)[1], r["opgave"].rsplit("/", 1)[1]): r["voorbeeld"]
        for r in properties["redenen"]
    }


def _row(html: str, pair: str) -> str:
    found = re.search(rf'<tr [^>]*id="paar-{pair}".*?</tr>', html, re.S)
    assert found, f"no row for {pair}"
    return found.group(0)


def test_a_reason_is_marked_by_its_own_projects(canned_client: FlaskClient) -> None:
    lines = _lines(canned_client)
    delft_westland = lines[f"kans:{DELFT_WESTLAND}"]
    assert _reasons(delft_westland) == {
        ("data", "energietransitie"): True,  # names the invented "Slimme kassen"
        ("digitale-infrastructuur", "klimaatadaptatie"): False,  # real projects only
    }
    # Not every reason is invented: the line is not an example; its overlap counts one.
    assert (delft_westland["voorbeeld"], delft_westland["sterkte_voorbeeld"]) == (False, True)
    schiedam_westland = lines[f"kans:{SCHIEDAM_WESTLAND}"]
    # Real projects only, though an invented joint project changed the pair's overlap.
    assert _reasons(schiedam_westland) == {("toepassingen-en-diensten", "energietransitie"): False}
    assert schiedam_westland["sterkte_voorbeeld"] is True
    assert lines[f"gezamenlijk:{SCHIEDAM_WESTLAND}"]["voorbeeld"] is True
    assert lines[f"gezamenlijk:{DELFT_SCHIEDAM}"]["voorbeeld"] is False


def test_the_page_marks_only_the_invented_reasons(canned_client: FlaskClient) -> None:
    html = canned_client.get("/kaart/samenwerking").get_data(as_text=True)
    items = re.findall(r"<li [^>]*>(.*?)</li>", _row(html, DELFT_WESTLAND), re.S)
    marks = {
        "Slimme kassen" in item: 'class="voorbeeld-label"' in item
        for item in items
        if "hebben allebei projecten" in item
    }
    assert marks == {True: True, False: False}
    row = _row(html, SCHIEDAM_WESTLAND)
    reasons = re.search(r"<details.*?</details>", row, re.S)
    assert reasons and "voorbeeld-label" not in reasons.group(0)
    assert "telt voorbeelden" in row  # the overlap
    assert 'Slimme kassen (voorbeeld)</a> <span class="voorbeeld-label">' in row
    assert "voorbeeld-label" not in _row(html, DELFT_SCHIEDAM)


def test_one_row_per_pair_with_its_lines(canned_client: FlaskClient) -> None:
    html = canned_client.get("/kaart/samenwerking?gemeente=gm1783&lang=nl").get_data(as_text=True)
    rows = re.findall(
        r'<tr class="utrecht-table__row" id="paar-([^"]+)" data-lijnen="([^"]*)"', html
    )
    assert rows == [
        (DELFT_WESTLAND, f"kans:{DELFT_WESTLAND}"),
        (SCHIEDAM_WESTLAND, f"kans:{SCHIEDAM_WESTLAND} gezamenlijk:{SCHIEDAM_WESTLAND}"),
        (DELFT_SCHIEDAM, f"gezamenlijk:{DELFT_SCHIEDAM}"),
    ]
    # Westland's partners shown; the pair without Westland hidden.
    assert 'id="paar-gm0503-gm0606" data-lijnen="gezamenlijk:gm0503-gm0606" hidden>' in html
    row = _row(html, DELFT_WESTLAND)
    assert "allebei actief in Data, Digitale infrastructuur, voor Energietransitie, " in row
    assert "2 combinaties van schakel en opgave</summary>" in row
    assert ">geen</td>" in row
    assert "Slimme kassen (voorbeeld)" in _row(html, SCHIEDAM_WESTLAND)


@pytest.mark.parametrize("path", ["/kaart/samenwerking", "/kaart/projecten"])
def test_example_notices_only_with_examples(
    canned_client: FlaskClient, real_only_app: Flask, path: str
) -> None:
    with_examples = canned_client.get(path).get_data(as_text=True)
    real_only = real_only_app.test_client().get(path).get_data(as_text=True)
    assert "voorbeeld-melding" in with_examples
    assert "voorbeeld-melding" not in real_only
    assert "voorbeeld-label" not in real_only
    assert ("voorbeeld (verzonnen)" in with_examples) == (path == "/kaart/projecten")
    assert "voorbeeld (verzonnen)" not in real_only
    assert "verzonnen" not in real_only


@pytest.mark.parametrize("path", ["/kaart/samenwerking", "/kaart/projecten"])
def test_filters_offer_the_current_members(canned_client: FlaskClient, path: str) -> None:
    def offered(query: str) -> list[str]:
        html = canned_client.get(path + query).get_data(as_text=True)
        select = re.search(r'<select [^>]*id="f-gemeente".*?</select>', html, re.S)
        assert select
        return re.findall(r'<option value="(gm\d+)"', select.group(0))

    # Brielle (gm0501) is a former member that a project names: not offered ...
    assert offered("") == ["gm0503", "gm0606", "gm1783"]
    # ... unless the URL chooses it.
    assert offered("?gemeente=gm0501") == ["gm0501", "gm0503", "gm0606", "gm1783"]


def test_glossary_words_link_to_the_glossary(canned_client: FlaskClient) -> None:
    for path in ("/kaart/samenwerking", "/kaart/projecten"):
        html = canned_client.get(path).get_data(as_text=True)
        assert '<a class="begrip" href="/begrippen#schakel">schakel</a>' in html
        assert '<a class="begrip" href="/begrippen#opgave">' in html
    english = canned_client.get("/kaart/samenwerking?lang=en").get_data(as_text=True)
    assert '<a class="begrip" href="/begrippen#schakel">stage</a>' in english
