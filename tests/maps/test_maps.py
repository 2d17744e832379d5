"""The map views and their GeoJSON layers (Flask test client on real built stores).

``maps_store`` holds the five projects of tests/data/maps/projecten.ttl and the CBS boundaries
imported with ``regiograaf geo import``; ``built_store`` is the real project data.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.maps.layers import LAYERS
from server.settings import load_settings
from server.web.app import create_app
from tests.support import BuiltStore, StaticExport

PROJECT = "https://w3id.org/regiograaf/id/project/voorbeeld-kaarttest-"
GEMEENTE = "https://w3id.org/regiograaf/id/gemeente/"
FIXTURE_PROJECTS = [
    "delft-energie",
    "denhaag-mobiliteit",
    "rijswijk-mobiliteit",
    "rotterdam-energie",
    "rotterdam-sensoren",
]


def _ids(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get("/kaart/projecten.geojson" + query)
    assert response.status_code == 200, response.data
    return [f["id"].removeprefix(PROJECT) for f in response.json["features"]]


def test_project_layer_has_a_feature_per_project(maps_client: FlaskClient) -> None:
    response = maps_client.get("/kaart/projecten.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["ETag"]
    features = {f["id"].removeprefix(PROJECT): f for f in response.json["features"]}
    assert sorted(features) == FIXTURE_PROJECTS
    # Its own location, else the lead municipality's point (data/gemeenten.ttl).
    assert features["rotterdam-energie"]["geometry"] == {
        "type": "Point",
        "coordinates": [4.52, 51.9],
    }
    assert features["rotterdam-energie"]["properties"]["eigen_locatie"] is True
    assert features["rotterdam-sensoren"]["geometry"]["coordinates"] == [4.4829, 51.923]
    assert features["rotterdam-sensoren"]["properties"]["eigen_locatie"] is False
    props = features["denhaag-mobiliteit"]["properties"]
    assert props["titel"] == "Kaarttest mobiliteit Den Haag en Rijswijk"
    assert props["gemeente_naam"] == "Den Haag"
    assert [m["nl"] for m in props["deelnemers"]] == ["Rijswijk"]
    assert props["schakel"] == "toepassingen-en-diensten"
    assert props["status"] == "idee"
    assert props["voorbeeld"] is True
    assert props["pagina"] == "/doc/project/voorbeeld-kaarttest-denhaag-mobiliteit"
    assert [g["niveau"] for g in props["doelen"]] == ["provincie"]
    # A real goal (of the province) unmarked; an invented goal marked.
    assert [g["voorbeeld"] for g in props["doelen"]] == [False]
    energy = features["rotterdam-energie"]["properties"]["doelen"]
    assert [g["voorbeeld"] for g in energy] == [True]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?schakel=data", ["delft-energie", "rotterdam-energie"]),
        ("?opgave=mobiliteitstransitie", ["denhaag-mobiliteit", "rijswijk-mobiliteit"]),
        ("?status=afgerond", ["rijswijk-mobiliteit"]),
        # A partner counts as well as the lead.
        ("?gemeente=gm0603", ["denhaag-mobiliteit", "rijswijk-mobiliteit"]),
        # ... and the lead only with trekker.
        ("?trekker=gm0603", ["rijswijk-mobiliteit"]),
        # Goal levels through the (inferred) alignment of the goals.
        ("?niveau=regio", ["rotterdam-energie", "rotterdam-sensoren"]),
        ("?niveau=gemeente", ["delft-energie", "rotterdam-energie", "rotterdam-sensoren"]),
        ("?schakel=data&niveau=regio", ["rotterdam-energie"]),
        (f"?gemeente={GEMEENTE}gm0503", ["delft-energie"]),
        ("?status=opgeschaald&gemeente=gm0503", []),
        ("?schakel=randvoorwaarden", []),
        # A stage no project is in: a valid filter with no result.
        ("?schakel=maatschappelijke-waarde", []),
    ],
)
def test_filters(maps_client: FlaskClient, query: str, expected: list[str]) -> None:
    assert _ids(maps_client, query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?schakel=geen-schakel", "schakel: 'geen-schakel' names nothing on this map"),
        ("?niveau=wereld", "niveau: 'wereld' is not one of gemeente, provincie, regio, rijk"),
        ("?gemeente=gm9999", "gemeente: 'gm9999' names nothing on this map"),
        # A status is no challenge.
        ("?opgave=pilot", "opgave: 'pilot' names nothing on this map"),
    ],
)
@pytest.mark.parametrize("path", ["/kaart/projecten", "/kaart/projecten.geojson"])
def test_unknown_filter_is_a_clear_400(
    maps_client: FlaskClient, path: str, query: str, message: str
) -> None:
    response = maps_client.get(path + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_project_page_filters_table_and_links_layers(maps_client: FlaskClient) -> None:
    html = maps_client.get("/kaart/projecten?schakel=data").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/geo+json" href="/kaart/projecten.geojson"' in html
    )
    assert (
        '<link rel="alternate" type="application/geo+json" href="/kaart/gemeenten.geojson"' in html
    )
    rows = re.findall(r'<tr class="utrecht-table__row" data-project="([^"]+)"( hidden)?>', html)
    assert [(iri.removeprefix(PROJECT), bool(hidden)) for iri, hidden in rows] == [
        ("delft-energie", False),
        ("denhaag-mobiliteit", True),
        ("rijswijk-mobiliteit", True),
        ("rotterdam-energie", False),
        ("rotterdam-sensoren", True),
    ]
    assert '<span id="aantal-getoond">2</span> van\n  5 projecten' in html
    assert '<option value="data" data-naam="Data" selected>' in html
    # The default tile layer: PDOK's BRT-Achtergrondkaart.
    assert 'data-tiles="https://service.pdok.nl/brt/achtergrondkaart/' in html


def test_tiles_setting_empty_means_no_tiles(maps_store: BuiltStore) -> None:
    app = create_app(replace(maps_store.settings, map_tiles=""))
    html = app.test_client().get("/kaart/projecten").get_data(as_text=True)
    assert 'data-tiles=""' in html


def test_municipality_layer_has_boundaries(maps_client: FlaskClient) -> None:
    features = maps_client.get("/kaart/gemeenten.geojson").json["features"]
    # The 21 current members; no project names a former one.
    assert len(features) == 21
    assert {f["geometry"]["type"] for f in features} == {"Polygon"}
    rotterdam = next(f for f in features if f["properties"]["cbs"] == "GM0599")
    assert rotterdam["properties"]["punt"] == [4.4829, 51.923]
    assert rotterdam["properties"]["projecten"] == 2
    # ... both invented examples (the map fixture's projects all are).
    assert rotterdam["properties"]["voorbeelden"] == 2
    assert rotterdam["properties"]["grens"] is True


def test_shipped_boundaries_are_in_the_built_store(app: Flask) -> None:
    """The real data carries the committed CBS boundaries (data/geo/gemeentegrenzen.ttl):
    every municipality on the map is drawn as its boundary, with its point beside it."""
    features = app.test_client().get("/kaart/gemeenten.geojson").json["features"]
    assert {f["geometry"]["type"] for f in features} == {"Polygon"}
    assert all(f["properties"]["grens"] and f["properties"]["punt"] for f in features)
    names = {f["properties"]["naam"] for f in features}
    assert "Voorne aan Zee" in names
    assert len([f for f in features if f["properties"]["lid"]]) == 21


def test_shipped_boundaries_counted_in_the_store(built_store: BuiltStore) -> None:
    """24 boundaries (21 members of 2025 and the 3 merged in 2023), each a second geometry."""
    query = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT (COUNT(DISTINCT ?g) AS ?n) (COUNT(DISTINCT ?m) AS ?m2) WHERE {
  ?m geo:hasGeometry ?g . FILTER(STRENDS(STR(?g), "-grens")) }"""
    row = built_store.store.query(query).rows()[0]
    assert (int(row["n"]), int(row["m2"])) == (24, 24)


