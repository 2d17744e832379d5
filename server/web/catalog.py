"""``/catalog`` (DCAT), ``/dumps/<file>``, ``/.well-known/void`` (VoID) and ``/sitemap.xml``.

The catalog and VoID are RDF (Turtle, JSON-LD, N-Triples, RDF/XML by ``Accept`` or extension);
the catalog is also an HTML page (:mod:`server.web.catalog_view`). Their URLs point at the host
that was asked (the static export asks with the site's URL). The logic is in
:mod:`server.publish.catalog`, :mod:`server.publish.void` and :mod:`server.publish.dumps`.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

from server.errors import NotFound
from server.http import negotiation
from server.http.media_types import HTML, XML
from server.maps.layers import LAYERS
from server.messages import N_
from server.publish import dumps
from server.publish.catalog import Layer, Site, catalog_graph
from server.publish.donl import donl_graph
from server.publish.void import void_graph
from server.rdf.formats import RDF_FORMATS
from server.rdf.iris import bind_prefixes
from server.web.catalog_view import catalog_view
from server.web.context import get_settings, get_store, iri_map, service_url, site_url
from server.web.documents import RESOURCE, alternates, choose_document, rdf_response
from server.web.policy import answer, representation

blueprint = Blueprint("catalog", __name__)

#: VoID is RDF only (Turtle first).
VOID_OFFER = negotiation.Offer(
    media_types=tuple(RDF_FORMATS),
    aliases=negotiation.GRAPH.aliases,
    formats=negotiation.GRAPH.formats,
)
#: Pages listed in the sitemap besides every resource.
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


def site() -> Site:
    """The site as seen by this request: its URL, the map layers, the query API."""
    return Site(site_url(), [Layer(*entry) for entry in LAYERS], True, service_url())


def dump_sizes(version: str) -> dict[str, int]:
    """Byte size of every dump (made, and cached, for the data version)."""
    store, base = get_store(), iri_map()
    return {
        dump.name: len(dumps.content(store, base, dump, version)) for dump in dumps.available(store)
    }


@blueprint.get("/catalog")
@blueprint.get("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    """The DCAT catalog as HTML, Turtle, JSON-LD, N-Triples or RDF/XML."""
    media_type, negotiated = choose_document("catalog", ext)
    chosen = representation(media_type, RESOURCE, negotiated=negotiated)
    return answer(chosen, lambda: _catalog(chosen.version, media_type))


def _catalog(version: str, media_type: str) -> Response:
    graph = catalog_graph(get_store(), get_settings(), site(), dump_sizes(version))
    bind_prefixes(graph, iri_map().base)
    if media_type != HTML:
        return rdf_response(graph, media_type)
    html = render_template(
        "catalog.html",
        view=catalog_view(graph, iri_map(), site_url()),
        alternates=alternates("/catalog"),
        # Only with a publisher that data.overheid.nl knows (else /catalog/donl is a 503).
        donl=alternates(DONL_PATH) if get_settings().publisher else [],
        void_url="/.well-known/void",
    )
    return make_response(html)


#: The DCAT-AP-DONL rendering of the catalog (for data.overheid.nl): RDF only.
DONL_PATH = "/catalog/donl"


@blueprint.get(DONL_PATH)
@blueprint.get(DONL_PATH + ".<ext>")
def donl(ext: str | None = None) -> Response:
    """The catalog in DCAT-AP-DONL (Turtle, JSON-LD, N-Triples or RDF/XML), the real dataset
    only; 503 naming the setting when no registered publisher is set."""
    media_type, negotiated = choose_document("donl", ext, VOID_OFFER)
    chosen = representation(media_type, VOID_OFFER, negotiated=negotiated)

    def render() -> Response:
        catalog = catalog_graph(get_store(), get_settings(), site(), dump_sizes(chosen.version))
        graph = donl_graph(catalog, get_store(), get_settings())
        bind_prefixes(graph, iri_map().base)
        return rdf_response(graph, media_type)

    return answer(chosen, render)


@blueprint.get("/dumps/")
def dumps_index() -> Response:
    """The downloads as a page for people: what each file holds, its format and size."""
    chosen = representation(HTML)

    def render() -> Response:
        sizes = dump_sizes(chosen.version)
        files = [(dump, sizes.get(dump.name, 0)) for dump in dumps.available(get_store())]
        return make_response(render_template("dumps.html", files=files))

    return answer(chosen, render)


@blueprint.get("/dumps/<name>")
def dump(name: str) -> Response:
    """One of the files the catalog lists; 404 for any other name."""
    entry = dumps.BY_NAME.get(name)
    if entry is None or entry not in dumps.available(get_store()):
        raise NotFound.saying(N_("Geen download met de naam %(name)s."), name=repr(name))
    chosen = representation(entry.content_type)

    def render() -> Response:
        body = dumps.content(get_store(), iri_map(), entry, chosen.version)
        response = Response(body, content_type=entry.content_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return answer(chosen, render)


@blueprint.get("/.well-known/void")
@blueprint.get("/.well-known/void.<ext>")
def void(ext: str | None = None) -> Response:
    """The VoID description with statistics (Turtle by default)."""
    media_type, negotiated = choose_document("void", ext, VOID_OFFER)
    chosen = representation(media_type, VOID_OFFER, negotiated=negotiated)

    def render() -> Response:
        graph = void_graph(get_store(), iri_map(), site())
        bind_prefixes(graph, iri_map().base)
        return rdf_response(graph, media_type)

    return answer(chosen, render)


@blueprint.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page: the fixed pages the app serves and the page of every resource."""
    return answer(representation(XML), _sitemap)


def _sitemap() -> Response:
    base = iri_map()
    paths = list(SITEMAP_PAGES)
    seen = set(paths)
    for row in get_store().query(SUBJECTS).rows():
        page = base.page(str(row["s"]))
        if page and "#" not in page and page not in seen:
            seen.add(page)
            paths.append(page)
    root = site_url().rstrip("/")
    xml = render_template("sitemap.xml", urls=[root + path for path in paths])
    return Response(xml, content_type=negotiation.content_type(XML))
