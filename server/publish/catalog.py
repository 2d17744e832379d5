"""The DCAT catalog (DCAT-AP 3.0.1 and DCAT-AP-NL 3.0): catalog, dataset, distributions and
the data services, as an rdflib graph.

The fixed statements (titles, descriptions, themes, licence, access rights, languages,
keywords, the value lists) are Turtle: :data:`TEMPLATE` (``catalog.ttl``), plus
:data:`QUERY_API_TEMPLATE` when the app serves the query API and
:data:`PROJECT_PUBLISHER_TEMPLATE` when no publisher is set. They are parsed with the
``base_iri`` setting as base, so their relative IRIs (``<catalog>``, ``<catalog#sparql>``,
``<id/dataset/regiograaf>``, ``<def>``) follow it. This module adds only what is computed.

IRIs: the catalog is ``<base>catalog``; the dataset is the node the build writes into the meta
graph (``<base>id/dataset/regiograaf``, :data:`server.build.pipeline.DATASET_IRI`), so the
catalog and the graph talk about the same thing; distributions, services, the contact point and
the default publisher are fragments of the catalog document (``<base>catalog#...``), which
dereferences to ``/catalog``. Download and endpoint URLs are on the server (or static site) at
``site_url``.

Publisher and creator: the ``publisher`` setting names a TOOI IRI; when the graph knows an
organisation with that ``rg:tooi``, its name and sources (``dct:source``) are used. Without it
the publisher is the Regiograaf project itself: no government organisation has (verifiably)
published this dataset, and the catalog must not say otherwise. The contact point is the
project's own page (``contact_url``, default the home page of the site) and an e-mail address
only when ``contact_email`` is set; no address of a real organisation is ever made up.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.term import Node

from server.errors import ConfigurationError
from server.http.media_types import GEOJSON
from server.publish.distributions import (
    RFC_7946,
    Distribution,
    add_distribution,
    document,
    dump_distributions,
)
from server.publish.dumps import Dump, available
from server.publish.parts import has_examples
from server.rdf.iris import IriMap, valid_iri
from server.rdf.namespaces import sparql_prefixes
from server.settings import Settings
from server.store import Store

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
PUBLISHER_TYPES = {
    "https://identifier.overheid.nl/tooi/id/gemeente/": "LocalAuthority",
    "https://identifier.overheid.nl/tooi/id/provincie/": "RegionalAuthority",
    "https://identifier.overheid.nl/tooi/id/ministerie/": "NationalAuthority",
}

#: The fixed statements (Turtle next to this module, relative IRIs against the base IRI).
TEMPLATE = "catalog.ttl"
#: The query API service, when the app serves it.
QUERY_API_TEMPLATE = "catalog-query-api.ttl"
#: The map-layer service, when the app serves map layers.
MAP_LAYERS_TEMPLATE = "catalog-map-layers.ttl"
#: The invented examples as a dataset of their own, when the store holds examples.
EXAMPLES_TEMPLATE = "catalog-examples.ttl"
#: The change feed of the contributions (LDES), when the app serves it.
FEED_TEMPLATE = "catalog-feed.ttl"
#: The project as publisher and creator, when the ``publisher`` setting is empty.
PROJECT_PUBLISHER_TEMPLATE = "catalog-publisher.ttl"
#: Where each data service of the templates answers on the live server, by the fragment of
#: its IRI: (endpoint URL, endpoint description).
SERVICE_PATHS = {
    "sparql": ("/sparql", "/sparql"),
    "vragen-api": ("/queries", "/openapi.json"),
    # The project layer is the primary endpoint; its map page explains the layers and filters.
    "kaartlagen": ("/kaart/projecten.geojson", "/kaart/projecten"),
    "wijzigingen": ("/feed", "/feed"),
}

PUBLISHER_BY_TOOI = (
    sparql_prefixes("rg", "skos", "dct")
    + """\
