"""The HTTP policy of every answer: entity tags, conditional requests, caching, CORS and the
headers every response carries. Plain functions, used by the Flask app
(:mod:`server.web.policy`) and by the WSGI query layer (:mod:`server.sparql.operation`) alike.

Entity tags (RFC 9110 §8.8.3). Whatever has a data version gets an ETag per *representation*:
the data version, the media type and whatever else the body depends on (the variant: query
arguments, API version, and later the language). Two representations of one URL never share a
tag (RFC 9110 §8.8.1), so an ``If-None-Match`` with the Turtle tag never answers 304 to a
request for HTML. The representation a client gets without asking for one (the first media
type of the offer, no variant) is tagged with the bare data version; every other one with the
data version and a short hash of its media type and variant, so the version stays readable.

Conditional requests (RFC 9110 §13.1.2): ``If-None-Match`` is compared weakly, and only a GET or
HEAD is answered 304; the 304 carries the ETag, ``Cache-Control`` and ``Vary`` the 200 would
(§15.4.5).

Caching: an answer with a data version may be reused for :data:`MAX_AGE` seconds and then
revalidated (cheap: a 304); an error is never stored.

CORS: Regiograaf is public and read-only, so any origin may read every answer; no credentials
are involved (the ``*`` origin never sends cookies). The response headers a script may read
are listed in :data:`EXPOSED_HEADERS`.

Security headers: :data:`SECURITY_HEADERS` and a Content-Security-Policy
(:func:`content_security_policy`) go on every response, together with the CORS headers
(:func:`every_response`); they are the one place to add a policy for all answers. The CSP
allows scripts, styles, fonts and connections from this site only, and no inline script or
style at all (no ``'unsafe-inline'``, no nonces or hashes: every page keeps its script and
style in files under ``/assets/``), no ``eval``, no plugins, no frames, and no page of
Regiograaf inside another site's frame (``frame-ancestors 'none'``). Images may come from this
site, ``data:`` URLs (the icons inside the npm style sheets) and the map's tile server.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from werkzeug.http import parse_etags, quote_etag

from server.http.negotiation import Offer

#: Seconds a client or cache may reuse an answer with a data version before asking again.
MAX_AGE: Final = 300
#: ``Cache-Control`` of an answer with a data version.
CACHEABLE: Final = f"public, max-age={MAX_AGE}"
#: ``Cache-Control`` of an error or of anything that must not be reused.
NO_STORE: Final = "no-store"
#: Says whether a canned query's answer came from the cache (``hit`` or ``miss``).
CACHE_HEADER: Final = "Regiograaf-Cache"
#: Says that the row cap applied to a SPARQL query (its value is the cap).
MAX_ROWS_HEADER: Final = "Regiograaf-Max-Rows"
#: Response headers a cross-origin script may read besides the CORS-safelisted ones.
EXPOSED_HEADERS: Final = ("ETag", CACHE_HEADER, MAX_ROWS_HEADER)

#: Headers on every response: no MIME sniffing, only the origin as referrer elsewhere, and
#: never inside a frame (``X-Frame-Options`` for browsers older than CSP's frame-ancestors).
SECURITY_HEADERS: Final = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
)
#: The Content-Security-Policy directives (CSP Level 3), before image sources are added.
CSP_DIRECTIVES: Final = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("form-action", "'self'"),
    ("base-uri", "'none'"),
    ("frame-ancestors", "'none'"),
)
#: CORS headers on every response: any origin may read (the Fetch standard, CORS protocol).
CORS_HEADERS: Final = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(EXPOSED_HEADERS)),
)
#: Seconds a browser may remember the answer to a CORS preflight.
PREFLIGHT_MAX_AGE: Final = 86400
#: Request headers a cross-origin script may send when the preflight does not name them.
ALLOWED_REQUEST_HEADERS: Final = "Accept, Content-Type, If-None-Match"


@functools.lru_cache(maxsize=8)
def content_security_policy(image_sources: tuple[str, ...] = ()) -> str:
    """The ``Content-Security-Policy`` of every response (see the module's docstring), with
    ``image_sources`` (CSP source expressions, such as the map's tile server) allowed for
    images besides this site and ``data:``."""
    return "; ".join(
        f"{name} {' '.join((value, *image_sources)) if name == 'img-src' else value}"
        for name, value in CSP_DIRECTIVES
    )


def every_response(image_sources: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """The headers every response of Regiograaf carries: security (with the CSP, images also
    from ``image_sources``) and CORS."""
    csp = ("Content-Security-Policy", content_security_policy(image_sources))
    return (*SECURITY_HEADERS, csp, *CORS_HEADERS)


def preflight(allowed_methods: str, requested_headers: str | None) -> list[tuple[str, str]]:
    """The headers that answer a CORS preflight for a resource that allows
    ``allowed_methods``, when the browser asks to send ``requested_headers``."""
    return [
        ("Allow", allowed_methods),
        ("Access-Control-Allow-Methods", allowed_methods),
        ("Access-Control-Allow-Headers", requested_headers or ALLOWED_REQUEST_HEADERS),
        ("Access-Control-Max-Age", str(PREFLIGHT_MAX_AGE)),
    ]


@dataclass(frozen=True)
class Representation:
    """One representation of a resource: what its body depends on.

    ``version`` is the data version (or another version of what the body is made from);
    ``offer`` the offer its media type was chosen from (``None``: the resource has one
    representation); ``variant`` anything else the body depends on (JSON-serialisable);
    ``negotiated`` whether ``Accept`` chose it (then caches must keep one per ``Accept``).
    """

    version: str
    media_type: str
    offer: Offer | None = None
    variant: tuple[object, ...] = ()
    negotiated: bool = False

    @property
    def etag(self) -> str:
        """The entity tag (unquoted): see the module's docstring."""
        primary = self.offer is None or self.media_type == self.offer.media_types[0]
        if primary and not self.variant:
            return self.version
        return f"{self.version}-{_digest(self.media_type, _canonical(self.variant))}"


def _canonical(variant: Sequence[object]) -> str:
    return json.dumps(list(variant), default=str, sort_keys=True, separators=(",", ":"))


@functools.lru_cache(maxsize=1024)
def _digest(media_type: str, variant: str) -> str:
    """A short hash of what distinguishes a representation (remembered: a client asks for the
    same representations again and again)."""
    return hashlib.sha256(f"{media_type}\n{variant}".encode()).hexdigest()[:16]


def cache_headers(etag: str, *, negotiated: bool) -> list[tuple[str, str]]:
    """``ETag``, ``Cache-Control`` and (when ``Accept`` chose the representation)
    ``Vary: Accept`` of an answer tagged ``etag``; a 304 carries the same (RFC 9110 §15.4.5)."""
    headers = [("ETag", quote_etag(etag)), ("Cache-Control", CACHEABLE)]
    if negotiated:
        headers.append(("Vary", "Accept"))
    return headers


def not_modified(method: str, if_none_match: str | None, etag: str) -> bool:
    """Whether to answer 304: a GET or HEAD whose ``If-None-Match`` matches ``etag`` by weak
    comparison (RFC 9110 §13.1.2; ``*`` matches any current representation)."""
    if not if_none_match or method not in ("GET", "HEAD"):
        return False
    return parse_etags(if_none_match).contains_weak(etag)
