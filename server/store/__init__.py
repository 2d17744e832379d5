"""The store interface: where the built graph lives and how it is queried.

Nothing outside ``server/store`` imports pyoxigraph or SPARQLWrapper: the rest of the code
talks to a :class:`Store` and gets :class:`QueryResult` objects back, which serialise
themselves with the engine's own serialisers (no per-row Python work on the hot path of the
SPARQL endpoint). The build's strict Turtle check uses the engine's parser through
:mod:`server.store.syntax`.

Modules: ``embedded`` (pyoxigraph on disk; its ``versions`` folders, ``memory`` copy and
``embedded_results``), ``pool``, ``answers`` and ``pooled`` (the server's store: every query
in a query process that can be stopped, ``isolation`` inside it, ``channel`` between them,
``evaluation`` in both), ``terms`` (rdflib ⇄ pyoxigraph), ``syntax``, ``remote`` (any SPARQL
1.1 endpoint, read-only), ``external`` (an external store the server serves from; ``gsp``
loads it, ``external_http`` talks to it, ``substitution`` writes bindings into query text),
``values``, ``scan`` and ``limits`` (query text). This package imports nothing above it.

The default graph of a query is the union of all named graphs unless ``default_graph_uris``
is given (SPARQL 1.1 Protocol ``default-graph-uri``).

Use :func:`open_store` in the web app: it returns one read-only store per worker process,
opened lazily on first use, which follows a rebuild (it reopens when the current version
changes on disk); given a :class:`~server.store.pool.PoolConfig` it runs every query in a
query process of the worker (:mod:`server.store.pool`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, TypedDict, Unpack, runtime_checkable

from rdflib import Graph
from rdflib.term import Identifier

from server.errors import (
    BadRequest,
    InvalidRequest,
    QuerySyntaxError,
    RegiograafError,
    StoreError,
    StoreMissing,
    Unavailable,
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
from server.messages import N_

if TYPE_CHECKING:
    from server.store.external_http import ExternalConfig
    from server.store.pool import PoolConfig

QueryKind = Literal["select", "ask", "graph"]

#: Media types of SELECT and ASK results, in order of preference.
RESULTS_MEDIA_TYPES: tuple[str, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
#: Media types of CONSTRUCT and DESCRIBE results, in order of preference.
GRAPH_MEDIA_TYPES: tuple[str, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)


@runtime_checkable
class QueryResult(Protocol):
    """The answer to one query. It is single-use: serialise it *or* read its rows, once."""

    @property
    def kind(self) -> QueryKind:
        """``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE)."""
        ...

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


class QueryTimeout(Unavailable):
    """503: the query passed its time limit and was stopped; try again later."""

    logged = False
    headers = (("Retry-After", "10"),)


class QueriesBusy(Unavailable):
    """503: every query process of this worker is busy, or the server's long-query slots
    are all taken when a query goes long; the client may try again after ``Retry-After``
    seconds."""

    logged = False
    headers = (("Retry-After", "2"),)


class QueryOutOfMemory(Unavailable):
    """503: the query needed more memory than a query may use and was stopped."""

    logged = False
    headers = (("Retry-After", "10"),)


class ServiceRefused(BadRequest):
    """400: the query asked the engine to reach another server (``SERVICE``), which query
    processes cannot do (:mod:`server.store.isolation`)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "SERVICE (federated query) is not allowed on this endpoint: this server does not "
            "fetch other URLs on a client's behalf (server-side request forgery)."
        )


class EngineFailed(RegiograafError):
    """500: the engine stopped while evaluating a query (its query process ended: a crash or
    its memory limit). The worker and its other requests are unaffected."""

    public = N_(
        "De zoekmachine stopte tijdens deze vraag (misschien had ze meer geheugen of stack "
        "nodig dan een vraag mag gebruiken). De server zelf werkt; maak de vraag eenvoudiger."
    )


@runtime_checkable
class Answer(Protocol):
    """A query's answer, serialised by the engine, read in pieces (:meth:`Store.answer`)."""

    #: ``select``, ``ask`` or ``graph``.
    kind: QueryKind
    #: The media type of the pieces (``None``: no acceptable one, no pieces).
    media_type: str | None
    #: The data version the answer was computed on.
    data_version: str | None

    def read(self) -> tuple[bytes, bool]:
        """The next piece (about 64 KiB, the last one smaller or empty) and whether it is the
        last. Raises :class:`QueryTimeout` at the deadline, and the query's error."""
        ...

    def close(self) -> None:
        """Stop the work (when unfinished) and free what the answer holds."""
        ...


