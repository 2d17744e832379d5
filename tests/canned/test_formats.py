"""The formats of a canned query's answer besides the engine's JSON: CSV (SPARQL 1.1 CSV),
GeoJSON from WKT (RFC 7946), plain values, and the text table of the command line. Reading WKT
itself is tested in tests/rdf/test_geometry.py."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from server.canned.formats import plain_value, text_table, to_geojson
from server.store.results import parse_sparql_json, to_csv

XSD = "http://www.w3.org/2001/XMLSchema#"
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")


def test_geojson_features_keep_rows_without_geometry() -> None:
    rows = [
        {"naam": Literal("Delft"), "n": Literal("2", datatype=URIRef(XSD + "integer")),
         "geometry": Literal("POINT(4.35 52.01)", datatype=WKT)},
        {"naam": Literal("Nergens")},
        {"naam": Literal("Kapot"), "geometry": Literal("POINT(x y)", datatype=WKT)},
    ]  # fmt: skip
    document = to_geojson(["naam", "n", "geometry"], rows)
    assert [feature["geometry"] for feature in document["features"]] == [
        {"type": "Point", "coordinates": [4.35, 52.01]},
        None,
        None,
    ]
    assert document["features"][0]["properties"] == {"naam": "Delft", "n": 2}
    assert document["features"][1]["properties"] == {"naam": "Nergens", "n": None}


def test_plain_values() -> None:
    assert plain_value(Literal("7", datatype=URIRef(XSD + "integer"))) == 7
    assert plain_value(Literal("0.5", datatype=URIRef(XSD + "decimal"))) == 0.5
    assert plain_value(Literal("true", datatype=URIRef(XSD + "boolean"))) is True
    assert plain_value(Literal("2024-01-31", datatype=URIRef(XSD + "date"))) == "2024-01-31"
    assert plain_value(URIRef("http://e/x")) == "http://e/x"
    assert plain_value(BNode("b1")) == "_:b1"
    assert plain_value(None) is None


def test_csv_quotes_and_crlf() -> None:
    rows = [
        {"a": URIRef("http://e/x"), "b": Literal('komma, "aanhalingstekens"\nregel')},
        {"b": Literal("nl", lang="nl")},
    ]
    assert to_csv(["a", "b"], rows) == (
        b'a,b\r\nhttp://e/x,"komma, ""aanhalingstekens""\nregel"\r\n,nl\r\n'
    )


def test_sparql_json_round_trip() -> None:
    body = (
        b'{"head": {"vars": ["a", "b", "c"]}, "results": {"bindings": [{"a": {"type": "uri", '
        b'"value": "http://e/x"}, "b": {"type": "literal", "value": "x", "xml:lang": "nl"}, '
        b'"c": {"type": "literal", "value": "1", "datatype": "' + XSD.encode() + b'integer"}}]}}'
    )
    variables, rows = parse_sparql_json(body)
    assert variables == ["a", "b", "c"]
    assert rows == [
        {
            "a": URIRef("http://e/x"),
            "b": Literal("x", lang="nl"),
            "c": Literal("1", datatype=URIRef(XSD + "integer")),
        }
    ]
    with pytest.raises(ValueError):
        parse_sparql_json(b'{"boolean": true}')


def test_text_table() -> None:
    table = text_table(["naam", "n"], [{"naam": Literal("Delft"), "n": Literal("2")}, {}])
    assert table.splitlines() == ["naam   n", "-----  -", "Delft  2", "", "(2 rijen / 2 rows)"]
