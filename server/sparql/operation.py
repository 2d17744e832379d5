"""``/sparql`` queries: the SPARQL 1.1 Protocol's query operation as plain WSGI, in front of Flask.

A lookup costs the engine about 0.05 ms; Flask's request and response machinery around it cost
three times that (docs/performance.md). So :class:`QueryOperation`, installed by
:func:`server.web.app.create_app` as WSGI middleware, answers every ``/sparql`` request that carries
a query itself: it parses the request (:mod:`server.sparql.protocol`), negotiates the format,
runs the query (:class:`~server.sparql.runs.QueryRun`) and sends the engine's bytes with the
endpoint's headers. What it does not answer it hands to Flask's ``/sparql`` route
(:mod:`server.web.sparql`) in the WSGI environ under :data:`HANDOFF`:

* a :class:`Refusal` (status, message, headers): Flask renders the error as HTML, JSON or plain
  text, as the client's ``Accept`` prefers, like every other error of the app;
* a :class:`Description` (a request without a query): Flask serves the service description or
  the query UI.

Other paths and methods (``OPTIONS``, ``PUT``, ...) go to Flask untouched. The body of a POST
is read here; the route does not need it.

Time limit (setting ``query_timeout``): the client gets 503 when the query has not produced its
first bytes in time, and the query is cancelled (:mod:`server.sparql.runs`); a query that
passes the limit while streaming is cut off and the connection closed without the final chunk,
so the client sees an incomplete response rather than a silently truncated one.

Row cap (setting ``max_rows``): the outermost SELECT, CONSTRUCT or DESCRIBE gets a ``LIMIT``
of at most ``max_rows`` (:func:`server.sparql.protocol.cap_rows`), so the engine stops by
itself; a capped response says so in the :data:`MAX_ROWS_HEADER` header. For CONSTRUCT and
DESCRIBE the cap counts solutions of the WHERE clause, not triples.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from werkzeug.http import parse_etags
from werkzeug.wsgi import get_input_stream

from server.http import negotiation
from server.settings import Settings
from server.sparql import protocol as protocol
from server.sparql.runs import QueryRun, QueryTimeout
from server.store import (
    InvalidRequest,
    QuerySyntaxError,
    Store,
    StoreError,
    StoreMissing,
    open_store,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: The path this operation answers.
PATH: Final = "/sparql"
#: WSGI environ key under which a request this operation does not answer goes to Flask.
HANDOFF: Final = "regiograaf.sparql"
#: Seconds a client or cache may reuse a response without asking again; the ETag (the data
#: version) makes asking again cheap (304), and the data only changes with a rebuild.
MAX_AGE: Final = 300
#: Header telling the client that the row cap applied to its query.
MAX_ROWS_HEADER: Final = "Regiograaf-Max-Rows"
ALLOWED_METHODS: Final = "GET, HEAD, POST, OPTIONS"
#: Headers of every ``/sparql`` response: any origin may query (CORS), and the answer depends
#: on ``Accept``.
SHARED_HEADERS: Final = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", f"ETag, {MAX_ROWS_HEADER}"),
    ("Vary", "Accept"),
)
INTERNAL_ERROR: Final = "Internal server error; the details are in the log."

_STATUS_LINES: Final = {200: "200 OK", 304: "304 Not Modified"}


@dataclass(frozen=True)
class Refusal:
    """A ``/sparql`` request that gets an error instead of an answer."""

    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Description:
    """A ``/sparql`` request without a query: the service description or the query UI."""

    store: Store
    version: str
    formats: tuple[str, ...]


@dataclass
class _Answer:
    """A response this operation sends itself."""

    status: int
    headers: list[tuple[str, str]]
    body: Iterable[bytes]


#: The store of each (process, folder): asked for on every request.
_stores: dict[tuple[int, Path], Store] = {}


def process_store(path: Path) -> Store:
    """The store in folder ``path``, opened once per process (a forked worker opens its own)."""
    key = (os.getpid(), path)
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = open_store(path)
    return store


def store_refusal(error: StoreError, logger: logging.Logger) -> Refusal:
    """503 for a store that is missing or cannot be read. The details (which may name paths
    on the server) go to ``logger``, not to the client."""
    if isinstance(error, StoreMissing):
        return Refusal(503, "No data has been built yet (run `regiograaf build`).")
    logger.error("The store cannot be read: %s", error)
    return Refusal(503, "The store cannot be read right now; try again later.")


def not_acceptable(offer: negotiation.Offer) -> Refusal:
    """406, naming what can be produced."""
    return Refusal(
        406,
        "None of the accepted media types can be produced here. Available: "
        + ", ".join(offer.media_types)
        + "; or use format="
        + "|".join(sorted(offer.formats))
        + ".",
    )


def cache_headers(version: str) -> list[tuple[str, str]]:
    """``ETag`` (the data version) and ``Cache-Control`` of an answer of data ``version``."""
    return [("ETag", f'"{version}"'), ("Cache-Control", f"public, max-age={MAX_AGE}")]


class QueryOperation:
    """WSGI middleware that answers ``/sparql`` queries and hands everything else to ``app``."""

    def __init__(self, app: WSGIApplication, settings: Settings, logger: logging.Logger) -> None:
        self.app = app
        self.settings = settings
        self.logger = logger

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer a query, or hand the request to ``app``."""
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO") != PATH or method not in ("GET", "HEAD", "POST"):
            return self.app(environ, start_response)
        try:
            outcome = self._examine(environ, method)
        except Exception as error:  # a defect: logged, answered by Flask as a generic 500
            self.logger.error("Unhandled error in %s", PATH, exc_info=error)
            outcome = Refusal(500, INTERNAL_ERROR)
        if isinstance(outcome, _Answer):
            start_response(_STATUS_LINES[outcome.status], outcome.headers + list(SHARED_HEADERS))
            return outcome.body
        environ[HANDOFF] = outcome
        return self.app(environ, start_response)

    def _examine(self, environ: WSGIEnvironment, method: str) -> _Answer | Refusal | Description:
        body = b""
        if method == "POST":
            try:
                body = get_input_stream(environ).read()
            except Exception as error:  # the client's body broke off (e.g. a bad chunk)
                return Refusal(400, f"The request body could not be read: {error}")
        try:
            parsed = protocol.parse_request(
                method,
                environ.get("CONTENT_TYPE"),
                environ.get("QUERY_STRING", "").encode("latin-1"),
                body,
            )
        except protocol.ProtocolError as error:
            allow = (("Allow", ALLOWED_METHODS),) if error.status == 405 else ()
            return Refusal(error.status, error.message, allow)
        store = process_store(self.settings.store)
        try:
            version = store.data_version()
        except StoreError as error:
            return store_refusal(error, self.logger)
        if version is None:
            return store_refusal(StoreMissing("no data version"), self.logger)
        # RFC 9110 §13.1.2 (weak comparison): the client already has this version.
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and method != "POST" and parse_etags(if_none_match).contains_weak(version):
            return _Answer(304, cache_headers(version), [])
        if parsed.query is None:
            return Description(store, version, parsed.formats)
        return self._answer(environ, method, store, version, parsed)

    def _answer(
        self,
        environ: WSGIEnvironment,
        method: str,
        store: Store,
        version: str,
        parsed: protocol.ProtocolRequest,
    ) -> _Answer | Refusal:
        """Run the query; the engine's serialisation of the result, or why there is none."""
        assert parsed.query is not None
        try:
            shape = protocol.inspect_query(parsed.query)
        except protocol.ProtocolError as error:
            return Refusal(error.status, error.message)
        offer = None
        if shape.form in ("CONSTRUCT", "DESCRIBE"):
            offer = negotiation.GRAPH
        elif shape.form is not None:
            offer = negotiation.RESULTS
        accept = environ.get("HTTP_ACCEPT")
        try:
            if (
                offer is not None
                and negotiation.negotiate_remembered(offer, accept, parsed.formats) is None
            ):
                return not_acceptable(offer)
        except negotiation.UnknownFormat as error:
            return Refusal(400, f"Unknown format={error}.")
        max_rows = self.settings.max_rows
        query, capped = protocol.cap_rows(parsed.query, max_rows)
        timeout = self.settings.query_timeout
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
            return self._respond(run, method, offer, version, capped)
        except BaseException:
            run.cancel()
            raise

    def _respond(
        self,
        run: QueryRun,
        method: str,
        offer: negotiation.Offer | None,
        version: str,
        capped: bool,
    ) -> _Answer | Refusal:
        """Wait for the query's first piece of output; the response, or why there is none."""
        timeout = self.settings.query_timeout
        try:
            first, last = run.next_piece()
        except QueryTimeout:
            return Refusal(
                503,
                f"The query did not finish within {timeout:g} seconds and was stopped. "
                "Make it more selective (add a LIMIT, narrow the patterns) and try again.",
                (("Retry-After", "10"),),
            )
        if last and run.error is not None:
            # Nothing has been sent yet: the client gets the error's own status.
            return self._failure(run.error)
        if run.media_type is None:
            return not_acceptable(offer or negotiation.RESULTS)
        headers = [("Content-Type", negotiation.content_type(run.media_type))]
        headers += cache_headers(version)
        if capped:
            headers.append((MAX_ROWS_HEADER, str(self.settings.max_rows)))
        if last:
            headers.append(("Content-Length", str(len(first))))
        if method == "HEAD":
            run.cancel()
            return _Answer(200, headers, [])
        return _Answer(200, headers, [first] if last else run.stream(first))

    def _failure(self, error: BaseException) -> Refusal:
        """The refusal for a query that failed before its first byte."""
        if isinstance(error, QuerySyntaxError):
            return Refusal(400, f"SPARQL syntax error: {error}")
        if isinstance(error, InvalidRequest):
            return Refusal(400, str(error))
        if isinstance(error, QueryTimeout):
            return Refusal(503, "The query was stopped.")
        if isinstance(error, StoreError):
            return store_refusal(error, self.logger)
        raise error
