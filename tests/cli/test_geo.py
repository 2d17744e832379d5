"""``regiograaf geo import`` and ``regiograaf geo download``: CBS boundaries to GeoSPARQL.

The download is tested for real against a local HTTP server on 127.0.0.1 that serves the CBS
files of ``../shared/geo/`` (the layout PDOK serves).
"""

from __future__ import annotations

import functools
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
import shapely.geometry
from rdflib import Graph, URIRef

from server.build.boundaries import GeoError, read_boundaries
from server.build.validation import validate_files
from server.cli import main
from server.rdf.geometry import parse_wkt, to_wkt
from server.settings import load_settings
from tests.support import SHARED_GEO, copy_project

GEO = "http://www.opengis.net/ont/geosparql#"
FILE_2025 = SHARED_GEO / "mrdh-gemeenten-2025.geojson"
FORMER = ["GM0501", "GM0530", "GM0614"]

pytestmark = pytest.mark.skipif(not FILE_2025.is_file(), reason=f"{FILE_2025} is missing")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project sources (the output goes to its data/geo/)."""
    return copy_project(tmp_path_factory.mktemp("geo-root"))


@pytest.fixture(scope="module")
def pdok() -> Iterator[str]:
    """A local HTTP server serving ../shared/geo/ (stands in for PDOK)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SHARED_GEO))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _boundaries(path: Path) -> dict[str, str]:
    graph = Graph().parse(path, format="turtle")
    return {
        str(feature).rsplit("/", 1)[-1]: str(graph.value(geometry, URIRef(GEO + "asWKT")))
        for feature, geometry in graph.subject_objects(URIRef(GEO + "hasGeometry"))
    }


def test_import_writes_valid_geosparql(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "grenzen.ttl"
    assert (
        main(["geo", "import", str(FILE_2025), "--root", str(root), "--output", str(output)]) == 0
    )
    out = capsys.readouterr().out
    assert f"21 gemeentegrenzen geschreven naar {output}" in out
    assert f"zonder grens (without boundary): {', '.join(FORMER)}" in out
    boundaries = _boundaries(output)
    assert len(boundaries) == 21
    assert "gm1992" in boundaries and "gm0501" not in boundaries
    # The WKT holds the source's coordinates unchanged.
    source = json.loads(FILE_2025.read_text())
    delft = next(f for f in source["features"] if f["properties"]["statcode"] == "GM0503")
    assert parse_wkt(boundaries["gm0503"]) == {
        "type": "Polygon",
        "coordinates": delft["geometry"]["coordinates"],
    }
    report = validate_files([output], root=root)
    assert report.conforms, report


def test_import_of_both_years_covers_former_members(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(SHARED_GEO / "mrdh-gemeenten-2021.geojson"), str(FILE_2025)]
    assert main(["geo", "import", *files, "--root", str(root)]) == 0
    output = root / "data" / "geo" / "gemeentegrenzen.ttl"
    assert "24 gemeentegrenzen" in capsys.readouterr().out
    assert {code.upper() for code in _boundaries(output)} >= set(FORMER)


def test_download_from_pdok_layout(
    root: Path,
    pdok: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = tmp_path / "download.ttl"
    url = f"{pdok}/mrdh-gemeenten-2025.geojson"
    monkeypatch.setenv("REGIOGRAAF_BOUNDARIES_URL", url)
    assert main(["geo", "download", "--root", str(root), "--output", str(output)]) == 0
    assert "21 gemeentegrenzen" in capsys.readouterr().out
    text = output.read_text()
    assert f"dct:source <{url}>" in text
    assert len(_boundaries(output)) == 21


def test_download_http_error_is_clear(
    root: Path, pdok: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "none.ttl"
    url = f"{pdok}/bestaat-niet.geojson"
    assert (
        main(["geo", "download", "--url", url, "--root", str(root), "--output", str(output)]) == 1
    )
    assert (
        f"regiograaf geo download: {url} answered HTTP 404 File not found"
        in capsys.readouterr().err
    )
    assert not output.exists()


def test_download_unreachable_is_clear(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.geojson"
    assert (
        main(
            [
                "geo",
                "download",
                "--url",
                url,
                "--root",
                str(root),
                "--output",
                str(tmp_path / "x.ttl"),
            ]
        )
        == 1
    )
    assert f"cannot reach {url}" in capsys.readouterr().err


def test_default_url_is_pdok() -> None:
    url = load_settings().boundaries_url
    assert url.startswith("https://service.pdok.nl/cbs/gebiedsindelingen/")
    assert "gemeente_gegeneraliseerd" in url and "EPSG:4326" in url


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("nee", "x.geojson is not JSON"),
        ('{"type": "Feature"}', "x.geojson is not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "x.geojson has no features"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
            ' "geometry": {"type": "Point", "coordinates": [4, 52]}}]}',
            "feature 1: properties.statcode must be a CBS code such as GM0599",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            ' {"statcode": "GM0599"}, "geometry": {"type": "Point", "coordinates": [4, 52]}}]}',
            "(GM0599): a boundary is a Polygon or MultiPolygon, not Point",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            ' {"statcode": "GM0599"}, "geometry": {"type": "Polygon", "coordinates":'
            " [[[92000, 437000], [93000, 437000], [93000, 438000], [92000, 437000]]]}}]}",
            "is not a WGS84 longitude and latitude; the file must be in WGS84 (EPSG:4326), "
            "not in RD New (EPSG:28992)",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            ' {"statcode": "GM0599"}, "geometry": {"type": "Polygon", "coordinates":'
            " [[[4, 52], [4.1, 52], [4, 52]]]}}]}",
            "a ring needs at least four positions, the last one the first",
        ),
    ],
)
def test_unusable_input_is_a_clear_error(data: str, message: str) -> None:
    with pytest.raises(GeoError) as error:
        read_boundaries(data, "x.geojson")
    assert message in str(error.value)


def test_import_of_unusable_file_exits_1(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    assert (
        main(["geo", "import", str(bad), "--root", str(root), "--output", str(tmp_path / "o.ttl")])
        == 1
    )
    assert f"regiograaf geo import: {bad} has no features" in capsys.readouterr().err
    assert main(["geo", "import", str(tmp_path / "nothing.geojson"), "--root", str(root)]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_multipolygon_wkt() -> None:
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[4.0, 52.0], [4.1, 52.0], [4.1, 52.1], [4.0, 52.0]]],
            [[[4.5, 51.9], [4.6, 51.9], [4.6, 52.0], [4.5, 51.9]]],
        ],
    }
    wkt = to_wkt(geometry)
    assert wkt == (
        "MULTIPOLYGON (((4 52, 4.1 52, 4.1 52.1, 4 52)), ((4.5 51.9, 4.6 51.9, 4.6 52, 4.5 51.9)))"
    )
    assert parse_wkt(wkt) == geometry


