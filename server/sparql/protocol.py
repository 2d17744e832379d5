"""The SPARQL 1.1 Protocol's query operation as pure functions (no web framework, no engine).

* :func:`parse_request` turns the parts of an HTTP request into a :class:`ProtocolRequest`
  (SPARQL 1.1 Protocol §2.1: query via GET, via POST with URL-encoded parameters, via POST
  directly) or raises :class:`~server.errors.ProtocolError` with the status code to send.
* :func:`dataset_override` says which RDF dataset the query runs on (§2.1.4).

The parse of a GET depends on the URL query string alone and is kept per process like the
query checks of :mod:`server.sparql.query_text` (whose functions are importable from here too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import parse_qsl

from server.errors import ProtocolError
from server.http.media_types import FORM, SPARQL_QUERY, SPARQL_UPDATE
from server.sparql.query_text import (
    READ_ONLY_MESSAGE,
    cap_rows,
    inspect_query,
    query_dataset,
    tokens,
)
from server.store.limits import cached_by_text

__all__ = [
    "ALLOWED_METHODS",
    "DatasetArguments",
    "ProtocolError",
    "ProtocolRequest",
    "cap_rows",
    "dataset_override",
    "inspect_query",
    "parse_params",
    "parse_request",
    "query_dataset",
    "tokens",
]

#: The methods ``/sparql`` answers.
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


class DatasetArguments(TypedDict):
    """The RDF dataset of a query, as keyword arguments of :meth:`server.store.Store.query`."""

    default_graph_uris: tuple[str, ...] | None
    named_graph_uris: tuple[str, ...] | None


@dataclass(frozen=True)
class ProtocolRequest:
    """A parsed query request.

    ``query`` is ``None`` when a GET carries no query: the client asks for the service
    description. ``formats`` are the values of the ``format=`` parameter (a convenience for
    browsers; content negotiation decides what they mean).
    """

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


def parse_request(
    method: str, content_type: str | None, query_string: bytes, body: bytes
) -> ProtocolRequest:
    """Parse a SPARQL 1.1 Protocol query request (§2.1).

    ``query_string`` is the raw URL query string and ``body`` the raw request body; both must be
    UTF-8 (§2.1.2, §2.1.3). Raises :class:`ProtocolError`: 400 for a malformed request, 403 for
    an update in any form, 405 for a method other than GET or POST.
    """
    method = method.upper()
    if method in ("GET", "HEAD"):
        return _parse_get(query_string)
    url_params = parse_params(query_string, "URL query string")
    if method != "POST":
        raise ProtocolError(
            405,
            f"Method {method} is not allowed: use GET or POST.",
            (("Allow", ALLOWED_METHODS),),
        )
    media_type, charset = _media_type(content_type)
    if media_type == FORM:
        _check_charset(charset)
        body_params = parse_params(body, "request body")
        return _from_params(url_params + body_params, allow_description=False)
    if media_type == SPARQL_QUERY:
        _check_charset(charset)
        return _direct(url_params, body)
    if media_type == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY_MESSAGE)
    if not media_type:
        raise ProtocolError(400, f"A POST needs a Content-Type: {FORM} or {SPARQL_QUERY}.")
    raise ProtocolError(
        400, f"Unsupported Content-Type {media_type!r}: use {FORM} or {SPARQL_QUERY}."
    )


def _direct(url_params: Sequence[tuple[str, str]], body: bytes) -> ProtocolRequest:
    """A query sent directly in a POST body (§2.1.3), with the other parameters in the URL."""
    if _values(url_params, "update"):
        raise ProtocolError(403, READ_ONLY_MESSAGE)
    if _values(url_params, "query"):
        raise ProtocolError(
            400, "The query is given twice: in the body and as the 'query' URL parameter."
        )
    query = _decode(body, "request body")
    if not query.strip():
        raise ProtocolError(400, "The request body is empty: it should hold the query.")
    return ProtocolRequest(
        query=query,
        default_graph_uris=tuple(_values(url_params, "default-graph-uri")),
        named_graph_uris=tuple(_values(url_params, "named-graph-uri")),
        formats=tuple(_values(url_params, "format")),
    )


@cached_by_text
def _parse_get(query_string: bytes) -> ProtocolRequest:
    """A GET (or HEAD) request: everything is in the URL query string."""
    return _from_params(parse_params(query_string, "URL query string"), allow_description=True)


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` parameters, strictly as UTF-8."""
    text = _decode(raw, where)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"The {where} is not valid UTF-8 once decoded.") from error
    except ValueError as error:
        raise ProtocolError(400, f"The {where} is malformed: {error}") from error


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"The {where} is not valid UTF-8 (byte {error.start}).") from error


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """The lower-case media type of a ``Content-Type`` value and its charset, if any."""
    if not content_type:
        return "", None
    media, *params = (part.strip() for part in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _check_charset(charset: str | None) -> None:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(400, f"Unsupported charset {charset!r}: requests must be UTF-8.")


def _values(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _from_params(params: Sequence[tuple[str, str]], *, allow_description: bool) -> ProtocolRequest:
    """A request whose parameters are URL-encoded (§2.1.1 GET, §2.1.2 POST form)."""
    if _values(params, "update"):
        raise ProtocolError(403, READ_ONLY_MESSAGE)
    queries = _values(params, "query")
    defaults = tuple(_values(params, "default-graph-uri"))
    named = tuple(_values(params, "named-graph-uri"))
    formats = tuple(_values(params, "format"))
    if len(queries) > 1:
        raise ProtocolError(400, "The 'query' parameter is given more than once.")
    if not queries:
        if allow_description and not defaults and not named:
            return ProtocolRequest(query=None, formats=formats)
        raise ProtocolError(400, "The 'query' parameter is missing.")
    if not queries[0].strip():
        raise ProtocolError(400, "The 'query' parameter is empty.")
    return ProtocolRequest(queries[0], defaults, named, formats)


def dataset_override(request: ProtocolRequest, query: str, base: str = "") -> DatasetArguments:
    """Keyword arguments for the store's ``query``: the RDF dataset to query.

    SPARQL 1.1 Protocol §2.1.4: ``default-graph-uri`` and ``named-graph-uri`` together replace
    the dataset, including the query's own FROM and FROM NAMED; a list the request leaves out is
    then empty. Without them the query's FROM and FROM NAMED apply (SPARQL 1.1 Query §13.2:
    FROM NAMED alone leaves the default graph empty), and without those the default graph is
    the union of all graphs and every named graph is available (the store's default).

    The store is given both lists explicitly (an empty one meaning "none"), because it queries
    the union default graph whenever no default graph is named, even when the query has FROM
    clauses. Relative graph IRIs are resolved against ``base`` (the query's BASE first).
    """
    if request.default_graph_uris or request.named_graph_uris:
        defaults, named = request.default_graph_uris, request.named_graph_uris
    else:
        dataset = query_dataset(query, base)
        if dataset is None:
            return {"default_graph_uris": None, "named_graph_uris": None}
        defaults, named = dataset
    return {
        "default_graph_uris": tuple(defaults),
        "named_graph_uris": tuple(named),
    }
