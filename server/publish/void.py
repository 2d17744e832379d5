"""The VoID description of the dataset (``/.well-known/void``, RFC 5785 and VoID §7.2).

Statistics (VoID §4.6) over the union of all graphs, and per named graph as a subset: triples,
entities (IRIs that are the subject of a statement), distinct subjects and objects, classes and
properties, with a class partition and a property partition. It names the SPARQL endpoint, the
dumps, the URI space of instances and the vocabularies used, and links to the DCAT catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD
from rdflib.term import Identifier

from server.http.media_types import CSV
from server.publish.catalog import Site, catalog_iri, dataset_iri, licence
from server.publish.dumps import DUMPS
from server.rdf.iris import IriMap
from server.rdf.namespaces import RG, VOCABULARIES
from server.store import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"

STATISTICS = """SELECT
  (COUNT(*) AS ?triples)
  (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?o) AS ?objects)
  (COUNT(DISTINCT ?p) AS ?properties)
  (COUNT(DISTINCT IF(isIRI(?s), ?s, ?unbound)) AS ?entities)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"""
GRAPH_STATISTICS = """SELECT ?g
  (COUNT(*) AS ?triples)
  (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?o) AS ?objects)
  (COUNT(DISTINCT ?p) AS ?properties)
  (COUNT(DISTINCT IF(isIRI(?s), ?s, ?unbound)) AS ?entities)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""
CLASSES = """SELECT ?class (COUNT(DISTINCT ?x) AS ?entities)
WHERE { ?x a ?class } GROUP BY ?class ORDER BY ?class"""
PROPERTIES = """SELECT ?property (COUNT(*) AS ?triples)
WHERE { SELECT DISTINCT ?s ?property ?o WHERE { ?s ?property ?o } }
GROUP BY ?property ORDER BY ?property"""
EXAMPLE = f"""SELECT ?x WHERE {{ ?x a <{RG}Municipality> }}
ORDER BY ?x LIMIT 1"""
STATISTIC_NAMES = ("triples", "entities", "properties")
DISTINCT = {"subjects": VOID.distinctSubjects, "objects": VOID.distinctObjects}


def _integer(value: object) -> Literal:
    return Literal(int(str(value)), datatype=XSD.integer)


def void_graph(store: Store, iri_map: IriMap, site: Site) -> Graph:
    """The VoID description of what ``store`` holds, with URLs on ``site``."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    graph.bind("sd", SD)
    dataset = dataset_iri(iri_map)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("Regiograaf", lang="nl")))
    graph.add((dataset, DCTERMS.license, licence(iri_map)))
    graph.add((dataset, VOID.sparqlEndpoint, site.service("/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(iri_map.base + "id/")))
    graph.add((dataset, VOID.rootResource, URIRef(iri_map.base + "def")))
    graph.add((dataset, RDFS.seeAlso, catalog_iri(iri_map)))
    graph.add((dataset, RDFS.seeAlso, site.link("/catalog")))
    for dump in DUMPS:
        if dump.media_type != CSV:
            graph.add((dataset, VOID.dataDump, site.link("/dumps/" + dump.name)))
    for name in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG"):
        graph.add((dataset, VOID.feature, URIRef(FORMATS + name)))
    graph.add((dataset, VOID.vocabulary, URIRef(iri_map.base + "def#")))
    for namespace in VOCABULARIES.values():
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for row in store.query(EXAMPLE).rows():
        graph.add((dataset, VOID.exampleResource, row["x"]))

    row = store.query(STATISTICS).rows()[0]
    _statistics(graph, dataset, row)
    for row in store.query(CLASSES).rows():
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], row["class"]))
        graph.add((partition, VOID.entities, _integer(row["entities"])))
    graph.add(
        (dataset, VOID.classes, _integer(len(list(graph.objects(dataset, VOID.classPartition)))))
    )
    for row in store.query(PROPERTIES).rows():
        partition = BNode()
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, row["property"]))
        graph.add((partition, VOID.triples, _integer(row["triples"])))
    for row in store.query(GRAPH_STATISTICS).rows():
        subset = row["g"]
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, URIRef(SD + "name"), subset))
        _statistics(graph, subset, row)
    return graph


def _statistics(graph: Graph, node: Identifier, row: Mapping[str, Identifier]) -> None:
    """The counts of ``row`` (:data:`STATISTICS`) as VoID statistics of ``node``."""
    for name in STATISTIC_NAMES:
        graph.add((node, VOID[name], _integer(row[name])))
    for name, predicate in DISTINCT.items():
        graph.add((node, predicate, _integer(row[name])))
