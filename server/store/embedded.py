"""The embedded store: pyoxigraph (RocksDB) on disk.

Layout of the store folder (``settings.store``)::

    <store>/current -> versions/<name>     symlink, swapped atomically by a build
    <store>/versions/<name>/oxigraph/      the pyoxigraph database of one build
    <store>/versions/<name>/stamp.json     data version, counts and build metadata
    <store>/.lock                          held while a build writes

A build (:meth:`EmbeddedStore.replace`) writes a new version folder, closes it, and then points
``current`` at it with an atomic rename, so a server reading the old version is never left
with a half-built store. Every version is immutable once ``current`` points at it, which is
what makes :meth:`pyoxigraph.Store.read_only` safe for any number of gunicorn workers. The
previous version is kept (a worker may still be reading it); older ones are removed.

A server process may also query an in-memory copy of the current version
(:meth:`EmbeddedStore.keep_in_memory`; setting ``memory_quads``): pyoxigraph's in-memory
store evaluates joins several times faster than RocksDB (docs/performance.md). The copy is
loaded in a background thread; until it is complete, and while a new version is being copied
after a build, queries go to the on-disk database. Both hold the same quads, blank node labels
included, so answers only differ in the order of solutions that a query leaves unordered.

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
import fcntl
import gc
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from server.store import (
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    InvalidRequest,
    QueryKind,
    QuerySyntaxError,
    StoreError,
    StoreMissing,
    UnsupportedMediaType,
)

CURRENT = "current"
VERSIONS = "versions"
STAMP = "stamp.json"
#: Stamp key: this version's default graph holds the RDF merge of all its named graphs.
MERGED_DEFAULT = "default_graph_is_merge"
DATABASE = "oxigraph"
#: How many versions stay on disk (the current one and the one before).
KEEP_VERSIONS = 2

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
log = logging.getLogger(__name__)
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# --- term conversion (rdflib ⇄ pyoxigraph) -------------------------------------------------


class _ToOx:
    """Converts rdflib terms to pyoxigraph terms, keeping blank node labels stable within one
    conversion (so a blank node shared by two graphs stays one node)."""

    def __init__(self) -> None:
        self._bnodes: dict[str, ox.BlankNode] = {}

    def term(self, node: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, BNode):
            label = str(node)
            blank = self._bnodes.get(label)
            if blank is None:
                try:
                    blank = ox.BlankNode(label)
                except ValueError:
                    blank = ox.BlankNode()
                self._bnodes[label] = blank
            return blank
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype is not None:
                return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
            return ox.Literal(str(node))
        raise TypeError(f"cannot store {node!r}")

    def quads(self, graph: Graph, graph_iri: str | None) -> Iterator[ox.Quad]:
        """The triples of ``graph`` as quads in the graph named ``graph_iri`` (``None``: the
        default graph)."""
        name = ox.DefaultGraph() if graph_iri is None else ox.NamedNode(graph_iri)
        for subject, predicate, obj in graph:
            yield ox.Quad(self.term(subject), self.term(predicate), self.term(obj), name)


def _graph_name(iri: str) -> ox.NamedNode:
    """The graph named ``iri``; :class:`InvalidRequest` when ``iri`` is not a valid IRI."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise InvalidRequest(f"Not a valid graph IRI: <{iri}> ({error})") from error


def to_rdflib(term: Any) -> Identifier:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r}")


# --- results -------------------------------------------------------------------------------


