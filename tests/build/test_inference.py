"""OWL RL inference keeps useful entailments only (server.build.inference)."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from server.build.inference import infer, infer_with_messages, is_useful

RG = Namespace("https://w3id.org/regiograaf/def#")
ID = "https://w3id.org/regiograaf/id/"
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")

SAMPLE = """
@prefix rg: <https://w3id.org/regiograaf/def#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix gemeente: <https://w3id.org/regiograaf/id/gemeente/> .
@prefix doel: <https://w3id.org/regiograaf/id/doel/> .
@prefix project: <https://w3id.org/regiograaf/id/project/> .
@prefix bouwsteen: <https://w3id.org/regiograaf/id/bouwsteen/> .

<https://w3id.org/regiograaf/def> a owl:Ontology .
rg:Municipality a owl:Class ; rdfs:subClassOf org:Organization .
rg:Project a owl:Class ; rdfs:subClassOf prov:Activity .
rg:Goal a owl:Class .
rg:MunicipalGoal a owl:Class ; rdfs:subClassOf rg:Goal .
rg:RegionalGoal a owl:Class ; rdfs:subClassOf rg:Goal .
rg:ProvincialGoal a owl:Class ; rdfs:subClassOf rg:Goal .
rg:NationalGoal a owl:Class ; rdfs:subClassOf rg:Goal .
[] a owl:AllDisjointClasses ;
   owl:members ( rg:MunicipalGoal rg:RegionalGoal rg:ProvincialGoal rg:NationalGoal ) .
rg:BuildingBlock a owl:Class .
rg:participant a owl:ObjectProperty ; rdfs:domain rg:Project ; rdfs:range org:Organization ;
    owl:inverseOf rg:hasProject .
rg:hasProject a owl:ObjectProperty .
rg:leadMunicipality a owl:ObjectProperty ; rdfs:subPropertyOf rg:participant ;
    rdfs:range rg:Municipality ; owl:inverseOf rg:leadsProject .
rg:leadsProject a owl:ObjectProperty .
rg:contributesTo a owl:ObjectProperty ; rdfs:domain rg:Project ; rdfs:range rg:Goal ;
    owl:inverseOf rg:hasContribution .
rg:alignsWith a owl:ObjectProperty, owl:TransitiveProperty ;
    rdfs:domain rg:Goal ; rdfs:range rg:Goal .
rg:contributesIndirectlyTo a owl:ObjectProperty ;
    owl:propertyChainAxiom ( rg:contributesTo rg:alignsWith ) .
rg:exemplifies a owl:ObjectProperty ; owl:inverseOf rg:exampleProject .
rg:exampleProject a owl:ObjectProperty .
rg:usesBuildingBlock a owl:ObjectProperty ; rdfs:subPropertyOf rg:exemplifies ;
    rdfs:range rg:BuildingBlock .
rg:isExample a owl:DatatypeProperty ; rdfs:range xsd:boolean .
rg:cbsCode a owl:DatatypeProperty ; rdfs:domain rg:Municipality .
rg:Project rdfs:subClassOf [ a owl:Restriction ; owl:onProperty rg:leadMunicipality ;
    owl:allValuesFrom rg:Municipality ] .

