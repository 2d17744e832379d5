"""The catalog in DCAT-AP-DONL, the profile data.overheid.nl harvests (``/catalog/donl``).

It is made from the DCAT catalog (:func:`server.publish.catalog.catalog_graph`) and keeps the
real dataset only: the invented examples are never in it, so the national portal cannot
harvest them. The DCAT-AP value lists are replaced by DONL's (:data:`DONL_TEMPLATE`, value
lists of github.com/dataoverheid/dcat-ap-donl): the licence, the access rights
(``donl:PUBLIEK``), the languages, and OWMS themes. The publisher and creator must be an
organisation data.overheid.nl knows: the OWMS IRI (``rg:owms`` in the graph) of the
organisation the ``publisher`` setting names by its TOOI IRI; without it there is nothing to
harvest (:class:`DonlSettingError`, a 503 that says what to set). The contact point takes the
``contact_email``, ``contact_phone`` and ``contact_url`` settings; DONL asks for a name, an
e-mail address and a telephone number.
"""

from __future__ import annotations

import re
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

from server.errors import ConfigurationError
from server.publish.catalog import VCARD, add_template, catalog_iri, dataset_iri
from server.rdf.iris import IriMap
from server.rdf.namespaces import sparql_prefixes
from server.settings import Settings
from server.store import Store
from server.store.values import InvalidTerm, with_values

__all__ = ["DONL_TEMPLATE", "DonlSettingError", "donl_graph"]

#: The fixed statements of the DONL rendering (Turtle next to this module).
DONL_TEMPLATE = "catalog-donl.ttl"
#: A telephone number as people write it: digits, spaces, dashes, brackets, a leading +.
PHONE: Final = re.compile(r"\+?[0-9][0-9 ()-]{5,24}")
#: The OWMS IRI (and name) of the organisation with a TOOI IRI.
OWMS_BY_TOOI = (
    sparql_prefixes("rg", "skos")
    + """SELECT ?owms ?name WHERE {
  ?org rg:tooi ?tooi ; rg:owms ?owms .
  OPTIONAL { ?org skos:prefLabel ?name FILTER(LANG(?name) = "nl") }
}"""
)
#: What a distribution of the DCAT catalog keeps (the rest is DCAT-AP only).
DISTRIBUTION_PROPERTIES = (
    DCTERMS.title,
    DCAT.accessURL,
    DCAT.downloadURL,
    DCAT.mediaType,
    DCTERMS.format,
    DCAT.byteSize,
    DCAT.compressFormat,
)
#: What the dataset keeps from the DCAT catalog.
DATASET_PROPERTIES = (
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.identifier,
    DCAT.keyword,
    DCAT.landingPage,
    FOAF.page,
    DCTERMS.conformsTo,
)


class DonlSettingError(ConfigurationError, ValueError):
    """The DONL rendering lacks a setting it needs (a registered publisher)."""


def donl_graph(catalog: Graph, store: Store, settings: Settings) -> Graph:
    """The DCAT-AP-DONL rendering of ``catalog`` (the DCAT catalog of ``store``)."""
    iri_map = IriMap.for_base(settings.base_iri)
    catalog_node, dataset = catalog_iri(iri_map), dataset_iri(iri_map)
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    add_template(graph, DONL_TEMPLATE, iri_map.base)
    _copy(catalog, graph, dataset, DATASET_PROPERTIES)
    for modified in catalog.objects(dataset, DCTERMS.modified):
        graph.add((dataset, DCTERMS.modified, _day(modified)))
        graph.add((catalog_node, DCTERMS.modified, _day(modified)))
    publisher = _publisher(store, settings)
    for node in (catalog_node, dataset):
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCTERMS.creator, publisher))
    for homepage in catalog.objects(catalog_node, FOAF.homepage):
        graph.add((catalog_node, FOAF.homepage, homepage))
    _contact(catalog, graph, dataset, settings)
    for distribution in catalog.objects(dataset, DCAT.distribution):
        _distribution(catalog, graph, dataset, distribution)
    return graph


def _day(moment: Node) -> Literal:
    """The day of a date-time: DONL dates are ``xsd:date`` (ISO 8601)."""
    return Literal(str(moment)[:10], datatype=XSD.date)


def _copy(source: Graph, target: Graph, node: Node, properties: tuple[URIRef, ...]) -> None:
    for predicate in properties:
        for value in source.objects(node, predicate):
            target.add((node, predicate, value))


def _publisher(store: Store, settings: Settings) -> URIRef:
    """The OWMS IRI of the organisation the ``publisher`` setting names (bound as a value)."""
    if not settings.publisher:
        raise DonlSettingError(
            "The DCAT-AP-DONL catalog needs a publisher that data.overheid.nl knows: set "
            "REGIOGRAAF_PUBLISHER to the TOOI IRI of the publishing organisation (one with an "
            "OWMS IRI in the graph), for example "
            "https://identifier.overheid.nl/tooi/id/gemeente/gm0599"
        )
    try:
        rows = store.query(with_values(OWMS_BY_TOOI, {"tooi": [URIRef(settings.publisher)]}))
    except InvalidTerm:
        rows = None
    found = rows.rows() if rows is not None else []
    if not found:
        raise DonlSettingError(
            f"REGIOGRAAF_PUBLISHER ({settings.publisher!r}) names no organisation with an OWMS "
            "IRI in the graph: data.overheid.nl knows organisations by their OWMS IRI"
        )
    return URIRef(str(found[0]["owms"]))


def _contact(catalog: Graph, graph: Graph, dataset: URIRef, settings: Settings) -> None:
    """The contact point: a name, an e-mail address and a telephone number when set, and the
    contact page."""
    node = URIRef(str(catalog_iri(IriMap.for_base(settings.base_iri))) + "#contact")
    graph.add((dataset, DCAT.contactPoint, node))
    graph.add((node, RDF.type, VCARD.Organization))
    for name in catalog.objects(node, VCARD.fn):
        graph.add((node, VCARD.fn, name))
    for url in catalog.objects(node, VCARD.hasURL):
        graph.add((node, VCARD.hasURL, url))
    if settings.contact_email:
        graph.add((node, VCARD.hasEmail, URIRef("mailto:" + settings.contact_email)))
    if settings.contact_phone:
        if not PHONE.fullmatch(settings.contact_phone):
            raise DonlSettingError(
                f"REGIOGRAAF_CONTACT_PHONE is not a telephone number: {settings.contact_phone!r}"
            )
        number = re.sub(r"[ ()-]", "", settings.contact_phone)
        graph.add((node, VCARD.hasTelephone, URIRef("tel:" + number)))


def _distribution(catalog: Graph, graph: Graph, dataset: URIRef, node: Node) -> None:
    """A distribution with the DONL licence and languages, and the description DONL asks for
    (the DCAT catalog's title says what the file is)."""
    graph.add((dataset, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    _copy(catalog, graph, node, DISTRIBUTION_PROPERTIES)
    for title in catalog.objects(node, DCTERMS.title):
        graph.add((node, DCTERMS.description, title))
    for modified in catalog.objects(node, DCTERMS.modified):
        graph.add((node, DCTERMS.modified, _day(modified)))
    for licence in graph.objects(dataset, DCTERMS.license):
        graph.add((node, DCTERMS.license, licence))
    for language in graph.objects(dataset, DCTERMS.language):
        graph.add((node, DCTERMS.language, language))
