"""Polygons are served with RFC 7946 winding (§3.1.6): exterior rings counter-clockwise, holes
clockwise, whatever the stored WKT says. The project holds no boundaries (``regiograaf geo
import`` adds them), so a store is made with two that wind the wrong way: a polygon with a hole
and a multipolygon, and ``/kaart/gemeenten.geojson`` is read as a client reads it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from flask.testing import FlaskClient
from rdflib import Graph

from server.rdf.namespaces import GRAPH_BASE
from server.web.app import create_app
from tests.support import BuiltStore, build_store_with

#: Rotterdam: a clockwise exterior with a counter-clockwise hole; Delft: a multipolygon whose
#: parts are both clockwise. All three rings wind against RFC 7946.
BOUNDARIES = """
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix gemeente: <https://w3id.org/regiograaf/id/gemeente/> .
@prefix geometrie: <https://w3id.org/regiograaf/id/geometrie/> .
gemeente:gm0599 geo:hasGeometry geometrie:grens-gm0599 .
geometrie:grens-gm0599 a geo:Geometry ; geo:asWKT
  '''POLYGON((4.40 51.85, 4.40 51.95, 4.60 51.95, 4.60 51.85, 4.40 51.85),
    (4.45 51.88, 4.55 51.88, 4.55 51.92, 4.45 51.92, 4.45 51.88))'''^^geo:wktLiteral .
gemeente:gm0503 geo:hasGeometry geometrie:grens-gm0503 .
geometrie:grens-gm0503 a geo:Geometry ; geo:asWKT
  '''MULTIPOLYGON(((4.30 51.98, 4.30 52.02, 4.38 52.02, 4.38 51.98, 4.30 51.98)),
    ((4.39 51.98, 4.39 52.00, 4.41 52.00, 4.41 51.98, 4.39 51.98)))'''^^geo:wktLiteral .
"""


def signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Twice the signed area of a closed ring (shoelace): positive when counter-clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))


@pytest.fixture(scope="module")
def boundary_client(
    built_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> FlaskClient:
    graph = Graph().parse(data=BOUNDARIES, format="turtle")
    settings = build_store_with(
        built_store,
        tmp_path_factory.mktemp("boundaries"),
        # The test's boundaries instead of the shipped ones (data/geo/gemeentegrenzen.ttl).
        {
            GRAPH_BASE + "data/grenzen-test.ttl": graph,
            GRAPH_BASE + "data/geo/gemeentegrenzen": Graph(),
        },
        "grenzen-" + built_store.result.data_version[:12],
    )
    return create_app(settings).test_client()


def test_served_polygons_follow_the_right_hand_rule(boundary_client: FlaskClient) -> None:
    layer = boundary_client.get("/kaart/gemeenten.geojson").get_json()
    geometries = {
        feature["properties"]["cbs"].lower(): feature["geometry"] for feature in layer["features"]
    }
    rotterdam, delft = geometries["gm0599"], geometries["gm0503"]
    assert rotterdam["type"] == "Polygon" and len(rotterdam["coordinates"]) == 2
    assert delft["type"] == "MultiPolygon" and len(delft["coordinates"]) == 2
    for polygon in [rotterdam["coordinates"], *delft["coordinates"]]:
        exterior, *holes = polygon
        assert signed_area(exterior) > 0, "exterior ring not counter-clockwise"
        for hole in holes:
            assert signed_area(hole) < 0, "hole not clockwise"
        for ring in polygon:
            assert ring[0] == ring[-1] and len(ring) >= 4
