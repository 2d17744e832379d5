"""``/feed``: the change feed of the contributions, a Linked Data Event Stream
(:mod:`server.contribute.feed`).

``/feed`` is the root node (it changes when the feed grows), ``/feed/<n>`` page ``n``: a full
page never changes and is sent with ``Cache-Control: immutable`` (LDES server primer §2); the
last page is revalidated (``no-cache``). Every answer has an ``ETag`` (one per representation,
a hash of the body), so ``If-None-Match`` gets a 304. Turtle by default; N-Triples, JSON-LD and
RDF/XML by ``Accept`` or ``format=``.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request
from werkzeug.http import quote_etag

from server.contribute.access import services
from server.contribute.feed import feed_page, feed_root
from server.errors import NotFound
from server.http import negotiation, policy
from server.messages import N_
from server.rdf.formats import serialize_graph
from server.web.context import get_settings, site_url
from server.web.policy import choose

blueprint = Blueprint("feed", __name__)

#: A full page never changes: a year, and ``immutable``.
IMMUTABLE = "public, max-age=31536000, immutable"


def _rdf_answer(graph: object, media_type: str, cache_control: str) -> Response:
    body = serialize_graph(graph, media_type)  # type: ignore[arg-type]
    etag = hashlib.sha256(media_type.encode() + b"\n" + body).hexdigest()[:32]
    if policy.not_modified(request.method, request.headers.get("If-None-Match"), etag):
        response = Response(status=304)
        del response.headers["Content-Type"]
    else:
        response = Response(body, content_type=negotiation.content_type(media_type))
    response.headers["ETag"] = quote_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept")
    return response


@blueprint.get("/feed")
def root() -> Response:
    """The root node: the event stream and the way to page 1."""
    media_type, _ = choose(negotiation.GRAPH)
    return _rdf_answer(feed_root(site_url()), media_type, "no-cache")


@blueprint.get("/feed/<int:number>")
def page(number: int) -> Response:
    """Page ``number``; 404 beyond the last page."""
    media_type, _ = choose(negotiation.GRAPH)
    contributions = services(get_settings()).contributions
    contributions.sync(blocking=False)
    site = site_url()
    download = site + "bijdragen/{code}/{name}/versies/{number}.ttl"
    found = feed_page(site, contributions.history.versions(), number, download)
    if found is None:
        raise NotFound.saying(N_("De stroom heeft geen pagina %(number)s."), number=number)
    return _rdf_answer(found.graph, media_type, IMMUTABLE if found.immutable else "no-cache")
