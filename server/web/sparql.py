"""``/sparql``: the SPARQL 1.1 Protocol query operation, read-only, and its service description.

Thin routes; the protocol rules live in :mod:`server.sparql_protocol`, the choice of format in
:mod:`server.web.negotiation`, and the engine behind :class:`server.store.Store` does the work:
it evaluates the query and serialises the result itself, and this module only moves the
engine's bytes to the client (no Python per row).

Time limit (setting ``query_timeout``). pyoxigraph cannot interrupt a query, so each query runs
in a thread of its own (pyoxigraph releases the GIL while it evaluates and serialises) while the
request thread waits for the first bytes of output. The query threads are kept for the next
query (:class:`QueryThreads`) rather than started per query; a query never waits for one.
When the limit passes first, the client gets 503 and the query is cancelled at its next write:
the writer the engine serialises into raises, which stops the engine. A query that computes
for long without writing (a large aggregate) keeps one core busy until it finishes, but the
request thread is free and other requests are answered. After the first bytes the response
streams; a query that passes the limit while streaming is cut off and the connection closed
without the final chunk, so the client sees an incomplete response rather than a silently
truncated one. Gunicorn should run the ``gthread`` worker class with several threads, so one
slow query holds one thread, not a whole worker.

The engine's output is handed to the request thread in pieces of :data:`PIECE_BYTES` (the
last one smaller), so a small result goes out in one piece with a ``Content-Length``, and a
query that fails before its first piece gets a proper error status; larger results stream,
chunked.

Row cap (setting ``max_rows``): the outermost SELECT, CONSTRUCT or DESCRIBE gets a ``LIMIT``
of at most ``max_rows`` (:func:`server.sparql_protocol.cap_rows`), so the engine stops by
itself; a capped response says so in the ``Regiograaf-Max-Rows`` header. For CONSTRUCT and
DESCRIBE the cap counts solutions of the WHERE clause, not triples.
"""

from __future__ import annotations

import functools
import json
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final
from urllib.parse import urljoin

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    render_template_string,
    request,
    url_for,
)
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from server import sparql_protocol as protocol
from server.canned import CannedQuery, load_canned_queries
from server.prefixes import query_prefixes
from server.settings import Settings
from server.store import (
    InvalidRequest,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreError,
    StoreMissing,
    open_store,
)
from server.web import negotiation

