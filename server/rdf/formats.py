"""The machine-readable RDF formats of a resource: media types, file extensions, serialising."""

from __future__ import annotations

from typing import Final

from rdflib import Graph

from server.http.media_types import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE

#: Machine-readable formats of a resource: media type → (rdflib format, file extension).
RDF_FORMATS: Final[dict[str, tuple[str, str]]] = {
    TURTLE: ("turtle", "ttl"),
    JSON_LD: ("json-ld", "jsonld"),
    N_TRIPLES: ("nt", "nt"),
    RDF_XML: ("xml", "rdf"),
}
#: File extension → media type (``/doc/...ttl`` and friends).
EXTENSIONS: Final[dict[str, str]] = {ext: media for media, (_, ext) in RDF_FORMATS.items()}


def serialize_graph(graph: Graph, media_type: str) -> bytes:
    """``graph`` in one of :data:`RDF_FORMATS` (UTF-8)."""
    return graph.serialize(format=RDF_FORMATS[media_type][0], encoding="utf-8")


def split_extension(path: str) -> tuple[str, str | None]:
    """``("a/b", "text/turtle")`` for ``a/b.ttl``; ``(path, None)`` without a known extension
    (``.html`` names the HTML page: ``(path, "text/html")``)."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext:
        if ext in EXTENSIONS:
            return stem, EXTENSIONS[ext]
        if ext == "html":
            return stem, HTML
    return path, None
