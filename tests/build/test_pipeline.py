"""The build: every source loaded, inference kept useful, rebuild only when needed."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from server.build.pipeline import DATASET_IRI, META_GRAPH, build
from server.build.sources import discover
from server.cli import main
from server.rdf.namespaces import INFERRED_GRAPH
from server.settings import PROJECT_ROOT, load_settings
from server.store.embedded import CURRENT, EmbeddedStore
from tests.build.generated import add_contributions
from tests.support import BuiltStore, copy_project

PREFIXES = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
REFERENCE_CSV = PROJECT_ROOT.parent / "shared" / "reference" / "mrdh_municipalities.csv"


def select(built: BuiltStore, sparql: str) -> list[dict]:
    return built.store.query(PREFIXES + sparql).rows()


def number(built: BuiltStore, sparql: str) -> int:
    return int(select(built, sparql)[0]["n"])


def test_every_source_has_its_named_graph(built_store: BuiltStore) -> None:
    graphs = set(built_store.store.named_graphs())
    sources = discover(built_store.settings.root)
    assert sources
    for source in sources:
        assert source.graph in graphs, source.relpath
        assert built_store.store.count(source.graph) > 0, source.relpath
    assert {INFERRED_GRAPH, META_GRAPH} <= graphs
    assert graphs == {s.graph for s in sources} | {INFERRED_GRAPH, META_GRAPH}


def test_the_24_municipalities_with_tooi_iris(built_store: BuiltStore) -> None:
    rows = select(
        built_store,
        """SELECT ?code ?tooi WHERE {
             ?m a rg:Municipality ; rg:cbsCode ?code ; rg:tooi ?tooi .
             FILTER (STRSTARTS(STR(?tooi), "https://identifier.overheid.nl/tooi/id/gemeente/gm"))
           }""",
    )
    codes = {str(row["code"]) for row in rows}
    assert len(codes) == 24
    for row in rows:
        assert str(row["tooi"]).endswith("/" + str(row["code"]).lower())
    if REFERENCE_CSV.exists():
        with REFERENCE_CSV.open(encoding="utf-8") as handle:
            assert codes == {line["cbs_code"] for line in csv.DictReader(handle)}


def test_at_least_60_projects(built_store: BuiltStore) -> None:
    assert number(built_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a rg:Project }") >= 60


def test_indirect_contributions_are_inferred(built_store: BuiltStore) -> None:
    inferred = number(
        built_store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{
              GRAPH <{INFERRED_GRAPH}> {{ ?p rg:contributesIndirectlyTo ?goal }} }}""",
    )
    assert inferred > 0
    missing = select(
        built_store,
        """SELECT ?p ?goal WHERE {
             ?p rg:contributesTo/rg:alignsWith+ ?goal .
             FILTER NOT EXISTS { ?p rg:contributesIndirectlyTo ?goal }
           } LIMIT 10""",
    )
    assert missing == []


def test_indirect_contributions_through_two_alignments(built_store: BuiltStore) -> None:
    rows = select(
        built_store,
        f"""SELECT ?p ?far WHERE {{
              ?p rg:contributesTo ?g . ?g rg:alignsWith ?near . ?near rg:alignsWith ?far .
              FILTER NOT EXISTS {{ ?g rg:alignsWith ?far }}
              FILTER NOT EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?p rg:contributesIndirectlyTo ?far }}
                                   FILTER NOT EXISTS {{ ?p rg:contributesIndirectlyTo ?far }} }}
            }}""",
    )
    for row in rows:
        ask = built_store.store.query(
            PREFIXES
            + f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{row['p']}> rg:contributesIndirectlyTo "
            f"<{row['far']}> }} }}"
        )
        assert ask.boolean(), row


def test_inverses_are_inferred(built_store: BuiltStore) -> None:
    missing = select(
        built_store,
        """SELECT ?p ?m WHERE {
             ?p rg:leadMunicipality ?m .
             FILTER NOT EXISTS { ?m rg:hasProject ?p ; rg:leadsProject ?p . ?p rg:participant ?m }
           } LIMIT 10""",
    )
    assert missing == []


def test_no_trivial_inferred_triples(built_store: BuiltStore) -> None:
    trivial = select(
        built_store,
        f"""SELECT ?s ?p ?o WHERE {{
              GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
              FILTER (
                ?o IN (owl:Thing, rdfs:Resource, owl:Class, owl:ObjectProperty)
                || (?p = owl:sameAs && ?s = ?o)
                || ?p IN (rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range,
                          owl:equivalentClass, owl:equivalentProperty)
                || STRSTARTS(STR(?s), "https://w3id.org/regiograaf/def")
                || STRSTARTS(STR(?s), "http://www.w3.org/")
                || (isBlank(?s) && isBlank(?o))
              )
            }} LIMIT 10""",
    )
    assert trivial == []
    repeated = select(
        built_store,
        f"""SELECT ?s ?p ?o ?g WHERE {{
              GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
              GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{INFERRED_GRAPH}>)
            }} LIMIT 10""",
    )
    assert repeated == []