SELECT ?tooi ?org ?name ?source WHERE {
  ?org rg:tooi ?tooi .
  OPTIONAL { ?org skos:prefLabel ?name }
  OPTIONAL { ?org dct:source ?source }
}"""
)
DATASET_FACTS = """\
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?dataset ?version ?when WHERE {
  ?dataset dct:hasVersion ?version ; prov:generatedAtTime ?when .
}"""


class CatalogSettingError(ConfigurationError, ValueError):
    """A catalog setting (publisher, contact point) cannot be used; the message says which."""


@dataclass(frozen=True)
class Layer:
    """A GeoJSON map layer the app serves (:mod:`server.maps.layers`)."""

    path: str
    title_nl: str
    title_en: str


@dataclass(frozen=True)
class Site:
    """Where the catalog's URLs point: the server (or static site) and what it offers."""

    url: str
    layers: Sequence[Layer] = ()
    query_api: bool = False
    #: The live server for what a static copy cannot answer (SPARQL, the query API);
    #: ``None``: the site itself.
    service_url: str | None = None

    def link(self, path: str) -> URIRef:
        """The absolute URL of ``path`` on the site."""
        return URIRef(self.url.rstrip("/") + path)

    def service(self, path: str) -> URIRef:
        """The absolute URL of ``path`` on the live server."""
        return URIRef((self.service_url or self.url).rstrip("/") + path)


def catalog_iri(iri_map: IriMap) -> URIRef:
    """The IRI of the catalog."""
    return URIRef(iri_map.base + "catalog")


def dataset_iri(iri_map: IriMap) -> URIRef:
    """The IRI of the dataset (the same node as in the build's meta graph)."""
    return URIRef(iri_map.base + "id/dataset/regiograaf")


def examples_dataset_iri(iri_map: IriMap) -> URIRef:
    """The IRI of the dataset of the invented examples (:data:`EXAMPLES_TEMPLATE`)."""
    return URIRef(iri_map.base + "id/dataset/regiograaf-voorbeelden")


def add_template(graph: Graph, name: str, base: str) -> Graph:
    """Add the statements of the Turtle template ``name`` (next to this module) to ``graph``,
    its relative IRIs resolved against ``base``, in the order the file writes them (so lists
    of values keep the file's order: Dutch before English); ``graph``."""
    return graph.parse(data=_template_text(name), format="turtle", publicID=base)


def template(name: str, base: str) -> Graph:
    """The statements of the Turtle template ``name`` on their own."""
    return add_template(Graph(), name, base)


@functools.lru_cache(maxsize=8)
def _template_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def licence(iri_map: IriMap) -> URIRef:
    """The licence of the catalog and its dataset (from :data:`TEMPLATE`)."""
    value = _template(TEMPLATE, iri_map.base).value(catalog_iri(iri_map), DCTERMS.license)
    assert isinstance(value, URIRef), f"{TEMPLATE} names no dct:license of the catalog"
    return value


@functools.lru_cache(maxsize=8)
def _template(name: str, base: str) -> Graph:
    """:func:`template`, parsed once per base (not to be changed)."""
    return template(name, base)


