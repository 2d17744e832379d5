"""The tokens of Turtle 1.1 (W3C Recommendation 2014, section 6.5), with their positions.

Also the lexical rules that turn a token's text into a value (string escapes, ``\\u`` escapes
in IRIs, escapes in local names).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Token", "iri_body", "local_name", "position", "tokenize", "unescape_string"]

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_CHAR = rf"(?:[{_PN_CHARS}:]|{_PLX})"
_PN_LOCAL = rf"(?:[{_PN_CHARS_BASE}_:0-9]|{_PLX})(?:\.*{_LOCAL_CHAR})*"

_TOKENS = [
    ("WS", r"[ \t\r\n]+"),
    ("COMMENT", r"#[^\r\n]*"),
    (
        "STRING_LONG",
        r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|'
        r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''",
    ),
    ("STRING", r'"(?:[^"\\\r\n]|\\.)*"|' r"'(?:[^'\\\r\n]|\\.)*'"),
    ("TRIPLE_TERM", r"<<|>>|\{\||\|\}|~"),
    (
        "IRI",
        r"<[^<>\"{}|^`\\\x00-\x20]*(?:\\u[0-9A-Fa-f]{4}[^<>\"{}|^`\\\x00-\x20]*|"
        r"\\U[0-9A-Fa-f]{8}[^<>\"{}|^`\\\x00-\x20]*)*>",
    ),
    ("LANGTAG", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?"),
    ("DATATYPE", r"\^\^"),
    (
        "NUMBER",
        r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?"
        r"[0-9]+|[0-9]*\.[0-9]+|[0-9]+)",
    ),
    ("BNODE", rf"_:[{_PN_CHARS_BASE}_0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("PNAME", rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("WORD", r"[A-Za-z]+"),
    ("PUNCT", r"[.;,\[\]()]"),
    ("OTHER", r"."),
]


@functools.cache
def _token_re() -> re.Pattern[str]:
    """The token table as one pattern, compiled when first needed (a file without findings
    never is tokenized, and compiling takes a noticeable part of a short run)."""
    return re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _TOKENS), re.DOTALL)


_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_LOCAL_ESCAPE_RE = re.compile(r"\\(.)")
_UCHAR_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """One token: its kind (a name in the token table), text, offsets and 1-based position."""

    kind: str
    text: str
    start: int
    end: int
    line: int
    column: int


def tokenize(text: str, lenient: bool = False) -> Iterator[Token]:
    """The tokens of ``text`` without white space and comments. A character that starts no
    token ends the stream (as an ``OTHER`` token) unless ``lenient``."""
    line, line_start = 1, 0
    for match in _token_re().finditer(text):
        kind = match.lastgroup or "OTHER"
        start, value = match.start(), match.group()
        if kind not in ("WS", "COMMENT"):
            yield Token(kind, value, start, match.end(), line, start - line_start + 1)
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = start + value.rfind("\n") + 1
        if kind == "OTHER" and not lenient:
            return


def position(prefix: str, start: int = 1) -> tuple[int, int]:
    """Line and column of the character just after ``prefix``."""
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + start
    return line, column


def unescape_string(body: str) -> str:
    """The value of a string literal's body (``\\t``, ``\\"``, ``\\u00e9``, ... resolved)."""

    def replace(match: re.Match[str]) -> str:
        code = match[1] or match[2]
        return chr(int(code, 16)) if code else _ECHAR[match[3]]

    return _ESCAPE_RE.sub(replace, body)


def iri_body(token: Token) -> str:
    """The IRI of an ``IRI`` token (``<...>``) with its ``\\u`` escapes resolved."""
    return _UCHAR_RE.sub(lambda m: chr(int(m[1] or m[2], 16)), token.text[1:-1])


def local_name(local: str) -> str:
    """The local part of a prefixed name with its ``\\`` escapes resolved."""
    return _LOCAL_ESCAPE_RE.sub(r"\1", local)
