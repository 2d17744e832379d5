"""The ownership rule (server.build.validation.ownership) and the reused-IRI rule
(server.build.validation.reuse): a contribution describes only what its organisation owns,
decided by its folder (or by the owner given with an upload)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from server.build.validation import OWNERSHIP, REUSED_IRI, ValidationReport, validate_files
from server.build.validation.context import load_context
from server.build.validation.ownership import contribution_folder, resolve_owner
from server.settings import PROJECT_ROOT
from tests.support import TEST_DATA

FIXTURES = TEST_DATA / "contribute"
ID = "https://w3id.org/regiograaf/id/"
#: Where the fixtures are checked as if they were files (they need not exist there).
DELFT = PROJECT_ROOT / "data" / "contributions" / "gm0503"


def _as_file(path: Path, fixture: str, **owners: str) -> ValidationReport:
    data = (FIXTURES / fixture).read_bytes()
    return validate_files([path], PROJECT_ROOT, texts={path: data}, owners=owners or None)


def _ownership(report: ValidationReport) -> list[tuple[int | None, str]]:
    return [(f.line, f.message("en")) for f in report.files[0].findings if f.shape == OWNERSHIP]


def test_what_delft_owns_conforms_in_its_folder() -> None:
    report = _as_file(DELFT / "eigen.ttl", "delft-eigen.ttl")
    assert report.conforms, report.files[0].findings
    assert report.files[0].findings == ()


def test_what_is_not_delfts_is_reported_at_its_line_naming_the_owner() -> None:
    found = _ownership(_as_file(DELFT / "vreemd.ttl", "delft-vreemd.ttl"))
    assert [line for line, _ in found] == [20, 26, 33, 38, 45]
    messages = [message for _, message in found]
    assert all(m.startswith("This contribution of “Delft” (gemeente:gm0503)") for m in messages)
    assert "belongs to “Rotterdam” (gemeente:gm0599)" in messages[0]
    assert "is described by Regiograaf's reference data (data/gemeenten.ttl)" in messages[1]
    assert "belongs to “Rotterdam The Hague Metropolitan Area” (organisatie:mrdh)" in messages[2]
    assert "belongs to “The Hague” (gemeente:gm0518)" in messages[3]
    assert "is not a project, goal, strategy or assessment of “Delft”" in messages[4]


def test_the_folder_decides_the_owner() -> None:
    # In Rotterdam's folder its own project passes and Delft's file does not.
    rotterdam = PROJECT_ROOT / "data" / "contributions" / "gm0599" / "x.ttl"
    lines = [line for line, _ in _ownership(_as_file(rotterdam, "delft-vreemd.ttl"))]
    assert 20 not in lines and 26 in lines
    eigen = [line for line, _ in _ownership(_as_file(rotterdam, "delft-eigen.ttl"))]
    assert 22 in eigen


def test_outside_the_contributions_folder_only_when_an_owner_is_given() -> None:
    outside = PROJECT_ROOT / "upload.ttl"
    assert _ownership(_as_file(outside, "delft-vreemd.ttl")) == []
    given = _ownership(_as_file(outside, "delft-vreemd.ttl", **{str(outside): "gm0503"}))
    assert [line for line, _ in given] == [20, 26, 33, 38, 45]


def test_a_folder_that_names_no_organisation() -> None:
    report = _as_file(PROJECT_ROOT / "data" / "contributions" / "xx99" / "a.ttl", "delft-eigen.ttl")
    (finding,) = [f for f in report.files[0].findings if f.shape == OWNERSHIP]
    assert finding.line is None and finding.value == "xx99"
    assert "names no known organisation" in finding.message("en")


def test_a_reused_project_iri_is_named_once_with_the_other_file() -> None:
    text = (
        (FIXTURES / "delft-eigen.ttl")
        .read_text(encoding="utf-8")
        .replace(
            "project:voorbeeld-delft-test-sensoren a", "project:rotterdam-open-urban-platform a"
        )
    )
    path = DELFT / "reuse.ttl"
    report = validate_files([path], PROJECT_ROOT, texts={path: text.encode()})
    findings = report.files[0].findings
    (reused,) = [f for f in findings if f.shape == REUSED_IRI]
    assert reused.line == 18
    assert "data/register/rotterdam-en-omgeving.ttl" in reused.message("en")
    assert reused.message("en").startswith("This IRI is already used by another file")
    # no "exactly one title / status / start date" echoes, no second ownership finding
    assert not [f for f in findings if "MaxCount" in f.component]
    assert [f.shape for f in findings if f.severity == "Violation"] == [REUSED_IRI]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("gm0599", ID + "gemeente/gm0599"),
        ("GM0503", ID + "gemeente/gm0503"),
        ("pv28", ID + "organisatie/provincie-zuid-holland"),
        ("mrdh", ID + "organisatie/mrdh"),
        ("gm9999", None),
        ("rijksoverheid", ID + "organisatie/rijksoverheid"),
    ],
)
def test_resolve_owner(code: str, expected: str | None) -> None:
    merged = Graph()
    for graph in load_context(PROJECT_ROOT).data.values():
        merged += graph
    assert resolve_owner(code, merged) == (URIRef(expected) if expected else None)


@pytest.mark.parametrize(
    ("relpath", "folder"),
    [
        ("data/contributions/gm0599/a.ttl", "gm0599"),
        ("data/contributions/GM0599/a.ttl", "gm0599"),
        ("data/contributions/gm0599/sub/a.ttl", None),
        ("data/contributions/a.ttl", None),
        ("data/gemeenten.ttl", None),
    ],
)
def test_contribution_folder(relpath: str, folder: str | None) -> None:
    assert contribution_folder(relpath) == folder
