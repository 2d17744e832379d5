"""SELECT results in the formats the canned queries offer besides the engine's own JSON.

- :func:`parse_sparql_json`: SPARQL 1.1 Query Results JSON (the engine's serialisation, or a
  remote endpoint's answer) into variables and rows of rdflib terms;
- :func:`to_csv`: SPARQL 1.1 Query Results CSV (§2 of the CSV and TSV note): a header of
  variable names, IRIs and literal lexical forms, ``_:`` blank nodes, CRLF line ends, fields
  quoted when they hold a comma, quote or line break;
- :func:`to_geojson`: RFC 7946 GeoJSON, one feature per row, its geometry from the WKT
  (GeoSPARQL ``geo:wktLiteral``, CRS84) in the ``?geometry`` column, the other columns as
  properties;
- :func:`text_table`: an aligned plain-text table for the command line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from server.errors import RegiograafError

__all__ = [
    "GEOMETRY",
    "WKT_LITERAL",
    "Row",
    "WktError",
    "parse_sparql_json",
    "parse_wkt",
    "plain_value",
    "text_table",
    "to_csv",
    "to_geojson",
]

Row = Mapping[str, Identifier]

#: The column that holds a row's geometry.
GEOMETRY: Final = "geometry"
#: GeoSPARQL's WKT datatype.
WKT_LITERAL: Final = "http://www.opengis.net/ont/geosparql#wktLiteral"
#: CRS84 (longitude, latitude on WGS 84): the CRS of a WKT literal without one, and GeoJSON's.
CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_CRS: Final = re.compile(r"^\s*<([^>]*)>\s*")
_WKT_HEAD: Final = re.compile(r"\s*([A-Za-z]+)\s*(?:(Z|M|ZM)\s*)?(EMPTY\b|\()", re.IGNORECASE)
_INTEGER_TYPES: Final = frozenset(
    str(XSD[name])
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_DECIMAL_TYPES: Final = frozenset(str(XSD[name]) for name in ("decimal", "double", "float"))


class WktError(RegiograafError, ValueError):
    """A WKT literal that cannot be turned into a GeoJSON geometry."""


# --- SPARQL JSON ---------------------------------------------------------------------------


def _term(binding: Mapping[str, Any]) -> Identifier:
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = binding.get("xml:lang")
        if language:
            return Literal(value, lang=language)
        datatype = binding.get("datatype")
        return Literal(value, datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"unknown term type {kind!r} in SPARQL JSON results")


def parse_sparql_json(data: bytes | str) -> tuple[list[str], list[dict[str, Identifier]]]:
    """The variables and rows of SPARQL 1.1 Query Results JSON (unbound variables are left
    out of a row). Raises :class:`ValueError` for anything else."""
    document = json.loads(data)
    if not isinstance(document, dict) or "results" not in document:
        raise ValueError("not SPARQL SELECT results in JSON")
    variables = list(document.get("head", {}).get("vars", []))
    rows = [
        {name: _term(value) for name, value in binding.items()}
        for binding in document["results"].get("bindings", [])
    ]
    return variables, rows


# --- CSV -----------------------------------------------------------------------------------


def _csv_value(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    """SPARQL 1.1 Query Results CSV, UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in variables])
    return buffer.getvalue().encode("utf-8")


# --- GeoJSON -------------------------------------------------------------------------------


def plain_value(term: Identifier | None) -> Any:
    """A term as a JSON value: numbers as numbers, booleans as booleans, the rest as text."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype is not None:
        datatype = str(term.datatype)
        try:
            if datatype in _INTEGER_TYPES:
                return int(str(term))
            if datatype in _DECIMAL_TYPES:
                number = float(Decimal(str(term)))
                return int(number) if number.is_integer() and "." not in str(term) else number
        except (ValueError, InvalidOperation):
            return str(term)
        if datatype == str(XSD.boolean):
            return str(term) in ("true", "1")
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


class _WktReader:
    """Reads the coordinate lists of WKT (OGC 06-103r4 §7) by recursive descent."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0

    def _skip(self) -> None:
        while self.index < len(self.text) and self.text[self.index].isspace():
            self.index += 1

    def _expect(self, char: str) -> None:
        self._skip()
        if not self.text.startswith(char, self.index):
            raise WktError(f"expected {char!r} at {self.index} in {self.text[:60]!r}")
        self.index += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.index] if self.index < len(self.text) else ""

    def position(self) -> list[float]:
        self._skip()
        match = re.compile(r"[-+0-9.eE]+(?:\s+[-+0-9.eE]+)+").match(self.text, self.index)
        if not match:
            raise WktError(f"expected coordinates at {self.index} in {self.text[:60]!r}")
        self.index = match.end()
        try:
            values = [float(part) for part in match.group().split()]
        except ValueError:
            raise WktError(f"bad coordinates {match.group()!r}") from None
        return values[:3]

    def nested(self, depth: int) -> list[Any]:
        """A parenthesised list: of positions (``depth`` 1) or of lists (deeper)."""
        self._expect("(")
        items: list[Any] = []
        while True:
            if depth == 1:
                # MULTIPOINT allows both ``(1 2, 3 4)`` and ``((1 2), (3 4))``.
                if self._peek() == "(":
                    self._expect("(")
                    items.append(self.position())
                    self._expect(")")
                else:
                    items.append(self.position())
            else:
                items.append(self.nested(depth - 1))
            if self._peek() == ",":
                self._expect(",")
                continue
            self._expect(")")
            return items


