"""A small lexical scanner for SPARQL 1.1 query text: just enough to find the query form, the
projected variables of a SELECT query and where its outermost group graph pattern opens.

It is not a parser. It skips what can contain arbitrary characters, so that a brace, keyword
or variable inside them is never taken for one outside: comments (``#`` to the end of the
line), string literals (all four quote styles, with backslash escapes) and IRI references
(SPARQL 1.1 §19.8 ``IRIREF``). Everything else is read as words, variables and punctuation.

Canned queries use it (:mod:`server.canned.headers`) to know their output columns without running,
and the store layer (:mod:`server.store.values`) to place a ``VALUES`` block at the start of
the outermost ``WHERE`` group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from server.errors import RegiograafError

__all__ = ["ScanError", "Token", "projection", "query_form", "tokens", "where_group_start"]

#: SPARQL 1.1 §19.8 IRIREF: ``<`` then no ``<>"{}|^`\`` or control/space characters, ``>``.
_IRIREF: Final = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
#: VAR1 / VAR2: ``?`` or ``$`` then a VARNAME (letters, digits, ``_`` and a few marks).
_VAR: Final = re.compile(r"[?$]([0-9A-Za-z_\u00B7\u00C0-\uFFFF]+)")
#: Keywords, prefixed names and numbers: read as one word (prefixed names keep their ':').
_WORD: Final = re.compile(r"[0-9A-Za-z_\u00C0-\uFFFF][0-9A-Za-z_\-.:\u00B7\u00C0-\uFFFF]*")
_SPACE: Final = re.compile(r"\s+")
_FORMS: Final = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


class ScanError(RegiograafError, ValueError):
    """The text cannot be scanned (an unterminated string) or lacks what was looked for."""


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is ``word``, ``var`` (``text`` without ``?``), ``iri`` or ``punct``;
    ``start`` and ``end`` are offsets in the query text."""

    kind: str
    text: str
    start: int
    end: int


def _string_end(text: str, start: int) -> int:
    """The offset just after the string literal that starts at ``start``."""
    quote = text[start]
    long = text.startswith(quote * 3, start)
    delimiter = quote * 3 if long else quote
    index = start + len(delimiter)
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if text.startswith(delimiter, index):
            return index + len(delimiter)
        if not long and char in "\r\n":
            break
        index += 1
    raise ScanError(f"unterminated string literal at offset {start}")


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, without comments, strings and whitespace (strings are skipped
    whole: nothing inside them is a token)."""
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            match = _SPACE.match(text, index)
            assert match is not None
            index = match.end()
        elif char == "#":
            newline = text.find("\n", index)
            index = length if newline < 0 else newline + 1
        elif char in "\"'":
            index = _string_end(text, index)
        elif char == "<" and (iri := _IRIREF.match(text, index)):
            yield Token("iri", iri.group(), index, iri.end())
            index = iri.end()
        elif char in "?$" and (var := _VAR.match(text, index)):
            yield Token("var", var.group(1), index, var.end())
            index = var.end()
        elif word := _WORD.match(text, index):
            yield Token("word", word.group(), index, word.end())
            index = word.end()
        else:
            yield Token("punct", char, index, index + 1)
            index += 1


def query_form(text: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query form keyword."""
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() in _FORMS:
            return token.text.upper()
    return None


def projection(text: str) -> tuple[str, ...] | None:
    """The variables a SELECT query projects, in order (``None`` for ``SELECT *``).

    Read from the SELECT clause: a variable outside parentheses, or the one after ``AS`` in a
    ``(expression AS ?var)``. Raises :class:`ScanError` when ``text`` is not a SELECT query.
    """
    stream = tokens(text)
    for token in stream:
        if token.kind == "word" and token.text.upper() in _FORMS:
            if token.text.upper() != "SELECT":
                raise ScanError(f"not a SELECT query but {token.text.upper()}")
            break
    else:
        raise ScanError("no SELECT keyword")
    names: list[str] = []
    depth = 0
    after_as = False
    for token in stream:
        if token.kind == "punct":
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif token.text == "*" and depth == 0:
                return None
            elif token.text == "{" and depth == 0:
                break
        elif token.kind == "word":
            keyword = token.text.upper()
            if depth == 0 and keyword in ("WHERE", "FROM"):
                break
            after_as = keyword == "AS"
            continue
        elif token.kind == "var" and (depth == 0 or after_as) and token.text not in names:
            names.append(token.text)
        after_as = False
    return tuple(names)


def where_group_start(text: str) -> int:
    """The offset just after the ``{`` that opens the outermost group graph pattern (the WHERE
    clause) of a SELECT, ASK or DESCRIBE query: the first ``{`` outside parentheses after the
    query form keyword. Raises :class:`ScanError` when there is none."""
    seen_form = False
    depth = 0
    for token in tokens(text):
        if not seen_form:
            if token.kind == "word" and token.text.upper() in _FORMS:
                if token.text.upper() == "CONSTRUCT":
                    raise ScanError("a CONSTRUCT query has a template before its WHERE clause")
                seen_form = True
            continue
        if token.kind != "punct":
            continue
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "{" and depth == 0:
            return token.end
    raise ScanError("no WHERE clause ('{') after the query form")
