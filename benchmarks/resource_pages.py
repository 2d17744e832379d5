"""Benchmark what a resource page reads (:func:`server.linkeddata.describe.describe`) for the
resources with the most links pointing at them, next to its peer in the same run: the same
links and labels as the engine-sorted queries read them before (``ORDER BY ?p ?s LIMIT 500``
for the links, a ``VALUES`` block of label predicates for the labels).

The store is opened read-only (``--store``: a built store, for example the 100,000 generated
projects that ``benchmarks/sparql_endpoint.py`` makes); nothing is written. Printed per
resource: its number of incoming links, and the milliseconds (best of ``--runs``) of the page's
links (``incoming_links``) against the peer's query, of its labels against the peer's, and of
the whole description. Both sides must give the same rows, else the script fails. The machine
may be busy with other work: run it again to see the spread. ::

    .venv/bin/python benchmarks/resource_pages.py --store var/bench-scan/generated/store
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Any

from rdflib import URIRef

from server.linkeddata import describe as page
from server.rdf.iris import IriMap
from server.settings import load_settings
from server.store import Store
from server.store.embedded import EmbeddedStore
from server.store.values import with_values

#: The peer's queries: the engine sorts every link; the label predicates as a VALUES block.
PEER_INCOMING = (
    "SELECT ?this ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?this } } ORDER BY ?p ?s LIMIT "
    + str(page.MAX_INCOMING)
)
PEER_LABELS = (
    "SELECT ?x ?p ?l WHERE { ?x ?p ?l . VALUES ?p { "
    + " ".join(f"<{iri}>" for iri in page.LABEL_PREDICATES)
    + " } }"
)
BUSIEST = """SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o)) }
GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT %d"""


def best(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``runs`` calls of ``work`` in milliseconds, and its result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def labels(store: Store, query: str, iris: list[URIRef]) -> list[tuple[str, str, str]]:
    """Every label row of ``iris``, sorted (the engines may give them in any order)."""
    rows = [
        row
        for chunk in page._chunks(iris)
        for row in store.query(with_values(query, {"x": chunk})).rows()
    ]
    return sorted((str(row["x"]), str(row["p"]), str(row["l"])) for row in rows)


def measure(store: Store, iri: URIRef, iri_map: IriMap, runs: int) -> dict[str, float]:
    """The figures of one resource (see the module docstring)."""
    this = {"this": iri}
    ours_links, (rows, total) = best(runs, lambda: page.incoming_links(store, iri))
    peer_links, peer_rows = best(runs, lambda: store.query(PEER_INCOMING, bindings=this).rows())
    key = [(str(r["p"]), str(r["s"])) for r in rows]
    assert key == [(str(r["p"]), str(r["s"])) for r in peer_rows], iri
    shown = page._iris([{"x": iri}, *rows])
    ours_labels, found = best(runs, lambda: labels(store, page.LABELS, shown))
    peer_labels, peer_found = best(runs, lambda: labels(store, PEER_LABELS, shown))
    assert found == peer_found, iri
    whole, _ = best(runs, lambda: page.describe(store, str(iri), iri_map))
    return {
        "links": total,
        "ours links": ours_links,
        "peer links": peer_links,
        "ours labels": ours_labels,
        "peer labels": peer_labels,
        "page": whole,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a built store (opened read-only)")
    parser.add_argument("--resources", type=int, default=4, help="the busiest N resources")
    parser.add_argument("--iri", action="append", default=[], help="also this resource")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the best counts)")
    args = parser.parse_args(argv)
    store = EmbeddedStore(args.store, read_only=True)
    iri_map = IriMap.for_base(load_settings().base_iri)
    busiest = [str(row["o"]) for row in store.query(BUSIEST % args.resources).rows()]
    columns = ("links", "ours links", "peer links", "ours labels", "peer labels", "page")
    print("resource".ljust(60), *(name.rjust(12) for name in columns))
    for iri in [*busiest, *args.iri]:
        figures = measure(store, URIRef(iri), iri_map, args.runs)
        print(iri[-60:].ljust(60), *(f"{figures[name]:12.0f}" for name in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