def test_download_bad_url_is_clear(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["geo", "download", "--url", "geen-url", "--root", str(root)]) == 1
    assert "regiograaf geo download: not a usable URL: geen-url" in capsys.readouterr().err


def test_shipped_boundaries_are_what_geo_import_writes(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """data/geo/gemeentegrenzen.ttl is committed: the import of both CBS files reproduces it."""
    shipped = load_settings().root / "data" / "geo" / "gemeentegrenzen.ttl"
    files = [str(SHARED_GEO / "mrdh-gemeenten-2021.geojson"), str(FILE_2025)]
    output = root / "shipped.ttl"
    source = "https://github.com/cartomap/nl"
    args = ["geo", "import", *files, "--root", str(root), "--output", str(output)]
    assert main([*args, "--source", source]) == 0
    assert "24 gemeentegrenzen" in capsys.readouterr().out
    assert output.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    assert shipped.read_text(encoding="utf-8").startswith("# Gemeentegrenzen (CBS")
    assert "written by 'regiograaf geo'" in shipped.read_text(encoding="utf-8")


def test_each_point_is_the_point_on_the_surface_of_its_boundary() -> None:
    """data/gemeenten.ttl's points are computed from the CBS polygons (4 decimals)."""
    project = load_settings().root / "data"
    graph = Graph().parse(project / "gemeenten.ttl", format="turtle")
    points = {
        str(feature).rsplit("/", 1)[-1].upper(): str(graph.value(geometry, URIRef(GEO + "asWKT")))
        for feature, geometry in graph.subject_objects(URIRef(GEO + "hasGeometry"))
    }
    assert len(points) == 24
    boundaries = {b.cbs: b for b in read_boundaries(FILE_2025.read_bytes(), "2025")}
    for former in read_boundaries((SHARED_GEO / "mrdh-gemeenten-2021.geojson").read_bytes(), "21"):
        boundaries.setdefault(former.cbs, former)
    for code, wkt in points.items():
        polygon = shapely.geometry.shape(boundaries[code].geometry)
        point = shapely.from_wkt(wkt)
        assert isinstance(point, shapely.Point) and polygon.contains(point), code
        expected = polygon.point_on_surface()
        assert (point.x, point.y) == (round(expected.x, 4), round(expected.y, 4)), code
