"""Content negotiation, decided in one place.

Every route that can answer in more than one format asks this module which media type to send.
The ``Accept`` header is parsed by werkzeug (:class:`werkzeug.datastructures.MIMEAccept`),
which also tells which of the client's media ranges covers a media type: the *most specific*
one (RFC 9110 §12.5.1), whose quality then counts. The highest quality above zero wins; ties go
to the more specific range, then to the range the client listed first, then to the server's
order of preference. Parameters other than ``q`` are ignored (every text this server sends is
UTF-8, and it has no other variants). Browsers, which cannot set ``Accept`` from a link, may
name a format with the ``format=`` parameter instead; it overrides ``Accept``.

An :class:`Offer` lists what one kind of response can be: the media types (server preference
first), aliases that some clients send instead of the registered type, and the short format
names accepted by ``format=``. The offers used by the SPARQL endpoint are defined here too, so
the same decision renders errors as HTML, JSON or plain text (:data:`ERRORS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_list_header

from server.errors import BadRequest, NotAcceptable
from server.http.media_types import (
    CSV,
    GEOJSON,
    HTML,
    JSON,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TEXT,
    TSV,
    TURTLE,
    XML,
)
from server.messages import N_

__all__ = [
    "CANNED_LIST",
    "CANNED_RESULT",
    "CSV",
    "DESCRIPTION",
    "ERRORS",
    "GEOJSON",
    "GRAPH",
    "HTML",
    "JSON",
    "JSON_LD",
    "KNOWN_FORMATS",
    "N_TRIPLES",
    "RDF_XML",
    "RESULTS",
    "SPARQL_JSON",
    "SPARQL_XML",
    "TEXT",
    "TSV",
    "TURTLE",
    "MediaRange",
    "Offer",
    "UnknownFormat",
    "accept_ranges",
    "content_type",
    "error_media_type",
    "negotiate",
    "negotiate_remembered",
    "not_acceptable",
    "parse_accept",
]


class UnknownFormat(BadRequest, ValueError):
    """A ``format=`` value that names no format this server knows for any kind of response."""

    def __init__(self, given: str) -> None:
        super().__init__(given)
        self.translating(N_("Onbekend format=%(given)s."), given=given)

    @property
    def public_message(self) -> str:
        """The values, named as the client gave them."""
        return f"Onbekend format={self}."


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header: ``type/subtype`` (possibly ``*``), its quality, and
    its position among the client's ranges ordered most specific first (ties in the client's
    order)."""

    type: str
    subtype: str
    q: float
    position: int

    @property
    def specificity(self) -> int:
        """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2


@dataclass(frozen=True)
class Offer:
    """What one kind of response can be.

    ``media_types`` in the server's order of preference (the first is sent to ``*/*``);
    ``aliases`` maps unregistered or legacy media types to one of ``media_types`` (they count
    only when the client names them exactly); ``formats`` maps ``format=`` names to media types.
    """

    media_types: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)
    formats: Mapping[str, str] = field(default_factory=dict)


#: SELECT and ASK results (SPARQL 1.1 Query Results JSON, XML, CSV and TSV).
RESULTS = Offer(
    media_types=(SPARQL_JSON, SPARQL_XML, CSV, TSV),
    aliases={
        JSON: SPARQL_JSON,
        "text/javascript": SPARQL_JSON,
        "application/javascript": SPARQL_JSON,
    },
    formats={"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV},
)

#: CONSTRUCT and DESCRIBE results: RDF graphs.
GRAPH = Offer(
    media_types=(TURTLE, N_TRIPLES, JSON_LD, RDF_XML),
    aliases={
        "application/x-turtle": TURTLE,
        "application/turtle": TURTLE,
        "application/x-json+ld": JSON_LD,
        JSON: JSON_LD,
    },
    formats={
        "turtle": TURTLE,
        "ttl": TURTLE,
        # Turtle is N3 too; SPARQLWrapper sends format=n3 for its N3 return format.
        "n3": TURTLE,
        "ntriples": N_TRIPLES,
        "nt": N_TRIPLES,
        "jsonld": JSON_LD,
        "json-ld": JSON_LD,
        "json": JSON_LD,
        "rdfxml": RDF_XML,
        "rdf+xml": RDF_XML,
        "xml": RDF_XML,
    },
)

#: The SPARQL service description: an RDF graph, or an HTML page for browsers.
DESCRIPTION = Offer(
    media_types=(TURTLE, HTML, N_TRIPLES, JSON_LD, RDF_XML),
    aliases=GRAPH.aliases,
    formats={**GRAPH.formats, "html": HTML},
)

#: Error bodies: plain text unless the client prefers HTML or JSON.
ERRORS = Offer(media_types=(TEXT, HTML, JSON))

#: The answer of a canned query (``/queries/<name>``): SPARQL JSON for API clients (also for
#: ``*/*``), HTML for browsers, CSV, and GeoJSON when the query returns geometries.
CANNED_RESULT = Offer(
    media_types=(SPARQL_JSON, HTML, CSV, GEOJSON),
    aliases={JSON: SPARQL_JSON, "application/vnd.geo+json": GEOJSON},
    formats={"json": SPARQL_JSON, "html": HTML, "csv": CSV, "geojson": GEOJSON},
)

#: The list of canned queries (``/queries``): JSON, or HTML for browsers.
CANNED_LIST = Offer(media_types=(JSON, HTML), formats={"json": JSON, "html": HTML})

#: Every ``format=`` name any offer knows; a name outside this set is a client error.
KNOWN_FORMATS: frozenset[str] = frozenset(
    name
    for offer in (RESULTS, GRAPH, DESCRIPTION, CANNED_RESULT, CANNED_LIST)
    for name in offer.formats
)


def accept_ranges(header: str | None) -> MIMEAccept:
    """The media ranges of an ``Accept`` header (RFC 9110 §12.5.1), parsed by werkzeug: most
    specific first, then by quality, ties in the client's order.

    A missing or empty header means ``*/*``. Malformed elements and quality values are
    skipped rather than refused, as RFC 9110 allows; parameters other than ``q`` are dropped.
    """
    if not header or not header.strip():
        return MIMEAccept([("*/*", 1)])
    ranges = []
    # Element by element, so that MIMEAccept's (stable) sort keeps the client's order among
    # equals once the parameters are gone.
    for element in parse_list_header(header):
        for value, q in parse_accept_header(element, MIMEAccept):
            media = value.split(";", 1)[0].strip().lower()
            main, slash, sub = media.partition("/")
            if slash and main and sub and (main != "*" or sub == "*"):
                ranges.append((media, q))
    return MIMEAccept(ranges)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header as :class:`MediaRange` values, in the order of
    :func:`accept_ranges`."""
    ranges = []
    for position, (media, q) in enumerate(accept_ranges(header)):
        main, _, sub = media.partition("/")
        ranges.append(MediaRange(main, sub, q, position))
    return ranges


def negotiate(offer: Offer, accept: str | None, formats: Iterable[str] = ()) -> str | None:
    """The media type to send for ``offer``, or ``None`` when nothing fits (406).

    ``formats`` are the values of the ``format=`` parameter: the first that names a format of
    this offer (by short name, or by media type or alias) decides and ``Accept`` is ignored.
    Raises :class:`UnknownFormat` when ``format=`` is given but names nothing any offer knows.
    """
    given = [value.strip().lower() for value in formats if value.strip()]
    if given:
        for value in given:
            chosen = _format_value(offer, value)
            if chosen:
                return chosen
        if not any(value in KNOWN_FORMATS or "/" in value for value in given):
            raise UnknownFormat(", ".join(given))
        return None
    ranges = accept_ranges(accept)
    best: tuple[float, int, int, int] | None = None
    chosen_type: str | None = None
    for preference, media_type in enumerate(offer.media_types):
        aliases = [alias for alias, target in offer.aliases.items() if target == media_type]
        score = _score(ranges, media_type, aliases)
        if score is None:
            continue
        q, specificity, position = score
        key = (q, specificity, -position, -preference)
        if best is None or key > best:
            best, chosen_type = key, media_type
    return chosen_type


#: Decisions of :func:`negotiate_remembered`: (offer id, Accept, formats) → (offer, media type).
_remembered: dict[tuple[int, str | None, tuple[str, ...]], tuple[Offer, str | None]] = {}
#: How many decisions :data:`_remembered` keeps, and the longest ``Accept`` it keeps them for.
_REMEMBERED_MAX = 256
_REMEMBERED_ACCEPT_CHARS = 1024


def negotiate_remembered(offer: Offer, accept: str | None, formats: tuple[str, ...]) -> str | None:
    """:func:`negotiate`, remembered per process: a client sends the same ``Accept`` with every
    request. Raises :class:`UnknownFormat` as :func:`negotiate` does (never remembered)."""
    key = (id(offer), accept, formats)
    known = _remembered.get(key)
    if known is not None and known[0] is offer:
        return known[1]
    media_type = negotiate(offer, accept, formats)
    if accept is None or len(accept) <= _REMEMBERED_ACCEPT_CHARS:
        if len(_remembered) >= _REMEMBERED_MAX:
            _remembered.clear()
        _remembered[key] = (offer, media_type)
    return media_type


def _format_value(offer: Offer, value: str) -> str | None:
    """The media type of ``offer`` named by one ``format=`` value, if any."""
    if value in offer.formats:
        return offer.formats[value]
    media = value.split(";")[0].strip()
    if media in offer.media_types:
        return media
    return offer.aliases.get(media)


def _score(
    ranges: MIMEAccept, media_type: str, aliases: list[str]
) -> tuple[float, int, int] | None:
    """(quality, specificity, position) of the client's range that decides on ``media_type``:
    the most specific range covering it, or naming one of its ``aliases`` exactly (aliases do
    not count through wildcards); ``None`` when none does or its quality is zero."""
    candidates = []
    for name, exact in ((media_type, False), *((alias, True) for alias in aliases)):
        position = ranges.find(name)
        if position < 0:
            continue
        media, q = ranges[position]
        specificity = _specificity(media)
        if exact and specificity < 2:
            continue
        candidates.append((specificity, q, position))
    if not candidates:
        return None
    specificity, q, position = max(candidates, key=lambda found: (found[0], found[1], -found[2]))
    return (q, specificity, position) if q > 0 else None


def _specificity(media: str) -> int:
    """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
    main, _, sub = media.partition("/")
    return 0 if main == "*" else 1 if sub == "*" else 2


def not_acceptable(offer: Offer) -> NotAcceptable:
    """The 406 for a client that accepts nothing of ``offer``, naming what it can have."""
    formats = "; or use format=" + "|".join(sorted(offer.formats)) if offer.formats else ""
    return NotAcceptable(
        "None of the accepted media types can be produced here. Available: "
        + ", ".join(offer.media_types)
        + formats
        + "."
    )


def content_type(media_type: str) -> str:
    """The ``Content-Type`` value for ``media_type``: textual types say they are UTF-8."""
    if media_type.startswith("text/") or media_type.endswith("+xml") or media_type == XML:
        return f"{media_type}; charset=utf-8"
    return media_type


def error_media_type(accept: str | None) -> str:
    """How to render an error for a client sending ``accept``: HTML, JSON or plain text."""
    return negotiate(ERRORS, accept) or TEXT
