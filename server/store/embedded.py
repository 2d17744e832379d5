"""The embedded store: pyoxigraph (RocksDB) on disk.

The store folder holds immutable version folders and a ``current`` link that a build swaps
atomically (:mod:`server.store.versions`), which is what makes
:meth:`pyoxigraph.Store.read_only` safe for any number of gunicorn workers. A server process may
also query an in-memory copy of the current version (:meth:`EmbeddedStore.keep_in_memory`;
setting ``memory_quads``; :mod:`server.store.memory`); while it is being copied, and while a
new version is being copied after a build, queries go to the on-disk database. Results are
:class:`~server.store.embedded_results.EmbeddedResult` objects.

The default graph. Queries see the union of all named graphs as their default graph, which
SPARQL defines as the RDF merge of those graphs: a triple that several graphs hold (a source
that several files describe) is in it once. pyoxigraph 0.5's own union of graphs yields such a
triple once per graph (oxigraph issue #1919), so a build also writes the merge itself into the
database's default graph (every triple once; :data:`MERGED_DEFAULT` in the stamp) and queries
use that. The default graph is never a named graph, so ``GRAPH ?g`` patterns, dumps and the
counts per graph are unchanged; the database holds about twice the quads.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

import pyoxigraph as ox
from rdflib import Graph

from server.store import (
    Answer,
    QueryKind,
    QueryOptions,
    StoreError,
    StoreMissing,
    WholeAnswer,
)
from server.store.channel import QueryRequest
from server.store.embedded_results import EmbeddedResult, serialized
from server.store.evaluation import evaluate
from server.store.isolation import Snapshot
from server.store.limits import QueryLimits, check_query
from server.store.memory import MemoryCopy
from server.store.versions import (
    CURRENT,
    DATABASE,
    MERGED_DEFAULT,
    VERSIONS,
    CurrentLink,
    Version,
    current_name,
    lock,
    prune,
    publish,
)
from server.store.writer import VersionWriter, read_build_state

__all__ = ["CURRENT", "MERGED_DEFAULT", "VERSIONS", "EmbeddedResult", "EmbeddedStore"]


class EmbeddedStore:
    """A Regiograaf store in a folder on disk (see :mod:`server.store.versions` for its layout).

    ``read_only=True`` (serving) opens the current version with
    :meth:`pyoxigraph.Store.read_only`, lazily, and reopens it when a build swapped in a new
    version. :meth:`replace` works on any instance: it writes a new version folder.
    """

    def __init__(
        self, path: Path | str, *, read_only: bool = True, limits: QueryLimits | None = None
    ) -> None:
        self.path = Path(path).resolve()
        self.read_only = read_only
        #: The limits on query text checked before the engine sees a query.
        self.limits = limits or QueryLimits()
        self._current = CurrentLink(self.path)
        # The open on-disk database: (handle, version folder, process), swapped under the lock.
        self._db: tuple[ox.Store, str, int] | None = None
        self._db_lock = threading.Lock()
        self._memory = MemoryCopy()

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"

    # the current version

    def stamp(self) -> dict[str, Any] | None:
        """The stamp of the current version (cheap: no database is opened, and the stamp is
        read once per version)."""
        current = self._current.read()
        if current is None or current.stamp is None:
            return None
        return dict(current.stamp)

    def exists(self) -> bool:
        """Whether a built content is there."""
        return self._current.read() is not None

    def data_version(self) -> str | None:
        """The data version of the loaded content, or ``None`` when nothing is built."""
        current = self._current.read()
        if current is None or current.stamp is None:
            return None
        return current.stamp.get("data_version")

    def metadata(self) -> dict[str, Any]:
        """What the build recorded next to the data (``{}`` when nothing is built)."""
        stamp = self.stamp() or {}
        return dict(stamp.get("metadata") or {})

    # the database

    def keep_in_memory(self, max_quads: int) -> None:
        """Query an in-memory copy of every version of at most ``max_quads`` quads (0: never),
        in this process. The copy of the current version starts loading now, in a background
        thread; the on-disk database answers until it is complete. For read-only stores."""
        self._memory.max_quads = max_quads
        if max_quads > 0 and self.read_only:
            with contextlib.suppress(StoreError):
                self._database()

    def in_memory(self) -> bool:
        """Whether queries go to a complete in-memory copy of the current version."""
        current = self._current.read()
        return current is not None and self._memory.holds(current.folder, os.getpid())

    def _database(self, current: Version | None = None) -> ox.Store:
        """The database of the current version (or of ``current``, read by the caller)."""
        current = current or self._current.read()
        if current is None:
            raise StoreMissing(f"no store at {self.path}; run `regiograaf build`")
        pid = os.getpid()
        copy = self._memory.get(current.folder, pid)
        if copy is not None:
            return copy
        if self.read_only:
            self._memory.start(current, pid)
        return self._on_disk(current.folder, pid)

    def _on_disk(self, folder: Path, pid: int) -> ox.Store:
        # Several request threads share this instance: check and swap the handle under the
        # lock, so no thread ever sees it half replaced (or ``None``).
        with self._db_lock:
            if self._db is not None and self._db[1:] == (str(folder), pid):
                return self._db[0]
            try:
                if self.read_only:
                    db = ox.Store.read_only(str(folder / DATABASE))
                else:
                    db = ox.Store(str(folder / DATABASE))
            except (OSError, RuntimeError) as error:
                # RuntimeError: RocksDB finds the database damaged ("Corruption: ...").
                raise StoreError(f"cannot open {folder}: {error}") from error
            self._db = (db, str(folder), pid)
            return db

    def close(self) -> None:
        """Drop the open database handle and the in-memory copy (both are made again on the
        next use)."""
        with self._db_lock:
            self._db = None
            self._memory.drop()
        gc.collect()

    def damage(self) -> str | None:
        """Why the current version cannot be read, in one line, or ``None`` when it can (or
        nothing is built): its database is opened read-only and read once. A build checks
        this before it calls a store up to date."""
        current = self._current.read()
        if current is None:
            return None
        try:
            # A read-only handle of its own, dropped on return (no writer is ever locked out).
            ox.Store.read_only(str(current.folder / DATABASE)).query("ASK { ?s ?p ?o }")
        except (OSError, RuntimeError) as error:
            return f"cannot read {current.folder / DATABASE}: {error}".replace("\n", " ")
        return None

    # reading

    def named_graphs(self) -> list[str]:
        """The IRIs of all named graphs, sorted."""
        try:
            return sorted(
                graph.value
                for graph in self._database().named_graphs()
                if isinstance(graph, ox.NamedNode)
            )
        except OSError as error:
            raise StoreError(str(error)) from error

    def snapshot(self) -> Snapshot:
        """What a query process of this worker queries (:mod:`server.store.pool`): the current
        version, with this process's complete in-memory copy of it when there is one (the
        copy starts loading now when there is none)."""
        current = self._current.read()
        if current is None:
            raise StoreMissing(f"no store at {self.path}; run `regiograaf build`")
        pid = os.getpid()
        memory = self._memory.get(current.folder, pid)
        if memory is None and self.read_only:
            self._memory.start(current, pid)
        stamp = current.stamp or {}
        return Snapshot(
            data_version=stamp.get("data_version"),
            folder=current.folder,
            memory=memory,
            options=_default_graph(stamp),
        )

    def snapshot_key(self) -> tuple[str, bool] | None:
        """Which snapshot :meth:`snapshot` would give now (version folder, in memory), cheaply;
        ``None`` when nothing is built."""
        current = self._current.read()
        if current is None:
            return None
        return str(current.folder), self._memory.holds(current.folder, os.getpid())

    def _query_target(self) -> tuple[ox.Store, dict[str, Any], str | None]:
        """The database to query, the options for its default graph, and the data version, all
        of one version."""
        current = self._current.read()
        database = self._database(current)
        assert current is not None  # _database raised StoreMissing otherwise
        stamp = current.stamp or {}
        return database, _default_graph(stamp), stamp.get("data_version")

    def count(self, graph: str | None = None) -> int:
        """The number of triples in ``graph``, or in the default graph (the merge)."""
        sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        try:
            database, options, _ = self._query_target()
            if graph is not None:
                options = {"default_graph": [ox.NamedNode(graph)]}
            solutions = database.query(sparql, **options)
            assert isinstance(solutions, ox.QuerySolutions)
            return int(next(iter(solutions))["n"].value)
        except OSError as error:
            raise StoreError(str(error)) from error

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> EmbeddedResult:
        """Evaluate ``sparql`` in this process, after :func:`~server.store.limits.check_query`.
        ``timeout`` is accepted for the interface but pyoxigraph cannot interrupt a query: the
        server runs queries in query processes (:mod:`server.store.pool`) that it can stop."""
        check_query(sparql, self.limits)
        database, default, _ = self._query_target()
        return evaluate(database, default, QueryRequest.of(sparql, {}, options))

    def answer(
        self,
        sparql: str,
        *,
        media_types: Mapping[QueryKind, str | None],
        default_graph_uris: Sequence[str] | None = None,
        named_graph_uris: Sequence[str] | None = None,
        base_iri: str | None = None,
        deadline: float | None = None,
    ) -> Answer:
        """The answer to ``sparql`` serialised in ``media_types[kind]``, evaluated here and now
        (``deadline`` is not enforced: see :meth:`query`)."""
        del deadline
        check_query(sparql, self.limits)
        database, default, version = self._query_target()
        request = QueryRequest(sparql, media_types, default_graph_uris, named_graph_uris, base_iri)
        result = evaluate(database, default, request)
        media_type = media_types.get(result.kind)
        body = serialized(result, media_type) if media_type is not None else b""
        return WholeAnswer(result.kind, media_type, version, body)

    # writing

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock (one build at a time); handles are dropped at the end,
        so this instance then reads the newest version."""
        with lock(self.path):
            try:
                yield
            finally:
                self.close()

    def current_version(self) -> Version | None:
        """The current version (``None`` when nothing is built)."""
        return self._current.read()

    def build_state(self) -> dict[str, Any] | None:
        """What the build of the current version kept for the next build (``None``: none)."""
        current = self._current.read()
        return read_build_state(current) if current is not None else None

    def writer(self, data_version: str, *, incremental: bool) -> VersionWriter:
        """A new version to write: empty, or (``incremental``) a copy of the current one.
        Call it inside :meth:`writing`."""
        base = self._current.read() if incremental else None
        if incremental and base is None:
            raise StoreMissing(f"no store at {self.path} to change")
        return VersionWriter(self.path, data_version, base)

    def replace(
        self,
        graphs: Mapping[str, Graph],
        data_version: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``graphs`` into a new version folder and make it current, atomically."""
        with lock(self.path):
            previous = current_name(self.path)
            name = publish(self.path, graphs, data_version, metadata or {})
            self.close()
            prune(self.path, keep=name, previous=previous)


def _default_graph(stamp: Mapping[str, Any]) -> dict[str, Any]:
    """The query options for the default graph of a version: the merge stored by the build, or
    pyoxigraph's union of all graphs in a version written before the merge was stored."""
    return {} if stamp.get(MERGED_DEFAULT) else {"use_default_graph_as_union": True}