gemeente:gm0599 a rg:Municipality ; rg:cbsCode "GM0599" ; skos:prefLabel "Rotterdam"@nl .
doel:m1 a rg:MunicipalGoal ; rg:alignsWith doel:r1 ; rg:isExample true .
doel:r1 a rg:RegionalGoal ; rg:alignsWith doel:p1 .
doel:p1 a rg:ProvincialGoal ; rg:alignsWith doel:n1 .
doel:n1 a rg:NationalGoal .
project:a a rg:Project ; rg:leadMunicipality gemeente:gm0599 ; rg:contributesTo doel:m1 ;
    rg:usesBuildingBlock bouwsteen:b ; rg:isExample true ;
    rg:geometry [ a <http://www.opengis.net/ont/geosparql#Geometry> ;
                  <http://www.opengis.net/ont/geosparql#asWKT> "POINT(4.47 51.92)" ] .
project:b a rg:Project ; rg:contributesTo doel:r1 ; rg:contributesIndirectlyTo doel:p1 .
"""


def iri(ref: str) -> URIRef:
    return URIRef(ID + ref)


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(data=SAMPLE, format="turtle")


@pytest.fixture(scope="module")
def inferred(sample: Graph) -> Graph:
    return infer(sample)


def test_property_chain_through_transitive_alignment(inferred: Graph) -> None:
    project = iri("project/a")
    indirect = set(inferred.objects(project, RG.contributesIndirectlyTo))
    # m1 → r1 is one hop; m1 → r1 → p1 and → n1 are two and three hops.
    assert indirect == {iri("doel/r1"), iri("doel/p1"), iri("doel/n1")}


def test_asserted_indirect_contribution_is_not_repeated(inferred: Graph) -> None:
    # project b asserts contributesIndirectlyTo p1 itself; n1 is new.
    assert set(inferred.objects(iri("project/b"), RG.contributesIndirectlyTo)) == {iri("doel/n1")}


def test_transitive_alignment(inferred: Graph) -> None:
    assert set(inferred.objects(iri("doel/m1"), RG.alignsWith)) == {iri("doel/p1"), iri("doel/n1")}


def test_inverses_and_super_properties(inferred: Graph) -> None:
    municipality, project = iri("gemeente/gm0599"), iri("project/a")
    assert (municipality, RG.hasProject, project) in inferred
    assert (municipality, RG.leadsProject, project) in inferred
    assert (project, RG.participant, municipality) in inferred
    assert (iri("doel/m1"), RG.hasContribution, project) in inferred
    assert (project, RG.exemplifies, iri("bouwsteen/b")) in inferred
    assert (iri("bouwsteen/b"), RG.exampleProject, project) in inferred


def test_instance_types_from_subclasses_domains_and_ranges(inferred: Graph) -> None:
    assert (iri("gemeente/gm0599"), RDF.type, ORG.Organization) in inferred
    assert (iri("project/a"), RDF.type, PROV.Activity) in inferred
    assert (iri("doel/m1"), RDF.type, RG.Goal) in inferred
    assert (iri("bouwsteen/b"), RDF.type, RG.BuildingBlock) in inferred


def test_nothing_trivial_is_kept(sample: Graph, inferred: Graph) -> None:
    assert len(inferred) > 0
    for triple in inferred:
        subject, predicate, obj = triple
        assert triple not in sample, f"already asserted: {triple}"
        assert not isinstance(subject, Literal), f"literal subject: {triple}"
        assert not (predicate == OWL.sameAs and subject == obj), f"reflexive: {triple}"
        if predicate == RDF.type:
            assert obj not in (OWL.Thing, RDFS.Resource, OWL.Class, OWL.ObjectProperty)
            assert not str(obj).startswith("http://www.w3.org/2001/XMLSchema#")
        assert predicate not in (
            RDFS.subClassOf,
            RDFS.subPropertyOf,
            RDFS.domain,
            RDFS.range,
            OWL.equivalentClass,
            OWL.equivalentProperty,
        ), f"schema triple: {triple}"
        assert not str(subject).startswith("https://w3id.org/regiograaf/def"), f"term: {triple}"
        assert not str(subject).startswith("http://www.w3.org/"), f"W3C term: {triple}"
        assert not (isinstance(subject, BNode) and isinstance(obj, BNode)), f"bnodes: {triple}"
    # blank nodes of OWL axioms (restriction, lists, AllDisjointClasses) never appear
    axiom_nodes = (
        set(sample.subjects(RDF.type, OWL.Restriction))
        | set(sample.subjects(RDF.type, OWL.AllDisjointClasses))
        | set(sample.subjects(RDF.first, None))
    )
    assert axiom_nodes
    assert not axiom_nodes & set(inferred.all_nodes())


def test_no_inconsistency_messages(sample: Graph) -> None:
    assert infer_with_messages(sample)[1] == []


def test_inconsistency_is_reported_not_inferred(sample: Graph) -> None:
    broken = Graph()
    for triple in sample:
        broken.add(triple)
    broken.add((iri("doel/m1"), RDF.type, RG.RegionalGoal))
    inferred, messages = infer_with_messages(broken)
    assert messages
    assert not any("daml.org" in str(node) for node in inferred.all_nodes())


def test_is_useful_rejects_reflexive_same_as(sample: Graph) -> None:
    node = iri("project/a")
    assert not is_useful((node, OWL.sameAs, node), sample, set())
    assert not is_useful((Literal("x"), RDF.type, RDFS.Literal), sample, set())
