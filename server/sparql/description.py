"""The SPARQL 1.1 Service Description of ``/sparql`` (SPARQL 1.1 Service Description §3): what
the endpoint runs, what it returns, and its default dataset with every named graph and its
number of triples (VoID)."""

from __future__ import annotations

from typing import Final
from urllib.parse import urljoin

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from server.store import Store

SD: Final = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS: Final = Namespace("http://www.w3.org/ns/formats/")

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


def service_description(store: Store, endpoint_iri: str) -> Graph:
    """The service description of the endpoint at ``endpoint_iri`` querying ``store``."""
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
