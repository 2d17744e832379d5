"""``/sparql`` queries: the SPARQL 1.1 Protocol's query operation as plain WSGI, in front of Flask.

A lookup costs the engine about 0.05 ms; Flask's request and response machinery around it cost
three times that (docs/performance.md). So :class:`QueryOperation`, installed by
:func:`server.web.app.create_app` as WSGI middleware, answers every ``/sparql`` request that carries
a query itself: it parses the request (:mod:`server.sparql.protocol`), negotiates the format,
runs the query (:class:`~server.sparql.runs.QueryRun`) and sends the engine's bytes with the
headers of the HTTP policy (:mod:`server.http.policy`: ETag per representation, 304,
caching, CORS and security headers, the same functions the Flask app uses). What it does not
answer it hands to Flask's ``/sparql`` route (:mod:`server.web.sparql`) in the WSGI environ
under :data:`HANDOFF`:

* an exception (a :class:`~server.errors.RegiograafError` such as a refused request, a syntax
  error or a missing store, or a defect): the route raises it and the app's error handlers
  render it as HTML, JSON or plain text, like every other error of the app;
* a :class:`Description` (a request without a query): Flask serves the service description or
  the query UI.

Other paths and methods (``OPTIONS``, ``PUT``, ...) go to Flask untouched. The body of a POST
is read here; the route does not need it.

Time limit (setting ``query_timeout``): the client gets 503 when the query has not produced its
first bytes in time, and the query is cancelled (:mod:`server.sparql.runs`); a query that
passes the limit while streaming is cut off and the connection closed without the final chunk,
so the client sees an incomplete response rather than a silently truncated one.

Row cap (setting ``max_rows``): the outermost SELECT, CONSTRUCT or DESCRIBE gets a ``LIMIT``
of at most ``max_rows`` (:func:`server.sparql.query_text.cap_rows`), so the engine stops by
itself; a capped response says so in the :data:`MAX_ROWS_HEADER` header. For CONSTRUCT and
DESCRIBE the cap counts solutions of the WHERE clause, not triples.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from werkzeug.wsgi import get_input_stream

from server.errors import INTERNAL_ERROR, BadRequest, RegiograafError, StoreMissing
from server.http import negotiation, policy
from server.http.policy import MAX_AGE, MAX_ROWS_HEADER, Representation
from server.settings import Settings
from server.sparql import protocol as protocol
from server.sparql.protocol import ALLOWED_METHODS
from server.sparql.runs import QueryRun, QueryTimeout
from server.store import Store, open_store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "ALLOWED_METHODS",
    "HANDOFF",
    "INTERNAL_ERROR",
    "MAX_AGE",
    "MAX_ROWS_HEADER",
    "PATH",
    "Description",
    "QueryOperation",
    "process_store",
]

#: The path this operation answers.
PATH: Final = "/sparql"
#: WSGI environ key under which a request this operation does not answer goes to Flask.
HANDOFF: Final = "regiograaf.sparql"

_STATUS_LINES: Final = {200: "200 OK", 304: "304 Not Modified"}


@dataclass(frozen=True)
class Description:
    """A ``/sparql`` request without a query: the service description or the query UI."""

    store: Store
    version: str


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


class QueryOperation:
    """WSGI middleware that answers ``/sparql`` queries and hands everything else to ``app``."""

    def __init__(self, app: WSGIApplication, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer a query, or hand the request to ``app``."""
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO") != PATH or method not in ("GET", "HEAD", "POST"):
            return self.app(environ, start_response)
        outcome: _Answer | Description | Exception
        try:
            outcome = self._examine(environ, method)
        except RegiograafError as error:  # refused: rendered by the app's error handlers
            outcome = error.with_traceback(None)
        except Exception as error:  # a defect: logged there with its traceback, generic 500
            outcome = error
        if isinstance(outcome, _Answer):
            start_response(
                _STATUS_LINES[outcome.status], outcome.headers + list(policy.every_response())
            )
            return outcome.body
        environ[HANDOFF] = outcome
        return self.app(environ, start_response)

    def _examine(self, environ: WSGIEnvironment, method: str) -> _Answer | Description:
        """The answer, or the description to hand to Flask; raises why there is neither."""
        parsed = protocol.parse_request(
            method,
            environ.get("CONTENT_TYPE"),
            environ.get("QUERY_STRING", "").encode("latin-1"),
            _body(environ, method),
        )
        store = process_store(self.settings.store)
        version = store.data_version()
        if version is None:
            raise StoreMissing("no data version: nothing is built")
        if parsed.query is None:
            return Description(store, version)
        return self._answer(environ, method, store, version, parsed)

    def _answer(
        self,
        environ: WSGIEnvironment,
        method: str,
        store: Store,
        version: str,
        parsed: protocol.ProtocolRequest,
    ) -> _Answer:
        """304 when the client has the answer, else run the query and answer with the
        engine's serialisation of the result."""
        assert parsed.query is not None
        shape = protocol.inspect_query(parsed.query)
        accept = environ.get("HTTP_ACCEPT")
        if shape.form is not None:
            # The form tells the kind of result, so the representation is known before running.
            offer = (
                negotiation.GRAPH
                if shape.form in ("CONSTRUCT", "DESCRIBE")
                else negotiation.RESULTS
            )
            media_type = negotiation.negotiate_remembered(offer, accept, parsed.formats)
            if media_type is None:
                raise negotiation.not_acceptable(offer)
            etag = Representation(version, media_type, offer, negotiated=True).etag
            if policy.not_modified(method, environ.get("HTTP_IF_NONE_MATCH"), etag):
                return _Answer(304, policy.cache_headers(etag, negotiated=True), [])
        query, capped = protocol.cap_rows(parsed.query, self.settings.max_rows)
        timeout = self.settings.query_timeout
        run = QueryRun(
            store,
            query,
            protocol.dataset_override(parsed, query),
            accept,
            parsed.formats,
            time.monotonic() + timeout if timeout > 0 else None,
        ).start()
        try:
            return self._respond(run, method, version, capped)
        except BaseException:
            run.cancel()
            raise

    def _respond(self, run: QueryRun, method: str, version: str, capped: bool) -> _Answer:
        """Wait for the query's first piece of output; the response, or raise why there is
        none."""
        try:
            first, last = run.next_piece()
        except QueryTimeout as error:
            raise QueryTimeout(
                f"The query did not finish within {self.settings.query_timeout:g} seconds and "
                "was stopped. Make it more selective (add a LIMIT, narrow the patterns) and "
                "try again."
            ) from error
        if last and run.error is not None:
            # Nothing has been sent yet: the client gets the error's own status.
            if isinstance(run.error, QueryTimeout):
                raise QueryTimeout("The query was stopped.") from run.error
            raise run.error
        if run.media_type is None or run.offer is None:
            raise negotiation.not_acceptable(run.offer or negotiation.RESULTS)
        etag = Representation(version, run.media_type, run.offer, negotiated=True).etag
        headers = [("Content-Type", negotiation.content_type(run.media_type))]
        headers += policy.cache_headers(etag, negotiated=True)
        if capped:
            headers.append((MAX_ROWS_HEADER, str(self.settings.max_rows)))
        if last:
            headers.append(("Content-Length", str(len(first))))
        if method == "HEAD":
            run.cancel()
            return _Answer(200, headers, [])
        return _Answer(200, headers, [first] if last else run.stream(first))


def _body(environ: WSGIEnvironment, method: str) -> bytes:
    """The request body of a POST (``b""`` for other methods)."""
    if method != "POST":
        return b""
    try:
        return get_input_stream(environ).read()
    except Exception as error:  # the client's body broke off (a bad chunk: the server's own
        # exception classes, not all of them OSError)
        raise BadRequest(f"The request body could not be read: {error}") from error
