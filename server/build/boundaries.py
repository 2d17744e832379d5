"""Municipal boundaries: CBS/PDOK GeoJSON in, GeoSPARQL geometries (Turtle) out.

The repository ships a point per municipality (``data/gemeenten.ttl``, a point on the surface
of its CBS boundary) and the MRDH boundaries of 2021 and 2025 in :data:`DEFAULT_OUTPUT`, which
``regiograaf geo import FILE.geojson`` or ``regiograaf geo download`` (the current generalised
CBS boundaries from PDOK, the ``boundaries_url`` setting) write; the build picks it up like any
data file.

Input layout (as CBS publishes it through PDOK, and as in ``../shared/geo/``): a GeoJSON
FeatureCollection in WGS84 with a ``Polygon`` or ``MultiPolygon`` per municipality and its CBS
code in ``properties.statcode`` (``GM0599``). Only municipalities the graph knows (by
``rg:cbsCode``) are written; each gets a second geometry ``id/geometrie/<cbs>-grens`` next to
its point (GeoSPARQL 1.1: a feature may have several geometries).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, GEO, RDF, RDFS

from server.build.parsing import read_source
from server.build.sources import discover
from server.build.turtle import TurtleSyntaxError
from server.errors import SourceError
from server.progress import Progress
from server.rdf.geometry import to_wkt
from server.rdf.namespaces import ID_BASE, RG
from server.store.terms import iri, term_value

#: Where the boundaries go, relative to the project root (committed).
DEFAULT_OUTPUT: Final = Path("data") / "geo" / "gemeentegrenzen.ttl"
#: The source named on boundaries imported from a file: the CBS gebiedsindelingen on PDOK.
DEFAULT_SOURCE: Final = "https://www.pdok.nl/introductie/-/article/cbs-gebiedsindelingen"
RG_CBS_CODE: Final = URIRef(RG + "cbsCode")
GEOMETRY_BASE: Final = ID_BASE + "geometrie/"
#: Seconds to wait for PDOK.
TIMEOUT: Final = 60.0

_CBS_CODE = re.compile(r"^GM\d{4}$")


class GeoError(SourceError, ValueError):
    """A boundary file or download that cannot be used; the message says why."""


@dataclass(frozen=True)
class Boundary:
    """One municipality's boundary from the input."""

    cbs: str
    name: str
    geometry: dict[str, Any]


@dataclass
class ImportResult:
    """What an import wrote and what it left out."""

    output: Path
    written: list[str] = field(default_factory=list)  # CBS codes
    unknown: list[str] = field(default_factory=list)  # in the file, not in the graph
    missing: list[str] = field(default_factory=list)  # in the graph, not in the file


