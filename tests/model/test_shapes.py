"""SHACL shapes (shapes/*.ttl) against the fixtures in tests/data/shapes/.

Each fixture is validated as a contribution would be: the data graph is the fixture plus the
ontology (ontology/regiograaf.ttl) plus the reference data (data/*.ttl, not data/voorbeelden or
data/contributions), so that sh:class and sh:targetClass follow the rdfs:subClassOf triples of the
ontology. Only results whose focus node is a subject in the fixture are compared with
tests/data/shapes/expected.json.

expected.json maps a fixture file name to a list of {"focus", "shape", "path", "severity"}:
"shape" is the result's sh:sourceShape. Every SPARQL rule is its own node shape (e.g.
rgsh:Project-finishedHasEndDate, whose SPARQL constraint rgsh:Project-finishedHasEndDate-sparql is
reported as sh:sourceConstraint), so sh:sourceShape identifies every rule.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from server.build.validation import validate_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "shapes"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
ONTOLOGY = ROOT / "ontology" / "regiograaf.ttl"
RGSH = Namespace("https://w3id.org/regiograaf/shapes#")
RG = Namespace("https://w3id.org/regiograaf/def#")
ID = "https://w3id.org/regiograaf/id/"

# Constraint parameters of SHACL Core and SHACL-SPARQL: a node that has one of these is a shape
# that can produce validation results of its own.
CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in [
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
        "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
        "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
        "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in", "sparql",
    ]
}  # fmt: skip
# Shapes that are only used as the value of these parameters are reported through the shape that
# uses them (e.g. rgsh:LiteralNl through rgsh:Project-titleNl).
NESTING_PARAMETERS = {SH.qualifiedValueShape, SH.node, SH["not"]}


def reference_files() -> list[Path]:
    """The ontology and the reference data: data/*.ttl only (not voorbeelden, contributions)."""
    return [ONTOLOGY, *sorted((ROOT / "data").glob("*.ttl"))]


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def context_graph() -> Graph:
    graph = Graph()
    for path in reference_files():
        graph.parse(path, format="turtle")
    return graph


def fixture_names(kind: str) -> list[str]:
    return sorted(p.name for p in FIXTURES.glob(f"*-{kind}*.ttl"))


def results(fixture: Graph, with_context: bool = True) -> set[tuple[str, str, str | None, str]]:
    """(focus, shape, path, severity) of every result whose focus node is a fixture subject."""
    data = Graph()
    if with_context:
        data += context_graph()
    data += fixture
    _conforms, report, _text = pyshacl.validate(
        data_graph=data,
        shacl_graph=shapes_graph(),
        advanced=True,
        allow_warnings=True,
    )
    subjects = set(fixture.subjects())
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus not in subjects:
            continue
        path = report.value(result, SH.resultPath)
        found.add(
            (
                str(focus),
                str(report.value(result, SH.sourceShape)),
                None if path is None else str(path),
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    return found


def expected_results(name: str) -> set[tuple[str, str, str | None, str]]:
    return {(e["focus"], e["shape"], e["path"], e["severity"]) for e in EXPECTED[name]}


def load(name: str) -> Graph:
    return Graph().parse(FIXTURES / name, format="turtle")


def test_context_exists():
    assert ONTOLOGY.is_file(), "ontology/regiograaf.ttl is missing"
    assert len(reference_files()) > 1, "no reference data in data/*.ttl"


def test_every_fixture_has_expectations():
    names = {p.name for p in FIXTURES.glob("*.ttl")}
    assert names == set(EXPECTED), names.symmetric_difference(EXPECTED)
    for name in names:
        if "-invalid-" in name:
            assert EXPECTED[name], f"{name}: an invalid fixture must expect at least one result"
        else:
            assert name.endswith("-valid.ttl"), name
            assert not EXPECTED[name], f"{name}: a valid fixture expects no results"


def test_every_invalid_fixture_has_a_valid_partner():
    for name in fixture_names("invalid"):
        partner = name.split("-invalid-")[0] + "-valid.ttl"
        assert (FIXTURES / partner).is_file(), f"{name} has no {partner}"


@pytest.mark.parametrize("name", fixture_names("valid") + fixture_names("invalid"))
def test_fixture(name):
    assert results(load(name)) == expected_results(name)


def test_expected_shapes_exist():
    """Every shape named in expected.json is defined in shapes/ (catches typos in the IRIs)."""
    shapes = shapes_graph()
    for name, entries in EXPECTED.items():
        for entry in entries:
            assert (URIRef(entry["shape"]), RDF.type, None) in shapes, (name, entry["shape"])


def test_subclasses_come_from_the_ontology():
    """sh:class rg:ValueChainConcept accepts an rg:ValueChainStage only through the ontology's
    rdfs:subClassOf triple in the data graph: without the ontology, the valid project fails."""
    fixture = load("project-valid.ttl")
    assert results(fixture) == set()
    data = Graph()
    for path in reference_files()[1:]:
        data.parse(path, format="turtle")
    data += fixture
    without_ontology = results(data, with_context=False)
    project = ID + "project/test-slimme-haven"
    assert (project, str(RGSH["Project-stage"]), str(RG.stage), "Violation") in without_ontology


def test_reference_data_conforms():
    """The ontology and reference data alone give no violations (the build would fail)."""
    conforms, _report, text = pyshacl.validate(
        data_graph=context_graph(),
        shacl_graph=shapes_graph(),
        advanced=True,
        allow_warnings=True,
    )
    assert conforms, text


def constraints(shapes: Graph) -> set:
    """Every shape that reports results of its own, and every SPARQL constraint."""
    nested = {o for p in NESTING_PARAMETERS for o in shapes.objects(None, p)}
    found = set(shapes.subjects(SH.path, None))
    for parameter in CONSTRAINT_PARAMETERS:
        found.update(shapes.subjects(parameter, None))
    found.update(shapes.objects(None, SH.sparql))
    in_lists = set()
    for parameter in (SH["or"], SH["and"], SH.xone):
        for head in shapes.objects(None, parameter):
            in_lists.update(shapes.items(head))
    return (found - nested) - in_lists


def test_constraints_are_complete():
    shapes = shapes_graph()
    found = constraints(shapes)
    assert len(found) > 50
    for node in found:
        assert isinstance(node, URIRef), f"blank-node constraint: {shapes.cbd(node).serialize()}"
        assert str(node).startswith(str(RGSH)), node
        severities = set(shapes.objects(node, SH.severity))
        assert len(severities) == 1 and severities <= {SH.Violation, SH.Warning}, node
        for prop in (SH.message, RGSH.hint):
            languages = sorted(
                o.language for o in shapes.objects(node, prop) if isinstance(o, Literal)
            )
            assert languages == ["en", "nl"], (node, prop, languages)
        if (node, SH.path, None) in shapes:
            names = sorted(o.language for o in shapes.objects(node, SH.name))
            assert names == ["en", "nl"], (node, "sh:name")


def test_sparql_constraints_declare_prefixes_and_match_their_shape():
    shapes = shapes_graph()
    sparql = list(shapes.subject_objects(SH.sparql))
    assert sparql
    for shape, constraint in sparql:
        assert str(constraint) == f"{shape}-sparql", (shape, constraint)
        assert shapes.value(constraint, SH.severity) == shapes.value(shape, SH.severity)
        assert set(shapes.objects(constraint, SH.message)) == set(shapes.objects(shape, SH.message))
        for prefixes in shapes.objects(constraint, SH.prefixes):
            assert (prefixes, SH.declare, None) in shapes, prefixes
        assert shapes.value(constraint, SH.prefixes) is not None, constraint
        assert isinstance(shapes.value(constraint, SH.select), Literal), constraint


def test_no_blank_node_shapes():
    """Property shapes and node shapes are named; only sh:declare entries are blank."""
    shapes = shapes_graph()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for node in shapes.subjects(RDF.type, kind):
            assert not isinstance(node, BNode), node
    for node in shapes.subjects(SH.path, None):
        assert not isinstance(node, BNode), node


def fixture_groups() -> list[list[str]]:
    """The fixtures grouped by number (all -valid, all -invalid-01, ...): fixtures of different
    kinds describe different subjects, so a group can be validated in one run."""
    groups: dict[str, list[str]] = {}
    for name in fixture_names("valid") + fixture_names("invalid"):
        key = name.rsplit("-", 1)[-1]
        groups.setdefault(key, []).append(name)
    return [groups[key] for key in sorted(groups)]


@pytest.mark.parametrize(
    "names", fixture_groups(), ids=lambda names: names[0].rsplit("-", 1)[-1].removesuffix(".ttl")
)
def test_fixture_findings_and_lines_via_server_validation(names):
    """Through server.build.validation: the same results, no unknown terms, and every
    finding's line holds the offending property, or the focus subject when the property is
    missing. server.build.validation names a SPARQL rule by its constraint (<shape>-sparql)."""
    report = validate_files([FIXTURES / name for name in names], ROOT)
    assert [r.file.name for r in report.files] == names
    for result in report.files:
        assert result.syntax_error is None, result.syntax_error
        lines = result.file.read_text(encoding="utf-8").splitlines()
        found = set()
        for finding in result.findings:
            assert finding.shape != str(RGSH.UnknownTerm), (result.file.name, finding)
            found.add(
                (
                    finding.focus,
                    finding.shape.removesuffix("-sparql"),
                    finding.path,
                    finding.severity,
                )
            )
            assert finding.line is not None, finding
            text = lines[finding.line - 1]
            focus_name = finding.focus.rsplit("/", 1)[-1]
            path_name = (finding.path or "").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            assert path_name in text or f":{focus_name} " in text, (result.file.name, finding)
            assert set(finding.messages) == {"nl", "en"}, finding
            assert set(finding.hints) == {"nl", "en"}, finding
        assert found == expected_results(result.file.name), result.file.name
