"""The links to a resource that its page lists (``incoming_links``): the first
``MAX_INCOMING`` in the order ``ORDER BY ?p ?s ?g`` gives, and how many there are, without
the engine sorting them all: on every resource of the real data, and on a store where one
resource has more links than a page lists (blank nodes, links in two graphs, three
predicates)."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Identifier

from server.linkeddata.describe import MAX_INCOMING, describe, incoming_links
from server.rdf.iris import IriMap
from server.store import Store
from server.store.embedded import EmbeddedStore
from tests.support import BuiltStore

#: What the page listed before: the engine sorts every link.
REFERENCE = (
    "SELECT ?this ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?this } } ORDER BY ?p ?s ?g LIMIT "
    + str(MAX_INCOMING)
)
COUNT = "SELECT ?this (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?this } } GROUP BY ?this"
TARGETS = "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) } ORDER BY ?o"
EX = "https://example.org/"
GRAPH_A = "https://w3id.org/regiograaf/graph/a"
GRAPH_B = "https://w3id.org/regiograaf/graph/b"


def reference(store: Store, iri: URIRef) -> tuple[list[dict[str, Identifier]], int]:
    this = {"this": iri}
    rows = store.query(REFERENCE, bindings=this).rows()
    counted = store.query(COUNT, bindings=this).rows()
    return rows, int(counted[0]["n"]) if counted else 0


def test_every_resource_of_the_real_data_lists_the_same_links(built_store: BuiltStore) -> None:
    store = built_store.store
    targets = [URIRef(str(row["o"])) for row in store.query(TARGETS).rows()]
    assert len(targets) > 500
    busiest = 0
    for iri in targets:
        expected = reference(store, iri)
        assert incoming_links(store, iri) == expected, iri
        busiest = max(busiest, expected[1])
    assert busiest > 100  # some resource has many links (the class of projects)


def many_links(tmp_path: Path) -> EmbeddedStore:
    """``ex:full`` with 820 links, ``ex:exact`` with exactly :data:`MAX_INCOMING`."""
    a, b = Graph(), Graph()
    full, exact = URIRef(EX + "full"), URIRef(EX + "exact")
    for number in range(300):
        subject = URIRef(f"{EX}s/{(number * 7919) % 1000:04d}")  # not in the order written
        a.add((subject, URIRef(EX + "p2"), full))
        if number % 3 == 0:
            b.add((subject, URIRef(EX + "p2"), full))  # the same link in a second graph
    for number in range(200):
        a.add((URIRef(f"{EX}t/{number:04d}"), URIRef(EX + "p3"), full))
        a.add((BNode(f"z{number}"), URIRef(EX + "p1"), full))  # after "https:" as text
    for number in range(20):
        a.add((URIRef(f"{EX}v/{number:04d}"), URIRef(EX + "p1"), full))
    for number in range(MAX_INCOMING):
        b.add((URIRef(f"{EX}u/{number:04d}"), URIRef(EX + "p1"), exact))
    store = EmbeddedStore(tmp_path / "store", read_only=False)
    store.replace({GRAPH_A: a, GRAPH_B: b}, "v1")
    return store


def test_more_links_than_a_page_lists(tmp_path: Path) -> None:
    store = many_links(tmp_path)
    full = URIRef(EX + "full")
    rows, total = incoming_links(store, full)
    assert (rows, total) == reference(store, full)
    assert total == 820 and len(rows) == MAX_INCOMING
    # p1 (its blank nodes before its IRIs), then p2 with both graphs of a link, and no p3.
    assert [str(row["p"]) for row in rows] == [EX + "p1"] * 220 + [EX + "p2"] * 280
    assert all(isinstance(row["s"], BNode) for row in rows[:200])
    assert {str(row["g"]) for row in rows[220:]} == {GRAPH_A, GRAPH_B}
    iri_map = IriMap.for_base("https://w3id.org/regiograaf/")
    assert describe(store, str(full), iri_map).incoming_truncated
    exact = describe(store, EX + "exact", iri_map)
    assert len(exact.incoming) == MAX_INCOMING and not exact.incoming_truncated
