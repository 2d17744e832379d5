"""The DCAT catalog (DCAT-AP 3.0.1 and DCAT-AP-NL 3.0): catalog, dataset, distributions and
the data services, as an rdflib graph.

IRIs: the catalog is ``<base>catalog``; the dataset is the node the build writes into the meta
graph (``<base>id/dataset/regiograaf``, :data:`server.build.pipeline.DATASET_IRI`), so the
catalog and
the graph talk about the same thing; distributions, services, the contact point and the default
publisher are fragments of the catalog document (``<base>catalog#...``), which dereferences to
``/catalog``. Download and endpoint URLs are on the server (or static site) at ``site_url``.

Value lists (as DCAT-AP-NL prescribes): licence CC BY 4.0 from the DONL licence list
(``http://creativecommons.org/licenses/by/4.0/deed.nl``; the ontology is published under CC BY
4.0), EU data themes, EU access rights (``PUBLIC``), EU file types, IANA media types, EU
languages and frequencies.

Publisher and creator: the ``publisher`` setting names a TOOI IRI; when the graph knows an
organisation with that ``rg:tooi``, its name and sources (``dct:source``) are used. Without it
the publisher is the Regiograaf project itself: no government organisation has (verifiably)
published this dataset, and the catalog must not say otherwise. The contact point is the
project's own page (``contact_url``, default the home page of the site) and an e-mail address
only when ``contact_email`` is set; no address of a real organisation is ever made up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from server.errors import ConfigurationError
from server.publish.dumps import DUMPS, IANA, Dump
from server.rdf.iris import IriMap, valid_iri
from server.settings import Settings
from server.store import Store

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LICENSE = URIRef("http://creativecommons.org/licenses/by/4.0/deed.nl")
ACCESS_PUBLIC = URIRef(EU + "access-right/PUBLIC")
#: EU data themes with their labels (publications.europa.eu, authority table data-theme).
THEMES: dict[URIRef, tuple[str, str]] = {
    URIRef(EU + "data-theme/GOVE"): ("Overheid en publieke sector", "Government and public sector"),
    URIRef(EU + "data-theme/REGI"): ("Regio's en steden", "Regions and cities"),
    URIRef(EU + "data-theme/TECH"): ("Wetenschap en technologie", "Science and technology"),
}
THEME_SCHEME = URIRef(EU + "data-theme")
LANGUAGES = (URIRef(EU + "language/NLD"), URIRef(EU + "language/ENG"))
FREQUENCY = URIRef(EU + "frequency/IRREG")
PUBLISHER_TYPES = {
    "https://identifier.overheid.nl/tooi/id/gemeente/": "LocalAuthority",
    "https://identifier.overheid.nl/tooi/id/provincie/": "RegionalAuthority",
    "https://identifier.overheid.nl/tooi/id/ministerie/": "NationalAuthority",
}
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
RFC_4180 = "https://www.rfc-editor.org/rfc/rfc4180"
RFC_7946 = "https://www.rfc-editor.org/rfc/rfc7946"
OPENAPI = URIRef("https://spec.openapis.org/oas/v3.1.0")

PUBLISHER_BY_TOOI = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?tooi ?org ?name ?source WHERE {
  ?org rg:tooi ?tooi .
  OPTIONAL { ?org skos:prefLabel ?name }
  OPTIONAL { ?org dct:source ?source }
}"""
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


