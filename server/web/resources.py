"""Dereferenceable IRIs (Dutch URI strategy): ``/id`` → 303 → ``/doc``, ``/def``, ``/shapes``.

``/id/<type>/<ref>`` and ``/graph/<path>`` answer 303 See Other to their page under ``/doc/``.
A page is HTML for browsers and Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept``
(:mod:`server.http.negotiation`) or by extension (``.ttl .jsonld .nt .rdf``; ``.html`` for the
page). ``/def/`` documents the ontology and ``/def/<Term>`` each term; ``/shapes/`` likewise for
the SHACL shapes. An IRI that is not the subject of any statement is a 404 page.
The logic is in :mod:`server.linkeddata.describe` and :mod:`server.linkeddata.ontology_docs`.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
)

from server.http import negotiation
from server.linkeddata import ontology_docs
from server.linkeddata.describe import (
    Description,
    describe,
    exists,
    namespace_graph,
    resource_graph,
)
from server.linkeddata.schema_org import schema_org
from server.maps.layers import LAYERS
from server.publish.export import routable
from server.rdf.formats import RDF_FORMATS, serialize_graph, split_extension
from server.rdf.iris import IriMap
from server.settings import Settings
from server.store import Store, StoreError, open_store
from server.web.sparql import error_response, store_unavailable

blueprint = Blueprint("resources", __name__)

#: A page about a resource: HTML first (people), then the RDF formats.
RESOURCE = negotiation.Offer(
    media_types=(negotiation.HTML, *RDF_FORMATS),
    aliases=negotiation.GRAPH.aliases,
    formats={**negotiation.GRAPH.formats, "html": negotiation.HTML},
)
#: The document a hash namespace (``def``, ``shapes``) dereferences to, by source folder.
NAMESPACE_SOURCES = {"def": "ontology", "shapes": "shapes"}
#: The layer of municipality areas (registered by the maps in :mod:`server.maps.layers`).
MUNICIPALITIES_LAYER = "/kaart/gemeenten.geojson"


def settings() -> Settings:
    """The settings of the running app."""
    return current_app.config["REGIOGRAAF"]


def site_url() -> str:
    """The URL of the site, ending in ``/``: ``SITE_URL`` in the app config (the static export
    sets it to where the files will be published), else the URL this request came to."""
    return current_app.config.get("SITE_URL") or request.url_root


def iri_map() -> IriMap:
    """The IRI ↔ page map for the ``base_iri`` setting."""
    return IriMap.for_base(settings().base_iri)


def store() -> Store:
    """The read-only store of this worker."""
    return open_store(settings().store)


def choose(extension_type: str | None) -> str | Response:
    """The media type to answer with: the extension's, else negotiated; or an error response."""
    if extension_type is not None:
        return extension_type
    try:
        chosen = negotiation.negotiate(
            RESOURCE, request.headers.get("Accept"), request.args.getlist("format")
        )
    except negotiation.UnknownFormat as error:
        return error_response(400, f"Unknown format={error}.")
    if chosen is None:
        return error_response(
            406, "Available: " + ", ".join(RESOURCE.media_types) + " (or .ttl .jsonld .nt .rdf)."
        )
    return chosen


def choose_document(stem: str, ext: str | None) -> tuple[str | None, str | Response]:
    """For a document served as ``<stem>`` or ``<stem>.<ext>``: the extension's media type
    (``None`` without one) and the media type to answer with, or an error response (an unknown
    extension is a 404)."""
    extension_type = None
    if ext is not None:
        _, extension_type = split_extension(f"{stem}.{ext}")
        if extension_type is None:
            return None, not_found(request.path)
    return extension_type, choose(extension_type)


def finish(response: Response, version: str | None, negotiated: bool) -> Response:
    """ETag (the data version), conditional GET, and ``Vary: Accept`` when negotiated."""
    if version:
        response.set_etag(version)
    if negotiated:
        response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def not_found(iri: str) -> Response:
    """404: an HTML page naming the IRI for browsers, text or JSON for other clients."""
    message = f"Onbekende IRI (unknown IRI): <{iri}>"
    if negotiation.error_media_type(request.headers.get("Accept")) != negotiation.HTML:
        return error_response(404, message)
    html = render_template("resource_missing.html", iri=iri)
    response = make_response(html, 404)
    response.headers["Cache-Control"] = "no-store"
    return response


