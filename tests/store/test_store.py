"""The embedded store (server.store, server.store.embedded) on a temporary path."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from server.store import (
    InvalidRequest,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreError,
    StoreMissing,
    UnsupportedMediaType,
    open_store,
)
from server.store.embedded import CURRENT, VERSIONS, EmbeddedStore
from server.store.memory import copy_database

EX = "http://example.org/"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
G1, G2 = "https://w3id.org/regiograaf/graph/data/one", "https://w3id.org/regiograaf/graph/data/two"


def graphs() -> dict[str, Graph]:
    one, two = Graph(), Graph()
    shared = BNode("shared")
    one.add((URIRef(EX + "a"), URIRef(EX + "name"), Literal("Aa", lang="nl")))
    one.add((URIRef(EX + "a"), URIRef(EX + "count"), Literal("3", datatype=XSD_INTEGER)))
    one.add((URIRef(EX + "a"), URIRef(EX + "geo"), shared))
    two.add((URIRef(EX + "b"), URIRef(EX + "name"), Literal("Bee")))
    two.add((shared, URIRef(EX + "wkt"), Literal("POINT(4 52)")))
    return {G1: one, G2: two}


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    writer = EmbeddedStore(tmp_path / "store", read_only=False)
    writer.replace(graphs(), "v1", {"note": "first"})
    return EmbeddedStore(tmp_path / "store")


def test_implements_the_interface(store: EmbeddedStore) -> None:
    assert isinstance(store, Store)
    assert isinstance(store.query("ASK {}"), QueryResult)


def test_version_graphs_counts_and_metadata(store: EmbeddedStore) -> None:
    assert store.exists()
    assert store.data_version() == "v1"
    assert store.metadata() == {"note": "first"}
    assert store.named_graphs() == [G1, G2]
    assert store.count() == 5
    assert store.count(G1) == 3
    assert store.count(G2) == 2
    assert store.count("http://example.org/none") == 0


def test_default_graph_is_the_union(store: EmbeddedStore) -> None:
    rows = store.query(f"SELECT ?s WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s").rows()
    assert [row["s"] for row in rows] == [URIRef(EX + "a"), URIRef(EX + "b")]


def test_default_graph_is_the_rdf_merge_of_the_graphs(tmp_path: Path) -> None:
    """A triple that two graphs hold is in the default graph once (on disk and in memory),
    and still in both named graphs."""
    both = graphs()
    both[G2].add((URIRef(EX + "a"), URIRef(EX + "name"), Literal("Aa", lang="nl")))
    EmbeddedStore(tmp_path / "store", read_only=False).replace(both, "v1")
    for in_memory in (False, True):
        store = EmbeddedStore(tmp_path / "store")
        if in_memory:
            store.keep_in_memory(1000)
            _wait_in_memory(store)
        assert store.count() == 5
        assert (store.count(G1), store.count(G2)) == (3, 3)
        names = store.query(f"SELECT ?n WHERE {{ <{EX}a> <{EX}name> ?n }}").rows()
        assert names == [{"n": Literal("Aa", lang="nl")}]
        in_graphs = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}name> ?n }} }}")
        assert sorted(str(row["g"]) for row in in_graphs.rows()) == [G1, G2]
        assert store.named_graphs() == [G1, G2]
    assert store.stamp()["quads"] == 6 + 5


def test_blank_nodes_stay_shared_across_graphs(store: EmbeddedStore) -> None:
    rows = store.query(f"SELECT ?wkt WHERE {{ <{EX}a> <{EX}geo>/<{EX}wkt> ?wkt }}").rows()
    assert rows == [{"wkt": Literal("POINT(4 52)")}]


def test_default_and_named_graph_uris(store: EmbeddedStore) -> None:
    sparql = f"SELECT ?s WHERE {{ ?s <{EX}name> ?n }}"
    rows = store.query(sparql, default_graph_uris=[G2]).rows()
    assert rows == [{"s": URIRef(EX + "b")}]
    sparql = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert store.query(sparql, named_graph_uris=[G1]).rows() == [{"g": URIRef(G1)}]


def test_bindings_are_substituted_not_spliced(store: EmbeddedStore) -> None:
    sparql = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }}"
    rows = store.query(sparql, bindings={"n": Literal("Bee")}).rows()
    assert rows == [{"s": URIRef(EX + "b"), "n": Literal("Bee")}]


def test_rows_keep_datatypes_and_languages(store: EmbeddedStore) -> None:
    rows = store.query(f"SELECT ?n ?c WHERE {{ <{EX}a> <{EX}name> ?n ; <{EX}count> ?c }}").rows()
    assert rows == [{"n": Literal("Aa", lang="nl"), "c": Literal("3", datatype=XSD_INTEGER)}]
    assert int(rows[0]["c"]) == 3


def test_unbound_variables_are_left_out(store: EmbeddedStore) -> None:
    sparql = f"SELECT ?s ?c WHERE {{ ?s <{EX}name> ?n OPTIONAL {{ ?s <{EX}count> ?c }} }}"
    rows = store.query(sparql + " ORDER BY ?s").rows()
    assert rows[1] == {"s": URIRef(EX + "b")}


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/sparql-results+json", b'"vars":["s"]'),
        ("application/sparql-results+xml", b"<sparql"),
        ("text/csv", b"s\r\n"),
        ("text/tab-separated-values", b"?s\n"),
    ],
)
def test_select_serialises_itself(store: EmbeddedStore, media_type: str, expected: bytes) -> None:
    result = store.query(f"SELECT ?s WHERE {{ ?s <{EX}name> ?n }}")
    assert result.kind == "select"
    assert result.variables == ["s"]
    assert media_type in result.media_types
    assert expected in result.serialize(media_type)


def test_select_json_is_standard(store: EmbeddedStore) -> None:
    body = store.query(f"SELECT ?s WHERE {{ <{EX}b> <{EX}name> ?s }}").serialize(
        "application/sparql-results+json; charset=utf-8"
    )
    assert json.loads(body)["results"]["bindings"] == [{"s": {"type": "literal", "value": "Bee"}}]


def test_ask(store: EmbeddedStore) -> None:
    result = store.query(f"ASK {{ <{EX}a> ?p ?o }}")
    assert result.kind == "ask"
    assert result.boolean() is True
    assert json.loads(store.query("ASK { ?s ?p 42 }").serialize(result.media_types[0])) == {
        "head": {},
        "boolean": False,
    }
    assert store.query("ASK {}").rows() == [{"boolean": Literal(True)}]


def test_construct(store: EmbeddedStore) -> None:
    result = store.query(f"CONSTRUCT WHERE {{ ?s <{EX}name> ?n }}")
    assert result.kind == "graph"
    assert b"<http://example.org/b>" in result.serialize("text/turtle")
    graph = store.query(f"CONSTRUCT WHERE {{ ?s <{EX}name> ?n }}").graph()
    assert len(graph) == 2
    with pytest.raises(UnsupportedMediaType):
        store.query("CONSTRUCT WHERE { ?s ?p ?o }").serialize("text/csv")


def test_write_to_a_file_object(store: EmbeddedStore, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with target.open("wb") as handle:
        store.query(f"SELECT ?s WHERE {{ <{EX}a> ?p ?s }} LIMIT 1").write("text/csv", handle)
    assert target.read_bytes().startswith(b"s\r\n")


def test_syntax_error(store: EmbeddedStore) -> None:
    with pytest.raises(QuerySyntaxError):
        store.query("SELEC ?s WHERE {")


def test_missing_store(tmp_path: Path) -> None:
    missing = EmbeddedStore(tmp_path / "nothing")
    assert not missing.exists()
    assert missing.data_version() is None
    assert missing.metadata() == {}
    with pytest.raises(StoreMissing):
        missing.query("ASK {}")
    with pytest.raises(StoreMissing):
        missing.count()


def test_replace_swaps_atomically_and_readers_follow(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore(path, read_only=False)
    writer.replace(graphs(), "v1")
    reader = EmbeddedStore(path)
    assert reader.count() == 5
    first = os.readlink(path / CURRENT)
    # A reader of the old version directly keeps a complete store while a new one is built.
    old = EmbeddedStore(path)
    old_result = old.query("SELECT ?s WHERE { ?s ?p ?o }")
    writer.replace({G1: graphs()[G1]}, "v2")
    assert len(old_result.rows()) == 5
    assert os.readlink(path / CURRENT) != first
    assert reader.data_version() == "v2"
    assert reader.named_graphs() == [G1]
    assert reader.count() == 3


def test_old_versions_are_pruned(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "store", read_only=False)
    for version in ("v1", "v2", "v3", "v4"):
        writer.replace(graphs(), version)
    versions = sorted(p.name for p in (tmp_path / "store" / VERSIONS).iterdir())
    assert len(versions) == 2
    current = os.readlink(tmp_path / "store" / CURRENT)
    assert Path(current).name in versions


def test_failed_replace_leaves_the_store_unchanged(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "store", read_only=False)
    writer.replace(graphs(), "v1")
    bad = Graph()
    bad.add((URIRef(EX + "x"), URIRef(EX + "p"), URIRef(EX + "y")))
    with pytest.raises(StoreError):
        writer.replace({G1: bad, "not an IRI with spaces": bad}, "v2")
    reader = EmbeddedStore(tmp_path / "store")
    assert reader.data_version() == "v1"
    assert reader.count() == 5
    assert len(list((tmp_path / "store" / VERSIONS).iterdir())) == 1


def test_open_store_is_cached_per_process(store: EmbeddedStore) -> None:
    assert open_store(store.path) is open_store(store.path)


def _count_in_child(path: str) -> tuple[int, str | None]:
    reader = open_store(path)
    return reader.count(), reader.data_version()


def test_many_processes_read_the_same_store(store: EmbeddedStore) -> None:
    store.count()  # opened in the parent before forking, like a careless master would
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        results = pool.map(_count_in_child, [str(store.path)] * 8)
    assert results == [(5, "v1")] * 8


def test_invalid_graph_iris_are_invalid_requests(store: EmbeddedStore) -> None:
    with pytest.raises(InvalidRequest):
        store.query("SELECT * WHERE { ?s ?p ?o }", default_graph_uris=["not an iri"])
    with pytest.raises(InvalidRequest):
        store.query("SELECT * WHERE { ?s ?p ?o }", named_graph_uris=["::"])


def test_readers_in_threads_while_the_store_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore(path, read_only=False)
    writer.replace(graphs(), "v0")
    reader = EmbeddedStore(path)
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                assert reader.count() in (3, 5)
                reader.query("SELECT ?s WHERE { ?s ?p ?o }").rows()
            except BaseException as error:
                errors.append(error)
                return

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for version in range(1, 4):
            time.sleep(0.05)
            writer.replace(graphs() if version % 2 else {G1: graphs()[G1]}, f"v{version}")
        time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert not errors, errors
    assert reader.data_version() == "v3"


def _wait_in_memory(store: EmbeddedStore, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not store.in_memory():
        assert time.monotonic() < deadline, "the in-memory copy was not loaded"
        time.sleep(0.01)


def _quads(store: EmbeddedStore) -> set[str]:
    result = store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    return set(result.serialize("text/csv").decode().splitlines())


def test_in_memory_copy_answers_the_same(store: EmbeddedStore) -> None:
    on_disk = EmbeddedStore(store.path)
    expected = _quads(on_disk)
    store.keep_in_memory(1000)
    _wait_in_memory(store)
    # Same quads, blank node labels included (CSV writes them as _:label).
    assert _quads(store) == expected
    assert any("_:" in line for line in expected)
    assert store.count() == 5
    assert store.named_graphs() == [G1, G2]
    ask = store.query(f"ASK {{ <{EX}a> <{EX}count> 3 }}")
    assert ask.boolean()
    assert not on_disk.in_memory()


def test_in_memory_copy_follows_a_new_version(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore(path, read_only=False)
    writer.replace(graphs(), "v1")
    reader = EmbeddedStore(path)
    reader.keep_in_memory(1000)
    _wait_in_memory(reader)
    writer.replace({G1: graphs()[G1]}, "v2")
    # The new version is answered at once (on disk), and copied again in the background.
    assert reader.count() == 3
    _wait_in_memory(reader)
    assert reader.data_version() == "v2"
    assert reader.count() == 3


def test_copy_of_a_damaged_version_is_refused(store: EmbeddedStore) -> None:
    """The process that reads the database reports why it cannot: one clear line."""
    current = store.current_version()
    assert current is not None
    assert len(copy_database(current)) == current.quads == 10
    with pytest.raises(StoreError, match=r"cannot copy .* into memory: .+"):
        copy_database(current._replace(folder=current.folder.parent / "missing"))


def test_no_in_memory_copy_of_a_larger_store(store: EmbeddedStore) -> None:
    store.keep_in_memory(7)  # 5 triples, but 10 quads: 5 in named graphs, 5 in the default
    time.sleep(0.2)
    assert not store.in_memory()
    assert store.count() == 5
    store.keep_in_memory(0)
    assert not store.in_memory()


def test_stamp_is_read_once_per_version(store: EmbeddedStore) -> None:
    assert store.data_version() == "v1"
    stamp = Path(os.path.realpath(store.path / CURRENT)) / "stamp.json"
    stamp.unlink()  # a version never changes once current: what was read stays valid
    assert store.data_version() == "v1"
    assert EmbeddedStore(store.path).data_version() is None
