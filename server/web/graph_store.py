"""``/graph-store``: the SPARQL 1.1 Graph Store HTTP Protocol (W3C Recommendation 2013).

Graphs are named indirectly (§4.2): ``?graph=<iri>`` or ``?default`` (exactly one).

- **GET, HEAD** (§5.2, §5.3), public, for every graph: the triples in Turtle (default),
  N-Triples, JSON-LD or RDF/XML; 404 for a graph that does not exist. The default graph is the
  merge of all graphs. A contribution graph is tagged with the SHA-256 of its file (``ETag``,
  one per representation), the tag ``If-Match`` takes; other graphs with the data version.
- **PUT** (replace, §5.4), **POST** (merge, §5.5) and **DELETE** (§5.6) only for contribution
  graphs (``.../graph/data/contributions/<code>/<name>``; another graph is 403, the default
  graph 405), with a Bearer token of the organisation whose folder ``<code>`` is
  (:mod:`server.contribute.access`: 401, 403, 429; 405 when the server has no tokens).
  Bodies are Turtle or N-Triples (415 otherwise), at most ``max_upload`` bytes (413). The write
  is validated exactly as ``regiograaf validate`` validates the file, with all other data as
  context, and applied all or nothing (:mod:`server.contribute.writes`): a syntax error is 400
  and a violation 422, with the validation report as the body (JSON by default; plain text or
  SARIF by ``Accept``); ``If-Match`` / ``If-None-Match`` that do not hold are 412. An accepted
  write answers when the new data is served: 201 (created, with ``Location``) or 200, with
  the graph's new ``ETag`` and a JSON body naming the version.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, url_for
from rdflib import URIRef

from server.contribute.access import services
from server.contribute.graphs import CONTRIBUTIONS, ContributionGraph
from server.contribute.writes import Outcome, Rejected, Writer
from server.errors import Forbidden, InvalidRequest, NotFound, ProtocolError
from server.http import negotiation
from server.http.media_types import JSON
from server.messages import N_
from server.rdf.iris import valid_iri
from server.rdf.namespaces import META_GRAPH, RG
from server.web.bijdragen import body_type, read_body, report_response
from server.web.context import get_settings, get_store
from server.web.policy import answer, choose, representation

blueprint = Blueprint("graph_store", __name__)

PATH = "/graph-store"
READ_ONLY = "GET, HEAD, OPTIONS"
_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_EXISTS = "ASK { GRAPH ?g { ?s ?p ?o } }"
_SHA = f"SELECT ?g ?sha WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{RG}sha256> ?sha }} }}"


def _target() -> str | None:
    """The graph the request names: its IRI, or ``None`` for the default graph (§4.2)."""
    graphs = request.args.getlist("graph")
    default = "default" in request.args
    if len(graphs) + int(default) != 1:
        raise InvalidRequest.saying(N_("Noem precies één graaf: ?graph=<iri> of ?default."))
    if default:
        return None
    iri = graphs[0]
    if not iri.startswith(("https://", "http://", "urn:")) or not valid_iri(iri):
        raise InvalidRequest.saying(N_("Geen absolute IRI: %(iri)s"), iri=repr(iri))
    return iri


@blueprint.route(PATH, methods=["GET", "HEAD"])
def read() -> Response:
    """GET or HEAD of a graph (see the module docstring)."""
    iri = _target()
    store = get_store()
    bindings = {"g": URIRef(iri)} if iri is not None else None
    if iri is not None and not store.query(_EXISTS, bindings=bindings).boolean():
        raise NotFound.saying(N_("Geen graaf met deze naam: <%(iri)s>"), iri=iri)
    media_type, negotiated = choose(negotiation.GRAPH)
    sha = _sha(iri) if iri is not None and iri.startswith(CONTRIBUTIONS) else None
    chosen = representation(
        media_type,
        negotiation.GRAPH,
        negotiated=negotiated,
        version=sha,
        variant=() if sha else (iri or "default",),
    )

    def render() -> Response:
        result = store.query(_GRAPH if iri is not None else _DEFAULT, bindings=bindings)
        body = result.serialize(media_type)
        return Response(body, content_type=negotiation.content_type(media_type))

    response = answer(chosen, render)
    # A graph may change with the next write: a cache must ask again (a 304 is cheap).
    response.headers["Cache-Control"] = "no-cache"
    return response


def _sha(iri: str) -> str | None:
    rows = get_store().query(_SHA, bindings={"g": URIRef(iri)}).rows()
    return str(rows[0]["sha"]) if rows else None


@blueprint.route(PATH, methods=["PUT", "POST", "DELETE"])
def write() -> Response:
    """PUT, POST or DELETE of a contribution graph (see the module docstring)."""
    iri = _target()
    if iri is None:
        read_only = N_("De standaardgraaf is alleen te lezen.")
        refused = ProtocolError(405, read_only, (("Allow", READ_ONLY),))
        refused.translating(read_only)
        raise refused
    settings = get_settings()
    access = services(settings).access
    # Who asks comes first (401 without a token), then what may be written (403).
    token = access.authenticate(request.headers.get("Authorization"), _client())
    graph = ContributionGraph.from_iri(iri)
    if graph is None:
        raise Forbidden.saying(
            N_(
                "Alleen bijdragegrafen (.../graph/data/contributions/<code>/<naam>) zijn te "
                "schrijven: <%(iri)s>"
            ),
            iri=iri,
        )
    access.authorise(token, graph.code)
    body = None
    if request.method != "DELETE":
        body_type()
        body = read_body(settings.max_upload)
    try:
        outcome = services(settings).contributions.write(
            request.method,
            graph,
            body,
            Writer(token.id, token.name, token.organisation),
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
        )
    except Rejected as rejected:
        return report_response(rejected.report, rejected.status)
    return _accepted(graph, outcome)


def _client() -> str:
    """Who is asking, for counting wrong tokens: the address the request came from."""
    return request.remote_addr or "unknown"


def _accepted(graph: ContributionGraph, outcome: Outcome) -> Response:
    """201 or 200 with the version made (or kept, when nothing changed)."""
    version = outcome.version
    body = {
        "graph": graph.iri,
        "changed": outcome.changed,
        "created": outcome.created,
        "version": version.number if version else None,
        "sha256": version.sha256 if version else None,
        "deleted": version.deleted if version else False,
        "data_version": outcome.data_version,
        "history": url_for("bijdragen_history.organisation_history", code=graph.code),
    }
    response = Response(json.dumps(body), 201 if outcome.created else 200, content_type=JSON)
    if version is not None and version.sha256:
        response.headers["ETag"] = f'"{version.sha256}"'
    if outcome.created:
        response.headers["Location"] = url_for("graph_store.read", graph=graph.iri)
    response.headers["Cache-Control"] = "no-store"
    return response
