"""Readable syntax error messages: the engine's error made plain, at the offending text."""

from __future__ import annotations

import re

from server.build.turtle.tokens import position, tokenize
from server.store.syntax import RdfSyntaxError

__all__ = ["explain"]

_NOT_A_SUBJECT = " is not a valid subject or graph name"


def explain(error: RdfSyntaxError, text: str) -> tuple[int, int, str]:
    """Line, column (the start of the offending text) and a readable message for ``error``
    in ``text``."""
    line, column, message = error.line, error.column, error.message
    lines = text.splitlines() or [""]
    char = ""
    if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
        char = lines[line - 1][column - 1]
    if message.startswith("Unexpected end"):
        return _unexpected_end(error, text, char)
    if char == "\ufeff":
        message = "byte order mark (BOM) at start of file; save it as UTF-8 without BOM"
    elif message.endswith(_NOT_A_SUBJECT) and char == "@":
        message = f"unknown directive {message.split()[0]} (use @prefix or @base)"
    elif message.endswith(_NOT_A_SUBJECT):
        token = message.removesuffix(_NOT_A_SUBJECT)
        message = (
            f"{token} cannot start a statement (expected an IRI, prefixed name or blank node "
            "as subject; is a '.' or ';' missing before it?)"
        )
    elif escape := re.match(r"The escape sequence '(\\.*)' is", message):
        # The engine points after the escape; point at its backslash.
        text_line = lines[line - 1] if 1 <= line <= len(lines) else ""
        found = text_line.rfind(escape[1], 0, column + len(escape[1]))
        if found >= 0:
            column = found + 1
    return line, column, message


def _unexpected_end(error: RdfSyntaxError, text: str, char: str) -> tuple[int, int, str]:
    """The file ends inside a string or IRI (the error spans lines), or inside a statement."""
    if error.spans_lines:
        what = {'"': "string", "'": "string", "<": "IRI"}.get(char, "token")
        closer = {"string": f"closing {char}", "IRI": "closing >"}.get(what, "end")
        message = f"unexpected end of file: {what} starting here is not closed ({closer})"
        return error.line, error.column, message
    line, column = error.line, error.column
    end = _end_of_last_token(text)
    if end is not None:
        line, column = end
    return line, column, "unexpected end of file: statement not finished (missing '.'?)"


def _end_of_last_token(text: str) -> tuple[int, int] | None:
    last = None
    for token in tokenize(text, lenient=True):
        last = token
    if last is None:
        return None
    return position(text[: last.end], start=1)