class WholeAnswer:
    """An answer already complete in memory (one piece)."""

    def __init__(
        self, kind: QueryKind, media_type: str | None, data_version: str | None, body: bytes
    ) -> None:
        self.kind: QueryKind = kind
        self.media_type = media_type
        self.data_version = data_version
        self._body: bytes | None = body

    def read(self) -> tuple[bytes, bool]:
        """The whole body, as the last piece."""
        body, self._body = self._body or b"", None
        return body, True

    def close(self) -> None:
        """Nothing to stop."""
        self._body = None


class QueryOptions(TypedDict, total=False):
    """The keyword options of :meth:`Store.query`, each optional (``None``: not given)."""

    #: The default graph (SPARQL 1.1 Protocol ``default-graph-uri``); default: the merge of all.
    default_graph_uris: Sequence[str] | None
    #: The named graphs (``named-graph-uri``); default: all.
    named_graph_uris: Sequence[str] | None
    #: Values for variables, substituted by the engine.
    bindings: Mapping[str, Identifier] | None
    #: Values the query text already binds in its trailing ``VALUES`` block (projected
    #: variables only). An engine that can substitute them plans the query with them from
    #: the start (pyoxigraph then reads the rows of one municipality, not of all); a store
    #: that cannot ignores them: the answer is the same.
    known_values: Mapping[str, Identifier] | None
    #: The base IRI of relative IRIs in the query.
    base_iri: str | None
    #: Seconds the query may take (where the store can stop a query).
    timeout: float | None


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

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> QueryResult:
        """Evaluate a SPARQL 1.1 query with :class:`QueryOptions`; ``bindings`` are substituted
        for variables (never spliced into the text). Raises :class:`QuerySyntaxError` or
        :class:`StoreMissing`."""
        ...


@runtime_checkable
class AnsweringStore(Store, Protocol):
    """A store that also answers a query serialised, in pieces, within a deadline: what
    ``/sparql`` sends (the embedded store in this process, the pooled store of the server)."""

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
        """The answer to ``sparql``, its result serialised in ``media_types[kind]``, once its
        kind is known. ``deadline`` is a ``time.monotonic()`` value. Raises the query's error
        (:class:`QuerySyntaxError`, :class:`ServiceRefused`, :class:`QueryTimeout`,
        :class:`QueriesBusy`, ...)."""
        ...


_open: dict[tuple[int, str, object], AnsweringStore] = {}


def open_store(
    path: Path | str, pool: PoolConfig | None = None, external: ExternalConfig | None = None
) -> AnsweringStore:
    """The read-only store at ``path`` for this process, created on first use; with ``pool``
    every query runs in a query process (:class:`~server.store.pool.PooledStore`); with
    ``external`` the external store it names (:mod:`server.store.external`) instead.

    The handle is cached per process id, so a store opened before gunicorn forks is never shared
    with a worker, and it opens the on-disk data lazily, on its first query."""
    from server.store.embedded import EmbeddedStore

    key = (os.getpid(), str(Path(path).resolve()), external or pool)
    found = _open.get(key)
    if found is not None:
        return found
    if external is not None:
        from server.store.external import ExternalStore

        _open[key] = ExternalStore(external)
        return _open[key]
    limits = pool.limits if pool is not None else None
    embedded = EmbeddedStore(path, read_only=True, limits=limits)
    store: AnsweringStore = embedded
    if pool is not None and pool.processes > 0:
        from server.store.pooled import PooledStore

        store = PooledStore(embedded, pool)
    _open[key] = store
    return store


__all__ = [
    "GRAPH_MEDIA_TYPES",
    "RESULTS_MEDIA_TYPES",
    "Answer",
    "AnsweringStore",
    "EngineFailed",
    "InvalidRequest",
    "QueriesBusy",
    "QueryKind",
    "QueryOptions",
    "QueryOutOfMemory",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "ServiceRefused",
    "Store",
    "StoreError",
    "StoreMissing",
    "UnsupportedMediaType",
    "WholeAnswer",
    "open_store",
]
