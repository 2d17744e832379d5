"""The value-chain matrix (colour scale, contrast), the region's alignment overview (exact
figures on the map fixture) and the collaboration map's municipality filter and thinning.

``maps_client`` serves the five projects of tests/data/maps/projecten.ttl (all invented) with
the goals of data/voorbeelden/ and data/register/rijk-mrdh-provincie.ttl: Rotterdam leads two
projects (a municipal goal that is a sub-goal of one aligned with the MRDH strategy), Delft one
(a municipal goal), Den Haag one (a provincial goal) and Rijswijk one (no goal).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from flask import Flask
from flask.testing import FlaskClient

from server.maps.alignment_layout import sankey
from server.maps.collaboration import Link, default_minimum, touching
from server.maps.value_chain import AlignmentSummary, LeadAlignment
from server.scan.scale import PALETTE, contrast
from server.settings import load_settings

CSS = load_settings().root / "server" / "web" / "static" / "kaart.css"


#: The colour step of a matrix cell (its classes also hold the NL Design System's).
STEP = r'<td class="num [^"]*?(schaal-\d)[^"]*">'


def cells(html: str, table: str) -> list[list[str]]:
    """The text of each body row's cells of the table with id ``table``."""
    table_html = html.split(f'<table id="{table}"', 1)[1]
    body = re.split(r"<tbody[^>]*>", table_html.split("</tbody>", 1)[0], maxsplit=1)[1]
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# ------------------------------------------------------------------ the value-chain matrix


def test_matrix_colours_are_the_scale_with_readable_text() -> None:
    """kaart.css colours the matrix cells with the scan's palette; every text colour has a
    contrast of at least 4.5:1 (WCAG 2.1 AA) with its cell, links included (they inherit)."""
    css = CSS.read_text(encoding="utf-8")
    found = dict(
        (int(step), (background, colour))
        for step, background, colour in re.findall(
            r"\.matrix \.schaal-(\d) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", css
        )
    )
    assert found == dict(enumerate(PALETTE))
    for background, colour in found.values():
        assert contrast(background, colour) >= 4.5, (background, colour)
    assert ".matrix td.num a { display: block; color: inherit; }" in css


def test_matrix_cells_carry_their_step(maps_client: FlaskClient) -> None:
    html = maps_client.get("/waardeketen").get_data(as_text=True)
    row = re.search(
        r'<th scope="row"[^>]*><a href="/doc/gemeente/gm0599">Rotterdam</a></th>(.*?)</tr>',
        html,
        re.S,
    )
    assert row is not None
    # Rotterdam: 1, 1, 0, 0, 0 in the stages (the largest stage count is 1), total 2 of at most 2.
    assert re.findall(STEP, row.group(1)) == [
        "schaal-5",
        "schaal-5",
        "schaal-0",
        "schaal-0",
        "schaal-0",
        "schaal-5",
    ]
    delft = re.search(
        r'<th scope="row"[^>]*><a href="/doc/gemeente/gm0503">Delft</a></th>(.*?)</tr>',
        html,
        re.S,
    )
    assert delft is not None
    # Delft: one project (data); its total of 1 is half the largest total: step 3 of 5.
    assert re.findall(STEP, delft.group(1))[-1] == "schaal-3"


# ------------------------------------------------------------------ the alignment overview


def test_alignment_overview_exact_figures(maps_client: FlaskClient) -> None:
    html = maps_client.get("/waardeketen").get_data(as_text=True)
    rows = {row[0]: row[1:7] for row in cells(html, "afstemming")}
    # projects, municipal, regional, provincial, national, no goal
    assert rows["Rotterdam"] == ["2", "2", "2", "0", "0", "0"]
    assert rows["Delft"] == ["1", "1", "0", "0", "0", "0"]
    assert rows["Den Haag"] == ["1", "0", "0", "1", "0", "0"]
    assert rows["Rijswijk"] == ["1", "0", "0", "0", "0", "1"]
    assert rows["Zoetermeer"] == ["0"] * 6
    assert len(rows) == 21  # the current members; no former one leads a project here
    foot = re.split(r"<tfoot[^>]*>", html.split('<table id="afstemming"', 1)[1], maxsplit=1)[1]
    assert re.findall(r'<td class="num[^"]*"[^>]*>(\d+)</td>', foot) == [
        "5",
        "3",
        "2",
        "1",
        "0",
        "1",
    ]
    # The diagram: a band per non-zero figure, each a closed outline; a link to every scan.
    svg = html.split('<figure class="afstemming"', 1)[1].split("</figure>", 1)[0]
    assert len(re.findall(r'<path class="niveau-', svg)) == 5
    assert svg.count("<title") == 1 and "5 projecten" in svg
    assert ">Rotterdam (2)</text>" in svg and ">Regionaal doel (2)</text>" in svg
    assert 'href="/scan/gm0503#strategie"' in html


def test_alignment_overview_in_english(maps_client: FlaskClient) -> None:
    html = maps_client.get("/waardeketen?lang=en").get_data(as_text=True)
    assert ">The value chain at a glance</h1>" in html
    assert ">Regional goal (2)</text>" in html and ">No goal (1)</text>" in html
    assert "Gemeentelijk doel" not in html
    assert 'href="/scan/gm0599?lang=en#strategie"' in html