def rdf_response(body: bytes, media_type: str, version: str | None, negotiated: bool) -> Response:
    """A 200 with an RDF body."""
    response = Response(body, content_type=negotiation.content_type(media_type))
    return finish(response, version, negotiated)


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, format name) of every machine-readable form of the page at ``path``."""
    base = path + "index" if path.endswith("/") else path
    names = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}
    return [(f"{base}.{ext}", media, names[ext]) for media, (_, ext) in RDF_FORMATS.items()]


def resource_page(path: str, iri: str, extension_type: str | None, **extra: object) -> Response:
    """The page about ``iri`` at ``path`` in the chosen format, or 404."""
    current = store()
    try:
        version = current.data_version()
        if not exists(current, iri):
            return not_found(iri)
        media_type = choose(extension_type)
        if isinstance(media_type, Response):
            return media_type
        if media_type != negotiation.HTML:
            graph = resource_graph(current, iri, iri_map())
            return rdf_response(
                serialize_graph(graph, media_type), media_type, version, extension_type is None
            )
        description = describe(current, iri, iri_map())
    except StoreError as error:
        return store_unavailable(error)
    html = render_page(description, path, **extra)
    return finish(make_response(html), version, extension_type is None)


def render_page(description: Description, path: str, **extra: object) -> str:
    """The HTML page of a resource."""
    page_url = site_url().rstrip("/") + path
    data = schema_org(description, page_url)
    return render_template(
        "resource.html",
        d=description,
        context_layer=context_layer() if description.points else None,
        path=path,
        alternates=alternates(path),
        schema_json=json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        if data
        else None,
        points_json=json.dumps(description.points),
        **extra,
    )


def context_layer() -> str | None:
    """The municipalities' map layer, drawn under the point on a resource's small map, when
    the app serves it (:mod:`server.maps.layers`)."""
    for path, _, _ in LAYERS:
        if path == MUNICIPALITIES_LAYER and routable(current_app, path):
            return path
    return None


# --- /id and /graph: 303 to the page ------------------------------------------------------


@blueprint.get("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """``/id/<type>/<ref>`` → 303 See Other → ``/doc/<type>/<ref>`` (404 when unknown)."""
    return _see_other(iri_map().base + "id/" + rest, "/doc/" + rest)


@blueprint.get("/graph/<path:rest>")
def named_graph(rest: str) -> Response:
    """A named graph (source file) IRI → 303 → ``/doc/graph/<path>``."""
    iri = iri_map().graph_iri(rest)
    return _see_other(iri, "/doc/" + iri[len(iri_map().base) :])


def _see_other(iri: str, target: str) -> Response:
    try:
        if not exists(store(), iri):
            return not_found(iri)
    except StoreError as error:
        return store_unavailable(error)
    response = redirect(target, 303)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The page about ``/id/<rest>`` (or ``/graph/...``), HTML or RDF."""
    stem, extension_type = split_extension(rest)
    return resource_page("/doc/" + stem, iri_map().doc_iri(stem), extension_type)


# --- /def and /shapes: hash namespaces ------------------------------------------------------


@blueprint.get("/def")
@blueprint.get("/shapes")
def namespace_redirect() -> Response:
    """The ontology IRI (``.../def``) and the shapes IRI: 303 to their documentation."""
    return redirect(request.path + "/", 303)


@blueprint.get("/def/")
@blueprint.get("/def/index.<ext>")
@blueprint.get("/shapes/")
@blueprint.get("/shapes/index.<ext>")
def namespace_document(ext: str | None = None) -> Response:
    """The ontology documentation (or the list of shapes), or its Turtle, JSON-LD, ..."""
    namespace = request.path.strip("/").split("/")[0]
    extension_type, media_type = choose_document("index", ext)
    if isinstance(media_type, Response):
        return media_type
    current = store()
    try:
        version = current.data_version()
        if media_type != negotiation.HTML:
            graph = namespace_graph(current, iri_map(), NAMESPACE_SOURCES[namespace])
            return rdf_response(
                serialize_graph(graph, media_type), media_type, version, extension_type is None
            )
        if namespace == "def":
            docs = ontology_docs.document(current, iri_map())
            html = render_template(
                "ontology.html", docs=docs, alternates=alternates("/def/"), path="/def/"
            )
            return finish(make_response(html), version, extension_type is None)
        iri = iri_map().namespace_iri(namespace)
        shapes = ontology_docs.node_shapes(current, iri_map())
        description = describe(current, iri, iri_map())
    except StoreError as error:
        return store_unavailable(error)
    html = render_page(description, "/shapes/", members=shapes)
    return finish(make_response(html), version, extension_type is None)


@blueprint.get("/def/<name>")
@blueprint.get("/shapes/<name>")
def term(name: str) -> Response:
    """A term of the ontology (``rg:<name>``) or a shape: its own page."""
    namespace = request.path.strip("/").split("/")[0]
    stem, extension_type = split_extension(name)
    iri = iri_map().term_iri(namespace, stem)
    return resource_page(f"/{namespace}/{stem}", iri, extension_type)