def _check_position(position: Any, where: str) -> tuple[float, float]:
    if (
        not isinstance(position, list)
        or len(position) < 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2])
    ):
        raise GeoError(f"{where}: a position must be [longitude, latitude], not {position!r}")
    lon, lat = float(position[0]), float(position[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeoError(
            f"{where}: ({lon}, {lat}) is not a WGS84 longitude and latitude; the file must be "
            "in WGS84 (EPSG:4326), not in RD New (EPSG:28992)"
        )
    return lon, lat


def _rings(coordinates: Any, depth: int, where: str) -> list[Any]:
    """Check nested coordinates (depth 2: polygon, 3: multipolygon)."""
    if not isinstance(coordinates, list) or not coordinates:
        raise GeoError(f"{where}: empty or malformed coordinates")
    if depth == 1:
        ring = [_check_position(p, where) for p in coordinates]
        if len(ring) < 4 or ring[0] != ring[-1]:
            raise GeoError(f"{where}: a ring needs at least four positions, the last one the first")
        return ring
    return [_rings(part, depth - 1, where) for part in coordinates]


def read_boundaries(data: bytes | str, origin: str) -> list[Boundary]:
    """The boundaries in a GeoJSON FeatureCollection (``origin`` names it in errors)."""
    try:
        collection = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise GeoError(f"{origin} is not JSON: {error}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise GeoError(f"{origin} is not a GeoJSON FeatureCollection")
    boundaries: dict[str, Boundary] = {}
    for index, feature in enumerate(collection.get("features") or []):
        where = f"{origin}, feature {index + 1}"
        properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
        code = str(properties.get("statcode", "")).strip().upper()
        if not _CBS_CODE.match(code):
            raise GeoError(f"{where}: properties.statcode must be a CBS code such as GM0599")
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        if kind not in ("Polygon", "MultiPolygon"):
            raise GeoError(f"{where} ({code}): a boundary is a Polygon or MultiPolygon, not {kind}")
        coordinates = _rings(geometry.get("coordinates"), 2 if kind == "Polygon" else 3, where)
        if code in boundaries:
            raise GeoError(f"{where}: {code} occurs twice")
        name = str(properties.get("statnaam") or code)
        boundaries[code] = Boundary(code, name, {"type": kind, "coordinates": coordinates})
    if not boundaries:
        raise GeoError(f"{origin} has no features")
    return list(boundaries.values())


def known_municipalities(
    root: Path, skip: Path | None = None, progress: Progress | None = None
) -> dict[str, str]:
    """CBS code → municipality IRI, from the data files under ``root`` (``skip`` left out),
    read with the engine's parser (:mod:`server.build.parsing`)."""
    codes: dict[str, str] = {}
    cbs_code = iri(RG_CBS_CODE)
    sources = [s for s in discover(root, with_hashes=False) if s.is_data]
    with (progress or Progress.quiet()).stage("read the municipalities", len(sources)) as stage:
        for source in sources:
            if skip is not None and source.path == skip.resolve():
                continue
            try:
                triples = read_source(source.path, source.relpath)
            except TurtleSyntaxError as error:
                raise GeoError(f"cannot read the municipalities: {error}") from None
            for subject, predicate, code in triples:
                if predicate == cbs_code:
                    codes[term_value(code).upper()] = term_value(subject)
            stage.step(item=source.relpath)
    return codes


#: The comment at the top of the written file (Turtle comments are not part of the graph).
HEADER: Final = (
    "# Gemeentegrenzen (CBS, gegeneraliseerd), gemaakt met 'regiograaf geo'. Niet met de hand\n"
    "# bewerken: 'regiograaf geo import' of 'geo download' schrijft dit bestand opnieuw.\n"
    "# Municipal boundaries (CBS, generalised), written by 'regiograaf geo'; do not edit.\n"
    "# Bron / source: CBS, Kadaster (gebiedsindelingen), CC BY 4.0.\n"
    "\n"
)


def boundaries_graph(
    boundaries: Iterable[Boundary], municipalities: dict[str, str], source: str
) -> Graph:
    """A boundary geometry (GeoSPARQL 1.1) for each known municipality: the municipality
    ``geo:hasGeometry`` it; its WKT, Dutch and English labels, and ``dct:source``."""
    graph = Graph()
    graph.bind("geo", GEO)
    graph.bind("rdfs", RDFS)
    graph.bind("dct", DCTERMS)
    for boundary in boundaries:
        municipality = municipalities.get(boundary.cbs)
        if municipality is None:
            continue
        geometry = URIRef(f"{GEOMETRY_BASE}{boundary.cbs.lower()}-grens")
        name = boundary.name
        graph.add((URIRef(municipality), GEO.hasGeometry, geometry))
        graph.add((geometry, RDF.type, GEO.Geometry))
        graph.add(
            (geometry, GEO.asWKT, Literal(to_wkt(boundary.geometry), datatype=GEO.wktLiteral))
        )
        graph.add(
            (
                geometry,
                RDFS.label,
                Literal(f"Gemeentegrens {name} (CBS, gegeneraliseerd)", lang="nl"),
            )
        )
        graph.add(
            (
                geometry,
                RDFS.label,
                Literal(f"Municipal boundary of {name} (CBS, generalised)", lang="en"),
            )
        )
        graph.add((geometry, DCTERMS.source, URIRef(source)))
    return graph


def boundaries_turtle(
    boundaries: Iterable[Boundary], municipalities: dict[str, str], source: str
) -> str:
    """:func:`boundaries_graph` as Turtle, after the :data:`HEADER` comment."""
    return HEADER + boundaries_graph(boundaries, municipalities, source).serialize(format="turtle")


def import_boundaries(
    inputs: Sequence[tuple[bytes | str, str]],
    root: Path,
    output: Path,
    source: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Read the boundaries in each ``(data, origin)`` of ``inputs`` (a later file wins for a
    code in several) and write those of known municipalities to ``output``."""
    progress = progress or Progress.quiet()
    merged: dict[str, Boundary] = {}
    with progress.stage("read the boundaries", len(inputs)) as stage:
        for data, origin in inputs:
            read = read_boundaries(data, origin)
            merged.update((b.cbs, b) for b in read)
            stage.step(item=origin, boundaries=len(read))
    boundaries = list(merged.values())
    origin = ", ".join(origin for _, origin in inputs)
    municipalities = known_municipalities(root, skip=output, progress=progress)
    if not municipalities:
        raise GeoError(f"no municipality with rg:cbsCode under {root / 'data'}")
    result = ImportResult(output)
    found = {b.cbs for b in boundaries}
    result.written = sorted(found & set(municipalities))
    result.unknown = sorted(found - set(municipalities))
    result.missing = sorted(set(municipalities) - found)
    if not result.written:
        raise GeoError(f"{origin} has no boundary of a municipality in the graph")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(boundaries_turtle(boundaries, municipalities, source), encoding="utf-8")
    return result


def download(url: str, timeout: float = TIMEOUT) -> bytes:
    """The body at ``url``; :class:`GeoError` with the reason when it cannot be fetched."""
    headers = {"Accept": "application/geo+json, application/json;q=0.9"}
    try:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        raise GeoError(f"{url} answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise GeoError(f"cannot reach {url}: {error.reason}") from None
    except TimeoutError:
        raise GeoError(f"{url} did not answer within {timeout:g} seconds") from None
    except ValueError as error:
        raise GeoError(f"not a usable URL: {url} ({error})") from None
