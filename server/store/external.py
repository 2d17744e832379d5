"""The external store: any SPARQL 1.1 store with the Graph Store Protocol (Oxigraph server,
Virtuoso, ...) as the :class:`~server.store.Store` the server serves every page from.

``regiograaf build`` loads it graph by graph (:mod:`server.store.gsp`); several stateless app
servers can then serve it behind one load balancer. What a built store holds besides the data
graphs (IRIs under :data:`STORE`):

* :data:`STATE`: the data version and, as JSON, the build's metadata and the named graphs
  with their triple counts and hashes: the data version and ETag come from the store, never
  from local files;
* :data:`MERGE`: the RDF merge of all data graphs, the default graph of every query (as the
  embedded store's default graph is); a store's own default graph (Virtuoso: all its graphs,
  system graphs included) is never queried.

Every query is checked here first, as on the embedded store: the limits on its text
(:func:`~server.store.limits.check_query`), no ``SERVICE`` (the store must not fetch a URL a
client chose), and the engine's parser on an empty in-memory database (syntax errors and the
kind of result, the same as the embedded store's; no store dialect such as Virtuoso's
``define`` passes). Bindings are written into the text (:mod:`server.store.substitution`). The
store's answer (SPARQL JSON, N-Triples) is read back with the engine's parsers, so every media
type is written exactly as the embedded store writes it. A query's dataset: the merge and, when
it uses ``GRAPH``, the data graphs as named graphs (none of the store's other graphs); a query
with its own ``FROM`` gets no dataset from here.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple, Unpack

import pyoxigraph as ox
from rdflib import Graph

from server.http.media_types import N_TRIPLES, SPARQL_JSON
from server.store import (
    Answer,
    QueryKind,
    QueryOptions,
    ServiceRefused,
    StoreError,
    StoreMissing,
    WholeAnswer,
)
from server.store.channel import QueryRequest
from server.store.embedded_results import EmbeddedResult, serialized
from server.store.evaluation import evaluate
from server.store.external_http import ExternalConfig, StoreUnreachable, form, send
from server.store.limits import cached_by_text, check_query
from server.store.scan import tokens
from server.store.substitution import substituted

__all__ = ["MERGE", "STATE", "STORE", "ExternalState", "ExternalStore"]

#: The IRIs of what the store holds besides the data graphs.
STORE: Final = "urn:regiograaf:store"
STATE: Final = STORE + ":state"
MERGE: Final = STORE + ":merge"
DATA_VERSION: Final = STORE + ":dataVersion"
STATE_JSON: Final = STORE + ":stateJson"

_VERSION_QUERY: Final = f"SELECT ?v WHERE {{ GRAPH <{STATE}> {{ <{STORE}> <{DATA_VERSION}> ?v }} }}"
_STATE_QUERY: Final = f"SELECT ?s WHERE {{ GRAPH <{STATE}> {{ <{STORE}> <{STATE_JSON}> ?s }} }}"
_ACCEPT: Final[Mapping[QueryKind, str]] = {
    "select": SPARQL_JSON,
    "ask": SPARQL_JSON,
    "graph": N_TRIPLES,
}
_ALL: Final = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
#: An empty database: the engine's parser (and the kind of a query) without any data.
_EMPTY = ox.Store()


class ExternalState(NamedTuple):
    """What the store says about its content: data version, metadata and named graphs
    (IRI → ``{"triples": n, "sha256": hash}``)."""

    data_version: str
    metadata: dict[str, Any]
    graphs: dict[str, dict[str, Any]]


class _Shape(NamedTuple):
    """What the query text says about its dataset."""

    service: bool
    from_: bool
    graph: bool


@cached_by_text
def _shape(sparql: str) -> _Shape:
    words = {t.text.upper() for t in tokens(sparql) if t.kind == "word"}
    return _Shape("SERVICE" in words, "FROM" in words, "GRAPH" in words)


class ExternalStore:
    """An external SPARQL 1.1 store, read by the server (see the module docstring)."""

    def __init__(self, config: ExternalConfig) -> None:
        self.config = config
        self._opener = config.opener()
        self._lock = threading.Lock()
        self._version: tuple[float, str | None] | None = None
        self._state: ExternalState | None = None

    def __repr__(self) -> str:
        return f"ExternalStore({self.config.query!r})"

    # the content

    def data_version(self) -> str | None:
        """The data version the store holds (read again after ``recheck`` seconds)."""
        now = time.monotonic()
        with self._lock:
            if self._version is not None and now - self._version[0] < self.config.recheck:
                return self._version[1]
        rows = self._select(_VERSION_QUERY)
        version = str(rows[0]["v"]["value"]) if rows else None
        with self._lock:
            self._version = (now, version)
        return version

    def state(self) -> ExternalState | None:
        """The data version, metadata and graphs of the store (``None``: nothing built)."""
        version = self.data_version()
        if version is None:
            return None
        state = self._state
        if state is not None and state.data_version == version:
            return state
        rows = self._select(_STATE_QUERY)
        if not rows:
            return None
        try:
            loaded = json.loads(rows[0]["s"]["value"])
            graphs = {iri: about for iri, about in loaded["graphs"].items() if iri != MERGE}
            state = ExternalState(loaded["data_version"], dict(loaded["metadata"]), graphs)
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"the state in {self.config.query} is damaged: {error}") from error
        self._state = state
        return state

    def check(self) -> str | None:
        """Why the store cannot be served, in one line, or ``None``."""
        try:
            if self.state() is None:
                return (
                    f"the store at {self.config.query} holds no Regiograaf data; run "
                    "`regiograaf build` with the same REGIOGRAAF_STORE_* settings"
                )
        except StoreError as error:
            return str(error)
        return None

    def exists(self) -> bool:
        """Whether a built content is there."""
        return self.data_version() is not None

    def metadata(self) -> dict[str, Any]:
        """What the build recorded next to the data (``{}`` when nothing is built)."""
        state = self.state()
        return dict(state.metadata) if state is not None else {}

    def named_graphs(self) -> list[str]:
        """The IRIs of the data graphs, sorted."""
        return sorted(self._built().graphs)

    def count(self, graph: str | None = None) -> int:
        """The number of triples in ``graph``, or in the default graph (the merge)."""
        result = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            default_graph_uris=None if graph is None else [graph],
        )
        return int(result.rows()[0]["n"])

    def replace(
        self,
        graphs: Mapping[str, Graph],
        data_version: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Not here: ``regiograaf build`` loads an external store (:mod:`server.store.gsp`)."""
        raise StoreError("an external store is loaded by `regiograaf build`")

    def close(self) -> None:
        """Forget what was read from the store."""
        with self._lock:
            self._version = None
        self._state = None

    # queries

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> EmbeddedResult:
        """Evaluate ``sparql`` in the store (``timeout`` seconds, default the setting);
        ``known_values`` are left to the query text, which binds them."""
        timeout = options.get("timeout")
        seconds = self.config.timeout if timeout is None else timeout
        deadline = time.monotonic() + seconds if seconds > 0 else None
        sparql = substituted(sparql, options.get("bindings") or {})
        request = QueryRequest(
            sparql,
            {},
            options.get("default_graph_uris"),
            options.get("named_graph_uris"),
            options.get("base_iri"),
        )
        return self._evaluate(request, deadline)

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
        """The answer to ``sparql`` serialised in ``media_types[kind]``, within ``deadline``."""
        version = self.data_version()
        request = QueryRequest(sparql, media_types, default_graph_uris, named_graph_uris, base_iri)
        result = self._evaluate(request, deadline)
        media_type = media_types.get(result.kind)
        body = serialized(result, media_type) if media_type is not None else b""
        return WholeAnswer(result.kind, media_type, version, body)

    def _evaluate(self, request: QueryRequest, deadline: float | None) -> EmbeddedResult:
        kind = self._checked_kind(request)
        fields: dict[str, str | list[str]] = {"query": request.sparql}
        fields.update(self._dataset(request))
        http = urllib.request.Request(
            self.config.query,
            data=form(fields),
            headers={
                "Accept": _ACCEPT[kind],
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        _, body = send(self._opener, http, deadline=deadline, max_bytes=self.config.max_bytes)
        return _read_back(kind, body)

    def _checked_kind(self, request: QueryRequest) -> QueryKind:
        """Check the query as the embedded store would (module docstring); its kind."""
        check_query(request.sparql, self.config.limits)
        if _shape(request.sparql).service:
            raise ServiceRefused()
        parsed = QueryRequest(request.sparql, {}, None, None, request.base_iri)
        return evaluate(_EMPTY, {}, parsed).kind

    def _dataset(self, request: QueryRequest) -> dict[str, str | list[str]]:
        """The protocol's dataset fields for ``request`` (see the module docstring)."""
        shape = _shape(request.sparql)
        fields: dict[str, str | list[str]] = {}
        if request.base_iri:
            fields["base-uri"] = request.base_iri
        given = request.default_graph_uris is not None or request.named_graph_uris is not None
        if shape.from_ and not given:
            return fields
        default = request.default_graph_uris
        fields["default-graph-uri"] = list(default) if default is not None else [MERGE]
        named = request.named_graph_uris
        if named is None and shape.graph:
            named = sorted(self._built().graphs)
        if named:
            fields["named-graph-uri"] = list(named)
        return fields

    def _built(self) -> ExternalState:
        state = self.state()
        if state is None:
            raise StoreMissing(f"the store at {self.config.query} holds no data yet")
        return state

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of a query of this module's own (no dataset), as SPARQL JSON bindings."""
        deadline = time.monotonic() + (self.config.timeout or 30.0)
        http = urllib.request.Request(
            self.config.query,
            data=form({"query": sparql}),
            headers={"Accept": SPARQL_JSON, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        _, body = send(self._opener, http, deadline=deadline, max_bytes=self.config.max_bytes)
        try:
            return list(json.loads(body)["results"]["bindings"])
        except (ValueError, KeyError, TypeError) as error:
            raise StoreUnreachable(
                f"{self.config.query} is not a SPARQL endpoint: {error}"
            ) from error


#: Blank node labels some stores write that the engine's parser refuses (``nodeID://b1``).
_ODD_BNODE: Final = re.compile(rb'("type": *"bnode", *"value": *")nodeID://')
#: Booleans some stores write as ``1`` and ``0`` (Virtuoso, in SPARQL JSON and N-Triples): the
#: same values, written as the engine writes them (``true``, ``false``).
_BOOLEAN: Final = rb"http://www\.w3\.org/2001/XMLSchema#boolean"
_DIGIT_BOOLEAN: Final = re.compile(
    rb'("datatype": *"' + _BOOLEAN + rb'", *"value": *")([01])"|"([01])"(\^\^<' + _BOOLEAN + rb">)"
)
_CANONICAL: Final = {b"1": b"true", b"0": b"false"}


def _canonical_booleans(body: bytes) -> bytes:
    """``body`` with the booleans written ``1``/``0`` written ``true``/``false``."""

    def canonical(match: re.Match[bytes]) -> bytes:
        if match[1] is not None:
            return match[1] + _CANONICAL[match[2]] + b'"'
        return b'"' + _CANONICAL[match[3]] + b'"' + match[4]

    return _DIGIT_BOOLEAN.sub(canonical, body)


def _read_back(kind: QueryKind, body: bytes) -> EmbeddedResult:
    """The store's answer as the engine's own result (see the module docstring)."""
    body = _canonical_booleans(body)
    try:
        if kind == "graph":
            # In an in-memory database of its own, for the engine's own graph result.
            triples = ox.Store()
            triples.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
            return EmbeddedResult(triples.query(_ALL))
        if _ODD_BNODE.search(body):
            body = _ODD_BNODE.sub(rb"\1", body)
        return EmbeddedResult(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
    except SyntaxError as error:
        raise StoreError(f"the store's answer cannot be read: {error}") from error
