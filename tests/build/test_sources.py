"""Discovery of source files and their graph IRIs (server.build.sources)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from server.build.sources import (
    GRAPH_BASE,
    data_sources,
    discover,
    graph_iri,
    inference_sources,
    kind_of,
    selected,
)

TURTLE = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"


def write(path: Path, text: str = TURTLE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for relpath in (
        "ontology/regiograaf.ttl",
        "shapes/project.ttl",
        "data/gemeenten.ttl",
        "data/voorbeelden/projecten.ttl",
        "data/contributions/gm0599/slimme-haven.ttl",
        "data/contributions/readme-example.ttl",
        "data/notes.txt",
        "queries/qc/x.ttl",
        "ontology/drafts/old.ttl",
    ):
        write(tmp_path / relpath)
    return tmp_path


def test_graph_iri_is_the_relative_path_without_extension(tmp_path: Path) -> None:
    assert graph_iri(tmp_path / "data/gemeenten.ttl", tmp_path) == GRAPH_BASE + "data/gemeenten"
    assert (
        graph_iri(tmp_path / "data/contributions/gm0599/slimme-haven.ttl", tmp_path)
        == "https://w3id.org/regiograaf/graph/data/contributions/gm0599/slimme-haven"
    )


@pytest.mark.parametrize(
    ("relpath", "kind"),
    [
        ("ontology/regiograaf.ttl", "ontology"),
        ("shapes/project.ttl", "shapes"),
        ("data/gemeenten.ttl", "reference"),
        ("data/voorbeelden/doelen.ttl", "example"),
        ("data/example-goals.ttl", "example"),
        ("data/contributions/gm0599/slimme-haven.ttl", "contribution"),
        ("data/contributions/GM0599/slimme-haven.ttl", "contribution"),
        ("data/contributions/rotterdam/x.ttl", "reference"),
        ("data/gemeenten.txt", None),
        ("queries/qc/x.ttl", None),
        ("ontology/drafts/old.ttl", None),
    ],
)
def test_kind_of(relpath: str, kind: str | None) -> None:
    assert kind_of(relpath) == kind


def test_discover_finds_sources_sorted_with_hashes(root: Path) -> None:
    sources = discover(root)
    assert [source.relpath for source in sources] == [
        "data/contributions/gm0599/slimme-haven.ttl",
        "data/contributions/readme-example.ttl",
        "data/gemeenten.ttl",
        "data/voorbeelden/projecten.ttl",
        "ontology/regiograaf.ttl",
        "shapes/project.ttl",
    ]
    expected = hashlib.sha256(TURTLE.encode()).hexdigest()
    assert all(source.sha256 == expected for source in sources)
    contribution = sources[0]
    assert contribution.kind == "contribution"
    assert contribution.municipality == "https://w3id.org/regiograaf/id/gemeente/gm0599"
    assert sources[2].municipality is None


def test_data_and_inference_selections(root: Path) -> None:
    sources = discover(root)
    assert {s.kind for s in data_sources(sources)} == {"reference", "example", "contribution"}
    assert "shapes" not in {s.kind for s in inference_sources(sources)}
    assert "ontology" in {s.kind for s in inference_sources(sources)}


def test_examples_are_selected_only_when_the_setting_is_on(root: Path) -> None:
    sources = discover(root)
    without = [source.relpath for source in selected(sources, examples=False)]
    assert "data/voorbeelden/projecten.ttl" not in without
    assert "data/contributions/readme-example.ttl" in without  # a contribution, not an example
    assert [s.relpath for s in selected(sources, examples=True)] == [s.relpath for s in sources]


def test_discover_without_hashes(root: Path) -> None:
    assert all(source.sha256 == "" for source in discover(root, with_hashes=False))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("mijn project.ttl", "data/mijn%20project"), ("a#b.ttl", "data/a%23b")],
)
def test_graph_iri_is_percent_encoded(tmp_path: Path, name: str, expected: str) -> None:
    import pyoxigraph

    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / name
    path.write_text("", encoding="utf-8")
    iri = graph_iri(path, tmp_path)
    assert iri == GRAPH_BASE + expected
    pyoxigraph.NamedNode(iri)  # a valid IRI