def catalog_graph(store: Store, settings: Settings, site: Site, sizes: dict[str, int]) -> Graph:
    """The DCAT catalog of what ``store`` holds, served at ``site``; ``sizes`` are the byte
    sizes of the dumps by file name (``dcat:byteSize``)."""
    iri_map = IriMap.for_base(settings.base_iri)
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
    catalog = catalog_iri(iri_map)
    dataset = dataset_iri(iri_map)
    fragment = f"{catalog}#"
    publisher = _publisher(graph, store, settings, URIRef(fragment + "regiograaf"))
    contact = _contact(graph, settings, site, URIRef(fragment + "contact"))
    _value_lists(graph)
    facts = store.query(DATASET_FACTS).rows()
    modified = facts[0]["when"] if facts else None
    version = str(facts[0]["version"]) if facts else None

    # --- the catalog (DCAT-AP 3.0.1 §Catalogue) ---
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, "Regiograaf-catalogus", "Regiograaf catalogue")
    _texts(
        graph,
        catalog,
        DCTERMS.description,
        "Catalogus van Regiograaf, de kennisgraaf van de digitale strategie van de "
        "Metropoolregio Rotterdam Den Haag: de dataset, de downloads en de diensten.",
        "Catalogue of Regiograaf, the knowledge graph of the digital strategy of the "
        "Rotterdam The Hague Metropolitan Area: the dataset, the downloads and the services.",
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.creator, publisher))
    graph.add((catalog, DCAT.contactPoint, contact))
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, FOAF.homepage, _document(graph, site.link("/"))))
    graph.add((catalog, DCAT.themeTaxonomy, THEME_SCHEME))
    graph.add((catalog, DCTERMS.license, LICENSE))
    for language in LANGUAGES:
        graph.add((catalog, DCTERMS.language, language))
    if modified is not None:
        graph.add((catalog, DCTERMS.modified, modified))

    # --- the dataset ---
    graph.add((dataset, RDF.type, DCAT.Dataset))
    _texts(
        graph,
        dataset,
        DCTERMS.title,
        "Regiograaf: digitale strategie van de MRDH",
        "Regiograaf: digital strategy of the MRDH",
    )
    _texts(
        graph,
        dataset,
        DCTERMS.description,
        "Kennisgraaf met de gemeenten, de regio en de provincie, hun doelen op elk niveau, "
        "digitaliseringsprojecten, de waardeketen van digitalisering, maatschappelijke "
        "opgaven, bouwstenen en handelingsperspectieven. Voorbeeldprojecten en -doelen zijn "
        "verzonnen en gemarkeerd met rg:isExample.",
        "Knowledge graph of the municipalities, the region and the province, their goals at "
        "every level, digitalisation projects, the value chain of digitalisation, societal "
        "challenges, building blocks and action perspectives. Example projects and goals are "
        "invented and marked rg:isExample.",
    )
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    graph.add((dataset, DCTERMS.accessRights, ACCESS_PUBLIC))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.creator, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    for theme in THEMES:
        graph.add((dataset, DCAT.theme, theme))
    for language in LANGUAGES:
        graph.add((dataset, DCTERMS.language, language))
    for nl, en in (
        ("digitale strategie", "digital strategy"),
        ("digitalisering", "digitalisation"),
        ("gemeenten", "municipalities"),
        ("linked data", "linked data"),
    ):
        graph.add((dataset, DCAT.keyword, Literal(nl, lang="nl")))
        graph.add((dataset, DCAT.keyword, Literal(en, lang="en")))
    graph.add((dataset, DCAT.landingPage, _document(graph, site.link("/"))))
    graph.add((dataset, FOAF.page, _document(graph, site.link("/def/"))))
    graph.add((dataset, RDFS.seeAlso, site.link("/.well-known/void")))
    graph.add((dataset, DCTERMS.conformsTo, _standard(graph, URIRef(iri_map.base + "def"))))
    graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY))
    if version is not None:
        graph.add((dataset, URIRef(str(DCAT) + "version"), Literal(version[:16])))
    if modified is not None:
        graph.add((dataset, DCTERMS.modified, modified))

    # --- distributions: the dumps and the map layers ---
    for dump in DUMPS:
        node = URIRef(fragment + "download-" + dump.name.replace(".", "-"))
        standard = RFC_4180 if dump.media_type == "text/csv" else iri_map.base + "def"
        _distribution(
            graph,
            dataset,
            node,
            site.link("/dumps/" + dump.name),
            (dump.title_nl, dump.title_en),
            (dump.media_type, dump.file_type, standard),
            modified,
        )
        if dump.compressed:
            graph.add((node, DCAT.compressFormat, _media_type(graph, "application/gzip")))
        if dump.name in sizes:
            graph.add(
                (node, DCAT.byteSize, Literal(sizes[dump.name], datatype=XSD.nonNegativeInteger))
            )
    for layer in site.layers:
        name = layer.path.strip("/").replace("/", "-").replace(".", "-")
        node = URIRef(fragment + "kaartlaag-" + name)
        _distribution(
            graph,
            dataset,
            node,
            site.link(layer.path),
            (layer.title_nl, layer.title_en),
            ("application/geo+json", EU + "file-type/GEOJSON", RFC_7946),
            modified,
        )

    # --- data services ---
    sparql = URIRef(fragment + "sparql")
    _service(
        graph,
        catalog,
        dataset,
        sparql,
        publisher,
        contact,
        ("SPARQL-endpoint van Regiograaf", "Regiograaf SPARQL endpoint"),
        (
            "SPARQL 1.1 Protocol (alleen lezen) over de hele graaf; de standaardgraaf is de "
            "vereniging van alle benoemde grafen.",
            "SPARQL 1.1 Protocol (read-only) over the whole graph; the default graph is the "
            "union of all named graphs.",
        ),
        site.service("/sparql"),
        site.service("/sparql"),
        SPARQL_PROTOCOL,
    )
    if site.query_api:
        _service(
            graph,
            catalog,
            dataset,
            URIRef(fragment + "vragen-api"),
            publisher,
            contact,
            ("Vragen-API van Regiograaf", "Regiograaf query API"),
            (
                "Vaste vragen over de graaf met parameters, als JSON, CSV of GeoJSON.",
                "Canned questions about the graph with parameters, as JSON, CSV or GeoJSON.",
            ),
            site.service("/queries"),
            site.service("/openapi.json"),
            OPENAPI,
        )
    return graph


