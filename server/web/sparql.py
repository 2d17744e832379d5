"""``/sparql``: the query UI, the service description, and the errors of the query operation.

The queries themselves are answered in front of Flask, by
:class:`server.sparql.operation.QueryOperation` (plain WSGI, for speed): it parses the
request, runs the query and streams the engine's bytes. What it does not answer comes to the
route here through the WSGI environ: a :class:`~server.sparql.operation.Refusal`, rendered
by :func:`error_response` as HTML, JSON or plain text like every other error of the app, or a
:class:`~server.sparql.operation.Description` (no query): the SPARQL 1.1 Service
Description, or YASGUI for a browser. ``OPTIONS`` (CORS preflight) is answered here too.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Final
from urllib.parse import urljoin

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    render_template_string,
    request,
    url_for,
)
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from server.canned.headers import load_canned_queries
from server.canned.query import CannedQuery
from server.http import negotiation
from server.rdf.namespaces import query_prefixes
from server.settings import Settings
from server.sparql.operation import (
    ALLOWED_METHODS,
    HANDOFF,
    SHARED_HEADERS,
    Description,
    Refusal,
    cache_headers,
    not_acceptable,
    store_refusal,
)
from server.store import Store, StoreError

blueprint = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


#: The W3C format IRIs (http://www.w3.org/ns/formats/) of what the endpoint can return.
RESULT_FORMAT_IRIS: Final = (
    FORMATS.SPARQL_Results_JSON,
    FORMATS.SPARQL_Results_XML,
    FORMATS.SPARQL_Results_CSV,
    FORMATS.SPARQL_Results_TSV,
    FORMATS.Turtle,
    FORMATS["N-Triples"],
    FORMATS["JSON-LD"],
    FORMATS.RDF_XML,
)

#: rdflib serialiser names for the service description's media types.
_RDFLIB_FORMATS: Final = {
    negotiation.TURTLE: "turtle",
    negotiation.N_TRIPLES: "nt",
    negotiation.JSON_LD: "json-ld",
    negotiation.RDF_XML: "xml",
}


# --- helpers --------------------------------------------------------------------------------


def _settings() -> Settings:
    return current_app.config["REGIOGRAAF"]


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as plain text, HTML or JSON, as the client's ``Accept`` prefers."""
    media_type = negotiation.error_media_type(request.headers.get("Accept"))
    if media_type == negotiation.JSON:
        body = json.dumps({"error": {"status": status, "message": message}})
    elif media_type == negotiation.HTML:
        body = render_template_string(
            _ERROR_PAGE, status=status, message=message, endpoint=url_for("sparql.endpoint")
        )
    else:
        body = message + "\n"
    response = Response(body, status, content_type=negotiation.content_type(media_type))
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _refused(refusal: Refusal) -> Response:
    return error_response(refusal.status, refusal.message, dict(refusal.headers))


def store_unavailable(error: StoreError) -> Response:
    """503 for a store that is missing or cannot be read. The details (which may name paths
    on the server) go to the log, not to the client."""
    return _refused(store_refusal(error, current_app.logger))


def _cacheable(response: Response, version: str) -> Response:
    response.headers.extend(cache_headers(version))
    return response


@blueprint.after_request
def _shared_headers(response: Response) -> Response:
    """CORS (any origin may query) and ``Vary: Accept`` on every ``/sparql`` response Flask
    sends (:class:`~server.sparql.operation.QueryOperation` adds them to its own)."""
    for name, value in SHARED_HEADERS:
        if name == "Vary" and "Vary" in response.headers:
            response.vary.add(value)
        else:
            response.headers[name] = value
    return response


