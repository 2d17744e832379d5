"""server/rdf/geometry.py: WKT read with shapely into RFC 7946 GeoJSON (the same geometries the
hand-written reader gave, empty and multi geometries included), polygons wound the RFC 7946
§3.1.6 way, points for pages and maps, and WKT written for the boundaries import."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from shapely.geometry import shape

from server.rdf.geometry import WktError, parse_wkt, to_wkt, wkt_point

CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> "
TWO_POINTS = [[1.0, 2.0], [3.0, 4.0]]
SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]


@pytest.mark.parametrize(
    ("wkt", "geometry"),
    [
        ("POINT(4.48 51.92)", {"type": "Point", "coordinates": [4.48, 51.92]}),
        (" point ( 4 52 ) ", {"type": "Point", "coordinates": [4.0, 52.0]}),
        ("POINT(-4.5e1 5E-1)", {"type": "Point", "coordinates": [-45.0, 0.5]}),
        (CRS84 + "POINT(4.48 51.92)", {"type": "Point", "coordinates": [4.48, 51.92]}),
        ("POINT Z (1 2 3)", {"type": "Point", "coordinates": [1.0, 2.0, 3.0]}),
        ("POINT ZM (1 2 3 4)", {"type": "Point", "coordinates": [1.0, 2.0, 3.0]}),
        ("LINESTRING(0 0, 1 1)", {"type": "LineString", "coordinates": [[0.0, 0.0], [1.0, 1.0]]}),
        ("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))", {"type": "Polygon", "coordinates": [SQUARE]}),
        (
            "MULTIPOINT((1 2), (3 4))",
            {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]},
        ),
        ("MULTIPOINT(1 2, 3 4)", {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}),
        (
            "MULTILINESTRING((0 0, 1 1), (2 2, 3 3))",
            {
                "type": "MultiLineString",
                "coordinates": [[[0.0, 0.0], [1.0, 1.0]], [[2.0, 2.0], [3.0, 3.0]]],
            },
        ),
        (
            "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
            {
                "type": "MultiPolygon",
                "coordinates": [
                    [SQUARE],
                    [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 5.0]]],
                ],
            },
        ),
        ("POINT EMPTY", None),
        ("LINESTRING EMPTY", None),
        ("POLYGON EMPTY", None),
        ("MULTIPOINT EMPTY", None),
        ("MULTIPOLYGON EMPTY", None),
        (CRS84 + "POINT EMPTY", None),
    ],
)
def test_reads_what_the_old_reader_read(wkt: str, geometry: dict[str, Any] | None) -> None:
    assert parse_wkt(wkt) == geometry


@pytest.mark.parametrize(
    "wkt",
    [
        "<http://www.opengis.net/def/crs/EPSG/0/28992> POINT(92000 437000)",
        "CIRCLE(1 2)",
        "POINT(1)",
        "POINT(1 2",
        "POINT(1 2) extra",
        "POINT(x y)",
        "POINT(NaN 1)",
        "LINEARRING(0 0, 1 0, 1 1, 0 0)",
        "",
    ],
)
def test_unreadable_wkt_is_a_wkt_error(wkt: str) -> None:
    with pytest.raises(WktError):
        parse_wkt(wkt)


def _exterior_is_ccw(polygon: list[list[list[float]]]) -> bool:
    return shape({"type": "Polygon", "coordinates": [polygon[0]]}).exterior.is_ccw


def test_a_clockwise_polygon_is_written_counter_clockwise() -> None:
    # RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
    clockwise = "POLYGON((0 0, 0 10, 10 10, 10 0, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))"
    assert not shapely.from_wkt(clockwise).exterior.is_ccw
    geometry = parse_wkt(clockwise)
    assert geometry is not None
    exterior, hole = geometry["coordinates"]
    assert shape({"type": "Polygon", "coordinates": [exterior]}).exterior.is_ccw
    assert not shape({"type": "Polygon", "coordinates": [hole]}).exterior.is_ccw
    # The same ring, only reversed: every position kept, the first one still first.
    assert exterior[0] == [0.0, 0.0] and sorted(exterior) == sorted(
        [[0.0, 0.0], [0.0, 10.0], [10.0, 10.0], [10.0, 0.0], [0.0, 0.0]]
    )


def test_every_part_of_a_multipolygon_is_wound() -> None:
    wkt = "MULTIPOLYGON(((0 0, 0 1, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))"
    geometry = parse_wkt(wkt)
    assert geometry is not None
    assert all(_exterior_is_ccw(polygon) for polygon in geometry["coordinates"])


def test_points_for_pages_and_maps() -> None:
    assert wkt_point("POINT(4.357 52.011)") == (4.357, 52.011)
    assert wkt_point(CRS84 + "POINT(4 52)") == (4.0, 52.0)
    assert wkt_point("POINT(400 52)") is None  # not a longitude
    assert wkt_point("POLYGON((0 0, 1 0, 1 1, 0 0))") is None
    assert wkt_point("POINT EMPTY") is None
    assert wkt_point("not wkt") is None


def test_wkt_written_for_a_geojson_boundary_reads_back() -> None:
    polygon = {"type": "Polygon", "coordinates": [SQUARE]}
    assert to_wkt(polygon) == "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"
    assert parse_wkt(to_wkt(polygon)) == polygon
    assert to_wkt({"type": "Point", "coordinates": [4.123456789, 52.0]}) == "POINT (4.1234568 52)"
    with pytest.raises(WktError):
        to_wkt({"type": "Polygon"})
