"""Writing a new version of the embedded store, in bulk or as a change of the current one.

A build writes every version into a new folder (:mod:`server.store.versions`) and makes it
current only when it is complete, so readers never see a half-written store:

- a full build starts from an empty database and streams every graph into the engine's bulk
  loader (:meth:`VersionWriter.append`: no Python work per triple beyond handing it over);
- an incremental build starts from a copy of the current version (RocksDB's checkpoint: hard
  links, instant, the current version untouched) and changes only the graphs of the changed
  files (:meth:`VersionWriter.set_graph`).

Either way the database's default graph holds the RDF merge of the named graphs (every triple
once; :mod:`server.store.embedded`): a triple enters it with its first graph and leaves it with
its last. Terms are the engine's own (:mod:`server.store.terms`).
"""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from server.store import StoreError
from server.store.terms import Term, ToOxigraph, Triple
from server.store.versions import (
    DATABASE,
    Version,
    complete,
    current_name,
    make_stamp,
    new_folder,
    prune,
)

__all__ = ["BUILD_STATE", "VersionWriter", "read_build_state"]

#: The file in a version folder where the build keeps what the next build may reuse.
BUILD_STATE = "build-state.json"
#: Quads handed to the bulk loader at once. It holds a whole call in memory (a few hundred MB
#: for 250,000 quads with their Python objects); smaller calls took no more time in total.
BULK_CHUNK = 250_000

_DEFAULT = ox.DefaultGraph()


