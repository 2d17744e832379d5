"""The lexical scanner for SPARQL 1.1 query text: the one tokenizer of the project.

It is not a parser, but it reads the text the way the engine does where that matters for
safety: nothing inside a comment (``#`` to the end of the line), a string literal (all four
quote styles, with backslash escapes) or an IRI reference (SPARQL 1.1 §19.8 ``IRIREF``) is ever
taken for a keyword, brace or variable outside them, and no text is hidden in them that the
engine reads as something else.

The one ambiguity of the grammar's lexical level is ``<``: it opens an IRI reference, or it is
the less-than operator, and a text such as ``FILTER(1<2)SERVICE#>`` matches the IRIREF pattern
although the engine reads a comparison, the keyword ``SERVICE`` and a comment. The scanner
decides the way the grammar does: ``<`` is the operator when it follows an operand (a variable,
literal, IRI, prefixed name, ``true``/``false`` or ``)``) inside the parentheses of an
expression (SPARQL 1.1 §19.8 rules 110-121, where two operands are never adjacent), and opens
an IRI everywhere else (triple patterns, where terms are adjacent). Parentheses belong to an
expression after ``FILTER``, ``BIND``, a function name after ``FILTER``, in a projection
(``SELECT``) or a solution modifier (``GROUP BY``, ``ORDER BY``, ``HAVING``), and inside other
expression parentheses; the others (collections, property path groups) are triple parentheses.

Used by the query checks (:mod:`server.store.limits`, :mod:`server.sparql.query_text`), the
canned queries (:mod:`server.canned.headers`: their output columns without running) and the
store layer (:mod:`server.store.values`: where to place a ``VALUES`` block).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from server.errors import RegiograafError

__all__ = [
    "ScanError",
    "Token",
    "projection",
    "query_form",
    "tokens",
    "where_group_start",
]

_PN_CHARS_BASE: Final = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\U000effff"
)
_STRING: Final = r"""
        \"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
      | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      | "(?:[^"\\\r\n]|\\.)*"
      | '(?:[^'\\\r\n]|\\.)*'
"""
_REST: Final = rf"""
  | (?P<var>[?$][0-9_{_PN_CHARS_BASE}][0-9_\u00b7\u0300-\u036f\u203f-\u2040{_PN_CHARS_BASE}]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[_{_PN_CHARS_BASE}][-.\w\u00b7]*)?:(?:[-.:\w\u00b7%]|\\[^\s])*)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<unterminated>["'])
  | (?P<other>.)
"""
#: A token where ``<`` may open an IRI reference (SPARQL 1.1 §19.8 IRIREF).
_TOKEN: Final = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>{_STRING})
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    {_REST}
    """,
    re.VERBOSE | re.DOTALL,
)
#: A token where ``<`` is the less-than operator (after an operand in an expression).
_TOKEN_AFTER_OPERAND: Final = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>{_STRING})
    {_REST}
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS: Final = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: Kinds of token an expression operator may follow.
_OPERANDS: Final = frozenset({"var", "string", "iri", "pname", "number", "lang"})
#: Keywords after which parentheses hold expressions until the clause ends.
_EXPRESSION_CLAUSES: Final = frozenset({"SELECT", "BY", "HAVING"})
#: Keywords that end such a clause.
_CLAUSE_ENDS: Final = frozenset({"WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"})
_EXPRESSION, _TRIPLES, _GROUP, _BLANK = "e(", "t(", "{", "["


class ScanError(RegiograafError, ValueError):
    """The text cannot be scanned (an unterminated string) or lacks what was looked for."""


@dataclass(frozen=True)
class Token:
    """One token of a SPARQL text.

    ``kind`` is ``iri``, ``var`` (``text`` without its ``?`` or ``$``), ``string``, ``lang``,
    ``pname``, ``word`` (a keyword or function name), ``number``, ``other`` (punctuation and
    operators, one character each) or ``unterminated`` (a quote that opens no complete string:
    the last token, the engine refuses the text). ``start`` and ``end`` are offsets in the text;
    ``depth`` is the curly-brace depth it occurs at (0 = outside every group graph pattern and
    template) and ``nesting`` the depth of all brackets (``{``, ``(``, ``[``) around it."""

    kind: str
    text: str
    start: int
    end: int
    depth: int = 0
    nesting: int = 0

    def is_word(self, *words: str) -> bool:
        """Whether this token is a bare keyword equal (case-insensitively) to one of ``words``."""
        return self.kind == "word" and self.text.upper() in words


class _Reader:
    """The state the meaning of ``<`` depends on: open brackets, the clause, the last tokens."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.braces = 0
        self.in_clause = False
        self.last: Token | None = None
        self.before_last: Token | None = None

    def after_operand(self) -> bool:
        """Whether a ``<`` here is the less-than operator."""
        last = self.last
        if not self.stack or self.stack[-1] != _EXPRESSION or last is None:
            return False
        if last.kind in _OPERANDS:
            return True
        return last.text == ")" or last.is_word("TRUE", "FALSE")

    def opens(self) -> str:
        """The kind of parentheses a ``(`` here opens."""
        top = self.stack[-1] if self.stack else None
        if top == _EXPRESSION or self.in_clause or top is None:
            return _EXPRESSION
        last, before = self.last, self.before_last
        if last is not None and last.is_word("FILTER", "BIND"):
            return _EXPRESSION
        if (
            last is not None
            and last.kind in ("word", "pname", "iri")
            and before is not None
            and before.is_word("FILTER")
        ):
            return _EXPRESSION
        return _TRIPLES

    def token(self, kind: str, match: re.Match[str]) -> Token:
        """The token of ``match``, updating the state."""
        text = match.group()
        if kind == "var":
            text = text[1:]
        if text in ")]}" and kind == "other":
            if self.stack:
                self.stack.pop()
            if text == "}":
                self.braces = max(0, self.braces - 1)
                self.in_clause = False
        token = Token(kind, text, match.start(), match.end(), self.braces, len(self.stack))
        if kind == "other" and text in "({[":
            if text == "(":
                self.stack.append(self.opens())
            else:
                self.stack.append(_GROUP if text == "{" else _BLANK)
            if text == "{":
                self.braces += 1
                self.in_clause = False
        elif kind == "word":
            keyword = text.upper()
            if keyword in _EXPRESSION_CLAUSES:
                self.in_clause = True
            elif keyword in _CLAUSE_ENDS:
                self.in_clause = False
        self.before_last, self.last = self.last, token
        return token


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text``: no white space, no comments; strings, IRIs and
    prefixed names whole (see the module docstring for how ``<`` is read)."""
    reader = _Reader()
    index = 0
    length = len(text)
    while index < length:
        pattern = _TOKEN_AFTER_OPERAND if reader.after_operand() else _TOKEN
        match = pattern.match(text, index)
        assert match is not None  # ``other`` matches any character
        index = match.end()
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        yield reader.token(kind, match)
        if kind == "unterminated":
            return


def _checked(text: str) -> Iterator[Token]:
    for token in tokens(text):
        if token.kind == "unterminated":
            raise ScanError(f"unterminated string literal at offset {token.start}")
        yield token


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
    stream = _checked(text)
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
        if token.kind == "other":
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
    for token in _checked(text):
        if not seen_form:
            if token.kind == "word" and token.text.upper() in _FORMS:
                if token.text.upper() == "CONSTRUCT":
                    raise ScanError("a CONSTRUCT query has a template before its WHERE clause")
                seen_form = True
            continue
        if token.kind != "other":
            continue
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "{" and depth == 0:
            return token.end
    raise ScanError("no WHERE clause ('{') after the query form")