def catalog_graph(store: Store, settings: Settings, site: Site, sizes: dict[str, int]) -> Graph:
    """The DCAT catalog of what ``store`` holds, served at ``site``; ``sizes`` are the byte
    sizes of the dumps by file name (``dcat:byteSize``).

    The fixed statements come from :data:`TEMPLATE` (and :data:`QUERY_API_TEMPLATE` when the
    site serves the query API, :data:`MAP_LAYERS_TEMPLATE` when it serves map layers,
    :data:`EXAMPLES_TEMPLATE` when the store holds examples); this adds the publisher, the
    contact point's page, what lives on the site, the dates and version of the data, and the
    distributions (:mod:`server.publish.distributions`)."""
    iri_map = IriMap.for_base(settings.base_iri)
    catalog = catalog_iri(iri_map)
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("adms", ADMS),
        ("skos", SKOS),
    ):
        graph.bind(prefix, namespace)
    examples = has_examples(store)
    for name, wanted in (
        (TEMPLATE, True),
        (QUERY_API_TEMPLATE, site.query_api),
        (FEED_TEMPLATE, site.query_api),
        (MAP_LAYERS_TEMPLATE, bool(site.layers)),
        (EXAMPLES_TEMPLATE, examples),
    ):
        if wanted:
            add_template(graph, name, iri_map.base)
    services = [node for node in graph.objects(catalog, DCAT.service) if isinstance(node, URIRef)]
    datasets = [node for node in graph.objects(catalog, DCAT.dataset) if isinstance(node, URIRef)]
    publisher = _publisher(graph, store, settings, iri_map)
    _contact(graph, settings, site, URIRef(f"{catalog}#contact"))
    for node in (catalog, *datasets, *services):
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCTERMS.creator, publisher))
    facts = store.query(DATASET_FACTS).rows()
    modified = facts[0]["when"] if facts else None
    version = str(facts[0]["version"]) if facts else None
    _on_the_site(graph, iri_map, site, modified, version)
    for node in services:
        _service(graph, node, site, datasets)
    items = _distribution_list(iri_map, site, available(store), examples)
    _distributions(graph, iri_map, items, sizes, modified)
    return graph


def _on_the_site(
    graph: Graph, iri_map: IriMap, site: Site, modified: Node | None, version: str | None
) -> None:
    """The catalog's and the dataset's pages on the site, identifier, date and version."""
    catalog, dataset = catalog_iri(iri_map), dataset_iri(iri_map)
    graph.add((catalog, FOAF.homepage, document(graph, site.link("/"))))
    graph.add((dataset, RDFS.seeAlso, site.link("/.well-known/void")))
    if modified is not None:
        graph.add((catalog, DCTERMS.modified, modified))
    for node in graph.objects(catalog, DCAT.dataset):
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        graph.add((node, DCAT.landingPage, document(graph, site.link("/"))))
        graph.add((node, FOAF.page, document(graph, site.link("/def/"))))
        if version is not None:
            graph.add((node, URIRef(str(DCAT) + "version"), Literal(version[:16])))
        if modified is not None:
            graph.add((node, DCTERMS.modified, modified))


def _service(graph: Graph, node: URIRef, site: Site, datasets: Sequence[URIRef]) -> None:
    """A data service of the templates: its identifier and where it answers (on the live
    server, :data:`SERVICE_PATHS`). Every service answers from the whole store, so it serves
    every dataset: the real data, and the examples when there are any (marked)."""
    for dataset in datasets:
        graph.add((node, DCAT.servesDataset, dataset))
    endpoint_path, description_path = SERVICE_PATHS[str(node).rsplit("#", 1)[-1]]
    endpoint, description = site.service(endpoint_path), site.service(description_path)
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCAT.endpointURL, endpoint))
    graph.add((endpoint, RDF.type, RDFS.Resource))
    graph.add((node, DCAT.endpointDescription, description))
    graph.add((description, RDF.type, RDFS.Resource))
    graph.add((node, DCAT.landingPage, document(graph, endpoint)))
    graph.add((node, FOAF.page, document(graph, description)))


def _distribution_list(
    iri_map: IriMap, site: Site, dumps: Sequence[Dump], examples: bool
) -> Iterator[Distribution]:
    """The dumps the store offers and the map layers the site serves: the layers belong to
    the examples dataset when the store holds examples (they show them, marked)."""
    catalog = catalog_iri(iri_map)
    fragment = f"{catalog}#"
    datasets = (dataset_iri(iri_map), examples_dataset_iri(iri_map))
    yield from dump_distributions(fragment, dumps, site.link, datasets, iri_map.base)
    for layer in site.layers:
        name = layer.path.strip("/").replace("/", "-").replace(".", "-")
        yield Distribution(
            URIRef(fragment + "kaartlaag-" + name),
            site.link(layer.path),
            (layer.title_nl, layer.title_en),
            GEOJSON,
            EU + "file-type/GEOJSON",
            RFC_7946,
            datasets[1] if examples else datasets[0],
            URIRef(fragment + "kaartlagen"),
        )


