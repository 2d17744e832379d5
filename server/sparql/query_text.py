"""The text of a SPARQL query, as far as the endpoint needs to read it before the engine does:
the checks and rewrites built on the project's tokenizer (:func:`server.store.scan.tokens`,
which reads strings, IRIs, comments and ``<`` as the engine does).

* :func:`inspect_query` refuses updates (this endpoint is read-only) and ``SERVICE`` with a
  clear message, and reports the query form. It is a courtesy, not the protection against
  server-side request forgery: query processes cannot open a connection at all
  (:mod:`server.store.isolation`), so a ``SERVICE`` this check does not see fails there, with
  the same message.
* :func:`cap_rows` bounds the number of solutions by giving the outermost query a ``LIMIT``, so
  the engine itself stops after the cap and no Python runs per row.
* :func:`query_dataset` reads the query's own FROM and FROM NAMED.

They depend on the query text alone; clients tend to send the same texts again and again, so
the answers are kept per process for the last :data:`CACHED_QUERIES` texts of at most
:data:`CACHED_QUERY_CHARS` characters (:func:`cached_by_text`; the tokenizer is pure Python and
otherwise ran three times per request). Only answers are kept, never a refusal.

Syntax errors are not detected here: the engine's parser reports them, with their position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin

from server.errors import ProtocolError
from server.store.limits import CACHED_QUERIES, CACHED_QUERY_CHARS, cached_by_text
from server.store.scan import Token, tokens

__all__ = [
    "CACHED_QUERIES",
    "CACHED_QUERY_CHARS",
    "QUERY_FORMS",
    "READ_ONLY_MESSAGE",
    "SERVICE_MESSAGE",
    "UPDATE_KEYWORDS",
    "QueryShape",
    "cached_by_text",
    "cap_rows",
    "inspect_query",
    "query_dataset",
    "tokens",
]

#: Keywords that begin (or only occur in) SPARQL 1.1 Update operations (SPARQL 1.1 Update §3).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
#: The four query forms (SPARQL 1.1 Query §16).
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

READ_ONLY_MESSAGE = (
    "This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, "
    "CREATE, ADD, MOVE, COPY) is not accepted."
)
SERVICE_MESSAGE = (
    "SERVICE (federated query) is not allowed on this endpoint: it would make the server fetch "
    "other URLs on the client's behalf (server-side request forgery)."
)


#: Functions whose value changes from one run of a query to the next (SPARQL 1.1 Query
#: §17.4.5): an answer that uses one is never taken from the answer cache.
VOLATILE_FUNCTIONS: Final = frozenset({"NOW", "RAND", "UUID", "STRUUID"})


@dataclass(frozen=True)
class QueryShape:
    """What :func:`inspect_query` learnt: the query form (``SELECT``, ``CONSTRUCT``,
    ``DESCRIBE``, ``ASK``, or ``None`` when the text is not recognisably a query), and whether
    it calls a function of :data:`VOLATILE_FUNCTIONS` (so that its answer may differ each
    time)."""

    form: str | None
    volatile: bool = False


@cached_by_text
def inspect_query(query: str) -> QueryShape:
    """Refuse what this endpoint never runs, and report the query form and whether it is
    volatile.

    Raises :class:`ProtocolError` 403 for an update (any update keyword outside strings, IRIs
    and comments: none of them is valid in a query) and 400 for ``SERVICE`` (SPARQL 1.1
    Federated Query). Anything else, including syntax errors, is left to the engine.
    """
    form: str | None = None
    volatile = False
    for token in tokens(query):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word in UPDATE_KEYWORDS:
            raise ProtocolError(403, READ_ONLY_MESSAGE)
        if word == "SERVICE":
            raise ProtocolError(400, SERVICE_MESSAGE)
        if form is None and word in QUERY_FORMS:
            form = word
        volatile = volatile or word in VOLATILE_FUNCTIONS
    return QueryShape(form, volatile)


@cached_by_text
def cap_rows(query: str, max_rows: int) -> tuple[str, bool]:
    """Bound the solutions of the outermost SELECT, CONSTRUCT or DESCRIBE to ``max_rows``.

    Returns the query to run and whether it was changed. A ``LIMIT`` above the cap is lowered;
    a query without one gets ``LIMIT max_rows`` (before a trailing ``VALUES`` block, SPARQL 1.1
    Query §16: the values clause follows the solution modifiers). The engine then stops by
    itself. ASK queries, ``max_rows`` 0 and texts with unbalanced braces (which the engine will
    refuse with a syntax error at the right place) are returned unchanged.
    """
    if max_rows <= 0:
        return query, False
    toks = list(tokens(query))
    if (
        not toks
        or toks[-1].kind == "unterminated"
        or toks[-1].depth != 0
        or sum(t.text == "{" for t in toks) != sum(t.text == "}" for t in toks)
    ):
        return query, False
    top = [t for t in toks if t.depth == 0]
    form = next((t.text.upper() for t in top if t.is_word(*QUERY_FORMS)), None)
    if form in (None, "ASK"):
        return query, False
    for index, token in enumerate(top):
        if token.is_word("LIMIT") and index + 1 < len(top) and top[index + 1].kind == "number":
            number = top[index + 1]
            if not number.text.isdigit():
                # Not an integer (``1e400``, ``1.5``): the engine refuses it with its own error.
                return query, False
            if int(number.text) <= max_rows:
                return query, False
            return query[: number.start] + str(max_rows) + query[number.end :], True
    values = next((t for t in top if t.is_word("VALUES")), None)
    if values is not None:
        return f"{query[: values.start]}LIMIT {max_rows}\n{query[values.start :]}", True
    return f"{query}\nLIMIT {max_rows}\n", True


@cached_by_text
def query_dataset(query: str, base: str = "") -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The RDF dataset the query itself names with FROM and FROM NAMED (SPARQL 1.1 Query
    §13.2), as (default graph IRIs, named graph IRIs), or ``None`` when it names none.

    Prefixed names are expanded with the query's PREFIX declarations and relative IRIs resolved
    against its BASE, or else ``base``; a graph that cannot be resolved makes the result
    ``None`` (the engine then decides).
    """
    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []
    toks = [t for t in tokens(query) if t.depth == 0]
    for index, token in enumerate(toks):
        if token.text == "{":
            break
        following = toks[index + 1 : index + 3]
        if token.is_word("BASE") and following and following[0].kind == "iri":
            base = urljoin(base, following[0].text[1:-1])
        elif token.is_word("PREFIX") and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text[:-1]] = urljoin(base, following[1].text[1:-1])
        elif token.is_word("FROM") and following:
            is_named = following[0].is_word("NAMED")
            target = following[1] if is_named and len(following) > 1 else following[0]
            iri = _resolve(target, prefixes, base)
            if iri is None:
                return None
            (named if is_named else defaults).append(iri)
    if not defaults and not named:
        return None
    return tuple(defaults), tuple(named)


def _resolve(token: Token, prefixes: Mapping[str, str], base: str) -> str | None:
    if token.kind == "iri":
        iri = urljoin(base, token.text[1:-1]) if base else token.text[1:-1]
        return iri if ":" in iri else None
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None
