"""SHACL shapes (shapes/*.ttl) against the fixtures in tests/data/shapes/.

Each fixture goes through :func:`server.build.validation.validate_files`, the path a contributor's
file takes (``regiograaf validate``), against the shapes it is about only: its own shape file
(``project-*`` against shapes/project.ttl, ``membership-*`` against shapes/organisation.ttl,
``principle-*`` against shapes/strategy.ttl, see
:data:`OWN_SHAPES`) with the two files every class shares (shapes/common.ttl, shapes/general.ttl).
The data graph is the fixture plus the ontology and the project's data as context, so that
sh:class and sh:targetClass follow the rdfs:subClassOf triples of the ontology. The findings
about the fixture's nodes are compared with tests/data/shapes/expected.json; each must name a
line of the fixture that holds the offending property (or the focus subject, when the property
is missing) and carry a message and a hint in Dutch and English.

expected.json maps a fixture file name to a list of {"focus", "shape", "path", "severity"}:
"shape" is the rule's IRI. Every SPARQL rule is its own node shape (e.g.
rgsh:Project-finishedHasEndDate, whose SPARQL constraint rgsh:Project-finishedHasEndDate-sparql
names the finding), so the shape identifies every rule.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from server.build.validation import Finding, validate_files
from tests.support import REPOSITORY, TEST_DATA, copy_project

FIXTURES = TEST_DATA / "shapes"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SHAPES = REPOSITORY / "shapes"
RGSH = Namespace("https://w3id.org/regiograaf/shapes#")
RG = Namespace("https://w3id.org/regiograaf/def#")
ID = "https://w3id.org/regiograaf/id/"

#: The shape file of a fixture, by the fixture's first word, where the two differ.
OWN_SHAPES = {
    "actionperspective": "buildingblock",
    "membership": "organisation",
    "municipality": "organisation",
    "principle": "strategy",
}
#: The shape files every class shares: the declarations and value shapes (common.ttl) and the
#: rules that apply to several classes (general.ttl).
SHARED_SHAPES = ("common.ttl", "general.ttl")

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


def fixture_names() -> list[str]:
    """Every fixture, in name order (which keeps the fixtures of one shape file together)."""
    return sorted(p.name for p in FIXTURES.glob("*.ttl"))


def own_shapes(name: str) -> list[Path]:
    """The shape files fixture ``name`` is validated against."""
    kind = name.split("-", 1)[0]
    return [SHAPES / f"{OWN_SHAPES.get(kind, kind)}.ttl", *(SHAPES / s for s in SHARED_SHAPES)]


def expected_results(name: str) -> set[tuple[str, str, str | None, str]]:
    return {(e["focus"], e["shape"], e["path"], e["severity"]) for e in EXPECTED[name]}


def summary(finding: Finding) -> tuple[str, str, str | None, str]:
    """(focus, shape, path, severity): a SPARQL rule by its shape, not its constraint; a path
    of alternatives as ``p | q``, never as the blank node the shapes write it with."""
    return (finding.focus, finding.shape.removesuffix("-sparql"), finding.path, finding.severity)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """All shape files in one graph."""
    graph = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_fixture_has_expectations() -> None:
    names = set(fixture_names())
    assert names == set(EXPECTED), names.symmetric_difference(EXPECTED)
    for name in names:
        if "-invalid-" in name:
            assert EXPECTED[name], f"{name}: an invalid fixture must expect at least one result"
        else:
            assert name.endswith("-valid.ttl"), name
            assert not EXPECTED[name], f"{name}: a valid fixture expects no results"


def test_every_invalid_fixture_has_a_valid_partner() -> None:
    for name in fixture_names():
        if "-invalid-" in name:
            partner = name.split("-invalid-")[0] + "-valid.ttl"
            assert (FIXTURES / partner).is_file(), f"{name} has no {partner}"


def test_every_shape_file_has_fixtures() -> None:
    """Each shape file but the shared ones is some fixture's own, and every own file exists."""
    owned = {path for name in fixture_names() for path in own_shapes(name)}
    assert owned == set(SHAPES.glob("*.ttl"))


@pytest.mark.parametrize("name", fixture_names())
def test_fixture(name: str) -> None:
    """The findings, each on the line that holds the offending property (or the focus subject
    when the property is missing), with messages and hints in both languages."""
    report = validate_files([FIXTURES / name], REPOSITORY, shapes=own_shapes(name))
    (result,) = report.files
    assert result.syntax_error is None, result.syntax_error
    lines = result.file.read_text(encoding="utf-8").splitlines()
    for finding in result.findings:
        assert finding.shape != str(RGSH.UnknownTerm), finding
        assert finding.line is not None, finding
        text = lines[finding.line - 1]
        focus_name = finding.focus.rsplit("/", 1)[-1]
        path_name = (finding.path or "").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        assert path_name in text or f":{focus_name} " in text, finding
        assert set(finding.messages) == {"nl", "en"}, finding
        assert set(finding.hints) == {"nl", "en"}, finding
    assert {summary(f) for f in result.findings} == expected_results(name)


def test_expected_shapes_exist(shapes: Graph) -> None:
    """Every shape named in expected.json is defined in shapes/ (catches typos in the IRIs)."""
    for name, entries in EXPECTED.items():
        for entry in entries:
            assert (URIRef(entry["shape"]), RDF.type, None) in shapes, (name, entry["shape"])


def test_subclasses_come_from_the_ontology(tmp_path: Path) -> None:
    """sh:class rg:ValueChainConcept accepts an rg:ValueChainStage only through the ontology's
    rdfs:subClassOf triple in the data graph: without the ontology, the valid project fails."""
    root = copy_project(tmp_path)
    shutil.rmtree(root / "ontology")
    name = "project-valid.ttl"
    report = validate_files([FIXTURES / name], root, shapes=own_shapes(name))
    project = ID + "project/test-slimme-haven"
    found = {summary(f) for f in report.files[0].findings}
    assert (project, str(RGSH["Project-stage"]), str(RG.stage), "Violation") in found


def test_reference_data_conforms() -> None:
    """The reference data (data/*.ttl) gives no violations (the build would fail)."""
    files = sorted((REPOSITORY / "data").glob("*.ttl"))
    assert files, "no reference data in data/*.ttl"
    report = validate_files(files, REPOSITORY)
    violations = [f for r in report.files for f in r.findings if f.severity == "Violation"]
    assert report.conforms, violations


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


def test_constraints_are_complete(shapes: Graph) -> None:
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


def test_sparql_constraints_declare_prefixes_and_match_their_shape(shapes: Graph) -> None:
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


def test_no_blank_node_shapes(shapes: Graph) -> None:
    """Property shapes and node shapes are named; only sh:declare entries are blank."""
    for kind in (SH.NodeShape, SH.PropertyShape):
        for node in shapes.subjects(RDF.type, kind):
            assert not isinstance(node, BNode), node
    for node in shapes.subjects(SH.path, None):
        assert not isinstance(node, BNode), node
