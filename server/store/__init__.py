"""The store interface: where the built graph lives and how it is queried.

Nothing outside ``server/store`` imports pyoxigraph or SPARQLWrapper: the rest of the code
talks to a :class:`Store` and gets :class:`QueryResult` objects back, which serialise
themselves with the engine's own serialisers (no per-row Python work on the hot path of the
SPARQL endpoint). The build's strict Turtle check uses the engine's parser through
:mod:`server.store.syntax`.

Modules: ``embedded`` (pyoxigraph on disk; its ``versions`` folders, ``memory`` copy and
``embedded_results``), ``terms`` (rdflib ⇄ pyoxigraph), ``syntax``, ``remote`` (any SPARQL 1.1
endpoint), ``values`` and ``scan`` (query text). This package imports nothing above it.

The default graph of a query is the union of all named graphs unless ``default_graph_uris``
is given (SPARQL 1.1 Protocol ``default-graph-uri``).

Use :func:`open_store` in the web app: it returns one read-only store per worker process,
opened lazily on first use, which follows a rebuild (it reopens when the current version
changes on disk).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol, runtime_checkable

from rdflib import Graph
from rdflib.term import Identifier

from server.errors import (
    InvalidRequest,
    QuerySyntaxError,
    StoreError,
    StoreMissing,
    UnsupportedMediaType,
)
from server.http.media_types import (
    CSV,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
)

QueryKind = Literal["select", "ask", "graph"]

#: Media types of SELECT and ASK results, in order of preference.
RESULTS_MEDIA_TYPES: tuple[str, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
#: Media types of CONSTRUCT and DESCRIBE results, in order of preference.
GRAPH_MEDIA_TYPES: tuple[str, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)


@runtime_checkable
class QueryResult(Protocol):
    """The answer to one query. It is single-use: serialise it *or* read its rows, once."""

    #: ``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE).
    kind: QueryKind

    @property
    def variables(self) -> list[str]:
        """The projected variables of a SELECT query (empty for other kinds)."""
        ...

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media types :meth:`serialize` can produce, preferred first."""
        ...

    def serialize(self, media_type: str) -> bytes:
        """The result in ``media_type`` (raises :class:`UnsupportedMediaType`)."""
        ...

    def write(self, media_type: str, output: IO[bytes]) -> None:
        """Write the result in ``media_type`` to a binary file object."""
        ...

    def rows(self) -> list[dict[str, Identifier]]:
        """Python rows: for SELECT one dict per solution (unbound variables left out), for ASK
        ``[{"boolean": Literal(True|False)}]``, for graphs one dict per triple with
        ``subject``, ``predicate`` and ``object``."""
        ...

    def boolean(self) -> bool:
        """The answer of an ASK query."""
        ...

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query as an rdflib graph."""
        ...


@runtime_checkable
class Store(Protocol):
    """A built Regiograaf graph: named graphs, a data version, and SPARQL."""

    def replace(
        self,
        graphs: Mapping[str, Graph],
        data_version: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Replace the whole content by ``graphs`` (graph IRI → triples), atomically: readers
        see either the old or the new content, never a half-built one."""
        ...

    def data_version(self) -> str | None:
        """The data version of the loaded content, or ``None`` when nothing is built."""
        ...

    def metadata(self) -> dict[str, Any]:
        """What the build recorded next to the data (``{}`` when nothing is built)."""
        ...

    def exists(self) -> bool:
        """Whether a built content is there."""
        ...

    def named_graphs(self) -> list[str]:
        """The IRIs of all named graphs, sorted."""
        ...

    def count(self, graph: str | None = None) -> int:
        """The number of triples in ``graph``, or of quads in all named graphs."""
        ...

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] | None = None,
        named_graph_uris: Sequence[str] | None = None,
        bindings: Mapping[str, Identifier] | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL 1.1 query; ``bindings`` are substituted for variables (never
        spliced into the text). Raises :class:`QuerySyntaxError` or :class:`StoreMissing`."""
        ...


_open: dict[tuple[int, str], Store] = {}


def open_store(path: Path | str) -> Store:
    """The read-only store at ``path`` for this process, created on first use.

    The handle is cached per process id, so a store opened before gunicorn forks is never shared
    with a worker, and it opens the on-disk data lazily, on its first query."""
    from server.store.embedded import EmbeddedStore

    key = (os.getpid(), str(Path(path).resolve()))
    store = _open.get(key)
    if store is None:
        store = _open[key] = EmbeddedStore(path, read_only=True)
    return store


__all__ = [
    "GRAPH_MEDIA_TYPES",
    "RESULTS_MEDIA_TYPES",
    "InvalidRequest",
    "QueryKind",
    "QueryResult",
    "QuerySyntaxError",
    "Store",
    "StoreError",
    "StoreMissing",
    "UnsupportedMediaType",
    "open_store",
]
