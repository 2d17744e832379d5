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
first bytes in time, and the query is stopped: its query process is killed
(:mod:`server.store.pool`); a query that passes the limit while streaming is cut off and the
connection closed without the final chunk, so the client sees an incomplete response rather
than a silently truncated one. Beyond the query processes of a worker the answer is 503 with
``Retry-After`` (:class:`~server.store.QueriesBusy`).

Request body (setting ``max_body``): a POST whose body is larger is answered 413 without the
body being read.

Relative IRIs in a query are resolved against the setting ``base_iri``
(``https://w3id.org/regiograaf/`` by default), so ``<id/gemeente/gm0599>`` names Rotterdam; a
``BASE`` in the query takes precedence (SPARQL 1.1 Query §4.1.1.1).

One data version per answer: the ETag of a 200 answer is made from the version its query
process evaluated it on (:attr:`~server.sparql.runs.QueryRun.data_version`), never from a
version read before, so a rebuild during a query cannot pair one version's tag with another's
body.

Answer cache (setting ``answer_cache``): an answer that fits in the engine's first piece (at
most 64 KiB) is kept, per data version, under the query as run (after the row cap), its
dataset and its media type; the same query asked again in that version is answered from the
cache without reaching the store, with the same headers and ``Regiograaf-Cache: hit``. Only
answers whose kind is known from the query's form are kept (their media type is negotiated
before running) and that call no function whose value changes between runs (``NOW()``,
``RAND()``, ``UUID()``, ``STRUUID()``; blank nodes, ``BNODE()`` included, may be kept: their
labels only mean something within one answer); an answer that streams is never kept. Each worker
holds its own cache, bounded in bytes; a rebuild's new version drops the old version's answers.
Requests for the same answer that arrive while it is computed wait for it
(:meth:`~server.store.cache.ResultsCache.once`, up to the time limit) instead of each running
the query: a flood of one heavy query costs the worker one evaluation.

Row cap (setting ``max_rows``): the outermost SELECT, CONSTRUCT or DESCRIBE gets a ``LIMIT``
of at most ``max_rows`` (:func:`server.sparql.query_text.cap_rows`), so the engine stops by
itself; a capped response says so in the :data:`MAX_ROWS_HEADER` header. For CONSTRUCT and
DESCRIBE the cap counts solutions of the WHERE clause, not triples.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from werkzeug.wsgi import get_input_stream

