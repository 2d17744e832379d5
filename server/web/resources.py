"""Dereferenceable IRIs (Dutch URI strategy): ``/id`` → 303 → ``/doc``, ``/def``, ``/shapes``.

``/id/<type>/<ref>`` and ``/graph/<path>`` answer 303 See Other to their page under ``/doc/``.
A page is HTML for browsers and Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept``
(:mod:`server.http.negotiation`) or by extension (``.ttl .jsonld .nt .rdf``; ``.html`` for the
page; :mod:`server.web.documents`). ``/def/`` documents the ontology and ``/def/<Term>`` each
term; ``/shapes/`` likewise for the SHACL shapes. An IRI that is not the subject of any
statement is a 404 (:class:`~server.errors.UnknownIri`).
The logic is in :mod:`server.linkeddata.describe` and :mod:`server.linkeddata.ontology_docs`.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, make_response, redirect, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from server.errors import UnknownIri
from server.http.media_types import HTML
from server.linkeddata import ontology_docs
from server.linkeddata.describe import (
    Description,
    describe,
    exists,
    namespace_graph,
    resource_graph,
)
from server.linkeddata.schema_org import schema_org
from server.linkeddata.summary import Summary, summarise
from server.rdf.formats import split_extension
from server.scan.compute import current_members
from server.web.context import get_settings, get_store, iri_map, site_url
from server.web.documents import RESOURCE, alternates, choose_document, rdf_response
from server.web.language import language
from server.web.maps import MUNICIPALITIES_LAYER
from server.web.policy import answer, choose, representation

blueprint = Blueprint("resources", __name__)

#: The document a hash namespace (``def``, ``shapes``) dereferences to, by source folder.
NAMESPACE_SOURCES = {"def": "ontology", "shapes": "shapes"}


def resource_page(path: str, iri: str, extension_type: str | None, **extra: object) -> Response:
    """The page about ``iri`` at ``path`` in the chosen format; 404 when the graph says
    nothing about it."""
    store = get_store()
    if not exists(store, iri):
        raise UnknownIri(iri)
    media_type, negotiated = (extension_type, False) if extension_type else choose(RESOURCE)
    chosen = representation(media_type, RESOURCE, negotiated=negotiated)
    if media_type != HTML:
        return answer(
            chosen, lambda: rdf_response(resource_graph(store, iri, iri_map()), media_type)
        )
    return answer(
        chosen,
        lambda: make_response(render_page(describe(store, iri, iri_map()), path, **extra)),
    )


def render_page(description: Description, path: str, **extra: object) -> str:
    """The HTML page of a resource."""
    data = schema_org(description, site_url().rstrip("/") + path)
    summary = summarise(description, get_store())
    _name_unlabelled(summary)
    members = {m.cbs for m in current_members(get_store(), get_settings(), "nl")}
    return render_template(
        "resource.html",
        d=description,
        summary=summary,
        member=summary.cbs in members,
        # The municipalities' map layer is drawn under the point on the page's small map.
        context_layer=MUNICIPALITIES_LAYER if description.points else None,
        path=path,
        alternates=alternates(path),
        schema_json=json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        if data
        else None,
        points_json=json.dumps(description.points),
        **extra,
    )


def _name_unlabelled(summary: Summary) -> None:
    """Give the related things without a label (a membership, an assessment) their name in
    the page's language (:attr:`Summary.named`), so that they read like any other."""
    lang = language()
    for relation in summary.outgoing + summary.incoming:
        for value in relation.values:
            naming = summary.named.get(value.value)
            if naming is None or value.labels:
                continue
            names = naming.names
            name = names.get(lang) or names.get("") or next(iter(names.values()), "")
            value.labels = {lang: gettext(naming.message, name=name, year=naming.year)}


# --- /id and /graph: 303 to the page ------------------------------------------------------


@blueprint.get("/id/<path:rest>")
def identifier(rest: str) -> BaseResponse:
    """``/id/<type>/<ref>`` → 303 See Other → ``/doc/<type>/<ref>`` (404 when unknown)."""
    return _see_other(iri_map().base + "id/" + rest, "/doc/" + rest)


@blueprint.get("/graph/<path:rest>")
def named_graph(rest: str) -> BaseResponse:
    """A named graph (source file) IRI → 303 → ``/doc/graph/<path>``."""
    iri = iri_map().graph_iri(rest)
    return _see_other(iri, "/doc/" + iri[len(iri_map().base) :])


def _see_other(iri: str, target: str) -> BaseResponse:
    if not exists(get_store(), iri):
        raise UnknownIri(iri)
    return redirect(target, 303)


@blueprint.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The page about ``/id/<rest>`` (or ``/graph/...``), HTML or RDF."""
    stem, extension_type = split_extension(rest)
    return resource_page("/doc/" + stem, iri_map().doc_iri(stem), extension_type)


# --- /def and /shapes: hash namespaces ------------------------------------------------------


@blueprint.get("/def")
@blueprint.get("/shapes")
def namespace_redirect() -> BaseResponse:
    """The ontology IRI (``.../def``) and the shapes IRI: 303 to their documentation."""
    return redirect(request.path + "/", 303)


@blueprint.get("/def/")
@blueprint.get("/def/index.<ext>")
@blueprint.get("/shapes/")
@blueprint.get("/shapes/index.<ext>")
def namespace_document(ext: str | None = None) -> Response:
    """The ontology documentation (or the list of shapes), or its Turtle, JSON-LD, ..."""
    namespace = request.path.strip("/").split("/")[0]
    media_type, negotiated = choose_document("index", ext)
    chosen = representation(media_type, RESOURCE, negotiated=negotiated)
    if media_type != HTML:
        source = NAMESPACE_SOURCES[namespace]
        return answer(
            chosen,
            lambda: rdf_response(namespace_graph(get_store(), iri_map(), source), media_type),
        )
    if namespace == "def":
        return answer(chosen, _ontology_page)
    return answer(chosen, _shapes_page)


def _ontology_page() -> Response:
    docs = ontology_docs.document(get_store(), iri_map())
    html = render_template("ontology.html", docs=docs, alternates=alternates("/def/"), path="/def/")
    return make_response(html)


def _shapes_page() -> Response:
    store, base = get_store(), iri_map()
    description = describe(store, base.namespace_iri("shapes"), base)
    shapes = ontology_docs.node_shapes(store, base)
    return make_response(render_page(description, "/shapes/", members=shapes))


@blueprint.get("/def/<name>")
@blueprint.get("/shapes/<name>")
def term(name: str) -> Response:
    """A term of the ontology (``rg:<name>``) or a shape: its own page."""
    namespace = request.path.strip("/").split("/")[0]
    stem, extension_type = split_extension(name)
    iri = iri_map().term_iri(namespace, stem)
    return resource_page(f"/{namespace}/{stem}", iri, extension_type)
