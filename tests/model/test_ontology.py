"""Tests of the ontology (ontology/regiograaf.ttl) and the quality-check queries (queries/qc).

The qc queries must return no rows on the project's data; here each one is run on the ontology
alone and on small inline samples that do or do not violate it. Running them over the full data
is part of the pipeline tests.
"""

from __future__ import annotations

import re

import owlrl
import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV
from rdflib.plugins.sparql import prepareQuery

from server.canned.headers import parse_canned_query
from tests.support import REPOSITORY

ROOT = REPOSITORY
ONTOLOGY_FILE = ROOT / "ontology" / "regiograaf.ttl"
QC_DIR = ROOT / "queries" / "qc"
QC_FILES = sorted(QC_DIR.glob("*.rq"))

ONTOLOGY = URIRef("https://w3id.org/regiograaf/def")
RG = Namespace("https://w3id.org/regiograaf/def#")
ID = Namespace("https://w3id.org/regiograaf/id/")
VANN = Namespace("http://purl.org/vocab/vann/")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
# owlrl reports an inconsistency as a resource of this type in the closure.
AGENT_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")

PREFIXES = """\
@prefix rg: <https://w3id.org/regiograaf/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gemeente: <https://w3id.org/regiograaf/id/gemeente/> .
@prefix doel: <https://w3id.org/regiograaf/id/doel/> .
@prefix project: <https://w3id.org/regiograaf/id/project/> .
@prefix bouwsteen: <https://w3id.org/regiograaf/id/bouwsteen/> .
@prefix hp: <https://w3id.org/regiograaf/id/handelingsperspectief/> .
@prefix wk: <https://w3id.org/regiograaf/id/waardeketen/> .
@prefix bk: <https://w3id.org/regiograaf/id/begrippenkader/> .
@prefix strategie: <https://w3id.org/regiograaf/id/strategie/> .
@prefix organisatie: <https://w3id.org/regiograaf/id/organisatie/> .
"""

# An OWL RL run is the slow part: one closure of ontology + sample serves all reasoning tests.
REASONING_SAMPLE = """
project:p rg:contributesTo doel:m ;
    rg:leadMunicipality gemeente:gm0599 ;
    rg:participant gemeente:gm0503 ;
    rg:usesBuildingBlock bouwsteen:b ;
    rg:appliesActionPerspective hp:a ;
    rg:stage wk:data .
doel:m a rg:MunicipalGoal ; rg:alignsWith doel:r ; rg:setBy gemeente:gm0599 .
doel:r a rg:RegionalGoal ; rg:alignsWith doel:p .
doel:p a rg:ProvincialGoal .
project:q rg:contributesTo doel:alone .
doel:alone a rg:MunicipalGoal .
wk:data a rg:ValueChainStage ; rg:position 2 .
"""


def turtle_graph(*texts: str) -> Graph:
    graph = Graph()
    for text in texts:
        graph.parse(data=PREFIXES + text, format="turtle")
    return graph


