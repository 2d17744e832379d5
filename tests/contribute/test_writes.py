"""The write path (server.contribute.writes), in process with the real build: validated,
all or nothing, durable, recorded, built and served."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import URIRef

from server.contribute.errors import PreconditionFailed
from server.contribute.graphs import ContributionGraph
from server.contribute.writes import Contributions, Rejected, Writer
from server.errors import NotFound
from server.settings import Settings
from server.store.embedded import EmbeddedStore
from tests.support import TEST_DATA

EIGEN = (TEST_DATA / "contribute" / "delft-eigen.ttl").read_bytes()
VREEMD = (TEST_DATA / "contribute" / "delft-vreemd.ttl").read_bytes()
GRAPH = ContributionGraph("gm0503", "sensoren")
DELFT = Writer("abc1234567", "Team data", "gm0503")
SHA = (
    "SELECT ?g ?sha WHERE { GRAPH <https://w3id.org/regiograaf/graph/meta> "
    "{ ?g <https://w3id.org/regiograaf/def#sha256> ?sha } }"
)


def _served_sha(settings: Settings, graph: ContributionGraph) -> str | None:
    store = EmbeddedStore(settings.store)
    rows = store.query(SHA, bindings={"g": URIRef(graph.iri)}).rows()
    return str(rows[0]["sha"]) if rows else None


def _files(settings: Settings) -> list[str]:
    folder = settings.root / "data" / "contributions"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_put_post_delete_with_history_and_store(built: Settings) -> None:
    contributions = Contributions(built)
    created = contributions.write("PUT", GRAPH, EIGEN, DELFT)
    assert created.created and created.changed and created.version is not None
    assert GRAPH.path(built.root).read_bytes() == EIGEN
    sha = hashlib.sha256(EIGEN).hexdigest()
    assert created.version.sha256 == sha and created.version.number == 1
    assert _served_sha(built, GRAPH) == sha  # the answer comes when it is served
    assert EmbeddedStore(built.store).data_version() == created.data_version

    same = contributions.write("PUT", GRAPH, EIGEN, DELFT)
    assert not same.changed and same.version == created.version

    extra = (
        EIGEN.split(b"\n\n")[0]
        + b"""

