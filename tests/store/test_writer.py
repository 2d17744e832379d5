"""Writing versions of the embedded store in bulk and as changes (server.store.writer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.store import StoreError
from server.store.embedded import CURRENT, EmbeddedStore
from server.store.syntax import from_ntriples, read_turtle, to_ntriples
from server.store.terms import iri

G1 = "https://example.org/graph/one"
G2 = "https://example.org/graph/two"
EX = "http://example.org/"


def triples(text: str, prefix: str = "b") -> list:
    return read_turtle(f"@prefix ex: <{EX}> .\n{text}".encode(), prefix)


ONE = triples("ex:a ex:p ex:b . ex:shared ex:p ex:x . ex:a ex:q [ ex:r 1 ] .", "one")
TWO = triples("ex:c ex:p ex:d . ex:shared ex:p ex:x .", "two")


def publish(store: EmbeddedStore, graphs: dict[str, list], version: str) -> None:
    with store.writing(), store.writer(version, incremental=False) as writer:
        for graph, content in graphs.items():
            writer.append(graph, content)
        counts = {graph: writer.count(graph) for graph in graphs}
        merged = writer.count()
        writer.publish(counts, sum(counts.values()) + merged, {}, {"kept": 1}, optimize=True)


def merge(store: EmbeddedStore) -> set:
    rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows()
    return {(r["s"].n3(), r["p"].n3(), r["o"].n3()) for r in rows}


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    built = EmbeddedStore(tmp_path / "store", read_only=False)
    publish(built, {G1: ONE, G2: TWO}, "v1")
    return built


def test_bulk_writes_graphs_the_merge_and_the_state(store: EmbeddedStore) -> None:
    assert store.named_graphs() == [G1, G2]
    assert store.count(G1) == 4 and store.count(G2) == 2
    assert len(merge(store)) == 5  # the shared triple once
    stamp = store.stamp() or {}
    assert stamp["graphs"] == {G1: 4, G2: 2} and stamp["quads"] == 11
    assert store.build_state() == {"kept": 1}


def test_a_change_copies_the_current_version_and_leaves_it_alone(store: EmbeddedStore) -> None:
    first = store.current_version()
    assert first is not None
    reader = EmbeddedStore(store.path)  # a server process reading the first version
    assert reader.count(G1) == 4
    with store.writing(), store.writer("v2", incremental=True) as writer:
        added, removed = writer.set_graph(G1, triples("ex:a ex:p ex:b . ex:new ex:p ex:x ."))
        assert len(added) == 1 and len(removed) == 3
        writer.set_graph(G2, [])
        writer.publish({G1: 2}, 2 + 2 + writer.merge_change + 5, {}, {}, optimize=False)
    assert writer.merge_change == -3  # ex:c ex:p ex:d, the blank node's two triples
    assert store.named_graphs() == [G1]  # an emptied graph is gone
    assert {t[0] for t in merge(store)} == {f"<{EX}a>", f"<{EX}new>"}
    # the shared triple left the merge only with its last graph
    assert (f"<{EX}shared>", f"<{EX}p>", f"<{EX}x>") not in merge(store)
    # the first version is untouched (and still readable by the old reader)
    assert (first.folder / "oxigraph").is_dir()
    assert EmbeddedStore(first.folder.parent.parent).data_version() == "v2"


def test_a_failed_write_leaves_nothing(store: EmbeddedStore) -> None:
    before = os.readlink(store.path / CURRENT)
    folders = set((store.path / "versions").iterdir())
    with pytest.raises(RuntimeError), store.writing(), store.writer("v3", incremental=True) as w:
        w.set_graph(G1, [])
        raise RuntimeError("stop")
    assert os.readlink(store.path / CURRENT) == before
    assert set((store.path / "versions").iterdir()) == folders
    assert store.count(G1) == 4


def test_an_incremental_write_needs_a_version(tmp_path: Path) -> None:
    empty = EmbeddedStore(tmp_path / "none", read_only=False)
    with pytest.raises(StoreError), empty.writing():
        empty.writer("v1", incremental=True)


def test_lookups(store: EmbeddedStore) -> None:
    with store.writing(), store.writer("v2", incremental=True) as writer:
        shared = (iri(EX + "shared"), iri(EX + "p"), iri(EX + "x"))
        assert writer.graphs_holding(shared) == {G1, G2}
        assert writer.graphs_mentioning(iri(EX + "x")) == {G1, G2}
        assert writer.graphs_mentioning(iri(EX + "c")) == {G2}
        assert sorted(map(str, writer.graph_triples(G2))) == sorted(map(str, TWO))


def test_n_triples_round_trip() -> None:
    text = to_ntriples(ONE)
    assert set(from_ntriples(text)) == set(ONE)
    assert text == to_ntriples(reversed(ONE))  # sorted: a stable text