blueprint = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: Seconds a client or cache may reuse a response without asking again; the ETag (the data
#: version) makes asking again cheap (304), and the data only changes with a rebuild.
MAX_AGE: Final = 300
#: Header telling the client that the row cap applied to its query.
MAX_ROWS_HEADER: Final = "Regiograaf-Max-Rows"
ALLOWED_METHODS: Final = "GET, HEAD, POST, OPTIONS"

#: The W3C format IRIs (http://www.w3.org/ns/formats/) of what the endpoint can return.
RESULT_FORMAT_IRIS: Final = (
    FORMATS.SPARQL_Results_JSON,
    FORMATS.SPARQL_Results_XML,
    FORMATS.SPARQL_Results_CSV,
    FORMATS.SPARQL_Results_TSV,
    FORMATS.Turtle,
    FORMATS["N-Triples"],
    FORMATS["JSON-LD"],
    FORMATS.RDF_XML,
)

#: rdflib serialiser names for the service description's media types.
_RDFLIB_FORMATS: Final = {
    negotiation.TURTLE: "turtle",
    negotiation.N_TRIPLES: "nt",
    negotiation.JSON_LD: "json-ld",
    negotiation.RDF_XML: "xml",
}

#: Name of the threads that run queries.
QUERY_THREAD_NAME: Final = "sparql-query"
#: Bytes of output gathered before they are handed to the request thread (the engine writes
#: 8 KiB at a time): a result up to this size goes out in one piece, with ``Content-Length``.
PIECE_BYTES: Final = 64 * 1024


class QueryThreads:
    """Threads that run queries, kept for the next query instead of started for each one.

    A query never waits for a thread: when none is idle a new one starts, because a query past
    its time limit cannot be interrupted and keeps its thread until the engine stops. A thread
    idle for ``idle_seconds`` ends. The pool belongs to one process (see :data:`_THREADS`).
    """

    def __init__(self, idle_seconds: float = 60.0) -> None:
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0  # threads waiting for a task that no submit has claimed yet
        self._busy = 0  # tasks submitted and not finished

    def submit(self, task: Callable[[], None]) -> None:
        """Run ``task`` in an idle thread, or in a new one when none is idle."""
        with self._lock:
            self._busy += 1
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, name=QUERY_THREAD_NAME, daemon=True).start()

    def _work(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._idle:  # no submit counts on this thread: end it
                        self._idle -= 1
                        return
                continue  # a task is on its way to some waiting thread
            try:
                task()
            finally:
                del task
                with self._lock:
                    self._busy -= 1
                    self._idle += 1
                    self._settled.notify_all()

    def running(self) -> int:
        """How many submitted tasks have not finished."""
        with self._lock:
            return self._busy

    def wait(self, timeout: float) -> bool:
        """Wait until no task runs (at most ``timeout`` seconds); whether none does."""
        with self._settled:
            return self._settled.wait_for(lambda: self._busy == 0, timeout)


#: The query threads of this process; a forked child (a gunicorn worker) starts a fresh pool.
_THREADS = QueryThreads()


def _fresh_threads() -> None:
    global _THREADS
    _THREADS = QueryThreads()


os.register_at_fork(after_in_child=_fresh_threads)


def wait_for_queries(timeout: float = 60.0) -> bool:
    """Wait until every query of this process has finished, abandoned ones included (they
    cannot be interrupted); whether they all did within ``timeout`` seconds."""
    return _THREADS.wait(timeout)


class QueryTimeout(Exception):
    """The query passed the time limit (before or while streaming)."""


class QueryAborted(RuntimeError):
    """The query failed or was cancelled after its response had started."""


class QueryRun:
    """One query evaluated and serialised by the engine in a query thread (:class:`QueryThreads`).

    The engine writes its serialisation into this object (a binary file-like object); the
    output goes through a queue to the request thread as ``(bytes, last)`` pieces of
    :data:`PIECE_BYTES` (the last piece, with ``last`` true, may be smaller or empty).
    :meth:`cancel`, or passing the ``deadline`` (``time.monotonic()`` value, or ``None``), makes
    the next write raise, which stops the engine.
    """

    def __init__(
        self,
        store: Store,
        query: str,
        dataset: dict[str, tuple[str, ...] | None],
        offer: negotiation.Offer | None,
        accept: str | None,
        formats: tuple[str, ...],
        deadline: float | None,
    ) -> None:
        self._store = store
        self._query = query
        self._dataset = dataset
        self._offer = offer
        self._accept = accept
        self._formats = formats
        self.deadline = deadline
        self.media_type: str | None = None
        self.error: BaseException | None = None
        self._pieces: queue.SimpleQueue[tuple[bytes, bool]] = queue.SimpleQueue()
        self._gathered: list[bytes] = []
        self._size = 0
        self._cancelled = threading.Event()

    def start(self) -> QueryRun:
        """Start evaluating; returns ``self``."""
        _THREADS.submit(self._run)
        return self

    def cancel(self) -> None:
        """Stop the engine at its next write."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether the run was cancelled or passed its deadline."""
        return self._cancelled.is_set() or (
            self.deadline is not None and time.monotonic() > self.deadline
        )

    # The file-like side, called by the engine in the query thread.

    def write(self, data: bytes) -> int:
        """Take a chunk of serialised output (raises :class:`QueryTimeout` when cancelled)."""
        if self.cancelled:
            raise QueryTimeout("query cancelled")
        self._gathered.append(bytes(data))
        self._size += len(data)
        if self._size >= PIECE_BYTES:
            self._pieces.put((b"".join(self._gathered), False))
            self._gathered.clear()
            self._size = 0
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: output is handed on in pieces as it comes."""

    def _run(self) -> None:
        try:
            self._evaluate()
        except BaseException as error:  # handed to the request thread, which re-raises
            # pyoxigraph's results must be released by the thread that made them: drop the
            # frame locals that still refer to one before another thread holds the error.
            seen: set[int] = set()
            current: BaseException | None = error
            while current is not None and id(current) not in seen:
                seen.add(id(current))
                traceback.clear_frames(current.__traceback__)
                current = current.__cause__ or current.__context__
            self.error = error
        finally:
            last = b"".join(self._gathered)
            self._gathered.clear()
            self._pieces.put((last, True))

    def _evaluate(self) -> None:
        result = self._store.query(self._query, **self._dataset)
        try:
            self.media_type = self._choose(result)
            if self.media_type is not None:
                result.write(self.media_type, self)
        finally:
            del result

    def _choose(self, result: QueryResult) -> str | None:
        offer = self._offer or (
            negotiation.GRAPH if result.kind == "graph" else negotiation.RESULTS
        )
        if (offer is negotiation.GRAPH) != (result.kind == "graph"):
            offer = negotiation.GRAPH if result.kind == "graph" else negotiation.RESULTS
        return _negotiate(offer, self._accept, self._formats)

    # The request side.

    def _remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def next_piece(self) -> tuple[bytes, bool]:
        """The next piece of output and whether it is the last; raises :class:`QueryTimeout`
        (and cancels) when the deadline passes first."""
        try:
            return self._pieces.get(timeout=self._remaining())
        except queue.Empty:
            self.cancel()
            raise QueryTimeout("query timed out") from None

    def stream(self, first: bytes) -> Iterator[bytes]:
        """The response body: ``first`` (a piece that was not the last), then the rest as the
        engine writes it; cancels the query when the client goes away."""
        try:
            piece, last = first, False
            while True:
                if piece:
                    yield piece
                if last:
                    break
                try:
                    piece, last = self.next_piece()
                except QueryTimeout as error:
                    raise QueryAborted("query passed the time limit while streaming") from error
            if self.error is not None:
                raise QueryAborted(f"query stopped while streaming: {self.error}")
        finally:
            self.cancel()


# --- helpers --------------------------------------------------------------------------------


def _settings() -> Settings:
    return current_app.config["REGIOGRAAF"]


#: Decisions of :func:`_negotiate`: (offer id, Accept, formats) → (offer, media type).
_negotiated: dict[
    tuple[int, str | None, tuple[str, ...]], tuple[negotiation.Offer, str | None]
] = {}
#: How many decisions :data:`_negotiated` keeps, and the longest ``Accept`` it keeps them for.
_NEGOTIATED_MAX = 256
_NEGOTIATED_ACCEPT_CHARS = 1024


def _negotiate(
    offer: negotiation.Offer, accept: str | None, formats: tuple[str, ...]
) -> str | None:
    """:func:`server.web.negotiation.negotiate`, remembered: a client sends the same ``Accept``
    with every request. Raises :class:`~server.web.negotiation.UnknownFormat` as it does."""
    key = (id(offer), accept, formats)
    known = _negotiated.get(key)
    if known is not None and known[0] is offer:
        return known[1]
    media_type = negotiation.negotiate(offer, accept, formats)
    if accept is None or len(accept) <= _NEGOTIATED_ACCEPT_CHARS:
        if len(_negotiated) >= _NEGOTIATED_MAX:
            _negotiated.clear()
        _negotiated[key] = (offer, media_type)
    return media_type


#: The store of each (process, folder): asked for on every request.
_stores: dict[tuple[int, Path], Store] = {}


def _store() -> Store:
    path = _settings().store
    key = (os.getpid(), path)
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = open_store(path)
    return store


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as plain text, HTML or JSON, as the client's ``Accept`` prefers."""
    media_type = negotiation.error_media_type(request.headers.get("Accept"))
    if media_type == negotiation.JSON:
        body = json.dumps({"error": {"status": status, "message": message}})
    elif media_type == negotiation.HTML:
        body = render_template_string(
            _ERROR_PAGE, status=status, message=message, endpoint=url_for("sparql.endpoint")
        )
    else:
        body = message + "\n"
    response = Response(body, status, content_type=negotiation.content_type(media_type))
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def store_unavailable(error: StoreError) -> Response:
    """503 for a store that is missing or cannot be read. The details (which may name paths
    on the server) go to the log, not to the client."""
    if isinstance(error, StoreMissing):
        return error_response(503, "No data has been built yet (run `regiograaf build`).")
    current_app.logger.error("The store cannot be read: %s", error)
    return error_response(503, "The store cannot be read right now; try again later.")


def _cacheable(response: Response, version: str) -> Response:
    response.set_etag(version)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _not_modified(version: str) -> Response | None:
    """304 when a GET or HEAD already has this version (RFC 9110 §13.1.2)."""
    if "HTTP_IF_NONE_MATCH" not in request.environ:
        return None
    if request.method in ("GET", "HEAD") and request.if_none_match.contains_weak(version):
        return _cacheable(Response(status=304), version)
    return None


def _not_acceptable(offer: negotiation.Offer) -> Response:
    return error_response(
        406,
        "None of the accepted media types can be produced here. Available: "
        + ", ".join(offer.media_types)
        + "; or use format="
        + "|".join(sorted(offer.formats))
        + ".",
    )


@blueprint.after_request
def _cors_and_vary(response: Response) -> Response:
    """CORS (any origin may query) and ``Vary: Accept`` on every ``/sparql`` response."""
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = f"ETag, {MAX_ROWS_HEADER}"
    if "Vary" in headers:
        response.vary.add("Accept")
    else:
        headers["Vary"] = "Accept"
    return response


# --- the route ------------------------------------------------------------------------------


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol query operation; the service description without a query."""
    if request.method == "OPTIONS":
        return _preflight()
    try:
        parsed = protocol.parse_request(
            request.method,
            request.headers.get("Content-Type"),
            request.query_string,
            request.get_data(cache=False) if request.method == "POST" else b"",
        )
    except protocol.ProtocolError as error:
        headers = {"Allow": ALLOWED_METHODS} if error.status == 405 else None
        return error_response(error.status, error.message, headers)
    store = _store()
    try:
        version = store.data_version()
    except StoreError as error:
        return store_unavailable(error)
    if version is None:
        return store_unavailable(StoreMissing("no data version"))
    if (cached := _not_modified(version)) is not None:
        return cached
    if parsed.query is None:
        return _description(store, version, parsed.formats)
    return _answer(store, version, parsed)


def _preflight() -> Response:
    """Answer a CORS preflight (and a plain OPTIONS) request."""
    response = Response(status=204)
    response.headers["Allow"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type, If-None-Match"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _answer(store: Store, version: str, parsed: protocol.ProtocolRequest) -> Response:
    """Run the query and stream the engine's serialisation of the result."""
    assert parsed.query is not None
    settings = _settings()
    try:
        shape = protocol.inspect_query(parsed.query)
    except protocol.ProtocolError as error:
        return error_response(error.status, error.message)
    offer = None
    if shape.form in ("CONSTRUCT", "DESCRIBE"):
        offer = negotiation.GRAPH
    elif shape.form is not None:
        offer = negotiation.RESULTS
    accept = request.headers.get("Accept")
    try:
        if offer is not None and _negotiate(offer, accept, parsed.formats) is None:
            return _not_acceptable(offer)
    except negotiation.UnknownFormat as error:
        return error_response(400, f"Unknown format={error}.")
    query, capped = protocol.cap_rows(parsed.query, settings.max_rows)
    timeout = settings.query_timeout
    run = QueryRun(
        store,
        query,
        protocol.dataset_override(parsed, query),
        offer,
        accept,
        parsed.formats,
        time.monotonic() + timeout if timeout > 0 else None,
    ).start()
    try:
        first, last = run.next_piece()
    except QueryTimeout:
        return error_response(
            503,
            f"The query did not finish within {timeout:g} seconds and was stopped. "
            "Make it more selective (add a LIMIT, narrow the patterns) and try again.",
            {"Retry-After": "10"},
        )
    if last and run.error is not None:
        # Nothing has been sent yet: the client gets the error's own status.
        return _failure(run.error)
    if run.media_type is None:
        return _not_acceptable(offer or negotiation.RESULTS)
    content_type = negotiation.content_type(run.media_type)
    if last:
        response = Response(first, 200, content_type=content_type)
    else:
        response = Response(
            run.stream(first), 200, content_type=content_type, direct_passthrough=True
        )
    if capped:
        response.headers[MAX_ROWS_HEADER] = str(settings.max_rows)
    return _cacheable(response, version)


def _failure(error: BaseException) -> Response:
    """The response for a query that failed before its first byte."""
    if isinstance(error, QuerySyntaxError):
        return error_response(400, f"SPARQL syntax error: {error}")
    if isinstance(error, InvalidRequest):
        return error_response(400, str(error))
    if isinstance(error, QueryTimeout):
        return error_response(503, "The query was stopped.")
    if isinstance(error, StoreError):
        return store_unavailable(error)
    raise error


# --- the query UI for browsers -------------------------------------------------------------

#: The query a new YASGUI tab starts with (after the PREFIX lines).
DEFAULT_QUERY: Final = """\
SELECT ?project ?titel WHERE {
  ?project a rg:Project ;
           dct:title ?titel .
  FILTER(LANG(?titel) = "nl")
}
ORDER BY ?titel
LIMIT 50"""


@functools.lru_cache(maxsize=4)
def _canned(folder: Path) -> tuple[CannedQuery, ...]:
    """The canned queries of ``folder``, parsed once per process."""
    return load_canned_queries(folder)


def query_page() -> str:
    """The HTML query UI: YASGUI on this endpoint, the Regiograaf prefixes preloaded and the
    canned queries (``queries/*.rq``) as one-click examples (``server/templates/sparql.html``)."""
    settings = _settings()
    examples = _canned(settings.root / "queries")
    prefixes = query_prefixes(settings.base_iri)
    endpoint = url_for("sparql.endpoint")
    ui_config = {
        "endpoint": endpoint,
        "prefixes": prefixes,
        "defaultQuery": DEFAULT_QUERY,
        "tabName": "Vraag",
        "examples": [
            {"name": query.name, "title": query.title_in("nl"), "sparql": query.sparql}
            for query in examples
        ],
    }
    return render_template(
        "sparql.html",
        endpoint=endpoint,
        endpoint_url=url_for("sparql.endpoint", _external=True),
        examples=examples,
        prefixes=prefixes,
        default_query=DEFAULT_QUERY,
        ui_config=ui_config,
    )


# --- service description --------------------------------------------------------------------

#: Serialised service descriptions: (data version, endpoint IRI, media type) → bytes.
_descriptions: dict[tuple[str, str, str], bytes] = {}


def service_description(store: Store, endpoint_iri: str) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint (SPARQL 1.1 Service Description §3):
    what it runs, what it returns, and its default dataset with every named graph and its
    number of triples (VoID)."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_iri)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    # The default graph is the union of all named graphs (§3.3 sd:UnionDefaultGraph).
    # SERVICE is refused, so sd:BasicFederatedQuery is deliberately not listed.
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, iri))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    # The VoID description (statistics, dumps, catalog) of the same data.
    graph.add((dataset, RDFS.seeAlso, URIRef(urljoin(endpoint_iri, "/.well-known/void"))))
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    for index, name in enumerate(store.named_graphs()):
        named, described = BNode(f"named-{index}"), BNode(f"graph-{index}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(store.count(name), datatype=XSD.integer)))
    return graph


def _description(store: Store, version: str, formats: tuple[str, ...]) -> Response:
    """The service description in the negotiated format, or the query form for browsers."""
    try:
        media_type = negotiation.negotiate(
            negotiation.DESCRIPTION, request.headers.get("Accept"), formats
        )
    except negotiation.UnknownFormat as error:
        return error_response(400, f"Unknown format={error}.")
    if media_type is None:
        return _not_acceptable(negotiation.DESCRIPTION)
    if media_type == negotiation.HTML:
        response = Response(query_page(), content_type=negotiation.content_type(media_type))
        return _cacheable(response, version)
    endpoint_iri = url_for("sparql.endpoint", _external=True)
    key = (version, endpoint_iri, media_type)
    body = _descriptions.get(key)
    if body is None:
        try:
            graph = service_description(store, endpoint_iri)
        except StoreError as error:
            return store_unavailable(error)
        body = graph.serialize(format=_RDFLIB_FORMATS[media_type], encoding="utf-8")
        if len(_descriptions) > 32:
            _descriptions.clear()
        _descriptions[key] = body
    return _cacheable(Response(body, content_type=negotiation.content_type(media_type)), version)


_ERROR_PAGE = """\
{% extends "base.html" %}
{% block title %}Fout {{ status }} — SPARQL — Regiograaf{% endblock %}
{% block content %}
<h1>Fout <span class="en" lang="en">(error)</span> {{ status }}</h1>
<pre>{{ message }}</pre>
<p><a href="{{ endpoint }}">Terug naar het SPARQL-formulier
  <span class="en" lang="en">(back to the SPARQL form)</span></a></p>
{% endblock %}
"""