_TYPES: Final = {
    "POINT": ("Point", 0),
    "LINESTRING": ("LineString", 1),
    "POLYGON": ("Polygon", 2),
    "MULTIPOINT": ("MultiPoint", 1),
    "MULTILINESTRING": ("MultiLineString", 2),
    "MULTIPOLYGON": ("MultiPolygon", 3),
}


def parse_wkt(text: str) -> dict[str, Any] | None:
    """A GeoJSON geometry from a GeoSPARQL WKT literal's text; ``None`` for an empty one.

    A leading CRS IRI must be CRS84 (the GeoSPARQL default), since GeoJSON has no other.
    Raises :class:`WktError` for anything it cannot read.
    """
    crs = _CRS.match(text)
    if crs:
        if crs.group(1) != CRS84:
            raise WktError(f"only CRS84 coordinates can be GeoJSON, not <{crs.group(1)}>")
        text = text[crs.end() :]
    head = _WKT_HEAD.match(text)
    if not head or head.group(1).upper() not in _TYPES:
        raise WktError(f"unsupported WKT: {text[:60]!r}")
    kind, depth = _TYPES[head.group(1).upper()]
    if head.group(3).upper() == "EMPTY":
        return None
    reader = _WktReader(text)
    reader.index = head.start(3)
    if depth == 0:
        reader._expect("(")
        coordinates: Any = reader.position()
        reader._expect(")")
    else:
        coordinates = reader.nested(depth)
    if reader._peek():
        raise WktError(f"unexpected text after the geometry: {text[reader.index :][:40]!r}")
    return {"type": kind, "coordinates": coordinates}


def to_geojson(
    variables: Sequence[str], rows: Sequence[Row], geometry: str = GEOMETRY
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: a feature per row, with the WKT of ``geometry`` as its
    geometry (``null`` when the row has none) and the other columns as properties."""
    features = []
    for row in rows:
        shape = None
        wkt = row.get(geometry)
        if wkt is not None:
            try:
                shape = parse_wkt(str(wkt))
            except WktError:
                shape = None
        properties = {name: plain_value(row.get(name)) for name in variables if name != geometry}
        features.append({"type": "Feature", "geometry": shape, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


# --- text ----------------------------------------------------------------------------------


def text_table(
    variables: Sequence[str],
    rows: Sequence[Row],
    shorten: Callable[[Identifier], str] | None = None,
    width: int = 60,
) -> str:
    """An aligned plain-text table (cells cut at ``width`` characters), with a count line."""
    shorten = shorten or str

    def cell(term: Identifier | None) -> str:
        if term is None:
            return ""
        text = " ".join(shorten(term).split())
        return text if len(text) <= width else text[: width - 1] + "…"

    table = [[cell(row.get(name)) for name in variables] for row in rows]
    widths = [
        max([len(name), *(len(line[index]) for line in table)])
        for index, name in enumerate(variables)
    ]
    lines = [
        "  ".join(name.ljust(widths[index]) for index, name in enumerate(variables)).rstrip(),
        "  ".join("-" * size for size in widths),
    ]
    lines += [
        "  ".join(value.ljust(widths[index]) for index, value in enumerate(line)).rstrip()
        for line in table
    ]
    count = len(rows)
    lines.append(f"({count} {'rij' if count == 1 else 'rijen'} / {count} row{'s' * (count != 1)})")
    return "\n".join(lines) + "\n"
