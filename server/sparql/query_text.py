"""The text of a SPARQL query, as far as the endpoint needs to read it before the engine does:
a small tokenizer that skips strings, IRIs and comments (:func:`tokens`), and the checks and
rewrites built on it.

* :func:`inspect_query` refuses updates (this endpoint is read-only) and ``SERVICE`` (the engine
  would fetch any URL the client names: server-side request forgery), and reports the query form.
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

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urljoin

from server.errors import ProtocolError

#: Keywords that begin (or only occur in) SPARQL 1.1 Update operations (SPARQL 1.1 Update §3).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
#: The four query forms (SPARQL 1.1 Query §16).
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_T = TypeVar("_T")

#: How many query texts the per-process caches of the functions below keep, and the longest
#: text they keep (longer ones are analysed every time, so the caches stay small).
CACHED_QUERIES = 256
CACHED_QUERY_CHARS = 16_384

READ_ONLY_MESSAGE = (
    "This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, "
    "CREATE, ADD, MOVE, COPY) is not accepted."
)
SERVICE_MESSAGE = (
    "SERVICE (federated query) is not allowed on this endpoint: it would make the server fetch "
    "other URLs on the client's behalf (server-side request forgery)."
)


def cached_by_text(function: Callable[..., _T]) -> Callable[..., _T]:
    """``function`` of a query text or URL query string (and hashable extra arguments) with a
    bounded cache for texts up to :data:`CACHED_QUERY_CHARS` characters. Exceptions are not
    cached: a refused text is analysed again when it comes again. ``cache_clear`` empties the
    cache."""
    cached = functools.lru_cache(maxsize=CACHED_QUERIES)(function)

    @functools.wraps(function)
    def wrapper(query: str | bytes, *args: object) -> _T:
        if len(query) > CACHED_QUERY_CHARS:
            return function(query, *args)
        return cached(query, *args)

    # A function takes attributes, but Callable declares none: the ignore says so.
    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


# --- A tokenizer, just enough to tell keywords from strings, IRIs and comments -----------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\U000effff"
)
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>
        \"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
      | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      | "(?:[^"\\\r\n]|\\.)*"
      | '(?:[^'\\\r\n]|\\.)*'
    )
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][0-9_{_PN_CHARS_BASE}][0-9_\u00b7\u0300-\u036f\u203f-\u2040{_PN_CHARS_BASE}]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[_{_PN_CHARS_BASE}][-.\w\u00b7]*)?:(?:[-.:\w\u00b7%]|\\[^\s])*)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """A token of a SPARQL text: its kind (a group name of the scanner), text, span and the
    curly-brace depth it occurs at (0 = outside every group graph pattern and template)."""

    kind: str
    text: str
    start: int
    end: int
    depth: int

    def is_word(self, *words: str) -> bool:
        """Whether this token is a bare keyword equal (case-insensitively) to one of ``words``."""
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (no white space, no comments), with brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth -= 1
        yield Token(kind, value, match.start(), match.end(), depth)
        if value == "{":
            depth += 1


@dataclass(frozen=True)
class QueryShape:
    """What :func:`inspect_query` learnt: the query form (``SELECT``, ``CONSTRUCT``,
    ``DESCRIBE``, ``ASK``, or ``None`` when the text is not recognisably a query)."""

    form: str | None


@cached_by_text
def inspect_query(query: str) -> QueryShape:
    """Refuse what this endpoint never runs, and report the query form.

    Raises :class:`ProtocolError` 403 for an update (any update keyword outside strings, IRIs
    and comments: none of them is valid in a query) and 400 for ``SERVICE`` (SPARQL 1.1
    Federated Query). Anything else, including syntax errors, is left to the engine.
    """
    form: str | None = None
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
    return QueryShape(form)


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
def query_dataset(query: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The RDF dataset the query itself names with FROM and FROM NAMED (SPARQL 1.1 Query
    §13.2), as (default graph IRIs, named graph IRIs), or ``None`` when it names none.

    Prefixed names are expanded with the query's PREFIX declarations and relative IRIs resolved
    against its BASE; a graph that cannot be resolved makes the result ``None`` (the engine then
    decides).
    """
    prefixes: dict[str, str] = {}
    base = ""
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