# --- the route ------------------------------------------------------------------------------


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The query UI or service description, or the refusal of a query; see the module's
    docstring for who answers what."""
    if request.method == "OPTIONS":
        return _preflight()
    handoff = request.environ.get(HANDOFF)
    if isinstance(handoff, Refusal):
        return _refused(handoff)
    if isinstance(handoff, Description):
        return _description(handoff.store, handoff.version, handoff.formats)
    raise RuntimeError("/sparql needs the QueryOperation middleware that create_app installs")


def _preflight() -> Response:
    """Answer a CORS preflight (and a plain OPTIONS) request."""
    response = Response(status=204)
    response.headers["Allow"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type, If-None-Match"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


# --- the query UI for browsers -------------------------------------------------------------

#: The query a new YASGUI tab starts with (after the PREFIX lines).
DEFAULT_QUERY: Final = """\
SELECT ?project ?titel WHERE {
  ?project a rg:Project ;
           dct:title ?titel .
  FILTER(LANG(?titel) = "nl")
}
ORDER BY ?titel
LIMIT 50"""


@functools.lru_cache(maxsize=4)
def _canned(folder: Path) -> tuple[CannedQuery, ...]:
    """The canned queries of ``folder``, parsed once per process."""
    return load_canned_queries(folder)


def query_page() -> str:
    """The HTML query UI: YASGUI on this endpoint, the Regiograaf prefixes preloaded and the
    canned queries (``queries/*.rq``) as one-click examples
    (``server/web/templates/sparql.html``)."""
    settings = _settings()
    examples = _canned(settings.root / "queries")
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


# --- service description --------------------------------------------------------------------

#: Serialised service descriptions: (data version, endpoint IRI, media type) → bytes.
_descriptions: dict[tuple[str, str, str], bytes] = {}


def service_description(store: Store, endpoint_iri: str) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint (SPARQL 1.1 Service Description §3):
    what it runs, what it returns, and its default dataset with every named graph and its
    number of triples (VoID)."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_iri)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    # The default graph is the union of all named graphs (§3.3 sd:UnionDefaultGraph).
    # SERVICE is refused, so sd:BasicFederatedQuery is deliberately not listed.
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, iri))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    # The VoID description (statistics, dumps, catalog) of the same data.
    graph.add((dataset, RDFS.seeAlso, URIRef(urljoin(endpoint_iri, "/.well-known/void"))))
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    for index, name in enumerate(store.named_graphs()):
        named, described = BNode(f"named-{index}"), BNode(f"graph-{index}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(store.count(name), datatype=XSD.integer)))
    return graph


def _description(store: Store, version: str, formats: tuple[str, ...]) -> Response:
    """The service description in the negotiated format, or the query form for browsers."""
    try:
        media_type = negotiation.negotiate(
            negotiation.DESCRIPTION, request.headers.get("Accept"), formats
        )
    except negotiation.UnknownFormat as error:
        return error_response(400, f"Unknown format={error}.")
    if media_type is None:
        return _refused(not_acceptable(negotiation.DESCRIPTION))
    if media_type == negotiation.HTML:
        response = Response(query_page(), content_type=negotiation.content_type(media_type))
        return _cacheable(response, version)
    endpoint_iri = url_for("sparql.endpoint", _external=True)
    key = (version, endpoint_iri, media_type)
    body = _descriptions.get(key)
    if body is None:
        try:
            graph = service_description(store, endpoint_iri)
        except StoreError as error:
            return store_unavailable(error)
        body = graph.serialize(format=_RDFLIB_FORMATS[media_type], encoding="utf-8")
        if len(_descriptions) > 32:
            _descriptions.clear()
        _descriptions[key] = body
    return _cacheable(Response(body, content_type=negotiation.content_type(media_type)), version)


_ERROR_PAGE = """\
{% extends "base.html" %}
{% block title %}Fout {{ status }} — SPARQL — Regiograaf{% endblock %}
{% block content %}
<h1>Fout <span class="en" lang="en">(error)</span> {{ status }}</h1>
<pre>{{ message }}</pre>
<p><a href="{{ endpoint }}">Terug naar het SPARQL-formulier
  <span class="en" lang="en">(back to the SPARQL form)</span></a></p>
{% endblock %}
"""