def _texts(graph: Graph, node: URIRef, predicate: URIRef, nl: str, en: str) -> None:
    graph.add((node, predicate, Literal(nl, lang="nl")))
    graph.add((node, predicate, Literal(en, lang="en")))


def _document(graph: Graph, url: URIRef) -> URIRef:
    graph.add((url, RDF.type, FOAF.Document))
    return url


def _standard(graph: Graph, iri: URIRef) -> URIRef:
    graph.add((iri, RDF.type, DCTERMS.Standard))
    return iri


def _media_type(graph: Graph, media_type: str) -> URIRef:
    node = URIRef(IANA + media_type)
    graph.add((node, RDF.type, DCTERMS.MediaType))
    return node


def _value_lists(graph: Graph) -> None:
    """Type the value-list IRIs as the shapes' class constraints expect."""
    graph.add((LICENSE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((ACCESS_PUBLIC, RDF.type, DCTERMS.RightsStatement))
    graph.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    _texts(graph, THEME_SCHEME, DCTERMS.title, "Datathema", "Data theme")
    for theme, (nl, en) in THEMES.items():
        graph.add((theme, RDF.type, SKOS.Concept))
        graph.add((theme, SKOS.inScheme, THEME_SCHEME))
        _texts(graph, theme, SKOS.prefLabel, nl, en)
    for language in LANGUAGES:
        graph.add((language, RDF.type, DCTERMS.LinguisticSystem))
    graph.add((FREQUENCY, RDF.type, DCTERMS.Frequency))


def _distribution(
    graph: Graph,
    dataset: URIRef,
    node: URIRef,
    url: URIRef,
    titles: tuple[str, str],
    kind: tuple[str, str, str],
    modified: object,
) -> None:
    """A downloadable distribution; ``kind`` is (media type, EU file type, standard)."""
    media_type, file_type, standard = kind
    graph.add((dataset, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    _texts(graph, node, DCTERMS.title, *titles)
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCAT.mediaType, _media_type(graph, media_type)))
    graph.add((node, DCTERMS.format, URIRef(file_type)))
    graph.add((URIRef(file_type), RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((node, DCTERMS.license, LICENSE))
    graph.add((node, DCTERMS.rights, ACCESS_PUBLIC))
    graph.add((node, DCTERMS.conformsTo, _standard(graph, URIRef(standard))))
    for language in LANGUAGES:
        graph.add((node, DCTERMS.language, language))
    if isinstance(modified, Literal):
        graph.add((node, DCTERMS.modified, modified))


def _service(
    graph: Graph,
    catalog: URIRef,
    dataset: URIRef,
    node: URIRef,
    publisher: URIRef,
    contact: URIRef,
    titles: tuple[str, str],
    descriptions: tuple[str, str],
    endpoint: URIRef,
    description: URIRef,
    standard: URIRef,
) -> None:
    graph.add((catalog, DCAT.service, node))
    graph.add((node, RDF.type, DCAT.DataService))
    _texts(graph, node, DCTERMS.title, *titles)
    _texts(graph, node, DCTERMS.description, *descriptions)
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCAT.endpointURL, endpoint))
    graph.add((endpoint, RDF.type, RDFS.Resource))
    graph.add((node, DCAT.endpointDescription, description))
    graph.add((description, RDF.type, RDFS.Resource))
    graph.add((node, DCAT.servesDataset, dataset))
    graph.add((node, DCTERMS.conformsTo, _standard(graph, standard)))
    graph.add((node, DCTERMS.license, LICENSE))
    graph.add((node, DCTERMS.accessRights, ACCESS_PUBLIC))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCTERMS.creator, publisher))
    graph.add((node, DCAT.contactPoint, contact))
    for theme in THEMES:
        graph.add((node, DCAT.theme, theme))
    for language in LANGUAGES:
        graph.add((node, DCTERMS.language, language))
    graph.add((node, DCAT.keyword, Literal("SPARQL" if "sparql" in str(node) else "API")))
    graph.add((node, DCAT.landingPage, _document(graph, endpoint)))
    graph.add((node, FOAF.page, _document(graph, description)))


