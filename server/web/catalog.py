"""``/catalog`` (DCAT), ``/dumps/<file>``, ``/.well-known/void`` (VoID) and ``/sitemap.xml``.

The catalog and VoID are RDF (Turtle, JSON-LD, N-Triples, RDF/XML by ``Accept`` or extension);
the catalog is also an HTML page. Their URLs point at the host that was asked (the static
export asks with the site's URL). The logic is in :mod:`server.publish.catalog`,
:mod:`server.publish.void`
and :mod:`server.publish.dumps`.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, make_response, render_template, request
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from server.http import negotiation
from server.maps.layers import LAYERS
from server.publish import dumps
from server.publish.catalog import (
    VCARD,
    CatalogSettingError,
    Layer,
    Site,
    catalog_graph,
    catalog_iri,
    dataset_iri,
)
from server.publish.export import routable as export_routable
from server.publish.void import void_graph
from server.rdf.formats import RDF_FORMATS, serialize_graph, split_extension
from server.rdf.iris import bind_prefixes
from server.store import StoreError
from server.web.resources import (
    alternates,
    choose_document,
    finish,
    iri_map,
    not_found,
    settings,
    site_url,
    store,
)
from server.web.sparql import error_response, store_unavailable

blueprint = Blueprint("catalog", __name__)

#: VoID is RDF only (Turtle first).
VOID_OFFER = negotiation.Offer(
    media_types=tuple(RDF_FORMATS),
    aliases=negotiation.GRAPH.aliases,
    formats=negotiation.GRAPH.formats,
)
#: Pages listed in the sitemap besides every resource (only those the app routes).
SITEMAP_PAGES = (
    "/",
    "/catalog",
    "/def/",
    "/shapes/",
    "/kaart/projecten",
    "/kaart/samenwerking",
    "/waardeketen",
    "/queries",
    "/sparql",
)
SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s"


def routable(path: str) -> bool:
    """Whether this app answers GET ``path`` with a route (not a 404 or 405)."""
    return export_routable(current_app, path)


def site() -> Site:
    """The site as seen by this request: its URL, the map layers served, the query API."""
    layers = [Layer(*entry) for entry in LAYERS if routable(entry[0])]
    query_api = routable("/queries") and routable("/openapi.json")
    return Site(site_url(), layers, query_api, current_app.config.get("SERVICE_URL"))


def dump_sizes(version: str) -> dict[str, int]:
    """Byte size of every dump (made, and cached, for the data version)."""
    return {
        dump.name: len(dumps.content(store(), iri_map(), dump, version)) for dump in dumps.DUMPS
    }


@blueprint.get("/catalog")
@blueprint.get("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    """The DCAT catalog as HTML, Turtle, JSON-LD, N-Triples or RDF/XML."""
    extension_type, media_type = choose_document("catalog", ext)
    if isinstance(media_type, Response):
        return media_type
    current = store()
    try:
        version = current.data_version() or ""
        graph = catalog_graph(current, settings(), site(), dump_sizes(version))
    except StoreError as error:
        return store_unavailable(error)
    except CatalogSettingError as error:
        current_app.logger.error("The catalog cannot be made: %s", error)
        return error_response(503, f"The catalog is not configured correctly: {error}")
    bind_prefixes(graph, iri_map().base)
    if media_type != negotiation.HTML:
        response = Response(
            serialize_graph(graph, media_type),
            content_type=negotiation.content_type(media_type),
        )
        return finish(response, version, extension_type is None)
    html = render_template(
        "catalog.html",
        view=catalog_view(graph),
        alternates=alternates("/catalog"),
        void_url="/.well-known/void",
    )
    return finish(make_response(html), version, extension_type is None)


def catalog_view(graph: Graph) -> dict[str, object]:
    """What the catalog page shows, read back from the catalog graph."""
    base = iri_map()
    dataset = dataset_iri(base)

    def text(node: object, predicate: object, language: str) -> str:
        for value in graph.objects(node, predicate):
            if getattr(value, "language", None) == language:
                return str(value)
        return ""

    def pair(node: object, predicate: object) -> dict[str, str]:
        return {"nl": text(node, predicate, "nl"), "en": text(node, predicate, "en")}

    publisher = graph.value(dataset, DCTERMS.publisher)
    contact = graph.value(dataset, DCAT.contactPoint)
    distributions = []
    for node in sorted(graph.objects(dataset, DCAT.distribution), key=str):
        url = str(graph.value(node, DCAT.downloadURL))
        media = str(graph.value(node, DCAT.mediaType)).rsplit("media-types/", 1)[-1]
        size = graph.value(node, DCAT.byteSize)
        distributions.append(
            {
                "title": pair(node, DCTERMS.title),
                "href": url.replace(site_url().rstrip("/"), "", 1),
                "media": media,
                "size": int(size) if size is not None else None,
            }
        )
    services = []
    for node in sorted(graph.objects(catalog_iri(base), DCAT.service), key=str):
        services.append(
            {
                "title": pair(node, DCTERMS.title),
                "description": pair(node, DCTERMS.description),
                "endpoint": str(graph.value(node, DCAT.endpointURL)).replace(
                    site_url().rstrip("/"), "", 1
                ),
                "description_url": str(graph.value(node, DCAT.endpointDescription)).replace(
                    site_url().rstrip("/"), "", 1
                ),
            }
        )
    return {
        "catalog": pair(catalog_iri(base), DCTERMS.title),
        "dataset_iri": str(dataset),
        "dataset_href": base.page(str(dataset)),
        "title": pair(dataset, DCTERMS.title),
        "description": pair(dataset, DCTERMS.description),
        "publisher": str(publisher),
        "publisher_names": [str(n) for n in graph.objects(publisher, FOAF.name)],
        "licence": str(graph.value(catalog_iri(base), DCTERMS.license)),
        "themes": [
            {"iri": str(theme), **pair(theme, SKOS.prefLabel)}
            for theme in sorted(graph.objects(dataset, DCAT.theme), key=str)
        ],
        "contact_url": str(graph.value(contact, VCARD.hasURL)),
        "distributions": distributions,
        "services": services,
    }


@blueprint.get("/dumps/<name>")
def dump(name: str) -> Response:
    """One of the files the catalog lists; 404 for any other name."""
    entry = dumps.BY_NAME.get(name)
    if entry is None:
        return error_response(404, f"No dump named {name!r}.")
    current = store()
    try:
        version = current.data_version() or ""
        body = dumps.content(current, iri_map(), entry, version)
    except StoreError as error:
        return store_unavailable(error)
    response = Response(body, content_type=entry.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return finish(response, version, False)


@blueprint.get("/.well-known/void")
@blueprint.get("/.well-known/void.<ext>")
def void(ext: str | None = None) -> Response:
    """The VoID description with statistics (Turtle by default)."""
    extension_type = None
    if ext is not None:
        _, extension_type = split_extension("void." + ext)
        if extension_type is None or extension_type == negotiation.HTML:
            return not_found(request.path)
    if extension_type is None:
        try:
            extension_type = negotiation.negotiate(
                VOID_OFFER, request.headers.get("Accept"), request.args.getlist("format")
            )
        except negotiation.UnknownFormat as error:
            return error_response(400, f"Unknown format={error}.")
        if extension_type is None:
            return error_response(406, "Available: " + ", ".join(VOID_OFFER.media_types) + ".")
        negotiated = True
    else:
        negotiated = False
    current = store()
    try:
        version = current.data_version() or ""
        graph = void_graph(current, iri_map(), site())
    except StoreError as error:
        return store_unavailable(error)
    bind_prefixes(graph, iri_map().base)
    response = Response(
        serialize_graph(graph, extension_type),
        content_type=negotiation.content_type(extension_type),
    )
    return finish(response, version, negotiated)


@blueprint.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page: the fixed pages the app serves and the page of every resource."""
    current = store()
    base = iri_map()
    try:
        version = current.data_version() or ""
        subjects = [str(row["s"]) for row in current.query(SUBJECTS).rows()]
    except StoreError as error:
        return store_unavailable(error)
    paths = [path for path in SITEMAP_PAGES if routable(path)]
    seen = set(paths)
    for iri in subjects:
        page = base.page(iri)
        if page and "#" not in page and page not in seen:
            seen.add(page)
            paths.append(page)
    root = site_url().rstrip("/")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(root + path)}</loc></url>" for path in paths]
    lines.append("</urlset>")
    response = Response("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")
    return finish(response, version, False)