from server.errors import (
    INTERNAL_ERROR,
    BadRequest,
    PayloadTooLarge,
    RegiograafError,
    StoreMissing,
)
from server.http import negotiation, policy
from server.http.policy import CACHE_HEADER, MAX_AGE, MAX_ROWS_HEADER, Representation
from server.settings import Settings
from server.sparql import protocol as protocol
from server.sparql.protocol import ALLOWED_METHODS
from server.sparql.runs import QueryRun
from server.store import AnsweringStore, open_store
from server.store.cache import CacheKey, ResultsCache
from server.store.external_http import ExternalConfig
from server.store.pool import PoolConfig

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
#: The largest answer the answer cache keeps, in bytes (see the module docstring).
MAX_KEPT: Final = 64 * 1024
#: The query forms whose result is a graph.
_GRAPH_FORMS: Final = ("CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Description:
    """A ``/sparql`` request without a query: the service description or the query UI."""

    store: AnsweringStore
    version: str


@dataclass
class _Answer:
    """A response this operation sends itself."""

    status: int
    headers: list[tuple[str, str]]
    body: Iterable[bytes]


@dataclass(frozen=True)
class _Kept:
    """An answer in the answer cache: its body and the headers that describe it."""

    body: bytes
    headers: tuple[tuple[str, str], ...]


def _cache_key(
    version: str,
    media_type: str,
    query: str,
    dataset: protocol.DatasetArguments,
    capped: bool,
) -> CacheKey:
    """The answer cache's key of ``query`` run on ``dataset`` in ``version``, as ``media_type``,
    with the row cap applied or not: the request as a SHA-256 digest, so that a key is small
    however long the query (``None`` for a dataset list is the store's default, ``()`` none)."""
    request = [query, dataset["default_graph_uris"], dataset["named_graph_uris"], capped]
    digest = hashlib.sha256(json.dumps(request).encode("utf-8")).hexdigest()
    return (version, media_type, (("request", (digest,)),))


#: The store of each (process, folder, pool configuration): asked for on every request.
_stores: dict[tuple[int, Path, PoolConfig, ExternalConfig | None], AnsweringStore] = {}


def process_store(settings: Settings) -> AnsweringStore:
    """The store of ``settings``, opened once per process (a forked worker opens its own), with
    its query processes (:mod:`server.store.pool`; settings ``query_processes`` and after)."""
    config = PoolConfig.from_settings(settings)
    external = ExternalConfig.from_settings(settings)
    key = (os.getpid(), settings.store, config, external)
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = open_store(settings.store, config, external)
    return store


class QueryOperation:
    """WSGI middleware that answers ``/sparql`` queries and hands everything else to ``app``."""

    def __init__(self, app: WSGIApplication, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        #: Small answers per data version (see the module docstring).
        self.answers: ResultsCache[_Kept] = ResultsCache(
            max_entries=4096 if settings.answer_cache > 0 else 0,
            max_bytes=settings.answer_cache * 1024 * 1024,
        )

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
            _body(environ, method, self.settings.max_body),
        )
        store = process_store(self.settings)
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
        store: AnsweringStore,
        version: str,
        parsed: protocol.ProtocolRequest,
    ) -> _Answer:
        """304 when the client has the answer, else run the query and answer with the
        engine's serialisation of the result."""
        assert parsed.query is not None
        shape = protocol.inspect_query(parsed.query)
        accept = environ.get("HTTP_ACCEPT")
        media_type = None
        if shape.form is not None:
            # The form tells the kind of result, so the representation is known before running.
            offer = negotiation.GRAPH if shape.form in _GRAPH_FORMS else negotiation.RESULTS
            media_type = negotiation.negotiate_remembered(offer, accept, parsed.formats)
            if media_type is None:
                raise negotiation.not_acceptable(offer)
            etag = Representation(version, media_type, offer, negotiated=True).etag
            if policy.not_modified(method, environ.get("HTTP_IF_NONE_MATCH"), etag):
                return _Answer(304, policy.cache_headers(etag, negotiated=True), [])
        query, capped = protocol.cap_rows(parsed.query, self.settings.max_rows)
        timeout = self.settings.query_timeout
        base = self.settings.base_iri
        dataset = protocol.dataset_override(parsed, query, base)
        deadline = time.monotonic() + timeout if timeout > 0 else None
        run = QueryRun(store, query, dataset, accept, parsed.formats, deadline, base)
        if media_type is None or shape.volatile or self.settings.answer_cache <= 0:
            return self._run(run, method, capped, None)
        key = _cache_key(version, media_type, query, dataset, capped)
        if method == "HEAD":  # not run to its end: it would keep nothing for the others
            kept = self.answers.get(key)
            return self._run(run, method, capped, key) if kept is None else _hit(kept, method)
        with self.answers.once(key, deadline) as kept:
            return self._run(run, method, capped, key) if kept is None else _hit(kept, method)

    def _run(self, run: QueryRun, method: str, capped: bool, key: CacheKey | None) -> _Answer:
        """Run the query and answer; kept under ``key`` when it can be (see :meth:`_keep`)."""
        try:
            run.start()
            answer = self._respond(run, method, capped)
        except BaseException:
            run.cancel()
            raise
        self._keep(key, run, answer)
        return answer

    def _keep(self, key: CacheKey | None, run: QueryRun, answer: _Answer) -> None:
        """Keep ``answer`` in the answer cache when it is whole (one piece) and of the version
        and media type its key was made for."""
        if key is None:
            return
        whole = isinstance(answer.body, list) and len(answer.body) == 1
        if whole and (run.data_version, run.media_type) == key[:2]:
            body = answer.body[0]  # type: ignore[index]
            if len(body) <= MAX_KEPT:
                self.answers.put(key, _Kept(body, tuple(answer.headers)), len(body) + 1024)
        answer.headers.append((CACHE_HEADER, "miss"))

    def _respond(self, run: QueryRun, method: str, capped: bool) -> _Answer:
        """Wait for the query's first piece of output; the response, or raise why there is
        none (nothing has been sent yet: the client gets the error's own status)."""
        first, last = run.next_piece()
        if run.media_type is None or run.offer is None:
            raise negotiation.not_acceptable(run.offer or negotiation.RESULTS)
        if run.data_version is None:
            raise StoreMissing("no data version: nothing is built")
        etag = Representation(run.data_version, run.media_type, run.offer, negotiated=True).etag
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


def _hit(kept: _Kept, method: str) -> _Answer:
    """The answer from the answer cache."""
    headers = [*kept.headers, (CACHE_HEADER, "hit")]
    return _Answer(200, headers, [] if method == "HEAD" else [kept.body])


def _body(environ: WSGIEnvironment, method: str, limit: int) -> bytes:
    """The request body of a POST (``b""`` for other methods), at most ``limit`` bytes: a
    larger one is refused with 413 (by its ``Content-Length`` before reading, or, sent in
    chunks, once more than ``limit`` bytes came)."""
    if method != "POST":
        return b""
    too_large = PayloadTooLarge(
        f"The request body is larger than {limit:,} bytes, the most this server accepts."
    )
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length) > limit:
        raise too_large
    try:
        body: bytes = get_input_stream(environ, max_content_length=limit).read(limit + 1)
    except RegiograafError:
        raise
    except Exception as error:  # the client's body broke off (a bad chunk: the server's own
        # exception classes, not all of them OSError), or werkzeug's own 413
        if getattr(error, "code", None) == 413:
            raise too_large from error
        raise BadRequest(f"The request body could not be read: {error}") from error
    if len(body) > limit:
        raise too_large
    return body
