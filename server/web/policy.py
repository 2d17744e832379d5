"""The HTTP policy (:mod:`server.http.policy`) applied by the Flask app: which representation a
request gets, its entity tag, 304 for a client that has it, caching, and the headers every
response carries.

A route that answers with data of a version does::

    media_type, negotiated = choose(OFFER)             # or the extension's media type
    return answer(representation(media_type, OFFER, negotiated=negotiated), render)

:func:`answer` calls ``render`` only when the client does not have the representation yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

from flask import Flask, Response, request

from server.errors import NotFound
from server.http import negotiation, policy
from server.http.media_types import HTML
from server.http.policy import Representation
from server.messages import N_
from server.settings import Settings
from server.web.context import data_version, get_settings, get_store
from server.web.language import language

#: A host (and port) as a CSP host-source may name it (CSP3 §2.3.1), ``*.`` allowed first.
_CSP_HOST: Final = re.compile(r"(\*\.)?[A-Za-z0-9.-]+(:[0-9]+)?")


def register_policy(app: Flask) -> None:
    """Refuse paths that are not UTF-8, add the headers every response carries (the WSGI query
    layer adds the same to its own answers) and answer CORS preflights."""
    app.before_request(refuse_undecodable_path)
    app.after_request(every_response)


def refuse_undecodable_path() -> None:
    """404 for a path whose percent-decoded bytes are not UTF-8 (``/doc/%c0%ae``): it names
    nothing here. Werkzeug would route it with U+FFFD in place of the bytes, an IRI no store
    accepts."""
    # PEP 3333: PATH_INFO holds the decoded bytes as Latin-1 characters.
    path = request.environ.get("PATH_INFO", "")
    try:
        path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise NotFound.saying(N_("Niet gevonden: het pad is geen UTF-8.")) from None


def image_sources(settings: Settings) -> tuple[str, ...]:
    """The CSP source of the map's tile server (setting ``map_tiles``), if there is one:
    its scheme and host, a ``{s}`` subdomain placeholder as ``*``."""
    parts = urlsplit(settings.map_tiles)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ()
    host = parts.netloc.replace("{s}", "*")
    if not _CSP_HOST.fullmatch(host):
        return ()
    return (f"{parts.scheme}://{host}",)


def every_response(response: Response) -> Response:
    """Security and CORS headers on every response Flask sends; on an ``OPTIONS`` preflight
    also the methods and headers a cross-origin script may use."""
    for name, value in policy.every_response(image_sources(get_settings())):
        response.headers.setdefault(name, value)
    if (
        request.method == "OPTIONS"
        and "Access-Control-Request-Method" in request.headers
        and "Allow" in response.headers
    ):
        requested = request.headers.get("Access-Control-Request-Headers")
        for name, value in policy.preflight(response.headers["Allow"], requested):
            response.headers.setdefault(name, value)
    return response


def choose(offer: negotiation.Offer) -> tuple[str, bool]:
    """The media type to answer with by ``format=`` or ``Accept``, and ``True`` (it was
    negotiated); :class:`~server.http.negotiation.UnknownFormat` (400) or
    :class:`~server.errors.NotAcceptable` (406) when there is none."""
    media_type = negotiation.negotiate(
        offer, request.headers.get("Accept"), request.args.getlist("format")
    )
    if media_type is None:
        raise negotiation.not_acceptable(offer)
    return media_type, True


def representation(
    media_type: str,
    offer: negotiation.Offer | None = None,
    *,
    variant: tuple[object, ...] = (),
    negotiated: bool = False,
    version: str | None = None,
) -> Representation:
    """The representation in ``media_type`` of the current data version (or of ``version``);
    see :class:`server.http.policy.Representation`. A page (HTML) is also a variant of the
    request's language (:mod:`server.web.language`): English gets its own ETag (Dutch, the
    default, keeps the plain one)."""
    if media_type == HTML and language() != "nl":
        variant = (*variant, "lang", language())
    return Representation(
        version if version is not None else data_version(),
        media_type,
        offer,
        variant,
        negotiated,
    )


def answer(chosen: Representation, render: Callable[[], Response]) -> Response:
    """304 when the client already has ``chosen`` (``If-None-Match``), else ``render()``;
    either way with the ETag, ``Cache-Control`` and ``Vary`` of ``chosen``. A body made while
    a build swapped in a new data version is not sent: the request is answered again
    (:mod:`server.web.consistency`)."""
    etag = chosen.etag
    if policy.not_modified(request.method, request.headers.get("If-None-Match"), etag):
        response = Response(status=304)
        del response.headers["Content-Type"]  # no body, so no metadata of one (RFC 9110 §15.4.5)
    else:
        response = render()
        get_store().check()  # the body is of the version the ETag names
    for name, value in policy.cache_headers(etag, negotiated=chosen.negotiated):
        if name == "Vary":
            response.vary.add(value)
        else:
            response.headers[name] = value
    if chosen.media_type == HTML:
        response.vary.add("Cookie")  # the language (also on a 304: server.web.language)
    return response
