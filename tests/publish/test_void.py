"""VoID at /.well-known/void: statistics that agree with the store; links; the sitemap."""

from __future__ import annotations

import gzip
import re

from flask import Flask
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, VOID

from server.rdf.iris import IriMap
from tests.support import BuiltStore

DATASET = URIRef("https://w3id.org/regiograaf/id/dataset/regiograaf")
EXAMPLES = URIRef("https://w3id.org/regiograaf/id/dataset/regiograaf-voorbeelden")
RG = "https://w3id.org/regiograaf/def#"


def void(app: Flask) -> Graph:
    response = app.test_client().get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


def test_statistics_agree_with_the_data(app: Flask, built_store: BuiltStore) -> None:
    graph = void(app)
    dump = Graph().parse(
        data=gzip.decompress(app.test_client().get("/dumps/regiograaf.nt.gz").data),
        format="nt",
    )
    assert int(graph.value(DATASET, VOID.triples)) == len(dump)
    entities = {s for s in dump.subjects() if isinstance(s, URIRef)}
    assert int(graph.value(DATASET, VOID.entities)) == len(entities)
    partitions = {
        graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
        for p in graph.objects(DATASET, VOID.classPartition)
    }
    municipalities = {
        s
        for s in dump.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(RG + "Municipality")
        )
    }
    assert partitions[URIRef(RG + "Municipality")] == len(municipalities) == 24
    assert int(graph.value(DATASET, VOID.classes)) == len(partitions)


def test_every_named_graph_is_a_subset_with_its_triples(
    app: Flask, built_store: BuiltStore
) -> None:
    graph = void(app)
    name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    real = {graph.value(s, name): s for s in graph.objects(DATASET, VOID.subset)}
    invented = {graph.value(s, name): s for s in graph.objects(EXAMPLES, VOID.subset)}
    # Every graph with real statements is a subset of the real dataset, every graph with
    # invented ones of the examples; the examples' own graphs only there. Together they
    # count every statement of every graph.
    assert {str(g) for g in {*real, *invented}} == set(built_store.store.named_graphs())
    assert not [g for g in real if "/graph/data/voorbeelden/" in str(g)]
    for graph_name in {*real, *invented}:
        counted = sum(
            int(graph.value(parts[graph_name], VOID.triples))
            for parts in (real, invented)
            if graph_name in parts
        )
        assert counted == built_store.store.count(str(graph_name)), graph_name


def test_links_to_endpoint_dumps_and_catalog(app: Flask) -> None:
    graph = void(app)
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    dumps = {str(d) for d in graph.objects(DATASET, VOID.dataDump)}
    assert "http://localhost/dumps/regiograaf.ttl" in dumps
    client = app.test_client()
    for url in dumps:
        assert client.get(url[len("http://localhost") :]).status_code == 200
    assert URIRef("http://localhost/catalog") in set(graph.objects(DATASET, RDFS.seeAlso))


def test_service_description_links_to_void(app: Flask) -> None:
    response = app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
    description = Graph().parse(data=response.data, format="turtle")
    assert URIRef("http://localhost/.well-known/void") in set(
        description.objects(None, RDFS.seeAlso)
    )


def test_void_formats(app: Flask) -> None:
    client = app.test_client()
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert len(Graph().parse(data=jsonld.data, format="json-ld")) == len(void(app))
    assert client.get("/.well-known/void.html").status_code == 404


def test_sitemap_lists_every_resource_page(app: Flask, built_store: BuiltStore) -> None:
    response = app.test_client().get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    locations = set(re.findall(r"<loc>([^<]+)</loc>", response.get_data(as_text=True)))
    assert {"http://localhost/", "http://localhost/catalog", "http://localhost/def/"} <= locations
    iri_map = IriMap.for_base("https://w3id.org/regiograaf/")
    rows = built_store.store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
        "'https://w3id.org/regiograaf/id/')) }"
    ).rows()
    assert rows
    for row in rows:
        assert "http://localhost" + iri_map.page(str(row["s"])) in locations  # type: ignore[operator]