def _distributions(
    graph: Graph,
    iri_map: IriMap,
    items: Iterator[Distribution],
    sizes: dict[str, int],
    modified: Node | None,
) -> None:
    """Every distribution, with the catalog's licence and languages and the dataset's access
    rights (from :data:`TEMPLATE`)."""
    catalog, dataset = catalog_iri(iri_map), dataset_iri(iri_map)
    shared = [(DCTERMS.license, value) for value in graph.objects(catalog, DCTERMS.license)]
    shared += [
        (DCTERMS.accessRights, value) for value in graph.objects(dataset, DCTERMS.accessRights)
    ]
    shared += [(DCTERMS.language, value) for value in graph.objects(catalog, DCTERMS.language)]
    for item in items:
        add_distribution(graph, item, shared, modified, sizes)


def _publisher(graph: Graph, store: Store, settings: Settings, iri_map: IriMap) -> URIRef:
    """The publisher (also the creator): the organisation of the ``publisher`` setting, or the
    Regiograaf project itself (:data:`PROJECT_PUBLISHER_TEMPLATE`)."""
    if not settings.publisher:
        add_template(graph, PROJECT_PUBLISHER_TEMPLATE, iri_map.base)
        return URIRef(f"{catalog_iri(iri_map)}#regiograaf")
    if not settings.publisher.startswith(("https://", "http://")) or not valid_iri(
        settings.publisher
    ):
        raise CatalogSettingError(
            f"REGIOGRAAF_PUBLISHER must be an http(s) IRI (a TOOI IRI), not {settings.publisher!r}"
        )
    rows = [
        row
        for row in store.query(PUBLISHER_BY_TOOI).rows()
        if str(row["tooi"]) == settings.publisher
    ]
    node = URIRef(settings.publisher)
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    names = {row["name"] for row in rows if "name" in row} or {Literal(settings.publisher)}
    for name in names:
        graph.add((node, FOAF.name, name))
    for row in rows:
        graph.add((node, RDFS.seeAlso, row["org"]))
        if "source" in row:
            graph.add((node, DCTERMS.source, row["source"]))
    for prefix, kind in PUBLISHER_TYPES.items():
        if settings.publisher.startswith(prefix):
            publisher_type = URIRef(f"http://purl.org/adms/publishertype/{kind}")
            graph.add((node, DCTERMS.type, publisher_type))
            graph.add((publisher_type, RDF.type, SKOS.Concept))
            graph.add((publisher_type, SKOS.prefLabel, Literal(kind, lang="en")))
    return node


def _contact(graph: Graph, settings: Settings, site: Site, node: URIRef) -> None:
    """The contact point's page (the ``contact_url`` setting, else the site's home page) and
    an e-mail address only when ``contact_email`` is set."""
    url_ok = not settings.contact_url or (
        settings.contact_url.startswith(("https://", "http://")) and valid_iri(settings.contact_url)
    )
    if not url_ok:
        raise CatalogSettingError(
            f"REGIOGRAAF_CONTACT_URL is not a web page: {settings.contact_url!r}"
        )
    email_ok = not settings.contact_email or re.fullmatch(
        r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", settings.contact_email
    )
    if not email_ok:
        raise CatalogSettingError(
            f"REGIOGRAAF_CONTACT_EMAIL is not an e-mail address: {settings.contact_email!r}"
        )
    url = URIRef(settings.contact_url) if settings.contact_url else site.link("/")
    graph.add((node, VCARD.hasURL, url))
    if settings.contact_email:
        graph.add((node, VCARD.hasEmail, URIRef("mailto:" + settings.contact_email)))


__all__ = [
    "CatalogSettingError",
    "Dump",
    "Layer",
    "Site",
    "catalog_graph",
    "catalog_iri",
    "dataset_iri",
    "examples_dataset_iri",
    "licence",
]
