"""Geometry: GeoSPARQL WKT literals read, GeoJSON (RFC 7946) written, on shapely (GEOS).

- :func:`read_wkt`: the text of a ``geo:wktLiteral`` (OGC 06-103r4 §7; an optional leading
  CRS IRI, which must be CRS84, GeoSPARQL's default and GeoJSON's only CRS) as a shapely
  geometry, or ``None`` for an empty one;
- :func:`parse_wkt`: the same as a GeoJSON geometry object (RFC 7946 §3.1), polygons wound
  the RFC 7946 §3.1.6 way (exterior rings counter-clockwise, holes clockwise);
- :func:`wkt_point`: ``(longitude, latitude)`` of a WKT ``POINT``, for pages and maps;
- :func:`to_wkt`: WKT for a GeoJSON geometry (the boundaries import).

Positions keep an elevation (``Z``) and drop a measure (``M``): RFC 7946 §3.1.1 positions
have at most three elements, the third an altitude. Anything that cannot be read raises
:class:`WktError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

import shapely
from shapely.errors import ShapelyError
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry, BaseMultipartGeometry

from server.errors import RegiograafError

__all__ = ["CRS84", "WKT_LITERAL", "WktError", "parse_wkt", "read_wkt", "to_wkt", "wkt_point"]

#: GeoSPARQL's WKT datatype.
WKT_LITERAL: Final = "http://www.opengis.net/ont/geosparql#wktLiteral"
#: CRS84 (longitude, latitude on WGS 84): the CRS of a WKT literal without one, and GeoJSON's.
CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: The geometry types GeoJSON has (RFC 7946 §1.4); WKT has more (``LINEARRING``, ``TIN``...).
GEOJSON_TYPES: Final = frozenset(
    {
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
    }
)
#: Decimals written by :func:`to_wkt` (1e-7 degrees is about a centimetre).
WKT_DECIMALS: Final = 7
_CRS: Final = re.compile(r"^\s*<([^>]*)>\s*")


class WktError(RegiograafError, ValueError):
    """A WKT literal that cannot be read, or not turned into a GeoJSON geometry."""


def read_wkt(text: str) -> BaseGeometry | None:
    """The geometry of a WKT literal's text; ``None`` when it is empty (``POINT EMPTY``)."""
    crs = _CRS.match(text)
    if crs:
        if crs.group(1) != CRS84:
            raise WktError(f"only CRS84 coordinates can be GeoJSON, not <{crs.group(1)}>")
        text = text[crs.end() :]
    try:
        geometry = shapely.from_wkt(text)
    except ShapelyError as error:
        raise WktError(f"unreadable WKT {text[:60]!r}: {error}") from None
    if not isinstance(geometry, BaseGeometry):
        raise WktError(f"unreadable WKT {text[:60]!r}")
    if geometry.geom_type not in GEOJSON_TYPES:
        raise WktError(f"unsupported WKT: {geometry.geom_type} has no GeoJSON type")
    return None if geometry.is_empty else geometry


def parse_wkt(text: str) -> dict[str, Any] | None:
    """A GeoJSON geometry (RFC 7946, polygons wound by §3.1.6) from a WKT literal's text;
    ``None`` for an empty one. Raises :class:`WktError` for anything it cannot read."""
    geometry = read_wkt(text)
    if geometry is None:
        return None
    return to_geojson(shapely.orient_polygons(geometry, exterior_cw=False))


def wkt_point(text: str) -> tuple[float, float] | None:
    """``(longitude, latitude)`` of a WKT ``POINT`` (CRS84), or ``None`` for anything else:
    another or an empty shape, unreadable text, or a position off the globe."""
    try:
        geometry = read_wkt(text)
    except WktError:
        return None
    if geometry is None or geometry.geom_type != "Point":
        return None
    lon, lat = geometry.coords[0][:2]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return float(lon), float(lat)


def to_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """The GeoJSON geometry object of a shapely geometry, coordinates as lists (empty parts of
    a multi-geometry left out). Raises :class:`WktError` for a coordinate that is not finite."""
    dimensions = 3 if geometry.has_z else 2
    kind = geometry.geom_type
    if kind == "GeometryCollection" and isinstance(geometry, BaseMultipartGeometry):
        parts = [to_geojson(part) for part in geometry.geoms if not part.is_empty]
        return {"type": kind, "geometries": parts}
    return {"type": kind, "coordinates": _coordinates(geometry, dimensions)}


def _coordinates(geometry: BaseGeometry, dimensions: int) -> Any:
    if isinstance(geometry, BaseMultipartGeometry):
        parts = (part for part in geometry.geoms if not part.is_empty)
        return [_coordinates(part, dimensions) for part in parts]
    if isinstance(geometry, Polygon):
        rings = [geometry.exterior, *geometry.interiors]
        return [_positions(ring.coords, dimensions) for ring in rings]
    positions = _positions(geometry.coords, dimensions)
    return positions[0] if geometry.geom_type == "Point" else positions


def _positions(coords: Iterable[Sequence[float]], dimensions: int) -> list[list[float]]:
    positions = [[float(value) for value in coord[:dimensions]] for coord in coords]
    if not all(math.isfinite(value) for position in positions for value in position):
        raise WktError("a coordinate is not a finite number")
    return positions


def to_wkt(geometry: dict[str, Any]) -> str:
    """WKT (CRS84, longitude first, at most :data:`WKT_DECIMALS` decimals) for a GeoJSON
    geometry object; polygons keep the winding they have."""
    try:
        return shapely.to_wkt(shape(geometry), rounding_precision=WKT_DECIMALS, trim=True)
    except (ShapelyError, ValueError, KeyError, TypeError) as error:
        raise WktError(f"not a GeoJSON geometry: {error}") from None