project:voorbeeld-delft-test-sensoren rg:endDate "2026-12-31"^^xsd:date .
"""
    )
    merged = contributions.write("POST", GRAPH, extra, DELFT)
    assert merged.changed and merged.version and merged.version.number == 2
    assert (merged.version.added, merged.version.removed) == (1, 0)
    text = GRAPH.path(built.root).read_text(encoding="utf-8")
    assert "2026-12-31" in text and "Voorbeeld: sensoren in de binnenstad" in text

    gone = contributions.write("DELETE", GRAPH, None, DELFT)
    assert gone.version and gone.version.deleted and gone.version.number == 3
    assert not GRAPH.path(built.root).exists()
    assert _served_sha(built, GRAPH) is None
    with pytest.raises(NotFound):
        contributions.write("DELETE", GRAPH, None, DELFT)
    versions = contributions.history.of_graph(GRAPH)
    assert [(v.number, v.operation, v.by_name) for v in versions] == [
        (1, "PUT", "Team data"),
        (2, "POST", "Team data"),
        (3, "DELETE", "Team data"),
    ]
    assert contributions.history.content(sha) == EIGEN


def test_refused_writes_change_nothing(built: Settings) -> None:
    contributions = Contributions(built)
    graph = ContributionGraph("gm0503", "geweigerd")
    before = (_files(built), len(contributions.history.versions()))
    version = EmbeddedStore(built.store).data_version()

    with pytest.raises(Rejected) as syntax:
        contributions.write(
            "PUT",
            graph,
            EIGEN.replace(b"rg:status status:pilot ;", b"rg:status status:pilot"),
            DELFT,
        )
    assert syntax.value.status == 400
    error = syntax.value.report.files[0].syntax_error
    assert error is not None and (error.line, error.column) == (26, 27)
    assert str(syntax.value.report.files[0].file) == "data/contributions/gm0503/geweigerd.ttl"

    with pytest.raises(Rejected) as violations:
        contributions.write("PUT", graph, VREEMD, DELFT)
    assert violations.value.status == 422
    lines = [
        f.line for f in violations.value.report.files[0].findings if f.shape.endswith("#Ownership")
    ]
    assert lines == [20, 26, 33, 38, 45]

    assert (_files(built), len(contributions.history.versions())) == before
    assert EmbeddedStore(built.store).data_version() == version


def test_conditional_writes(built: Settings) -> None:
    contributions = Contributions(built)
    graph = ContributionGraph("gm0503", "voorwaardelijk")
    with pytest.raises(PreconditionFailed):
        contributions.write("PUT", graph, EIGEN, DELFT, if_match="*")  # does not exist yet
    first = contributions.write("PUT", graph, EIGEN, DELFT, if_none_match="*")
    assert first.version is not None
    tag = f'"{first.version.sha256}"'
    with pytest.raises(PreconditionFailed):
        contributions.write("PUT", graph, EIGEN, DELFT, if_none_match="*")
    with pytest.raises(PreconditionFailed):
        contributions.write("DELETE", graph, None, DELFT, if_match='"' + "0" * 64 + '"')
    with pytest.raises(PreconditionFailed):
        contributions.write("DELETE", graph, None, DELFT, if_match=f"W/{tag}")  # strong only
    # a tag of another representation of the same version counts
    done = contributions.write(
        "DELETE", graph, None, DELFT, if_match=f'"{first.version.sha256}-1a2b"'
    )
    assert done.version is not None and done.version.deleted


PREFIXES = EIGEN.decode().split("\n\n")[0] + "\n\n"
GOAL = """doel:voorbeeld-delft-test-los a rg:MunicipalGoal ;
    rg:isExample true ;
    dct:title "Voorbeeld: los doel"@nl, "Example: separate goal"@en ;
    dct:description "Verzonnen."@nl, "Invented."@en ;
    rg:setBy gemeente:gm0503 ;
    rg:challenge opgave:veilige-leefomgeving .
"""
PROJECT = """project:voorbeeld-delft-test-los a rg:Project ;
    rg:isExample true ;
    dct:title "Voorbeeld: los project"@nl, "Example: separate project"@en ;
    dct:description "Verzonnen."@nl, "Invented."@en ;
    rg:leadMunicipality gemeente:gm0503 ;
    rg:stage waardeketen:data ;
    rg:challenge opgave:veilige-leefomgeving ;
    rg:status status:idee ;
    rg:contributesTo doel:voorbeeld-delft-test-los .
"""


def test_a_write_may_not_break_another_file(built: Settings) -> None:
    contributions = Contributions(built)
    goals = ContributionGraph("gm0503", "doelen")
    projects = ContributionGraph("gm0503", "projecten")
    contributions.write("PUT", goals, (PREFIXES + GOAL).encode(), DELFT)
    contributions.write("PUT", projects, (PREFIXES + PROJECT).encode(), DELFT)
    with pytest.raises(Rejected) as broken:
        contributions.write("DELETE", goals, None, DELFT)
    assert broken.value.status == 422
    names = [str(r.file) for r in broken.value.report.files]
    assert names == ["data/contributions/gm0503/projecten.ttl"]
    (finding,) = [f for f in broken.value.report.files[0].findings if f.severity == "Violation"]
    assert finding.path == "https://w3id.org/regiograaf/def#contributesTo"
    assert goals.path(built.root).exists()


def test_history_records_changes_made_to_the_files_directly(built: Settings) -> None:
    contributions = Contributions(built)
    graph = ContributionGraph("gm0503", "via-git")
    graph.path(built.root).write_bytes(EIGEN.replace(b"sensoren", b"sensorenb"))
    contributions.sync()
    (version,) = contributions.history.of_graph(graph)
    assert (version.operation, version.by, version.number) == ("file", None, 1)
    assert version.organisation == "https://w3id.org/regiograaf/id/gemeente/gm0503"
    graph.path(built.root).unlink()
    contributions.sync()
    assert contributions.history.of_graph(graph)[-1].deleted
