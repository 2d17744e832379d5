"""The build's inference (server.build.rules, closure, inferring) gives exactly owlrl's useful
entailments and messages (server.build.inference, the reference): on the real data, on every
fixture, on a schema that uses every supported axiom, and on 10,000 generated projects."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from server.build.inference import infer_with_messages
from server.build.inferring import infer_all
from server.build.parsing import read_source
from server.build.rules import Vocabulary, compile_rules, is_schema
from server.build.sources import discover
from server.settings import PROJECT_ROOT
from server.store.terms import iri, to_rdflib
from tests.build.generated import generator
from tests.support import TEST_DATA

RG = "https://w3id.org/regiograaf/def#"
ONTOLOGY = PROJECT_ROOT / "ontology" / "regiograaf.ttl"


def read(paths: list[Path]) -> list[list]:
    return [read_source(path, path.name) for path in paths]


def reference(files: list[list]) -> tuple[set, list[str]]:
    """owlrl's useful entailments of ``files`` (the same terms, blank node labels included)."""
    graph = Graph()
    for triples in files:
        for triple in triples:
            graph.add(tuple(to_rdflib(term, normalize=False) for term in triple))
    inferred, messages = infer_with_messages(graph)
    return set(inferred), messages


def assert_same_as_owlrl(files: list[list]) -> int:
    mine, messages = infer_all(files)
    expected, expected_messages = reference(files)
    got = {tuple(to_rdflib(term, normalize=False) for term in triple) for triple in mine}
    assert sorted(got - expected)[:5] == [] and sorted(expected - got)[:5] == []
    assert messages == expected_messages
    return len(got)


def inference_sources(root: Path) -> list[Path]:
    return [source.path for source in discover(root) if source.kind != "shapes"]


def test_real_data() -> None:
    assert assert_same_as_owlrl(read(inference_sources(PROJECT_ROOT))) > 1000


def test_the_query_fixture() -> None:
    assert assert_same_as_owlrl(read([ONTOLOGY, *sorted((TEST_DATA / "queries").glob("*.ttl"))]))


def test_the_map_fixture_with_the_reference_data() -> None:
    files = [p for p in inference_sources(PROJECT_ROOT) if "voorbeelden" not in p.parts]
    assert assert_same_as_owlrl(read([*files, TEST_DATA / "maps" / "projecten.ttl"]))


def test_the_shape_and_validation_fixtures() -> None:
    """Valid and invalid files together: types that clash (owlrl's disjointness messages)."""
    fixtures = sorted((TEST_DATA / "shapes").glob("*.ttl"))
    fixtures += sorted((TEST_DATA / "validation").glob("*.ttl"))
    files = read([ONTOLOGY, *fixtures])
    assert assert_same_as_owlrl(files)
    assert infer_all(files)[1], "the invalid fixtures give owlrl messages too"


EVERY_AXIOM = """\
@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/onto> a owl:Ontology ; owl:versionInfo "1" .
ex:A a owl:Class . ex:B rdfs:subClassOf ex:A . ex:C owl:equivalentClass ex:B .
ex:D rdfs:subClassOf owl:Thing . ex:E rdfs:subClassOf ex:D .
ex:p a owl:ObjectProperty ; rdfs:domain ex:C ; rdfs:range ex:E ; owl:inverseOf ex:pInverse .
ex:q rdfs:subPropertyOf ex:p . ex:r owl:equivalentProperty ex:q .
ex:s a owl:SymmetricProperty ; rdfs:range ex:A .
ex:t a owl:TransitiveProperty ; rdfs:range ex:D .
ex:u rdfs:subPropertyOf ex:t .
ex:indirect owl:propertyChainAxiom ( ex:p ex:t ) ; rdfs:range ex:B .
ex:t owl:propertyChainAxiom ( ex:v ex:t ) .
ex:w owl:inverseOf ex:v .
ex:long owl:propertyChainAxiom ( ex:s ex:u ex:t ) .
ex:X owl:disjointWith ex:Y .
[] a owl:AllDisjointClasses ; owl:members ( ex:A ex:Y ex:Z ) .
ex:flag a owl:DatatypeProperty ; rdfs:range xsd:boolean ; rdfs:subPropertyOf ex:note .
ex:count rdfs:range xsd:integer .
"""
EVERY_AXIOM_DATA = [
    """@prefix ex: <http://example.org/> .
ex:x1 ex:r ex:y1 ; ex:flag "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
ex:y1 ex:t ex:y2 . ex:k ex:w ex:y0 .
ex:x1 ex:geometry [ a ex:G ; ex:s ex:x1 ] .
ex:n a ex:X, ex:Y .
""",
    """@prefix ex: <http://example.org/> .
ex:y2 ex:u ex:y3 . ex:y0 ex:t ex:y1 .
ex:x1 a ex:Z . ex:m ex:count "twelve"^^<http://www.w3.org/2001/XMLSchema#integer> .
ex:z ex:s ex:y3 ; ex:indirect ex:y9 .
ex:x1 ex:pInverse ex:back .
""",
]


def test_every_supported_axiom(tmp_path: Path) -> None:
    paths = []
    for number, text in enumerate([EVERY_AXIOM, *EVERY_AXIOM_DATA]):
        path = tmp_path / f"part{number}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    files = read(paths)
    assert not compile_rules(schema(files)).unsupported
    assert assert_same_as_owlrl(files) > 20
    assert len(infer_all(files)[1]) == 3  # X/Y, A/Z and the ill-typed integer


def schema(files: list[list]) -> list:
    vocabulary, memo = Vocabulary(), {}
    return [t for f in files for t in f if is_schema(t, vocabulary, memo)]


def test_the_ontologys_context_is_alignment_and_sub_goals() -> None:
    rules = compile_rules(schema(read([ONTOLOGY])))
    assert not rules.unsupported
    assert rules.context_predicates == {iri(RG + "alignsWith"), iri(RG + "subGoalOf")}
    firsts = {str(first) for first in rules.chains}
    assert f"<{RG}contributesTo>" in firsts


@pytest.mark.parametrize(
    "axiom",
    [
        "ex:a owl:sameAs ex:b .",
        "ex:p a owl:FunctionalProperty .",
        "ex:C rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:D ] .",
        "ex:C owl:unionOf ( ex:D ex:E ) .",
        "ex:C rdfs:subClassOf owl:Nothing .",
        "ex:p rdfs:subPropertyOf rdfs:subClassOf .",
        "rdfs:label rdfs:domain ex:C .",
    ],
)
def test_axioms_beyond_the_rules_are_named(tmp_path: Path, axiom: str) -> None:
    path = tmp_path / "schema.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n{axiom}\n",
        encoding="utf-8",
    )
    assert compile_rules(schema(read([path]))).unsupported


def test_ten_thousand_generated_projects(tmp_path: Path) -> None:
    made = generator().generate(10_000, tmp_path / "projects.ttl", seed=11)
    assert assert_same_as_owlrl(read([*inference_sources(PROJECT_ROOT), made.path])) > 60_000