def _summary(counts: Sequence[Sequence[int]]) -> AlignmentSummary:
    levels = (("gemeente", "G"), ("geen", "N"))
    rows = tuple(
        LeadAlignment(f"m{i}", f"M{i}", True, max(row), tuple(row)) for i, row in enumerate(counts)
    )
    totals = tuple(sum(column) for column in zip(*counts, strict=True))
    return AlignmentSummary(levels, rows, totals, sum(row.projects for row in rows))


def test_sankey_bands_are_as_thick_as_their_counts_and_do_not_overlap() -> None:
    drawing = sankey(_summary([[3, 1], [0, 2], [1, 0]]))
    unit = drawing.right[0].height / 4
    assert [bar.height for bar in drawing.right] == [4 * unit, 3 * unit]
    assert [band.count for band in drawing.bands] == [3, 1, 2, 1]
    # Left bars in order, each slot at least high enough for its label.
    tops = [bar.y for bar in drawing.left]
    assert tops == sorted(tops)
    assert all(b.y - a.y >= 18 for a, b in itertools.pairwise(drawing.left))
    # Bands entering a level stack without a gap or an overlap.
    entries = [
        float(re.findall(r"C\S+ \S+ (\d+),([\d.]+)", band.path)[0][1]) for band in drawing.bands
    ]
    assert entries[0] == drawing.right[0].y and entries[3] == drawing.right[0].y + 3 * unit


# ------------------------------------------------------------------ the collaboration map


def test_collaboration_filter_by_municipality(maps_client: FlaskClient) -> None:
    html = maps_client.get("/kaart/samenwerking?gemeente=gm0503").get_data(as_text=True)
    assert 'id="paar-gm0503-gm0599" data-lijnen="kans:gm0503-gm0599">' in html
    # Den Haag and Rijswijk: not Delft's line (a hidden row the script shows on another choice).
    assert 'data-lijnen="gezamenlijk:gm0518-gm0603" hidden>' in html
    assert '<span id="aantal-gezamenlijk">0</span>' in html
    assert '<span id="kop-gemeente">: <span class="naam">Delft</span></span>' in html
    assert '<option value="gm0503" data-naam="Delft" selected>' in html
    assert 'href="/scan/gm0503"' in html
    # The CBS code works too; the layer filters alike.
    assert maps_client.get("/kaart/samenwerking?gemeente=GM0503").status_code == 200
    layer = maps_client.get("/kaart/samenwerking.geojson?gemeente=gm0518").get_json()
    assert [f["id"] for f in layer["features"]] == ["gezamenlijk:gm0518-gm0603"]


def test_collaboration_filter_rejects_what_names_nothing(maps_client: FlaskClient) -> None:
    for query in ("gemeente=gm9999", "gemeente=%3Cscript%3E", "minimum=0", "minimum=abc"):
        response = maps_client.get("/kaart/samenwerking?" + query, headers={"Accept": "text/html"})
        assert response.status_code == 400, query
        assert response.mimetype == "text/html"
        assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[-1]


def test_default_minimum_keeps_the_strongest_pairs() -> None:
    links = [Link("kans", f"a{i}", f"b{i}", strength=s) for i, s in enumerate([1, 1, 2, 2, 3, 5])]
    assert default_minimum(links, limit=10) == 1
    assert default_minimum(links, limit=3) == 3  # 3 and 5: the 2s would be cut in half
    assert default_minimum(links, limit=1) == 4
    joint = Link("gezamenlijk", "a0", "c", strength=9)
    assert default_minimum([*links, joint], limit=6) == 1
    assert touching([*links, joint], "a0") == [links[0], joint]
    assert touching(links, "") == links


def test_former_members_only_where_a_project_names_them(app: Flask) -> None:
    """Real data: no opportunity involves a former member (Brielle, Hellevoetsluis,
    Westvoorne); a joint project that names them is drawn, marked as former."""
    features = app.test_client().get("/kaart/samenwerking.geojson").get_json()["features"]
    former = {"gm0501", "gm0530", "gm0614"}
    kinds = {
        f["properties"]["soort"]
        for f in features
        if {f["properties"]["gemeente1_ref"], f["properties"]["gemeente2_ref"]} & former
    }
    assert kinds == {"gezamenlijk"}
    assert all(
        f["properties"]["voormalig"]
        == bool({f["properties"]["gemeente1_ref"], f["properties"]["gemeente2_ref"]} & former)
        for f in features
    )
    html = app.test_client().get("/kaart/samenwerking").get_data(as_text=True)
    assert "gestippeld: met een voormalig MRDH-lid" in html


def test_region_view_is_thinned_by_default(app: Flask) -> None:
    """Real data: the region's map starts with at most 20 opportunity lines, the strongest."""
    html = app.test_client().get("/kaart/samenwerking").get_data(as_text=True)
    shown = int(re.search(r'<span id="aantal-kansen">(\d+)</span>', html).group(1))  # type: ignore[union-attr]
    # One row per pair; a pair's row shows while one of its lines does (a joint line always).
    rows = re.findall(r'<tr [^>]*id="paar-[^"]+" data-lijnen="([^"]+)"( hidden)?>', html)
    opportunities = [(lines, hidden) for lines, hidden in rows if "kans:" in lines]
    assert 0 < shown <= 20 < len(opportunities)
    assert all("gezamenlijk:" not in lines for lines, hidden in rows if hidden)
    only_opportunity = [hidden for lines, hidden in opportunities if "gezamenlijk:" not in lines]
    assert 0 < only_opportunity.count("") <= shown