class EmbeddedResult:
    """A pyoxigraph query result (single-use): see :class:`server.store.QueryResult`."""

    def __init__(self, result: Any) -> None:
        self._result = result
        self.kind: QueryKind
        if isinstance(result, ox.QuerySolutions):
            self.kind = "select"
        elif isinstance(result, ox.QueryBoolean):
            self.kind = "ask"
        else:
            self.kind = "graph"

    @property
    def variables(self) -> list[str]:
        if self.kind != "select":
            return []
        return [variable.value for variable in self._result.variables]

    @property
    def media_types(self) -> tuple[str, ...]:
        return GRAPH_MEDIA_TYPES if self.kind == "graph" else RESULTS_MEDIA_TYPES

    def _format(self, media_type: str) -> Any:
        bare = media_type.split(";", 1)[0].strip().lower()
        formats = _GRAPH_FORMATS if self.kind == "graph" else _RESULT_FORMATS
        try:
            return formats[bare]
        except KeyError:
            raise UnsupportedMediaType(f"{self.kind} results cannot be {media_type}") from None

    def serialize(self, media_type: str) -> bytes:
        fmt = self._format(media_type)
        try:
            return self._result.serialize(format=fmt)
        except ValueError as error:
            raise UnsupportedMediaType(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    def write(self, media_type: str, output: IO[bytes]) -> None:
        fmt = self._format(media_type)
        try:
            self._result.serialize(output, format=fmt)
        except ValueError as error:
            raise UnsupportedMediaType(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    def boolean(self) -> bool:
        if self.kind != "ask":
            raise TypeError("not an ASK result")
        return bool(self._result)

    def rows(self) -> list[dict[str, Identifier]]:
        try:
            if self.kind == "ask":
                return [{"boolean": Literal(bool(self._result))}]
            if self.kind == "graph":
                return [
                    {
                        "subject": to_rdflib(triple.subject),
                        "predicate": to_rdflib(triple.predicate),
                        "object": to_rdflib(triple.object),
                    }
                    for triple in self._result
                ]
            names = self.variables
            rows = []
            for solution in self._result:
                row = {}
                for name in names:
                    value = solution[name]
                    if value is not None:
                        row[name] = to_rdflib(value)
                rows.append(row)
            return rows
        except OSError as error:
            raise StoreError(str(error)) from error

    def graph(self) -> Graph:
        if self.kind != "graph":
            raise TypeError("not a CONSTRUCT or DESCRIBE result")
        graph = Graph()
        for row in self.rows():
            graph.add((row["subject"], row["predicate"], row["object"]))
        return graph


# --- the store -----------------------------------------------------------------------------


class EmbeddedStore:
    """A Regiograaf store in a folder on disk (see the module docstring for its layout).

    ``read_only=True`` (serving) opens the current version with
    :meth:`pyoxigraph.Store.read_only`, lazily, and reopens it when a build swapped in a new
    version. :meth:`replace` works on any instance: it writes a new version folder.
    """

    def __init__(self, path: Path | str, *, read_only: bool = True) -> None:
        self.path = Path(path).resolve()
        self.read_only = read_only
        self._db: ox.Store | None = None
        self._db_target: str | None = None
        self._db_pid: int | None = None
        self._db_lock = threading.Lock()
        self._link = str(self.path / CURRENT)
        # (text of the ``current`` link, the version folder it names, that version's stamp):
        # a version never changes once ``current`` points at it, so while the link text stays
        # the same neither path resolution nor the stamp file need reading again. Asked on
        # every request by the server; one readlink(2) is all that remains.
        self._seen: tuple[str, Path, dict[str, Any] | None] | None = None
        # The in-memory copy (see :meth:`keep_in_memory`): the largest version to copy, the
        # (version folder, process) being copied, and the copy once complete.
        self.memory_quads = 0
        self._copying: tuple[str, int] | None = None
        self._memory: tuple[str, int, ox.Store] | None = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"

    # paths

    def _current(self) -> tuple[str, Path, dict[str, Any] | None] | None:
        """The current version: (link text, folder, stamp or ``None`` when unreadable)."""
        try:
            link = os.readlink(self._link)
        except OSError:
            return None
        seen = self._seen
        if seen is not None and seen[0] == link:
            return seen
        resolved = (self.path / link).resolve()
        try:
            text = (resolved / STAMP).read_text(encoding="utf-8")
        except OSError:
            return None  # not (yet) a complete version: nothing is cached
        try:
            stamp: dict[str, Any] | None = json.loads(text)
        except ValueError:
            stamp = None
        current = (link, resolved, stamp)
        self._seen = current
        return current

    def _current_target(self) -> Path | None:
        current = self._current()
        return None if current is None else current[1]

    def stamp(self) -> dict[str, Any] | None:
        """The stamp of the current version (cheap: no database is opened, and the stamp is
        read once per version)."""
        current = self._current()
        if current is None or current[2] is None:
            return None
        return dict(current[2])

    def exists(self) -> bool:
        return self._current_target() is not None

    def data_version(self) -> str | None:
        current = self._current()
        if current is None or current[2] is None:
            return None
        return current[2].get("data_version")

    def metadata(self) -> dict[str, Any]:
        stamp = self.stamp() or {}
        return dict(stamp.get("metadata") or {})

    # reading

    def keep_in_memory(self, max_quads: int) -> None:
        """Query an in-memory copy of every version of at most ``max_quads`` quads (0: never),
        in this process. The copy of the current version starts loading now, in a background
        thread; the on-disk database answers until it is complete. For read-only stores."""
        self.memory_quads = max_quads
        if max_quads > 0 and self.read_only:
            with contextlib.suppress(StoreError):
                self._database()

    def in_memory(self) -> bool:
        """Whether queries go to a complete in-memory copy of the current version."""
        target = self._current_target()
        memory = self._memory
        return (
            target is not None and memory is not None and memory[:2] == (str(target), os.getpid())
        )

    def _copy_to_memory(self, target: Path, pid: int) -> None:
        """Load the version in ``target`` into an in-memory store (in a background thread)."""
        began = time.monotonic()
        try:
            disk = ox.Store.read_only(str(target / DATABASE))
            memory = ox.Store()
            memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            quads = len(memory)
            del disk
        except (OSError, ValueError, MemoryError) as error:
            log.warning("no in-memory copy of %s: %s; querying it on disk", target, error)
            return
        with self._db_lock:
            if self._copying != (str(target), pid):
                return  # a newer version came, or the copy was dropped
            self._memory = (str(target), pid, memory)
        log.info(
            "store in memory: %d quads of %s copied in %.1f s (pid %d)",
            quads,
            target.name,
            time.monotonic() - began,
            pid,
        )

    def _database(self, current: tuple[str, Path, dict[str, Any] | None] | None = None) -> ox.Store:
        """The database of the current version (or of ``current``, resolved by the caller)."""
        current = current or self._current()
        if current is None:
            raise StoreMissing(f"no store at {self.path}; run `regiograaf build`")
        _, target, stamp = current
        pid = os.getpid()
        # Several request threads share this instance: read the handle once, and check and
        # swap it under the lock, so no thread ever sees it half replaced (or ``None``).
        with self._db_lock:
            memory = self._memory
            if memory is not None:
                if memory[0] == str(target) and memory[1] == pid:
                    return memory[2]
                self._memory = None  # an older version, or the parent's: let it go
            if (
                self.memory_quads > 0
                and self.read_only
                and self._copying != (str(target), pid)
                and int((stamp or {}).get("quads") or (stamp or {}).get("triples") or 0)
                <= self.memory_quads
            ):
                self._copying = (str(target), pid)
                threading.Thread(
                    target=self._copy_to_memory,
                    args=(target, pid),
                    name="store-memory-copy",
                    daemon=True,
                ).start()
            db = self._db
            if db is None or self._db_target != str(target) or self._db_pid != pid:
                try:
                    if self.read_only:
                        db = ox.Store.read_only(str(target / DATABASE))
                    else:
                        db = ox.Store(str(target / DATABASE))
                except OSError as error:
                    raise StoreError(f"cannot open {target}: {error}") from error
                self._db, self._db_target, self._db_pid = db, str(target), pid
            return db

    def close(self) -> None:
        """Drop the open database handle and the in-memory copy (both are made again on the
        next use)."""
        with self._db_lock:
            self._db = None
            self._memory = None
            self._copying = None
        gc.collect()

    def named_graphs(self) -> list[str]:
        try:
            return sorted(
                graph.value
                for graph in self._database().named_graphs()
                if isinstance(graph, ox.NamedNode)
            )
        except OSError as error:
            raise StoreError(str(error)) from error

    def _query_target(self) -> tuple[ox.Store, dict[str, Any]]:
        """The database to query and the options for its default graph, of one version: the
        merge stored by the build, or pyoxigraph's union of all graphs in a version written
        before the merge was stored."""
        current = self._current()
        database = self._database(current)
        assert current is not None  # _database raised StoreMissing otherwise
        if (current[2] or {}).get(MERGED_DEFAULT):
            return database, {}
        return database, {"use_default_graph_as_union": True}

    def count(self, graph: str | None = None) -> int:
        sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        try:
            database, options = self._query_target()
            if graph is not None:
                options = {"default_graph": [ox.NamedNode(graph)]}
            solutions = database.query(sparql, **options)
            return int(next(iter(solutions))["n"].value)
        except OSError as error:
            raise StoreError(str(error)) from error

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] | None = None,
        named_graph_uris: Sequence[str] | None = None,
        bindings: Mapping[str, Identifier] | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> EmbeddedResult:
        """Evaluate ``sparql``. ``timeout`` is accepted for the interface but pyoxigraph
        cannot interrupt a query; the web server's worker timeout bounds a runaway query."""
        del timeout
        database, default = self._query_target()
        options: dict[str, Any] = {}
        # None means "not given": the merge of all graphs is the default graph and every named
        # graph is available; an empty sequence means an empty default graph / no named graphs.
        if default_graph_uris is not None:
            options["default_graph"] = [_graph_name(iri) for iri in default_graph_uris]
        else:
            options.update(default)
        if named_graph_uris is not None:
            options["named_graphs"] = [_graph_name(iri) for iri in named_graph_uris]
        if bindings:
            convert = _ToOx()
            options["substitutions"] = {
                ox.Variable(name): convert.term(value) for name, value in bindings.items()
            }
        if base_iri:
            options["base_iri"] = base_iri
        try:
            return EmbeddedResult(database.query(sparql, **options))
        except (SyntaxError, RuntimeError) as error:
            # pyoxigraph raises RuntimeError for a substitution of an unprojected variable.
            raise QuerySyntaxError(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    # writing

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def replace(
        self,
        graphs: Mapping[str, Graph],
        data_version: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``graphs`` into a new version folder and make it current, atomically."""
        with self._lock():
            versions = self.path / VERSIONS
            versions.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{data_version[:12]}-{uuid.uuid4().hex[:6]}"
            folder = versions / name
            folder.mkdir()
            try:
                counts, quads = self._write(folder / DATABASE, graphs)
                stamp = {
                    "data_version": data_version,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "graphs": counts,
                    "triples": sum(counts.values()),
                    "quads": quads,
                    MERGED_DEFAULT: True,
                    "metadata": dict(metadata or {}),
                }
                (folder / STAMP).write_text(
                    json.dumps(stamp, indent=2, sort_keys=True), encoding="utf-8"
                )
                self._swap(name)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self._prune(keep=name)

    @staticmethod
    def _write(database: Path, graphs: Mapping[str, Graph]) -> tuple[dict[str, int], int]:
        """Write ``graphs`` and their merge as the default graph; the triples per graph and
        the number of quads in the database."""
        convert = _ToOx()
        counts: dict[str, int] = {}
        try:
            db = ox.Store(str(database))
            for iri, graph in graphs.items():
                db.bulk_extend(convert.quads(graph, iri))
                # The default graph is a set: a triple of several graphs is stored once.
                db.bulk_extend(convert.quads(graph, None))
                counts[iri] = len(graph)
            quads = len(db)
            db.flush()
            db.optimize()
        except (OSError, ValueError) as error:
            # ValueError: pyoxigraph rejects a term (an invalid IRI, language tag, ...).
            raise StoreError(f"cannot write {database}: {error}") from error
        finally:
            # Close RocksDB before anyone opens the folder read-only.
            db = None
            gc.collect()
        return counts, quads

    def _swap(self, name: str) -> None:
        temporary = self.path / f".{CURRENT}-{uuid.uuid4().hex}"
        os.symlink(f"{VERSIONS}/{name}", temporary)
        os.replace(temporary, self.path / CURRENT)
        self.close()

    def _prune(self, keep: str) -> None:
        versions = sorted(
            (path for path in (self.path / VERSIONS).iterdir() if path.is_dir()),
            key=lambda path: path.stat().st_mtime,
            reverse=True,
        )
        kept = [path for path in versions if path.name == keep]
        kept += [path for path in versions if path.name != keep][: KEEP_VERSIONS - 1]
        for path in versions:
            if path not in kept:
                shutil.rmtree(path, ignore_errors=True)