def read_build_state(version: Version) -> dict[str, Any] | None:
    """What the build that wrote ``version`` kept for the next one (``None``: nothing usable)."""
    try:
        state = json.loads((version.folder / BUILD_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


class VersionWriter:
    """A version of the store being written under ``root``: empty, or a copy of ``base``.

    Use it as a context manager and call :meth:`publish`; leaving the block without publishing
    removes the folder. Hold the store's write lock around it
    (:meth:`server.store.embedded.EmbeddedStore.writing`)."""

    def __init__(self, root: Path, data_version: str, base: Version | None = None) -> None:
        self.root = root
        self.name, self.folder = new_folder(root, data_version)
        self.data_version = data_version
        self._pending: list[ox.Quad] = []
        self._published = False
        #: Triples added to the merge (the default graph) by :meth:`change`, less those removed.
        self.merge_change = 0
        try:
            if base is not None:
                ox.Store.read_only(str(base.folder / DATABASE)).backup(str(self.folder / DATABASE))
            self._db: ox.Store | None = ox.Store(str(self.folder / DATABASE))
        except (OSError, RuntimeError) as error:  # RocksDB reports corruption as RuntimeError
            shutil.rmtree(self.folder, ignore_errors=True)
            raise StoreError(f"cannot write {self.folder}: {error}") from error

    def __enter__(self) -> VersionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._published:
            self._close()
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def db(self) -> ox.Store:
        """The open database (:class:`StoreError` once published)."""
        if self._db is None:
            raise StoreError(f"{self.folder} is closed")
        return self._db

    # bulk: a full build

    def append(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add ``triples`` to the named graph ``graph`` and to the merge, through the bulk
        loader (in chunks of :data:`BULK_CHUNK` quads; :meth:`flush` writes the rest)."""
        name = ox.NamedNode(graph)
        pending = self._pending
        quad = ox.Quad
        for subject, predicate, obj in triples:
            pending.append(quad(subject, predicate, obj, name))
            pending.append(quad(subject, predicate, obj, _DEFAULT))
        if len(pending) >= BULK_CHUNK:
            self.flush()

    def append_rdflib(self, graph: str, triples: Graph) -> None:
        """:meth:`append` for an rdflib graph (small ones: the meta graph)."""
        convert = ToOxigraph()
        self.append(
            graph, ((q.subject, q.predicate, q.object) for q in convert.quads(triples, None))
        )

    def flush(self) -> None:
        """Hand the appended quads to the bulk loader."""
        if self._pending:
            try:
                self.db.bulk_extend(self._pending)
            except (OSError, ValueError) as error:
                raise StoreError(f"cannot write {self.folder}: {error}") from error
            self._pending = []

    # reading

    def graph_triples(self, graph: str) -> list[Triple]:
        """The triples of the named graph ``graph``."""
        self.flush()
        quads = self.db.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return [(q.subject, q.predicate, q.object) for q in quads]

    def graphs_holding(self, triple: Triple) -> set[str]:
        """The named graphs that hold ``triple``."""
        subject, predicate, obj = triple
        return {
            q.graph_name.value
            for q in self.db.quads_for_pattern(subject, predicate, obj, None)
            if type(q.graph_name) is ox.NamedNode
        }

    def graphs_mentioning(self, node: Term) -> set[str]:
        """The named graphs with a triple whose subject or object is ``node`` (not a literal)."""
        found: set[str] = set()
        quads = self.db.quads_for_pattern
        for quad in (*quads(node, None, None, None), *quads(None, None, node, None)):
            if type(quad.graph_name) is ox.NamedNode:
                found.add(quad.graph_name.value)
        return found

    def common_subjects(self, first: tuple[Term, Term], second: tuple[Term, Term]) -> list[Term]:
        """The subjects of both (predicate, object) pairs in the merge."""
        self.flush()
        sparql = (
            f"SELECT DISTINCT ?x WHERE {{ ?x {first[0]} {first[1]} . ?x {second[0]} {second[1]} }}"
        )
        solutions = self.db.query(sparql, default_graph=[_DEFAULT])
        assert isinstance(solutions, ox.QuerySolutions)
        return [solution["x"] for solution in solutions]

    def count(self, graph: str | None = None) -> int:
        """The triples in the named graph ``graph`` or, for ``None``, in the merge."""
        self.flush()
        target = _DEFAULT if graph is None else ox.NamedNode(graph)
        solutions = self.db.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[target]
        )
        assert isinstance(solutions, ox.QuerySolutions)
        return int(next(iter(solutions))["n"].value)

    # changes: an incremental build

    def set_graph(self, graph: str, triples: Iterable[Triple]) -> tuple[set[Triple], set[Triple]]:
        """Make ``triples`` the content of the named graph ``graph`` (none: remove it); the
        triples added and removed."""
        old = set(self.graph_triples(graph))
        new = set(triples)
        added, removed = new - old, old - new
        self.change(graph, added, removed)
        if not new:
            self.db.remove_graph(ox.NamedNode(graph))  # an empty graph is still listed
        return added, removed

    def set_graph_rdflib(self, graph: str, triples: Graph) -> None:
        """:meth:`set_graph` for an rdflib graph (small ones: the meta graph)."""
        convert = ToOxigraph()
        self.set_graph(
            graph, [(q.subject, q.predicate, q.object) for q in convert.quads(triples, None)]
        )

    def change(self, graph: str, add: Iterable[Triple], remove: Iterable[Triple]) -> None:
        """Add ``add`` to and remove ``remove`` from the named graph ``graph`` (neither checked
        against what it holds: the caller knows); the merge follows (:attr:`merge_change`)."""
        name = ox.NamedNode(graph)
        db = self.db
        self.flush()
        for subject, predicate, obj in remove:
            db.remove(ox.Quad(subject, predicate, obj, name))
            if not self.graphs_holding((subject, predicate, obj)):
                db.remove(ox.Quad(subject, predicate, obj, _DEFAULT))
                self.merge_change -= 1
        quads = []
        for subject, predicate, obj in add:
            quads.append(ox.Quad(subject, predicate, obj, name))
            if next(iter(db.quads_for_pattern(subject, predicate, obj, _DEFAULT)), None) is None:
                quads.append(ox.Quad(subject, predicate, obj, _DEFAULT))
                self.merge_change += 1
        db.extend(quads)

    # the end

    def publish(
        self,
        counts: Mapping[str, int],
        quads: int,
        metadata: Mapping[str, Any],
        state: Mapping[str, Any],
        *,
        optimize: bool,
    ) -> str:
        """Close the database, write the stamp and the build state, make this version current
        and remove the versions before the previous one; the version's name."""
        self.flush()
        try:
            self.db.flush()
            if optimize:
                self.db.optimize()
        except OSError as error:
            raise StoreError(f"cannot write {self.folder}: {error}") from error
        self._close()
        text = json.dumps(state, sort_keys=True, separators=(",", ":"))
        (self.folder / BUILD_STATE).write_text(text, encoding="utf-8")
        previous = current_name(self.root)
        complete(self.root, self.name, make_stamp(self.data_version, counts, quads, metadata))
        self._published = True
        prune(self.root, keep=self.name, previous=previous)
        return self.name

    def _close(self) -> None:
        # RocksDB must be closed before anyone opens the folder read-only.
        self._db = None
        self._pending = []
        gc.collect()
