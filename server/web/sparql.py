"""``/sparql``: the query UI, the service description, and what the query operation hands on.

The queries themselves are answered in front of Flask, by
:class:`server.sparql.operation.QueryOperation` (plain WSGI, for speed): it parses the
request, runs the query and streams the engine's bytes. What it does not answer comes to the
route here through the WSGI environ: an exception (a refused request, a missing store, ...),
raised here so the app's error handlers render it like every other error, or a
:class:`~server.sparql.operation.Description` (no query): the SPARQL 1.1 Service Description
(:mod:`server.sparql.description`), or YASGUI for a browser. ``OPTIONS`` (CORS preflight) is
answered here too.
"""

from __future__ import annotations

from typing import Final

from flask import Blueprint, Response, render_template, request, url_for

from server.canned.running import canned_queries
from server.http import negotiation, policy
from server.http.media_types import HTML
from server.rdf.formats import serialize_graph
from server.rdf.namespaces import query_prefixes
from server.sparql.description import service_description
from server.sparql.operation import ALLOWED_METHODS, HANDOFF, Description
from server.store import Store
from server.web.context import get_settings, get_store
from server.web.policy import answer, choose, representation

blueprint = Blueprint("sparql", __name__)

#: The query a new YASGUI tab starts with (after the PREFIX lines).
DEFAULT_QUERY: Final = """\
SELECT ?project ?titel WHERE {
  ?project a rg:Project ;
           dct:title ?titel .
  FILTER(LANG(?titel) = "nl")
}
ORDER BY ?titel
LIMIT 50"""

#: Serialised service descriptions: (data version, endpoint IRI, media type) → bytes.
_descriptions: dict[tuple[str, str, str], bytes] = {}


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The query UI or service description, or the refusal of a query; see the module's
    docstring for who answers what."""
    if request.method == "OPTIONS":
        requested = request.headers.get("Access-Control-Request-Headers")
        return Response(status=204, headers=policy.preflight(ALLOWED_METHODS, requested))
    handoff = request.environ.get(HANDOFF)
    if isinstance(handoff, Exception):
        raise handoff
    if isinstance(handoff, Description):
        return _description()
    raise RuntimeError("/sparql needs the QueryOperation middleware that create_app installs")


def _description() -> Response:
    """The service description in the negotiated format, or the query UI for browsers, of the
    data version this request sees (not the query layer's look at the store, which may be of
    an older version by now)."""
    media_type, negotiated = choose(negotiation.DESCRIPTION)
    chosen = representation(media_type, negotiation.DESCRIPTION, negotiated=negotiated)
    content_type = negotiation.content_type(media_type)
    if media_type == HTML:
        return answer(chosen, lambda: Response(query_page(), content_type=content_type))
    return answer(
        chosen,
        lambda: Response(
            description_bytes(get_store(), chosen.version, media_type),
            content_type=content_type,
        ),
    )


def query_page() -> str:
    """The HTML query UI: YASGUI on this endpoint, the Regiograaf prefixes preloaded and the
    canned queries (``queries/*.rq``) as one-click examples
    (``server/web/templates/sparql.html``)."""
    settings = get_settings()
    examples = tuple(canned_queries(settings).values())
    prefixes = query_prefixes(settings.base_iri)
    endpoint = url_for("sparql.endpoint")
    ui_config = {
        "endpoint": endpoint,
        "prefixes": prefixes,
        "defaultQuery": DEFAULT_QUERY,
        "tabName": "Vraag",
        "examples": [
            {"name": query.name, "title": query.title_in("nl"), "sparql": query.sparql}
            for query in examples
        ],
    }
    return render_template(
        "sparql.html",
        endpoint=endpoint,
        endpoint_url=url_for("sparql.endpoint", _external=True),
        examples=examples,
        prefixes=prefixes,
        default_query=DEFAULT_QUERY,
        ui_config=ui_config,
    )


def description_bytes(store: Store, version: str, media_type: str) -> bytes:
    """The service description of this endpoint in ``media_type`` (an RDF format), made once
    per data version."""
    endpoint_iri = url_for("sparql.endpoint", _external=True)
    key = (version, endpoint_iri, media_type)
    body = _descriptions.get(key)
    if body is None:
        body = serialize_graph(service_description(store, endpoint_iri), media_type)
        if len(_descriptions) > 32:
            _descriptions.clear()
        _descriptions[key] = body
    return body
