"""Validation (server.build.validation): findings per file with line, path, value and nl/en text."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.build.turtle import TurtleSyntaxError
from server.build.validation import Finding, ValidationReport, validate_files
from server.settings import PROJECT_ROOT
from tests.support import TEST_DATA

HERE = TEST_DATA / "validation"
ROOT = HERE / "root"  # a tiny ontology, shapes and reference data
RG = "https://w3id.org/regiograaf/def#"
RGSH = "https://w3id.org/regiograaf/shapes#"
ID = "https://w3id.org/regiograaf/id/"
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def report() -> ValidationReport:
    return validate_files(
        [
            HERE / "project-valid.ttl",
            HERE / "project-typo.ttl",
            HERE / "project-invalid.ttl",
            TEST_DATA / "syntax" / "missing-final-dot.ttl",
        ],
        root=ROOT,
    )


def _by_shape(findings: tuple[Finding, ...], shape: str) -> list[Finding]:
    return [f for f in findings if f.shape == RGSH + shape]


def test_valid_file_conforms(report: ValidationReport) -> None:
    valid = report.files[0]
    assert valid.conforms
    assert valid.findings == ()
    assert not report.conforms


def test_unknown_term_names_the_closest_term(report: ValidationReport) -> None:
    typo = report.files[1]
    assert not typo.conforms
    unknown = _by_shape(typo.findings, "UnknownTerm")
    found = [(f.line, f.value) for f in unknown]
    assert found == [(5, RG + "Projcet"), (7, RG + "leadMunicipalty")]
    lead = unknown[1]
    assert lead.severity == "Violation"
    assert lead.path == RG + "leadMunicipalty"
    assert lead.messages == {
        "nl": "Onbekende term rg:leadMunicipalty; bedoelde u rg:leadMunicipality?",
        "en": "Unknown term rg:leadMunicipalty; did you mean rg:leadMunicipality?",
    }
    assert "rg:leadMunicipality" in lead.hints["nl"]
    # rg:leadMunicipality is also given correctly, so SHACL itself is satisfied
    assert all(f.shape == RGSH + "UnknownTerm" for f in typo.findings)


def test_invalid_project_findings(report: ValidationReport) -> None:
    invalid = report.files[2]
    assert not invalid.conforms
    summary = {(f.shape.removeprefix(RGSH), f.line, f.severity) for f in invalid.findings}
    assert summary == {
        ("Project-title", 6, "Violation"),
        ("Project-leadMunicipality", 7, "Violation"),
        ("Project-startDate", 8, "Warning"),
        ("CbsCode-pattern", 11, "Violation"),
        ("Project-endAfterStart", 18, "Violation"),
    }
    (lead,) = _by_shape(invalid.findings, "Project-leadMunicipality")
    assert lead.focus == ID + "project/fout"
    assert lead.path == RG + "leadMunicipality"
    assert lead.value == ID + "project/slimme-haven"
    assert lead.component == SH + "ClassConstraintComponent"
    assert lead.messages == {
        "nl": f"Project {ID}project/fout: de trekker {ID}project/slimme-haven is geen gemeente.",
        "en": f"Project {ID}project/fout: lead {ID}project/slimme-haven is not a municipality.",
    }
    assert lead.hints == {
        "nl": "Gebruik een IRI uit data/gemeenten.ttl.",
        "en": "Use an IRI from data/gemeenten.ttl.",
    }
    (start,) = _by_shape(invalid.findings, "Project-startDate")
    assert start.value == '"2024-13-45"^^xsd:date'
    assert start.message("en") == 'The start date "2024-13-45"^^xsd:date is not an xsd:date.'


def test_sparql_constraint_is_named_by_its_iri(report: ValidationReport) -> None:
    (end,) = _by_shape(report.files[2].findings, "Project-endAfterStart")
    assert end.focus == ID + "project/goed"
    assert end.path == RG + "endDate"
    assert end.component == SH + "SPARQLConstraintComponent"
    assert end.message("nl") == 'De einddatum "2023-01-01"^^xsd:date ligt voor de startdatum.'


def test_blank_node_focus_gets_its_own_line(report: ValidationReport) -> None:
    (cbs,) = _by_shape(report.files[2].findings, "CbsCode-pattern")
    assert cbs.focus.startswith("_:")
    assert cbs.line == 11
    assert cbs.value == '"gm599"'


def test_syntax_error_is_a_file_result(report: ValidationReport) -> None:
    broken = report.files[3]
    assert isinstance(broken.syntax_error, TurtleSyntaxError)
    assert (broken.syntax_error.line, broken.syntax_error.column) == (5, 29)
    assert not broken.conforms
    assert broken.findings == ()


def test_context_is_not_reported_but_is_used() -> None:
    # gm0599 lives in the reference data: the project may point at it, and the reference
    # data's own findings are not reported against the project file.
    result = validate_files([HERE / "project-valid.ttl"], root=ROOT)
    assert result.conforms


def test_validating_the_reference_file_itself(tmp_path: Path) -> None:
    # A file under data/ that is validated is taken out of the context (no double triples).
    result = validate_files([ROOT / "data" / "gemeenten.ttl"], root=ROOT)
    assert result.conforms


def test_missing_file_raises() -> None:
    with pytest.raises(FileNotFoundError):
        validate_files([HERE / "does-not-exist.ttl"], root=ROOT)


def test_labels_for_readable_reports(report: ValidationReport) -> None:
    invalid = report.files[2]
    assert invalid.label(ID + "project/goed") == "Goed"
    assert invalid.label(ID + "project/fout") is None


def test_real_project_data_is_parsed_and_validated() -> None:
    files = sorted((PROJECT_ROOT / "data").glob("**/*.ttl"))
    result = validate_files(files)
    assert [r.file for r in result.files] == files
    assert all(r.syntax_error is None for r in result.files)
    for r in result.files:
        for finding in r.findings:
            assert finding.line is not None
            assert finding.messages.get("nl") and finding.messages.get("en")


def test_violation_on_a_focus_that_is_only_an_object_is_kept(tmp_path: Path) -> None:
    # shapes/geometry.ttl targets the objects of geo:hasGeometry; the file has no triple
    # about <g> itself, so the finding belongs to the line that mentions it.
    path = tmp_path / "object-focus.ttl"
    path.write_text(
        "@prefix geo: <http://www.opengis.net/ont/geosparql#> .\n"
        "\n"
        "<http://example.org/x> geo:hasGeometry <http://example.org/g> .\n",
        encoding="utf-8",
    )
    result = validate_files([path])
    assert not result.conforms
    findings = [f for f in result.files[0].findings if "example.org/g" in f.focus]
    assert findings, result.files[0].findings
    assert {f.line for f in findings} == {3}