def test_one_title_per_language_across_all_sources(built_store: BuiltStore) -> None:
    # Two files may describe one thing (a cited page), but a page with two titles in one
    # language shows both side by side.
    doubled = select(
        built_store,
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           SELECT ?s ?p (LANG(?a) AS ?lang) WHERE {
             VALUES ?p { dct:title rdfs:label skos:prefLabel }
             ?s ?p ?a , ?b FILTER (LANG(?a) = LANG(?b) && STR(?a) < STR(?b))
           } LIMIT 10""",
    )
    assert doubled == []


def test_meta_graph_describes_every_source(built_store: BuiltStore) -> None:
    rows = select(
        built_store,
        f"""SELECT ?doc ?path ?sha WHERE {{ GRAPH <{META_GRAPH}> {{
              ?doc a rg:SourceDocument, prov:Entity ; dct:source ?path ; rg:sha256 ?sha }} }}""",
    )
    found = {str(row["doc"]): (str(row["path"]), str(row["sha"])) for row in rows}
    for source in built_store.result.sources:
        assert found[source.graph] == (source.relpath, source.sha256)
    contributions = [s for s in built_store.result.sources if s.kind == "contribution"]
    for source in contributions:
        ask = built_store.store.query(
            PREFIXES + f"ASK {{ GRAPH <{META_GRAPH}> {{ <{source.graph}> a rg:Contribution ; "
            f"rg:forMunicipality <{source.municipality}> }} }}"
        )
        assert ask.boolean(), source.relpath
    version = select(
        built_store,
        f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{DATASET_IRI}> dct:hasVersion ?v ; "
        "prov:generatedAtTime ?t } }",
    )
    assert [str(row["v"]) for row in version] == [built_store.result.data_version]


def test_second_build_does_no_work(built_store: BuiltStore) -> None:
    current = os.readlink(built_store.settings.store / CURRENT)
    result = build(built_store.settings)
    assert result.status == "up-to-date"
    assert result.data_version == built_store.result.data_version
    assert os.readlink(built_store.settings.store / CURRENT) == current


# --- builds of a copy of the project -------------------------------------------------------

BAD_PROJECT = """\
@prefix rg: <https://w3id.org/regiograaf/def#> .
<https://w3id.org/regiograaf/id/project/onvolledig> a rg:Project .
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("REGIOGRAAF_ROOT", str(root))
    monkeypatch.setenv("REGIOGRAAF_STORE", str(tmp_path / "store"))
    return root


def test_changes_rebuild(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings()
    store = EmbeddedStore(settings.store)
    assert main(["build"]) == 0
    first = store.data_version()
    assert "built data version" in capsys.readouterr().out

    assert main(["build"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert store.data_version() == first

    changed = project / "data" / "gemeenten.ttl"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert main(["build"]) == 0
    out, err = capsys.readouterr()
    assert "incremental: 1 changed files redone" in out
    # progress in plain lines (stderr is no terminal here): stage, counts, elapsed
    assert re.search(r"^build: parse done: 1/1 files, \d+ triples in [\d.]+ s$", err, re.M)
    second = store.data_version()
    assert second != first

    (added,) = add_contributions(project, 1)
    assert main(["build"]) == 0
    third = store.data_version()
    assert third not in (first, second)
    graph = (
        "https://w3id.org/regiograaf/graph/" + added.relative_to(project).with_suffix("").as_posix()
    )
    assert graph in store.named_graphs()

    added.unlink()
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "built data version" in capsys.readouterr().out
    assert store.data_version() == second  # the same sources as before the file was added
    assert graph not in store.named_graphs()


def test_violation_stops_the_build(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings()
    assert main(["build"]) == 0
    before = (EmbeddedStore(settings.store).data_version(), os.readlink(settings.store / CURRENT))
    bad = project / "data" / "contributions" / "gm0599" / "onvolledig.ttl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(BAD_PROJECT, encoding="utf-8")
    capsys.readouterr()
    assert main(["build"]) == 1
    assert "build stopped" in capsys.readouterr().err
    after = (EmbeddedStore(settings.store).data_version(), os.readlink(settings.store / CURRENT))
    assert after == before


def test_syntax_error_stops_the_build(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = project / "data" / "contributions" / "gm0599" / "kapot.ttl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("@prefix rg: <https://w3id.org/regiograaf/def#> .\nrg:x rg:y\n", "utf-8")
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "kapot.ttl" in err
    assert not EmbeddedStore(load_settings().store).exists()


def test_a_wrong_root_leaves_the_store_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGIOGRAAF_ROOT", str(tmp_path / "nonexistent"))
    monkeypatch.setenv("REGIOGRAAF_STORE", str(tmp_path / "store"))
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "no .ttl files" in err and "nonexistent" in err
    assert not (tmp_path / "store").exists()


def test_the_examples_setting_switches_the_example_graphs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off (the default for a public service): no example graph, nothing marked rg:isExample.
    On: the examples' own graphs, marked as such in the meta graph; another data version."""
    monkeypatch.setenv("REGIOGRAAF_EXAMPLES", "false")
    assert main(["build"]) == 0
    store = EmbeddedStore(load_settings().store)
    off = store.data_version()
    assert not [g for g in store.named_graphs() if "/graph/data/voorbeelden/" in g]
    assert (
        store.query("ASK { ?x <https://w3id.org/regiograaf/def#isExample> true }").boolean()
        is False
    )
    monkeypatch.setenv("REGIOGRAAF_EXAMPLES", "true")
    assert main(["build"]) == 0
    assert store.data_version() != off
    examples = {g for g in store.named_graphs() if "/graph/data/voorbeelden/" in g}
    assert examples
    marked = store.query(
        "SELECT ?g WHERE { GRAPH <https://w3id.org/regiograaf/graph/meta> "
        "{ ?g <https://w3id.org/regiograaf/def#isExample> true } }"
    ).rows()
    assert {str(row["g"]) for row in marked} == examples