def _publisher(graph: Graph, store: Store, settings: Settings, project: URIRef) -> URIRef:
    """The publisher (also the creator): the organisation of the ``publisher`` setting, or the
    Regiograaf project itself."""
    if settings.publisher:
        if not settings.publisher.startswith(("https://", "http://")) or not valid_iri(
            settings.publisher
        ):
            raise CatalogSettingError(
                f"REGIOGRAAF_PUBLISHER must be an http(s) IRI (a TOOI IRI), "
                f"not {settings.publisher!r}"
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
    graph.add((project, RDF.type, FOAF.Agent))
    graph.add((project, FOAF.name, Literal("Regiograaf (open-sourceproject)", lang="nl")))
    graph.add((project, FOAF.name, Literal("Regiograaf (open source project)", lang="en")))
    graph.add(
        (
            project,
            RDFS.comment,
            Literal(
                "Het project dat Regiograaf maakt; geen overheidsorganisatie heeft deze "
                "dataset (aantoonbaar) gepubliceerd.",
                lang="nl",
            ),
        )
    )
    graph.add(
        (
            project,
            RDFS.comment,
            Literal(
                "The project that makes Regiograaf; no government organisation has "
                "(verifiably) published this dataset.",
                lang="en",
            ),
        )
    )
    return project


def _contact(graph: Graph, settings: Settings, site: Site, node: URIRef) -> URIRef:
    """The contact point: the project's own page, and an e-mail address only when set."""
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal("Regiograaf")))
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
    return node


__all__ = [
    "CatalogSettingError",
    "Dump",
    "Layer",
    "Site",
    "catalog_graph",
    "catalog_iri",
    "dataset_iri",
]
