"""The search (server/search/query.py) on the project's real data (``built_store``, examples
on) and on stores made for a case: what is found, in which order, and what is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from server.rdf.namespaces import ID_BASE, RG
from server.search.query import MAX_CANDIDATES, Hit, search
from server.search.text import parse
from server.settings import load_settings
from server.store import Store
from server.store.embedded import EmbeddedStore
from tests.support import BuiltStore, build_root, small_project_in

DCT = Namespace("http://purl.org/dc/terms/")
ZOETERMEER = ID_BASE + "gemeente/gm0637"
BRIELLE = ID_BASE + "gemeente/gm0501"
LIVING_LAB = "Smart City Living Lab Zoetermeer: luchtkwaliteit langs 50- en 70-kilometerwegen"


def _hits(
    store: Store, text: str, lang: str = "nl", *, kind: str | None = None, examples: bool = True
) -> list[Hit]:
    return list(search(store, parse(text), lang, limit=100, kind=kind, examples=examples).hits)


def _labels(store: Store, text: str) -> list[str]:
    return [hit.label for hit in _hits(store, text)]


@pytest.mark.parametrize("text", ["Zoetermeer", "zoetermeer", "ZOETERMEER", "  zoetermeer  "])
def test_a_municipality_by_its_name_comes_first(built_store: BuiltStore, text: str) -> None:
    hits = _hits(built_store.store, text)
    first = hits[0]
    assert (first.iri, first.kind, first.rank, first.cbs) == (ZOETERMEER, "gemeente", 0, "gm0637")
    assert not first.former and not first.example
    assert first.kind_label == "gemeente"
    assert [hit.label for hit in hits] == _labels(built_store.store, "Zoetermeer")


def test_the_order_is_rank_then_real_before_examples_then_name(built_store: BuiltStore) -> None:
    hits = _hits(built_store.store, "zoetermeer")
    assert [(hit.rank, hit.example) for hit in hits] == [
        (0, False),
        (2, False),
        (2, True),
        (2, True),
        (3, False),
        (3, False),
        (3, True),
        (3, True),
    ]
    assert hits[1].label == LIVING_LAB
    for hit in hits:
        assert hit.label.startswith("Voorbeeld:") == hit.example, hit.label


def test_exact_label_then_label_prefix(built_store: BuiltStore) -> None:
    hits = _hits(built_store.store, "data")
    assert [(hit.rank, hit.kind, hit.label) for hit in hits[:2]] == [
        (0, "schakel", "Data"),
        (0, "doel", "Data"),
    ]
    assert {hit.rank for hit in hits[2:7]} == {1}
    english = {hit.iri: hit.label for hit in _hits(built_store.store, "data", "en")}
    for hit in hits:
        if hit.rank == 1:  # a label in one of the languages begins with the word
            assert "data" in (hit.label[:4].lower(), english[hit.iri][:4].lower()), hit
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)


def test_a_former_municipality_by_its_name(built_store: BuiltStore) -> None:
    hits = _hits(built_store.store, "Brielle")
    assert (hits[0].iri, hits[0].former, hits[0].rank) == (BRIELLE, True, 0)
    hits = _hits(built_store.store, "hellevoetsluis", kind="gemeente")
    assert [(hit.label, hit.former) for hit in hits] == [("Hellevoetsluis", True)]


def test_real_before_examples_and_current_before_former(tmp_path: Path) -> None:
    """Four things named "Aadorp", all of rank 0: the current municipality and the real
    project, then the former municipality, then the invented project."""
    graph = Graph()
    org = Namespace("http://www.w3.org/ns/org#")
    for ref, kind, former, example in (
        ("gemeente/gm9001", "Municipality", False, False),
        ("gemeente/gm9002", "Municipality", True, False),
        ("project/echt", "Project", False, False),
        ("project/verzonnen", "Project", False, True),
    ):
        item = URIRef(ID_BASE + ref)
        graph.add((item, RDF.type, URIRef(RG + kind)))
        graph.add((item, DCT.title, Literal("Aadorp", lang="nl")))
        if former:
            membership = URIRef(ID_BASE + "lidmaatschap/" + ref.rsplit("/", 1)[1])
            graph.add((membership, org.member, item))
            graph.add((membership, URIRef(RG + "endDate"), Literal("2023-01-01")))
        if example:
            graph.add((item, URIRef(RG + "isExample"), Literal(True)))
    store = EmbeddedStore(tmp_path / "store", read_only=False)
    store.replace({"https://w3id.org/regiograaf/graph/test": graph}, "v1")
    hits = _hits(store, "aadorp")
    assert [(hit.iri.removeprefix(ID_BASE), hit.former, hit.example) for hit in hits] == [
        ("gemeente/gm9001", False, False),
        ("project/echt", False, False),
        ("gemeente/gm9002", True, False),
        ("project/verzonnen", False, True),
    ]
    assert {hit.rank for hit in hits} == {0}


def test_english_labels_and_kinds(built_store: BuiltStore) -> None:
    hits = _hits(built_store.store, "Digital infrastructure", "en")
    assert (hits[0].label, hits[0].kind_label, hits[0].rank) == (
        "Digital infrastructure",
        "value chain stage",
        0,
    )
    # The Dutch label of the same stage finds it too, and names it in the asked language.
    assert _hits(built_store.store, "digitale infrastructuur", "en")[0].label == hits[0].label


def test_accents_and_word_starts(built_store: BuiltStore) -> None:
    assert "Efficiëntere en gebruiksvriendelijke dienstverlening" in _labels(
        built_store.store, "efficiente"
    )
    # A word is found where a word begins: "meer" is not in "Zoetermeer".
    assert ZOETERMEER not in {hit.iri for hit in _hits(built_store.store, "meer")}


@pytest.mark.parametrize("text", ["kilometer", "70-kilometerwegen", "70kilometerwegen"])
def test_hyphens_and_apostrophes(built_store: BuiltStore, text: str) -> None:
    assert _labels(built_store.store, text) == [LIVING_LAB]


def test_every_word_must_be_found(built_store: BuiltStore) -> None:
    store = built_store.store
    both = {hit.iri for hit in _hits(store, "digitale dienstverlening rotterdam")}
    assert both  # three things hold all three words
    for word in ("digitale", "dienstverlening", "rotterdam"):
        assert both <= {hit.iri for hit in _hits(store, word)}
    assert len(both) < len(_hits(store, "dienstverlening"))
    assert _hits(store, "dienstverlening xyzzyzzy") == []


def test_the_kind_filter_and_the_counts(built_store: BuiltStore) -> None:
    result = search(built_store.store, parse("zoetermeer"), "nl")
    assert dict(result.counts) == {"gemeente": 1, "project": 6, "doel": 1}
    assert result.total == 8 and not result.more
    only = search(built_store.store, parse("zoetermeer"), "nl", kind="project")
    assert [hit.kind for hit in only.hits] == ["project"] * 6
    assert only.counts == result.counts


def test_the_limit(built_store: BuiltStore) -> None:
    result = search(built_store.store, parse("een"), "nl", limit=5)
    assert len(result.hits) == 5 and result.limited and result.total > 5


def test_examples_left_out_on_request(built_store: BuiltStore) -> None:
    assert any(hit.example for hit in _hits(built_store.store, "zoetermeer"))
    hits = _hits(built_store.store, "zoetermeer", examples=False)
    assert [hit.label for hit in hits][:2] == ["Zoetermeer", LIVING_LAB]
    assert not any(hit.example for hit in hits)


def test_a_store_built_without_examples_has_none_to_find(tmp_path: Path) -> None:
    """``REGIOGRAAF_EXAMPLES`` off: the build leaves data/voorbeelden/ out."""
    root = small_project_in(tmp_path / "root")
    (root / "data" / "voorbeelden").mkdir()
    (root / "data" / "voorbeelden" / "projecten.ttl").write_text(
        (load_settings().root / "data" / "voorbeelden" / "projecten.ttl").read_text("utf-8"),
        encoding="utf-8",
    )
    built = build_root(load_settings(root=root, store=tmp_path / "store", examples=False))
    hits = _hits(built.store, "voorbeeld")
    assert hits == [] or not any(hit.example for hit in hits)
    assert _hits(built.store, "zoetermeer")[0].iri == ZOETERMEER


@pytest.mark.parametrize(
    "text",
    [
        '" } ; DROP ALL ; SELECT * { ?s ?p ?o',
        "\\u0022 <http://x> ?s",
        ".* [a-z]+ (?i) ^$ | \\",
        "'; --",
        "a" * 100,
        "🙂 ‮data",
    ],
)
def test_hostile_text_is_just_words(built_store: BuiltStore, text: str) -> None:
    before = built_store.store.count()
    words = parse(text).words
    assert all(re.fullmatch(r"[^\W_]+( [^\W_]+)*", word.text) for word in words), words
    result = search(built_store.store, parse(text), "nl")
    assert len(result.hits) == min(result.total, 100)
    assert built_store.store.count() == before


def test_the_number_of_candidates_is_capped(tmp_path: Path) -> None:
    graph = Graph()
    for n in range(MAX_CANDIDATES + 20):
        project = URIRef(f"{ID_BASE}project/p{n}")
        graph.add((project, RDF.type, URIRef(RG + "Project")))
        graph.add((project, DCT.title, Literal(f"Project {n}", lang="nl")))
    store = EmbeddedStore(tmp_path / "store", read_only=False)
    store.replace({"https://w3id.org/regiograaf/graph/test": graph}, "v1")
    result = search(store, parse("project"), "nl", limit=10)
    assert result.more and result.total == MAX_CANDIDATES
    assert len(result.hits) == 10 and result.limited
    assert {hit.rank for hit in result.hits} == {1}
