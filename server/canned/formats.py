"""SELECT results in the formats the canned queries offer besides the engine's own JSON and
CSV (those two are :mod:`server.store.results`):

- :func:`plain_value`: a term as a JSON value (:func:`plain_binding`: the same from the JSON);
- :func:`to_geojson`: RFC 7946 GeoJSON, one feature per row, its geometry from the WKT
  (GeoSPARQL ``geo:wktLiteral``, CRS84; read by :mod:`server.rdf.geometry`) in the
  ``?geometry`` column, the other columns as properties;
- :func:`text_table`: an aligned plain-text table for the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Identifier

from server.rdf.geometry import WktError, parse_wkt
from server.store.results import Row

__all__ = ["GEOMETRY", "plain_binding", "plain_value", "text_table", "to_geojson"]

#: The column that holds a row's geometry.
GEOMETRY: Final = "geometry"
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
_BOOLEAN: Final = str(XSD.boolean)


def plain_value(term: Identifier | None) -> Any:
    """A term as a JSON value: numbers as numbers, booleans as booleans, the rest as text."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    datatype = term.datatype if isinstance(term, Literal) else None
    return _plain(str(term), str(datatype) if datatype is not None else None)


def plain_binding(binding: Mapping[str, str] | None) -> Any:
    """A term of SPARQL 1.1 Query Results JSON as :func:`plain_value` gives it, read from the
    JSON without making an rdflib term (thousands of rows a second faster)."""
    if binding is None:
        return None
    if binding.get("type") == "bnode":
        return f"_:{binding.get('value', '')}"
    return _plain(binding.get("value", ""), binding.get("datatype"))


def _plain(text: str, datatype: str | None) -> Any:
    if datatype is None:
        return text
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype in _DECIMAL_TYPES:
            number = float(Decimal(text))
            return int(number) if number.is_integer() and "." not in text else number
    except (ValueError, InvalidOperation):
        return text
    if datatype == _BOOLEAN:
        return text in ("true", "1")
    return text


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
