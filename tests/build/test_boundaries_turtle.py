"""The boundaries file that ``regiograaf geo`` writes: Turtle made by rdflib, read back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS

from server.build.boundaries import HEADER, Boundary, boundaries_graph, boundaries_turtle, to_wkt
from server.build.turtle import parse_turtle_text

GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SOURCE = "https://example.org/grenzen?jaar=2025&schaal=1:10000"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[(4.1, 51.9), (4.2, 51.9), (4.2, 52.0), (4.1, 52.0), (4.1, 51.9)]],
}
MUNICIPALITIES = {
    "GM0599": "https://w3id.org/regiograaf/id/gemeente/gm0599",
    "GM0518": "https://w3id.org/regiograaf/id/gemeente/gm0518",
}


def expected(cbs: str, name: str) -> Graph:
    """The statements of one boundary, written out from the GeoSPARQL 1.1 pattern."""
    graph = Graph()
    geometry = URIRef(f"https://w3id.org/regiograaf/id/geometrie/{cbs.lower()}-grens")
    graph.add((URIRef(MUNICIPALITIES[cbs]), GEO.hasGeometry, geometry))
    graph.add((geometry, RDF.type, GEO.Geometry))
    graph.add((geometry, GEO.asWKT, Literal(to_wkt(SQUARE), datatype=GEO.wktLiteral)))
    label_nl = f"Gemeentegrens {name} (CBS, gegeneraliseerd)"
    graph.add((geometry, RDFS.label, Literal(label_nl, lang="nl")))
    label_en = f"Municipal boundary of {name} (CBS, generalised)"
    graph.add((geometry, RDFS.label, Literal(label_en, lang="en")))
    graph.add((geometry, DCTERMS.source, URIRef(SOURCE)))
    return graph


@pytest.mark.parametrize(
    "name",
    [
        "Rotterdam",
        's-Gravenhage "Den Haag"',
        "Back\\slash",
        "Two\nlines",
        "Zoë \u2013 Ĳsselmonde",
        "ends with a quote'",
    ],
)
def test_boundaries_turtle_reads_back_as_the_same_graph(name: str) -> None:
    boundaries = [Boundary("GM0599", name, SQUARE), Boundary("GM0518", "Den Haag", SQUARE)]
    text = boundaries_turtle(boundaries, MUNICIPALITIES, SOURCE)
    parsed = parse_turtle_text(text, Path("gemeentegrenzen.ttl")).graph
    want = expected("GM0599", name) + expected("GM0518", "Den Haag")
    assert isomorphic(parsed, want)
    assert isomorphic(parsed, boundaries_graph(boundaries, MUNICIPALITIES, SOURCE))


def test_boundaries_turtle_keeps_its_header_comment() -> None:
    text = boundaries_turtle([Boundary("GM0599", "Rotterdam", SQUARE)], MUNICIPALITIES, SOURCE)
    assert text.startswith(HEADER)
    assert "Niet met de hand" in HEADER and "CC BY 4.0" in HEADER
    assert all(line.startswith("#") or not line for line in HEADER.splitlines())


def test_unknown_municipalities_are_left_out() -> None:
    boundaries = [Boundary("GM0599", "Rotterdam", SQUARE), Boundary("GM9999", "Elders", SQUARE)]
    graph = boundaries_graph(boundaries, MUNICIPALITIES, SOURCE)
    assert isomorphic(graph, expected("GM0599", "Rotterdam"))
