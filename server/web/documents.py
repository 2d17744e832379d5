"""What the pages about resources, the catalog and VoID share: RDF documents served by
``Accept`` or by extension (``.ttl .jsonld .nt .rdf``, ``.html`` for the page).

An extension names one representation (no negotiation); without one, ``Accept`` or
``format=`` chooses from :data:`RESOURCE` (HTML first, for people) or the offer of the
document. An unknown extension is a 404.
"""

from __future__ import annotations

from flask import Response, request
from rdflib import Graph

from server.errors import NotFound
from server.http import negotiation
from server.http.media_types import HTML
from server.messages import N_
from server.rdf.formats import RDF_FORMATS, serialize_graph, split_extension
from server.web.policy import choose

#: A page about a resource: HTML first (people), then the RDF formats.
RESOURCE = negotiation.Offer(
    media_types=(HTML, *RDF_FORMATS),
    aliases=negotiation.GRAPH.aliases,
    formats={**negotiation.GRAPH.formats, "html": HTML},
)
#: Names of the RDF formats, by file extension.
FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}


def choose_document(
    stem: str, ext: str | None, offer: negotiation.Offer = RESOURCE
) -> tuple[str, bool]:
    """For a document served as ``<stem>`` or ``<stem>.<ext>``: the media type to answer with
    and whether ``Accept`` chose it (without an extension). :class:`~server.errors.NotFound`
    for an extension that names no format of ``offer``."""
    if ext is None:
        return choose(offer)
    _, extension_type = split_extension(f"{stem}.{ext}")
    if extension_type is None or extension_type not in offer.media_types:
        raise NotFound.saying(N_("Niet gevonden: %(path)s"), path=request.path)
    return extension_type, False


def rdf_response(graph: Graph, media_type: str) -> Response:
    """A 200 with ``graph`` serialised in ``media_type`` (one of the RDF formats)."""
    body = serialize_graph(graph, media_type)
    return Response(body, content_type=negotiation.content_type(media_type))


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, format name) of every machine-readable form of the page at ``path``."""
    base = path + "index" if path.endswith("/") else path
    return [(f"{base}.{ext}", media, FORMAT_NAMES[ext]) for media, (_, ext) in RDF_FORMATS.items()]
