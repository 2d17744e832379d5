"""server/maps/data.py on a stand-in store: what load_map_data makes of the rows of its
queries (goal levels as names, points and boundaries from WKT, RFC 7946 winding)."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from server.maps import data
from server.maps.geojson import municipality_layer
from server.rdf.iris import IriMap
from server.rdf.namespaces import DATA_BASE, RG

GM = DATA_BASE + "id/gemeente/"
GOAL = DATA_BASE + "id/doel/"
PROJECT = DATA_BASE + "id/project/p1"
CLOCKWISE = "POLYGON((4 52, 4 52.1, 4.1 52.1, 4.1 52, 4 52))"


class _Result:
    def __init__(self, rows: list[dict[str, Identifier]]) -> None:
        self._rows = rows

    def rows(self) -> list[dict[str, Identifier]]:
        return self._rows


class _Store:
    """Answers each query of server/maps/data.py with fixed rows."""

    def __init__(self, answers: Mapping[str, list[dict[str, Identifier]]]) -> None:
        self.answers = answers

    def query(self, sparql: str, **_: object) -> _Result:
        return _Result(self.answers[sparql])


def _rows() -> dict[str, list[dict[str, Identifier]]]:
    true = Literal(True)
    return {
        data.CONCEPTS: [
            {"c": URIRef(GOAL + "r1"), "kind": Literal("goal"), "nl": Literal("Regiodoel"),
             "class": URIRef(RG + "RegionalGoal")},
            {"c": URIRef(GOAL + "r1"), "kind": Literal("goal"), "nl": Literal("Regiodoel")},
            {"c": URIRef(GOAL + "m1"), "kind": Literal("goal"),
             "class": URIRef(RG + "MunicipalGoal")},
        ],
        data.MUNICIPALITIES: [
            {"m": URIRef(GM + "gm0503"), "nl": Literal("Delft"), "cbs": Literal("GM0503"),
             "current": true, "wkt": Literal("POINT(4.357 52.011)")},
            {"m": URIRef(GM + "gm0503"), "nl": Literal("Delft"), "cbs": Literal("GM0503"),
             "current": true, "wkt": Literal(CLOCKWISE)},
        ],
        data.PROJECTS: [
            {"p": URIRef(PROJECT), "nl": Literal("Project"), "lead": URIRef(GM + "gm0503")},
        ],
        data.PROJECT_LINKS: [
            {"p": URIRef(PROJECT), "kind": Literal("goal"), "v": URIRef(GOAL + "m1")},
            {"p": URIRef(PROJECT), "kind": Literal("indirect"), "v": URIRef(GOAL + "r1")},
            {"p": URIRef(PROJECT), "kind": Literal("indirect"), "v": URIRef(GOAL + "unknown")},
        ],
    }  # fmt: skip


def test_goal_levels_are_level_names() -> None:
    loaded = data.load_map_data(_Store(_rows()))  # type: ignore[arg-type]
    # A row without the goal's class does not take the level away.
    assert loaded.concepts[GOAL + "r1"].level == "regio"
    (project,) = loaded.projects
    assert project.levels == {"gemeente", "regio"}
    assert project.goals == [GOAL + "m1"]


def test_points_and_boundaries_come_from_wkt() -> None:
    loaded = data.load_map_data(_Store(_rows()))  # type: ignore[arg-type]
    delft = loaded.municipalities[GM + "gm0503"]
    assert delft.point == (4.357, 52.011)
    (project,) = loaded.projects
    assert project.point == delft.point and not project.own_location
    layer = municipality_layer(loaded, IriMap.for_base(DATA_BASE))
    (feature,) = layer["features"]
    exterior = feature["geometry"]["coordinates"][0]
    # The clockwise boundary is served counter-clockwise (RFC 7946 §3.1.6).
    assert exterior == [[4.0, 52.0], [4.1, 52.0], [4.1, 52.1], [4.0, 52.1], [4.0, 52.0]]
