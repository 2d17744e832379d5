"""The unknown-term check (server.build.vocabulary): every vocabulary the model uses, with the
closest existing term, at the line of the statement (through validate_files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from server.build.validation import validate_files
from server.build.validation.context import load_context
from server.build.vocabulary import UNKNOWN_TERM, find_unknown_terms
from server.settings import PROJECT_ROOT

PREFIXES = """\
@prefix rg: <https://w3id.org/regiograaf/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""


@pytest.fixture(scope="module")
def known() -> tuple:
    return load_context(PROJECT_ROOT).vocabularies


def _unknown(known: tuple, body: str) -> dict[str, str | None]:
    graph = Graph().parse(data=PREFIXES + body, format="turtle")
    return {u.name: u.suggestion for u in find_unknown_terms(graph, known)}


@pytest.mark.parametrize(
    ("body", "name", "suggestion"),
    [
        ('ex:a dct:descripton "x" .', "dct:descripton", "dct:description"),
        ("ex:a rg:leadMunicipalty ex:b .", "rg:leadMunicipalty", "rg:leadMunicipality"),
        ("ex:a a rg:Projekt .", "rg:Projekt", "rg:Project"),
        ('ex:a skos:preflabel "x" .', "skos:preflabel", "skos:prefLabel"),
        ("ex:a foaf:hompage ex:b .", "foaf:hompage", "foaf:homepage"),
        ("ex:a geo:hasGeometri ex:b .", "geo:hasGeometri", "geo:hasGeometry"),
        ("ex:a org:memberOff ex:b .", "org:memberOff", "org:memberOf"),
        ("ex:a prov:wasInspiredBy ex:b .", "prov:wasInspiredBy", "prov:wasInformedBy"),
        ('ex:a rdfs:lable "x" .', "rdfs:lable", "rdfs:label"),
        ("ex:a a owl:Clas .", "owl:Clas", "owl:Class"),
        ('ex:a rg:startDate "2024"^^xsd:gyear .', "xsd:gyear", "xsd:gYear"),
        # the same name in another vocabulary
        ("ex:a rg:homepage ex:b .", "rg:homepage", "foaf:homepage"),
        ('ex:a dct:prefLabel "x" .', "dct:prefLabel", "skos:prefLabel"),
        # nothing close
        ("ex:a dct:zzzqqq ex:b .", "dct:zzzqqq", None),
    ],
)
def test_unknown_term_and_its_closest_term(
    known: tuple, body: str, name: str, suggestion: str | None
) -> None:
    assert _unknown(known, body) == {name: suggestion}


def test_existing_terms_pass(known: tuple) -> None:
    body = """
ex:a a rg:Project, prov:Entity, org:Organization, geo:Geometry ;
    dct:title "x"@nl ; dct:isVersionOf ex:b ; skos:prefLabel "y" ;
    foaf:homepage ex:c ; geo:asWKT "POINT(4 52)"^^geo:wktLiteral ;
    rg:startDate "2024-01-01"^^xsd:date ; rdf:_1 ex:d ; rdfs:seeAlso ex:e ;
    ex:anything ex:else .
"""
    assert _unknown(known, body) == {}


def test_a_term_the_ontology_declares_in_another_namespace_counts(tmp_path: Path) -> None:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "shapes").mkdir()
    (tmp_path / "ontology" / "o.ttl").write_text(
        PREFIXES + "dct:ownExtension a owl:AnnotationProperty .\n", encoding="utf-8"
    )
    (tmp_path / "shapes" / "s.ttl").write_text(PREFIXES, encoding="utf-8")
    known = load_context(tmp_path).vocabularies
    assert _unknown(known, 'ex:a dct:ownExtension "x" .') == {}


def test_found_at_the_line_of_the_statement_with_messages(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    body = 'ex:a a rg:Project ;\n    rdfs:label "x" ;\n    dct:descripton "y"@nl .\n'
    path.write_text(PREFIXES + body, encoding="utf-8")
    report = validate_files([path])
    (finding,) = [f for f in report.files[0].findings if f.shape == str(UNKNOWN_TERM)]
    assert finding.line == PREFIXES.count("\n") + 3
    assert finding.path == finding.value == "http://purl.org/dc/terms/descripton"
    assert finding.severity == "Violation"
    assert finding.messages == {
        "nl": "Onbekende term dct:descripton; bedoelde u dct:description?",
        "en": "Unknown term dct:descripton; did you mean dct:description?",
    }
    assert finding.hints["en"] == "Replace dct:descripton with dct:description."
    # the project's missing description is the typo's echo: not reported again
    assert not [
        f
        for f in report.files[0].findings
        if f.path == str(URIRef("http://purl.org/dc/terms/description"))
    ]