def test_collaboration_layer_draws_the_expected_lines(maps_client: FlaskClient) -> None:
    features = maps_client.get("/kaart/samenwerking.geojson").json["features"]
    assert [f["id"] for f in features] == ["kans:gm0503-gm0599", "gezamenlijk:gm0518-gm0603"]
    kans, joint = features
    assert kans["geometry"] == {
        "type": "LineString",
        "coordinates": [[4.361, 51.9965], [4.4829, 51.923]],
    }
    assert kans["properties"]["sterkte"] == 1
    assert kans["properties"]["schakel"] == "data"
    assert kans["properties"]["redenen"][0]["reden"].startswith(
        "Delft en Rotterdam hebben allebei projecten in de schakel 'Data' voor de opgave "
        "'Energietransitie'"
    )
    assert joint["properties"]["soort"] == "gezamenlijk"
    assert [p["titel"] for p in joint["properties"]["projecten"]] == [
        "Kaarttest mobiliteit Den Haag en Rijswijk"
    ]
    # Only invented examples draw these lines: each line, reason and project says so.
    assert kans["properties"]["voorbeeld"] is True
    assert [r["voorbeeld"] for r in kans["properties"]["redenen"]] == [True]
    assert joint["properties"]["voorbeeld"] is True
    assert [p["voorbeeld"] for p in joint["properties"]["projecten"]] == [True]


def test_collaboration_page_lists_every_line(maps_client: FlaskClient) -> None:
    html = maps_client.get("/kaart/samenwerking").get_data(as_text=True)
    # One row per pair, naming the lines it stands for.
    assert 'id="paar-gm0503-gm0599" data-lijnen="kans:gm0503-gm0599"' in html
    assert 'id="paar-gm0518-gm0603" data-lijnen="gezamenlijk:gm0518-gm0603"' in html
    assert html.count('<tr class="utrecht-table__row" id="paar-') == 2
    # Only examples draw these lines: the page says so.
    assert 'class="utrecht-paragraph voorbeeld-melding"' in html
    # Two lines only: every one is shown (minimum overlap 1).
    assert '<option value="1" selected>1</option>' in html
    assert 'href="/kaart/samenwerking.geojson" data-layer="samenwerking"' in html


