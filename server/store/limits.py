"""Limits on the text of a query, checked before the engine sees it.

The engine's parser and evaluator recurse over the query's structure: 2,500 nested ``{ }``, a
``UNION`` of 10,000 groups, 5,000 ``MINUS`` or ``BIND`` elements or 20,000 ``+`` in one
expression overflow a thread's 8 MiB stack and end the process with SIGSEGV (pyoxigraph
0.5.13, measured). So every query is checked first (:func:`check_query`), by the one tokenizer
(:mod:`server.store.scan`, which reads strings, IRIs and comments as the engine does):

* its length in characters (``max_query_chars``);
* how deeply its brackets ``{ ( [`` nest (``max_query_depth``);
* how many *parts* it has: keywords, operators and punctuation, the tokens that make the
  tree the engine recurses over (``max_query_parts``). Terms (IRIs, literals, variables,
  numbers) are not counted, so a long ``VALUES`` list of terms is fine.

A refused query gets :class:`QueryTooComplex` (400) saying which limit and how to stay within
it. The defaults leave ample room for real queries (the canned queries use under a tenth)
and keep the engine well inside its stack, which in query processes is eight times larger
still (:data:`server.store.isolation.STACK_BYTES`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

from server.errors import BadRequest
from server.store.scan import tokens

__all__ = ["CACHED_QUERIES", "QueryLimits", "QueryTooComplex", "cached_by_text", "check_query"]

_T = TypeVar("_T")

#: How many query texts the per-process caches of the query checks keep, and the longest text
#: they keep (longer ones are analysed every time, so the caches stay small).
CACHED_QUERIES: Final = 256
CACHED_QUERY_CHARS: Final = 16_384


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

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


class QueryTooComplex(BadRequest):
    """400: the query is longer, deeper or larger than this server evaluates."""


@dataclass(frozen=True)
class QueryLimits:
    """The limits of :func:`check_query` (settings ``max_query_chars``, ``max_query_depth``,
    ``max_query_parts``); 0 switches one off."""

    max_chars: int = 100_000
    max_depth: int = 64
    max_parts: int = 5_000


#: Token kinds that are not terms: they build the structure the engine recurses over.
_STRUCTURE: Final = frozenset({"word", "other"})


@cached_by_text
def check_query(query: str, limits: QueryLimits) -> None:
    """Raise :class:`QueryTooComplex` when ``query`` exceeds one of ``limits``."""
    if limits.max_chars and len(query) > limits.max_chars:
        raise QueryTooComplex(
            f"The query is {len(query):,} characters long; this server evaluates queries of at "
            f"most {limits.max_chars:,} characters. Split it into smaller queries."
        )
    parts = 0
    for token in tokens(query):
        if limits.max_depth and token.nesting > limits.max_depth:
            raise QueryTooComplex(
                f"The query nests brackets ({{ }}, ( ), [ ]) more than {limits.max_depth} deep "
                f"(at character {token.start + 1}); this server evaluates no deeper queries. "
                "Write the pattern flatter."
            )
        if token.kind in _STRUCTURE:
            parts += 1
            if limits.max_parts and parts > limits.max_parts:
                raise QueryTooComplex(
                    f"The query has more than {limits.max_parts:,} keywords, operators and "
                    "brackets; this server evaluates no larger queries. Split it into smaller "
                    "queries, or give long lists of values in one VALUES block."
                )