def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def qc_query(name: str) -> str:
    return (QC_DIR / f"{name}.rq").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def closure() -> Graph:
    graph = ontology_graph()
    graph.parse(data=PREFIXES + REASONING_SAMPLE, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


# --- the ontology file ------------------------------------------------------------------------


def test_ontology_parses_strictly_with_pyoxigraph():
    quads = list(pyoxigraph.parse(path=str(ONTOLOGY_FILE), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(ontology_graph())
    assert len(quads) > 100


def test_ontology_metadata(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    titles = {t.language for t in ontology.objects(ONTOLOGY, DCTERMS.title)}
    assert {"nl", "en"} <= titles
    assert any(True for _ in ontology.objects(ONTOLOGY, DCTERMS.description))
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(
        "https://w3id.org/regiograaf/def/0.2.0"
    )
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == "0.2.0"
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology.value(ONTOLOGY, DCTERMS.creator) == Literal("Regiograaf")
    assert ontology.value(ONTOLOGY, DCTERMS.created) == Literal("2026-11-23", datatype=XSD_DATE)
    assert ontology.value(ONTOLOGY, DCTERMS.modified) is not None
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "rg"
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(RG)


def test_every_term_has_labels_and_definitions_in_nl_and_en(ontology):
    rows = list(ontology.query(qc_query("term-label-definition")))
    assert rows == []


def test_every_term_is_defined_by_the_ontology(ontology):
    assert list(ontology.query(qc_query("term-defined-by"))) == []


def test_terms_of_the_model_are_declared(ontology):
    """A sample of docs/model.md: one missing declaration here means the contract is broken."""
    classes = [
        "Municipality", "Region", "Province", "NationalGovernment", "Membership",
        "ValueChainConcept", "ValueChainStage", "Enabler", "SocietalChallenge", "ProjectStatus",
        "Goal", "MunicipalGoal", "RegionalGoal", "ProvincialGoal", "NationalGoal", "Project",
        "BuildingBlock", "ActionPerspective", "SourceDocument", "Contribution",
    ]  # fmt: skip
    object_properties = [
        "tooi", "owms", "participant", "hasProject", "leadMunicipality", "leadsProject",
        "stage", "challenge", "status", "contributesTo", "hasContribution",
        "contributesIndirectlyTo", "alignsWith", "setBy", "sets", "exemplifies",
        "usesBuildingBlock", "appliesActionPerspective", "exampleProject", "forMunicipality",
    ]  # fmt: skip
    datatype_properties = [
        "cbsCode", "officialName", "startDate", "endDate", "isExample", "position", "sha256",
    ]  # fmt: skip
    for name in classes:
        assert (RG[name], RDF.type, OWL.Class) in ontology, name
    for name in object_properties:
        assert (RG[name], RDF.type, OWL.ObjectProperty) in ontology, name
    for name in datatype_properties:
        assert (RG[name], RDF.type, OWL.DatatypeProperty) in ontology, name


def test_shared_properties_have_no_domain(ontology):
    """A domain on a property used by several classes would make OWL RL mistype subjects."""
    for name in ("stage", "challenge", "startDate", "endDate", "isExample", "exampleProject"):
        assert ontology.value(RG[name], RDFS.domain) is None, name


# --- OWL RL closure -----------------------------------------------------------------------------


def test_closure_infers_indirect_contribution_through_transitive_alignment(closure):
    indirect = set(closure.objects(ID["project/p"], RG.contributesIndirectlyTo))
    assert indirect == {ID["doel/r"], ID["doel/p"]}
    assert (ID["doel/m"], RG.alignsWith, ID["doel/p"]) in closure


def test_closure_gives_no_indirect_contribution_without_alignment(closure):
    assert set(closure.objects(ID["project/q"], RG.contributesIndirectlyTo)) == set()
    assert (ID["doel/alone"], RG.hasContribution, ID["project/q"]) in closure


def test_closure_infers_inverses_and_subproperties(closure):
    project = ID["project/p"]
    lead = ID["gemeente/gm0599"]
    assert (lead, RG.hasProject, project) in closure
    assert (lead, RG.leadsProject, project) in closure
    assert (project, RG.participant, lead) in closure
    assert (ID["gemeente/gm0503"], RG.hasProject, project) in closure
    assert (ID["gemeente/gm0503"], RG.leadsProject, project) not in closure
    assert (ID["doel/m"], RG.hasContribution, project) in closure
    assert (lead, RG.sets, ID["doel/m"]) in closure


def test_closure_infers_example_projects(closure):
    project = ID["project/p"]
    assert (ID["bouwsteen/b"], RG.exampleProject, project) in closure
    assert (ID["handelingsperspectief/a"], RG.exampleProject, project) in closure
    assert (ID["bouwsteen/b"], RDF.type, RG.BuildingBlock) in closure
    assert (ID["bouwsteen/b"], RDF.type, RG.ActionPerspective) not in closure


def test_closure_types_follow_domains_and_superclasses(closure):
    project = ID["project/p"]
    assert (project, RDF.type, RG.Project) in closure
    assert (project, RDF.type, PROV.Activity) in closure
    assert (ID["gemeente/gm0599"], RDF.type, RG.Municipality) in closure
    assert (ID["gemeente/gm0599"], RDF.type, ORG.Organization) in closure
    # rg:stage is shared by projects, building blocks and action perspectives: no domain.
    assert (ID["bouwsteen/b"], RDF.type, RG.Project) not in closure
    assert (ID["waardeketen/data"], RDF.type, SKOS.Concept) in closure


def test_closure_of_consistent_sample_reports_no_error(closure):
    assert list(closure.subjects(RDF.type, AGENT_ERROR)) == []


def test_goal_levels_are_disjoint():
    graph = ontology_graph()
    graph.parse(data=PREFIXES + "doel:x a rg:MunicipalGoal , rg:RegionalGoal .", format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert list(graph.subjects(RDF.type, AGENT_ERROR)) != []


# --- quality-check queries ----------------------------------------------------------------------


def test_there_are_qc_queries():
    names = {path.stem for path in QC_FILES}
    assert {
        "undeclared-term",
        "term-label-definition",
        "concept-nl-sbb",
        "example-without-source",
        "reference-without-source",
        "municipality-cbs-code",
        "concept-duplicate-label",
        "goal-alignment-level",
        "real-record-source-checked",
        "example-object-of-real",
        "example-goal-labelled",
        "strategy-valid-after-successor",
    } <= names


#: Quality checks about named graphs (the examples' own graphs): run on a dataset, see
#: test_example_object_of_real_tells_violations_from_conforming_data.
NAMED_GRAPH_CHECKS = {"example-object-of-real"}


@pytest.mark.parametrize("path", QC_FILES, ids=lambda path: path.stem)
def test_qc_query_parses_and_has_header(path):
    text = path.read_text(encoding="utf-8")
    canned = parse_canned_query(path)
    assert canned.name == path.stem
    assert canned.description_in("en")
    query = prepareQuery(text)
    assert query.algebra.name == "SelectQuery"
    uses_graphs = "GRAPH" in re.sub(r"#.*", "", text).upper().split()
    assert uses_graphs == (path.stem in NAMED_GRAPH_CHECKS)


@pytest.mark.parametrize("path", QC_FILES, ids=lambda path: path.stem)
def test_qc_query_finds_nothing_in_the_ontology(path, ontology):
    data = Dataset(default_union=True)
    data.graph(URIRef("https://w3id.org/regiograaf/graph/ontology/regiograaf")).__iadd__(ontology)
    assert list(data.query(path.read_text(encoding="utf-8"))) == []


# (query, Turtle that violates it, Turtle that conforms). Both run over ontology + sample.
QC_CASES = [
    (
        "undeclared-term",
        "project:p a rg:Projekt .",
        "project:p a rg:Project ; rg:isExample true .",
    ),
    (
        "term-label-definition",
        'rg:newTerm a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label "nieuw"@nl .',
        "",
    ),
    (
        "concept-nl-sbb",
        'wk:data a rg:ValueChainStage ; skos:prefLabel "data"@en ; skos:inScheme bk:waardeketen .',
        'wk:data a rg:ValueChainStage ; skos:prefLabel "data"@nl ; skos:inScheme bk:waardeketen ;'
        ' skos:definition "Gegevens verzamelen, beheren en delen."@nl .',
    ),
    (
        # One concept lacks a definition while another has one: each concept is checked.
        "concept-nl-sbb",
        'wk:data a rg:ValueChainStage ; skos:prefLabel "data"@nl ; skos:inScheme bk:waardeketen .'
        ' wk:apps a rg:ValueChainStage ; skos:prefLabel "toepassingen"@nl ;'
        ' skos:inScheme bk:waardeketen ; skos:definition "Software."@nl .',
        'wk:data a rg:ValueChainStage ; skos:prefLabel "data"@nl ; skos:inScheme bk:waardeketen ;'
        ' skos:definition "Gegevens."@nl . wk:apps a rg:ValueChainStage ;'
        ' skos:prefLabel "toepassingen"@nl ; skos:inScheme bk:waardeketen ;'
        ' skos:definition "Software."@nl .',
    ),
    (
        "concept-duplicate-label",
        'wk:a skos:inScheme bk:waardeketen ; skos:prefLabel "Data"@nl .'
        ' wk:b skos:inScheme bk:waardeketen ; skos:prefLabel "data"@nl .',
        'wk:a skos:inScheme bk:waardeketen ; skos:prefLabel "data"@nl .'
        ' wk:b skos:inScheme bk:andere ; skos:prefLabel "data"@nl .'
        ' wk:c skos:inScheme bk:waardeketen ; skos:prefLabel "data"@en .',
    ),
    (
        "example-without-source",
        "project:p a rg:Project . doel:m a rg:MunicipalGoal ; rg:isExample false .",
        "project:p a rg:Project ; rg:isExample true ."
        ' doel:m a rg:MunicipalGoal ; rg:isExample "1"^^xsd:boolean .'
        " project:q a rg:Project ; dct:source <https://example.org/bron> .",
    ),
    (
        "reference-without-source",
        "doel:pzh a rg:ProvincialGoal .",
        "doel:pzh a rg:ProvincialGoal ; dct:source <https://example.org/bron> ."
        " gemeente:gm0599 a rg:Municipality ; dct:source <https://example.org/cbs> .",
    ),
    (
        "municipality-cbs-code",
        "gemeente:gm0599 a rg:Municipality ."
        ' gemeente:gm0503 a rg:Municipality ; rg:cbsCode "503" .',
        'gemeente:gm0599 a rg:Municipality ; rg:cbsCode "GM0599" .',
    ),
    (
        "municipality-cbs-code",
        'gemeente:gm0599 a rg:Municipality ; rg:cbsCode "GM0599" , "GM0600" .',
        'gemeente:gm0599 a rg:Municipality ; rg:cbsCode "GM0599" .',
    ),
    (
        "municipality-cbs-code-unique",
        'gemeente:gm0599 rg:cbsCode "GM0599" . gemeente:gm0600 rg:cbsCode "GM0599" .',
        'gemeente:gm0599 rg:cbsCode "GM0599" . gemeente:gm0600 rg:cbsCode "GM0600" .',
    ),
    (
        "goal-alignment-level",
        "doel:r a rg:RegionalGoal ; rg:alignsWith doel:m . doel:m a rg:MunicipalGoal .",
        "doel:m a rg:MunicipalGoal ; rg:alignsWith doel:r , doel:n ."
        " doel:r a rg:RegionalGoal ; rg:alignsWith doel:p . doel:p a rg:ProvincialGoal ;"
        " rg:alignsWith doel:n . doel:n a rg:NationalGoal .",
    ),
    (
        "goal-alignment-level",
        "doel:m a rg:MunicipalGoal ; rg:alignsWith doel:onbekend .",
        "",
    ),
    (
        # Towards a goal of the same level is no alignment; within one organisation it is a
        # sub-goal (rg:subGoalOf).
        "goal-alignment-level",
        "doel:a a rg:MunicipalGoal ; rg:setBy gemeente:gm0599 ; rg:alignsWith doel:b ."
        " doel:b a rg:MunicipalGoal ; rg:setBy gemeente:gm0599 .",
        "doel:a a rg:MunicipalGoal ; rg:setBy gemeente:gm0599 ; rg:subGoalOf doel:b ."
        " doel:b a rg:MunicipalGoal ; rg:setBy gemeente:gm0599 .",
    ),
    (
        "real-record-source-checked",
        "project:p a rg:Project ; dct:source <https://example.org/bron> ."
        ' doel:m a rg:MunicipalGoal ; dct:source "https://example.org/bron" ;'
        ' rg:lastChecked "2026-01-15"^^xsd:date .',
        "project:p a rg:Project ; dct:source <https://example.org/bron> ;"
        ' rg:lastChecked "2026-01-15"^^xsd:date .'
        " doel:v a rg:MunicipalGoal ; rg:isExample true .",
    ),
    (
        "real-record-source-checked",
        "doel:r a rg:RegionalGoal ; dct:source <ftp://example.org/bron> ;"
        ' rg:lastChecked "2026-01-15"^^xsd:date .',
        "doel:r a rg:RegionalGoal ; dct:source <http://example.org/bron> ;"
        ' rg:lastChecked "2026-01-15"^^xsd:date .',
    ),
    (
        "example-goal-labelled",
        'doel:v a rg:MunicipalGoal ; rg:isExample true ; dct:title "Open data"@nl ,'
        ' "Example: open data"@en ; rg:setBy gemeente:gm0599 .',
        'doel:v a rg:MunicipalGoal ; rg:isExample true ; dct:title "Voorbeeld: open data"@nl ,'
        ' "Example: open data"@en ; rg:setBy gemeente:gm0599 .'
        ' doel:w a rg:MunicipalGoal ; rg:isExample true ; dct:title "Open data"@nl ;'
        " rg:setBy gemeente:gm9999 . gemeente:gm9999 rg:isExample true .",
    ),
    (
        "strategy-valid-after-successor",
        'strategie:oud a rg:StrategyDocument ; rg:endDate "2022"^^xsd:gYear .'
        " strategie:nieuw a rg:StrategyDocument ; dct:replaces strategie:oud ;"
        ' rg:startDate "2021-04"^^xsd:gYearMonth .',
        'strategie:oud a rg:StrategyDocument ; rg:endDate "2021"^^xsd:gYear .'
        " strategie:nieuw a rg:StrategyDocument ; dct:replaces strategie:oud ;"
        ' rg:startDate "2021-04"^^xsd:gYearMonth .'
        ' strategie:open a rg:StrategyDocument ; rg:endDate "2030-01-01"^^xsd:date .',
    ),
    (
        "goal-level",
        "project:p rg:contributesTo doel:x . doel:y a rg:ProvincialGoal , rg:NationalGoal .",
        "project:p rg:contributesTo doel:x . doel:x a rg:MunicipalGoal .",
    ),
    (
        # Set by an organisation and no principle: a goal without a level (a typo in the type).
        "goal-level",
        "doel:z a rg:MunicipaalDoel ; rg:setBy gemeente:gm0599 ."
        " doel:s rg:subGoalOf doel:t . doel:t a rg:MunicipalGoal .",
        "<https://w3id.org/regiograaf/id/principe/p> a rg:Principle ; rg:setBy gemeente:gm0599 ."
        " doel:s a rg:MunicipalGoal ; rg:subGoalOf doel:t . doel:t a rg:MunicipalGoal .",
    ),
]


def run_rdflib(query: str, data: Graph) -> int:
    return len(list(data.query(query)))


def run_pyoxigraph(query: str, data: Graph) -> int:
    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return len(list(store.query(query, use_default_graph_as_union=True)))


@pytest.mark.parametrize("run", [run_rdflib, run_pyoxigraph], ids=["rdflib", "pyoxigraph"])
@pytest.mark.parametrize(
    ("name", "violating", "conforming"),
    QC_CASES,
    ids=[f"{case[0]}-{number}" for number, case in enumerate(QC_CASES)],
)
def test_qc_query_tells_violations_from_conforming_data(run, name, violating, conforming):
    query = qc_query(name)
    prefixes = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    bad = ontology_graph() + turtle_graph(prefixes + violating)
    good = ontology_graph() + turtle_graph(prefixes + conforming)
    assert run(query, bad) > 0
    assert run(query, good) == 0


EXAMPLES_GRAPH = "https://w3id.org/regiograaf/graph/data/voorbeelden/projecten"
REAL_GRAPH = "https://w3id.org/regiograaf/graph/data/register/projecten"
INFERRED_GRAPH = "https://w3id.org/regiograaf/graph/inferred"


def dataset(graphs: dict[str, str]) -> Dataset:
    """The ontology plus a named graph per Turtle text (graph IRI → Turtle)."""
    data = Dataset(default_union=True)
    data.graph(URIRef("https://w3id.org/regiograaf/graph/ontology")).__iadd__(ontology_graph())
    for name, text in graphs.items():
        data.graph(URIRef(name)).parse(data=PREFIXES + text, format="turtle")
    return data


def count_in_pyoxigraph(query: str, data: Dataset) -> int:
    store = pyoxigraph.Store()
    store.load(data.serialize(format="nquads"), format=pyoxigraph.RdfFormat.N_QUADS)
    return len(list(store.query(query, use_default_graph_as_union=True)))


EXAMPLE = "project:v a rg:Project ; rg:isExample true ; rg:leadMunicipality gemeente:gm0599 ."


@pytest.mark.parametrize(
    "count",
    [lambda query, data: len(list(data.query(query))), count_in_pyoxigraph],
    ids=["rdflib", "pyoxigraph"],
)
def test_example_object_of_real_tells_violations_from_conforming_data(count) -> None:
    """Real data never points at an example: a real graph that does is found; the examples'
    own graphs and the inferred graph (inverses) may."""
    query = qc_query("example-object-of-real")
    pointing = "project:r a rg:Project ; rg:exemplifies project:v ."
    bad = dataset({EXAMPLES_GRAPH: EXAMPLE, REAL_GRAPH: pointing})
    assert count(query, bad) == 1
    good = dataset(
        {
            EXAMPLES_GRAPH: EXAMPLE + " project:v rg:exemplifies project:r .",
            REAL_GRAPH: "project:r a rg:Project .",
            INFERRED_GRAPH: "gemeente:gm0599 rg:leadsProject project:v .",
        }
    )
    assert count(query, good) == 0