def test_value_chain_page(maps_client: FlaskClient) -> None:
    html = maps_client.get("/waardeketen").get_data(as_text=True)
    assert '<a href="/kaart/projecten?trekker=gm0599&amp;schakel=data"' in html
    assert '<a href="/kaart/projecten?trekker=gm0599&amp;schakel=digitale-infrastructuur"' in html
    # Rotterdam: one project in infrastructure, one in data; total 2.
    row = re.search(
        r'<th scope="row"[^>]*><a href="/doc/gemeente/gm0599">Rotterdam</a></th>(.*?)</tr>',
        html,
        re.S,
    )
    assert row is not None
    assert re.findall(r">(\d+)</a>|>(0)</td>", row.group(1)) == [
        ("1", ""),
        ("1", ""),
        ("", "0"),
        ("", "0"),
        ("", "0"),
        ("2", ""),
    ]
    # The alignment overview (exact figures in tests/maps/test_diagrams.py).
    assert '<svg role="img" aria-labelledby="afstemming-titel"' in html
    assert 'href="/scan/gm0599#strategie"' in html


def test_layers_are_registered_and_in_the_catalog(maps_client: FlaskClient) -> None:
    assert [path for path, _, _ in LAYERS] == [
        "/kaart/projecten.geojson",
        "/kaart/gemeenten.geojson",
        "/kaart/samenwerking.geojson",
    ]
    catalog = maps_client.get("/catalog.ttl").get_data(as_text=True)
    for path, _, _ in LAYERS:
        assert path in catalog


def test_real_data_has_a_feature_per_project(built_store: BuiltStore, app: Flask) -> None:
    # The project map places a project at its lead municipality (or its own point); projects
    # led by another organisation (MRDH, the province, ...) are not on it.
    rows = built_store.store.query(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/regiograaf/def#Project> ;"
        " <https://w3id.org/regiograaf/def#leadMunicipality> ?lead }"
    ).rows()
    features = app.test_client().get("/kaart/projecten.geojson").json["features"]
    assert len(features) == int(rows[0]["n"]) > 0
    assert all(f["geometry"] for f in features)


@pytest.mark.parametrize(
    "path",
    ["/kaart/projecten", "/kaart/samenwerking", "/waardeketen", "/kaart/projecten.geojson"],
)
def test_no_store_is_503(tmp_path: Path, path: str) -> None:
    app = create_app(load_settings(store=tmp_path / "nothing"))
    assert app.test_client().get(path).status_code == 503


def test_static_export_has_the_views_and_layers(maps_export: StaticExport) -> None:
    result = maps_export.result
    assert result.broken == {}
    for path, file in [
        ("/kaart/projecten", "kaart/projecten.html"),
        ("/kaart/samenwerking", "kaart/samenwerking.html"),
        ("/waardeketen", "waardeketen.html"),
        ("/kaart/projecten.geojson", "kaart/projecten.geojson"),
        ("/kaart/gemeenten.geojson", "kaart/gemeenten.geojson"),
        ("/kaart/samenwerking.geojson", "kaart/samenwerking.geojson"),
    ]:
        assert result.files[path] == file
        assert (maps_export.folder / file).is_file()
    page = (maps_export.folder / "kaart" / "projecten.html").read_text()
    assert 'type="application/geo+json" href="projecten.geojson"' in page


def test_missing_canned_query_is_503(maps_store: BuiltStore, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(maps_store.settings.root, root)
    (root / "queries" / "samenwerkingskansen.rq").unlink()
    app = create_app(replace(maps_store.settings, root=root))
    response = app.test_client().get("/kaart/samenwerking.geojson")
    assert response.status_code == 503
    assert "no canned query is called 'samenwerkingskansen'" in response.get_data(as_text=True)


def test_every_matrix_count_matches_the_projects_it_links_to(client: FlaskClient) -> None:
    html = client.get("/waardeketen").get_data(as_text=True)
    links = re.findall(r'<a href="/kaart/projecten\?([^"]+)"\s+aria-label="[^"]*">(\d+)</a>', html)
    assert len(links) > 20
    for query, count in links:
        shown = client.get("/kaart/projecten.geojson?" + query.replace("&amp;", "&")).json
        assert len(shown["features"]) == int(count), query


@pytest.mark.parametrize("name", ["projecten-per-gemeente", "gemeente-profiel", "lerende-partners"])
def test_canned_queries_give_one_point_per_municipality_with_boundaries(
    maps_store: BuiltStore, name: str
) -> None:
    """With boundaries imported a municipality has two geometries; the queries keep the point."""
    from server.canned.running import run_canned_query

    result = run_canned_query(
        name, store=maps_store.store, settings=maps_store.settings, cache=None
    )
    records = result.records
    assert records, name
    geometries = [row["geometry"] for row in records if row.get("geometry")]
    assert geometries and all(wkt.startswith("POINT") for wkt in geometries)
    keys = [
        tuple(sorted((k, str(v)) for k, v in row.items() if k != "geometry")) for row in records
    ]
    assert len(keys) == len(set(keys)), "a row is repeated once per geometry"
