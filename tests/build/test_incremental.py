"""An incremental build gives exactly the store a full build gives, graph by graph
(server.build.changes against server.build.full), and leaves the store alone when it fails."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from server.build.pipeline import DATASET_IRI, META_GRAPH, build
from server.settings import Settings, load_settings
from server.store.embedded import CURRENT, EmbeddedStore
from tests.build.generated import add_contributions
from tests.support import copy_project

GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"
ID = "https://w3id.org/regiograaf/id/"


def content(store: EmbeddedStore) -> dict[str, set[tuple[str, str, str]]]:
    """Every graph of the store (the merge as ``""``) as N-Triples terms, without the build
    time."""
    graphs: dict[str, set[tuple[str, str, str]]] = {}
    for row in store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows():
        graphs.setdefault(str(row["g"]), set()).add((row["s"].n3(), row["p"].n3(), row["o"].n3()))
    graphs[""] = {
        (row["s"].n3(), row["p"].n3(), row["o"].n3())
        for row in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows()
    }
    for triples in graphs.values():
        triples -= {t for t in triples if t[:2] == (f"<{DATASET_IRI}>", f"<{GENERATED_AT}>")}
    return graphs


def assert_same_as_a_full_build(settings: Settings, tmp_path: Path, mode: str) -> None:
    """Build ``settings`` (expecting ``mode``), build the same root afresh into another store,
    and compare them."""
    result = build(settings)
    assert result.status == "built", result.report or result.syntax_error
    assert result.mode == mode, result.reason
    fresh = load_settings(root=settings.root, store=tmp_path / f"full-{os.urandom(4).hex()}")
    assert build(fresh).mode == "full"
    built, expected = EmbeddedStore(settings.store), EmbeddedStore(fresh.store)
    got, want = content(built), content(expected)
    assert sorted(got) == sorted(want)
    for graph in want:
        assert got[graph] == want[graph], graph
    stamps = [built.stamp() or {}, expected.stamp() or {}]
    for key in ("graphs", "triples", "quads"):
        assert stamps[0][key] == stamps[1][key], key


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[Path]]:
    base = tmp_path_factory.mktemp("incremental")
    root = copy_project(base / "root")
    files = add_contributions(root, 40, per_file=4)
    settings = load_settings(root=root, store=base / "store")
    assert build(settings).mode == "full"
    return settings, files


def test_several_changes_at_once(project: tuple[Settings, list[Path]], tmp_path: Path) -> None:
    settings, files = project
    titled, shortened, removed, asserting = files[0], files[1], files[2], files[3]
    titled.write_text(titled.read_text().replace("Benchmarkproject", "Project", 1))
    blocks = shortened.read_text().split("\n\n")
    shortened.write_text("\n\n".join(blocks[:-2]) + "\n")  # one project less
    removed.unlink()
    added = files[4].with_name("extra.ttl")
    added.write_text(files[4].read_text().replace("project/benchmark-", "project/extra-"))
    # A statement the inference would make: it leaves the inferred graph.
    project_iri, lead = _first_project(asserting)
    asserting.write_text(asserting.read_text() + f"\n<{lead}> rg:leadsProject <{project_iri}> .\n")
    assert_same_as_a_full_build(settings, tmp_path, "incremental")
    files.remove(removed)


def test_taking_back_an_inferred_statement(
    project: tuple[Settings, list[Path]], tmp_path: Path
) -> None:
    settings, files = project
    asserting = files[2]  # the file that asserted rg:leadsProject (after the removal above)
    text = asserting.read_text()
    assert "rg:leadsProject" in text
    asserting.write_text(text[: text.index("\n<https://w3id.org/regiograaf/id/gemeente/")] + "\n")
    shapes = settings.root / "shapes" / "project.ttl"
    shapes.write_text(shapes.read_text() + "\n# a comment\n")
    assert_same_as_a_full_build(settings, tmp_path, "incremental")


def test_a_change_of_the_goals_builds_everything(
    project: tuple[Settings, list[Path]], tmp_path: Path
) -> None:
    settings, _files = project
    goals = settings.root / "data" / "voorbeelden" / "doelen.ttl"
    text = goals.read_text()
    changed = text.replace(
        "rg:alignsWith doel:mrdh-digitale-strategie, doel:nds-2018-kansen-benutten .",
        "rg:alignsWith doel:mrdh-digitale-strategie .",
    )
    assert changed != text
    goals.write_text(changed)
    assert_same_as_a_full_build(settings, tmp_path, "full")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("@prefix rg: <https://w3id.org/regiograaf/def#> .\nrg:x rg:y\n", "syntax-error"),
        (
            "@prefix rg: <https://w3id.org/regiograaf/def#> .\n"
            "<https://w3id.org/regiograaf/id/project/onvolledig> a rg:Project .\n",
            "invalid",
        ),
    ],
)
def test_a_failed_change_leaves_the_store_alone(
    project: tuple[Settings, list[Path]], text: str, status: str
) -> None:
    settings, files = project
    store = EmbeddedStore(settings.store)
    before = (store.data_version(), os.readlink(settings.store / CURRENT))
    bad = files[0].with_name("kapot.ttl")
    bad.write_text(text)
    try:
        assert build(settings).status == status
    finally:
        bad.unlink()
    assert (store.data_version(), os.readlink(settings.store / CURRENT)) == before
    assert len(list((settings.store / "versions").iterdir())) <= 2


def test_meta_graph_follows(project: tuple[Settings, list[Path]]) -> None:
    settings, _files = project
    store = EmbeddedStore(settings.store)
    assert build(settings).status == "up-to-date"
    rows = store.query(
        f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{DATASET_IRI}> "
        "<http://purl.org/dc/terms/hasVersion> ?v } }"
    ).rows()
    assert [str(row["v"]) for row in rows] == [store.data_version()]


def _first_project(path: Path) -> tuple[str, str]:
    text = path.read_text()
    project_iri = re.search(r"<(https://w3id.org/regiograaf/id/project/[^>]+)> a rg:Project", text)
    lead = re.search(r"rg:leadMunicipality <([^>]+)>", text)
    assert project_iri and lead
    return project_iri[1], lead[1]
