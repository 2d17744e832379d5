"""The pooled store: :class:`~server.store.Store` with every query in a query process
(:mod:`server.store.pool`), and its lazy :class:`PooledResult`.

Reading the data version, the stamp and the metadata reads files, as the embedded store does;
everything that asks the engine (queries, counts, the list of named graphs) goes to a query
process. A :class:`PooledResult` runs its query when it is first read, asking the process for
the serialisation it needs: SPARQL JSON for rows and booleans, N-Triples for graphs (both read
back with the engine's own parsers, so terms and blank node labels are exactly those of the
embedded store), or the media type :meth:`PooledResult.serialize` is asked for.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Unpack

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from server.http.media_types import N_TRIPLES, SPARQL_JSON
from server.store import (
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    Answer,
    QueryKind,
    QueryOptions,
    UnsupportedMediaType,
)
from server.store.answers import run_query
from server.store.channel import QueryRequest
from server.store.embedded import EmbeddedStore
from server.store.embedded_results import EmbeddedResult
from server.store.pool import PoolConfig, QueryPool

__all__ = ["PooledResult", "PooledStore"]

#: What a result is read back in when Python needs its rows.
_READ_BACK: Mapping[QueryKind, str] = {
    "select": SPARQL_JSON,
    "ask": SPARQL_JSON,
    "graph": N_TRIPLES,
}
_NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class PooledStore:
    """The store of a server worker: the embedded store's files, queried in query processes."""

    def __init__(self, embedded: EmbeddedStore, config: PoolConfig) -> None:
        self.embedded = embedded
        self.config = config
        self.pool = QueryPool(embedded, config)
        self._pid = os.getpid()

    def __repr__(self) -> str:
        return f"PooledStore({str(self.embedded.path)!r}, processes={self.config.processes})"

    @property
    def path(self) -> Path:
        """The store folder."""
        return self.embedded.path

    def stamp(self) -> dict[str, Any] | None:
        """The stamp of the current version."""
        return self.embedded.stamp()

    def exists(self) -> bool:
        """Whether a built content is there."""
        return self.embedded.exists()

    def data_version(self) -> str | None:
        """The data version of the current version."""
        return self.embedded.data_version()

    def metadata(self) -> dict[str, Any]:
        """What the build recorded next to the data."""
        return self.embedded.metadata()

    def keep_in_memory(self, max_quads: int) -> None:
        """Let the worker copy versions of at most ``max_quads`` quads into memory, which its
        query processes then share."""
        self.embedded.keep_in_memory(max_quads)

    def in_memory(self) -> bool:
        """Whether the worker holds a complete in-memory copy of the current version."""
        return self.embedded.in_memory()

    def replace(
        self,
        graphs: Mapping[str, Graph],
        data_version: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Write a new version (see :meth:`EmbeddedStore.replace`)."""
        self.embedded.replace(graphs, data_version, metadata)

    def close(self) -> None:
        """Kill the query processes and drop the worker's copy."""
        self.pool.close()
        self.embedded.close()

    def named_graphs(self) -> list[str]:
        """The IRIs of all named graphs, sorted."""
        rows = self.query(_NAMED_GRAPHS).rows()
        return sorted(str(row["g"]) for row in rows if "g" in row)

    def count(self, graph: str | None = None) -> int:
        """The number of triples in ``graph``, or in the default graph (the merge)."""
        result = self.query(_COUNT, default_graph_uris=None if graph is None else [graph])
        return int(result.rows()[0]["n"])

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> PooledResult:
        """The result of ``sparql``, evaluated in a query process when it is first read."""
        timeout = options.pop("timeout", None)
        seconds = self.config.timeout if timeout is None else timeout
        return PooledResult(self, sparql, options, seconds)

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
        """The answer of a query process (see :class:`~server.store.AnsweringStore`)."""
        request = QueryRequest(sparql, media_types, default_graph_uris, named_graph_uris, base_iri)
        return run_query(self.pool, request, deadline)


class PooledResult:
    """A query result (see :class:`~server.store.QueryResult`) read from a query process."""

    def __init__(
        self, store: PooledStore, sparql: str, options: QueryOptions, timeout: float
    ) -> None:
        self._store = store
        self._sparql = sparql
        self._options = options
        self._timeout = timeout
        self._kind: QueryKind | None = None
        self._variables: list[str] = []
        self._bodies: dict[str, bytes] = {}

    def _run(self, media_types: Mapping[QueryKind, str | None]) -> tuple[QueryKind, bytes]:
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        request = QueryRequest.of(self._sparql, media_types, self._options)
        answer = run_query(self._store.pool, request, deadline)
        try:
            pieces: list[bytes] = []
            last = False
            while not last:
                piece, last = answer.read()
                pieces.append(piece)
        finally:
            answer.close()
        self._kind, self._variables = answer.kind, answer.variables
        body = b"".join(pieces)
        if answer.media_type is not None:
            self._bodies[answer.media_type] = body
        return answer.kind, body

    def _read_back(self) -> EmbeddedResult:
        """The result as the engine's own objects, parsed from its serialisation."""
        kind, body = self._run(_READ_BACK)
        if kind == "graph":
            return EmbeddedResult(iter(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
        return EmbeddedResult(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    @property
    def kind(self) -> QueryKind:
        """``select``, ``ask`` or ``graph``."""
        if self._kind is None:
            self._run(_READ_BACK)
        assert self._kind is not None
        return self._kind

    @property
    def variables(self) -> list[str]:
        """The projected variables of a SELECT query (empty for other kinds)."""
        if self._kind is None:
            self._run(_READ_BACK)
        return list(self._variables)

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media types :meth:`serialize` can produce, preferred first."""
        return GRAPH_MEDIA_TYPES if self.kind == "graph" else RESULTS_MEDIA_TYPES

    def serialize(self, media_type: str) -> bytes:
        """The result in ``media_type`` (raises :class:`UnsupportedMediaType`)."""
        if media_type in self._bodies:
            return self._bodies[media_type]
        _, body = self._run({"select": media_type, "ask": media_type, "graph": media_type})
        if media_type not in self._bodies:
            raise UnsupportedMediaType(f"results cannot be {media_type}")
        return body

    def write(self, media_type: str, output: IO[bytes]) -> None:
        """Write the result in ``media_type`` to a binary file object."""
        output.write(self.serialize(media_type))

    def rows(self) -> list[dict[str, Identifier]]:
        """Python rows (see :meth:`server.store.QueryResult.rows`)."""
        return self._read_back().rows()

    def boolean(self) -> bool:
        """The answer of an ASK query."""
        return self._read_back().boolean()

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query as an rdflib graph."""
        return self._read_back().graph()
