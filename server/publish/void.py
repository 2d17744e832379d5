"""The VoID description of the datasets (``/.well-known/void``, RFC 5785 and VoID §7.2).

The real data and, when the store holds any, the invented examples are two datasets, as in the
DCAT catalog (:mod:`server.publish.parts`). For each: statistics (VoID §4.6) over its triples,
and per named graph as a subset: triples, entities (IRIs that are the subject of a statement),
distinct subjects and objects, classes and properties, with a class partition and a property
partition; its dumps. The real dataset also names the SPARQL endpoint (which answers from both),
the URI space of instances and the vocabularies used, and links to the DCAT catalog.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from server.publish.catalog import Site, catalog_iri, dataset_iri, examples_dataset_iri, licence
from server.publish.dumps import DUMPS, parts
from server.rdf.iris import IriMap
from server.rdf.namespaces import RG, VOCABULARIES
from server.store import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
EXAMPLE = f"""SELECT ?x WHERE {{ ?x a <{RG}Municipality> }}
ORDER BY ?x LIMIT 1"""


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def void_graph(store: Store, iri_map: IriMap, site: Site) -> Graph:
    """The VoID description of what ``store`` holds, with URLs on ``site``."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    graph.bind("sd", SD)
    both = parts(store, iri_map, store.data_version() or "")
    dataset = dataset_iri(iri_map)
    graph.add((dataset, DCTERMS.title, Literal("Regiograaf", lang="nl")))
    graph.add((dataset, VOID.sparqlEndpoint, site.service("/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(iri_map.base + "id/")))
    graph.add((dataset, VOID.rootResource, URIRef(iri_map.base + "def")))
    graph.add((dataset, RDFS.seeAlso, catalog_iri(iri_map)))
    graph.add((dataset, RDFS.seeAlso, site.link("/catalog")))
    for name in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG"):
        graph.add((dataset, VOID.feature, URIRef(FORMATS + name)))
    graph.add((dataset, VOID.vocabulary, URIRef(iri_map.base + "def#")))
    for namespace in VOCABULARIES.values():
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for row in store.query(EXAMPLE).rows():
        graph.add((dataset, VOID.exampleResource, row["x"]))
    _describe(graph, dataset, both.real, iri_map, site, examples=False)
    if any(len(part) for part in both.examples.graphs()):
        examples = examples_dataset_iri(iri_map)
        graph.add(
            (examples, DCTERMS.title, Literal("Regiograaf: verzonnen voorbeelden", lang="nl"))
        )
        graph.add((examples, RDFS.seeAlso, catalog_iri(iri_map)))
        _describe(graph, examples, both.examples, iri_map, site, examples=True)
    return graph


def _describe(
    graph: Graph, node: URIRef, data: Dataset, iri_map: IriMap, site: Site, *, examples: bool
) -> None:
    """``node`` as a VoID dataset of ``data``: its licence, dumps, statistics and subsets."""
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, DCTERMS.license, licence(iri_map)))
    for dump in DUMPS:
        # The RDF dumps of this part (the CSV of projects is no RDF dump).
        if dump.examples == examples and dump.kind != "csv":
            graph.add((node, VOID.dataDump, site.link("/dumps/" + dump.name)))
    union = Graph()
    for part in data.graphs():
        union += part
    _statistics(graph, node, union, partitions=True)
    for part in data.graphs():
        if len(part):
            # A named graph may hold real and invented statements (the inferred graph): the
            # real part is the graph's own node, the invented part a node of its own.
            subset = BNode() if examples else part.identifier
            graph.add((node, VOID.subset, subset))
            graph.add((subset, RDF.type, VOID.Dataset))
            graph.add((subset, URIRef(SD + "name"), part.identifier))
            _statistics(graph, subset, part, partitions=False)


def _statistics(graph: Graph, node: Node, data: Graph, *, partitions: bool) -> None:
    """The counts of ``data`` as VoID statistics of ``node``, with class and property
    partitions when ``partitions``."""
    subjects = set(data.subjects())
    graph.add((node, VOID.triples, _integer(len(data))))
    graph.add((node, VOID.entities, _integer(len({s for s in subjects if isinstance(s, URIRef)}))))
    graph.add((node, VOID.distinctSubjects, _integer(len(subjects))))
    graph.add((node, VOID.distinctObjects, _integer(len(set(data.objects())))))
    properties = Counter(predicate for _, predicate, _ in data)
    graph.add((node, VOID.properties, _integer(len(properties))))
    if not partitions:
        return
    members: dict[Node, set[Node]] = defaultdict(set)
    for subject, kind in data.subject_objects(RDF.type):
        members[kind].add(subject)
    for kind, entities in sorted(members.items()):
        partition = BNode()
        graph.add((node, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], kind))
        graph.add((partition, VOID.entities, _integer(len(entities))))
    graph.add((node, VOID.classes, _integer(len(members))))
    for predicate, count in sorted(properties.items()):
        partition = BNode()
        graph.add((node, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, predicate))
        graph.add((partition, VOID.triples, _integer(count)))
