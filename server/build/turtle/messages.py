"""Readable syntax error messages, in Dutch and English, at the place of the mistake.

The engine (:mod:`server.store.syntax`) reports where it noticed a problem, which is often later
than where the mistake is: a missing ``.`` at the end of a statement is noticed at the first
word of the next one, a ``.`` that should have been a ``;`` at the end of the next line, an
unclosed ``(`` at the end of the file. :func:`explain` looks at the tokens around the engine's
position (:mod:`.tokens`; the explanations per engine message are in :mod:`.mistakes`) and
moves the report to the mistake: for a missing ``.`` or ``;`` the end of the line after which
it is missing. Each message is given in both languages
(``{"nl": ..., "en": ...}``); a message of the engine this module does not know keeps its
English text, and the Dutch text says that it is the parser's own wording.
"""

from __future__ import annotations

import re

from server.build.turtle.mistakes import (
    HANDLERS,
    Texts,
    Where,
    after,
    both,
    not_closed,
    show,
    unclosed,
)
from server.build.turtle.tokens import tokenize
from server.store.syntax import RdfSyntaxError

__all__ = ["Texts", "explain", "not_utf8", "texts_of", "unsupported"]


def texts_of(message: str) -> Texts:
    """A message that exists in one wording only, as both languages."""
    return {"nl": message, "en": message}


def explain(error: RdfSyntaxError, text: str) -> tuple[int, int, Texts]:
    """Line and column of the mistake behind the engine's ``error`` in ``text``, and what it
    is in Dutch and English."""
    tokens = list(tokenize(text, lenient=True))
    index = next(
        (i for i, t in enumerate(tokens) if (t.line, t.column) >= (error.line, error.column)),
        len(tokens),
    )
    where = Where(text, tokens, index)
    message = error.message
    if message.startswith("Unexpected end"):
        return _unexpected_end(error, where)
    lines = text.splitlines() or [""]
    char = ""
    if 1 <= error.line <= len(lines) and 1 <= error.column <= len(lines[error.line - 1]):
        char = lines[error.line - 1][error.column - 1]
    if char == "\ufeff":
        return error.line, error.column, _BOM
    for pattern, handler in HANDLERS:
        match = pattern.fullmatch(message)
        if match is not None:
            found = handler(error, where, match)
            if found is not None:
                return found
    return error.line, error.column, _engine(message)


_BOM = both(
    "het bestand begint met een byte order mark (BOM); sla het op als UTF-8 zonder BOM",
    "byte order mark (BOM) at start of file; save it as UTF-8 without BOM",
)


def _engine(message: str) -> Texts:
    return both(f"Turtle-syntaxfout (melding van de parser): {message}", message)


def not_utf8(byte: int) -> Texts:
    """The file has a byte that is not UTF-8."""
    return both(
        f"het bestand is geen geldige UTF-8 (byte 0x{byte:02X}); sla het op als UTF-8",
        f"the file is not valid UTF-8 (byte 0x{byte:02X}); save it as UTF-8",
    )


#: The parser's own refusals (RDF 1.2 syntax), in Dutch.
_UNSUPPORTED_NL = {
    "VERSION is RDF 1.2 syntax; Turtle 1.1 does not allow it": (
        "VERSION is RDF 1.2-syntax; Turtle 1.1 staat dat niet toe"
    ),
    "directional language tags are RDF 1.2 syntax": (
        "taalcodes met een schrijfrichting (zoals @nl--ltr) zijn RDF 1.2-syntax; gebruik @nl"
    ),
}


def unsupported(message: str) -> Texts:
    """A refusal of :class:`server.build.turtle.grammar.UnsupportedSyntax` in both languages."""
    if message in _UNSUPPORTED_NL:
        return both(_UNSUPPORTED_NL[message], message)
    match = re.fullmatch(r"'(.+)' is RDF 1\.2 syntax; Turtle 1\.1 forbids it", message)
    if match is not None:
        return both(f"'{match[1]}' is RDF 1.2-syntax; Turtle 1.1 verbiedt het", message)
    return _engine(message)


# --------------------------------------------------------------------------- end of file


def _unexpected_end(error: RdfSyntaxError, where: Where) -> tuple[int, int, Texts]:
    """The file ends inside a string or IRI (the error spans lines), a list, or a statement."""
    if error.spans_lines:
        lines = where.text.splitlines() or [""]
        text_line = lines[error.line - 1] if 1 <= error.line <= len(lines) else ""
        char = text_line[error.column - 1] if 1 <= error.column <= len(text_line) else ""
        if char == "<":
            texts = both(
                "einde van het bestand: de IRI die hier begint, wordt niet gesloten met '>'",
                "unexpected end of file: IRI starting here is not closed (closing >)",
            )
        elif char in ("'", '"'):
            texts = both(
                f"einde van het bestand: de tekst die hier begint, wordt niet gesloten met {char}",
                f"unexpected end of file: string starting here is not closed (closing {char})",
            )
        else:
            texts = both(
                "einde van het bestand: wat hier begint, wordt niet afgesloten",
                "unexpected end of file: token starting here is not closed (end)",
            )
        return error.line, error.column, texts
    opener = unclosed(where, len(where.tokens))
    if opener is not None:
        return not_closed(opener)
    if not where.tokens:
        return error.line, error.column, _engine(error.message)
    last = where.tokens[-1]
    line, column = after(last, where.text)
    if last.text == ",":
        return (
            line,
            column,
            both(
                "einde van het bestand: na de komma (,) ontbreekt een waarde en een punt (.)",
                "unexpected end of file: a value and a '.' are missing after the ','",
            ),
        )
    return (
        line,
        column,
        both(
            f"einde van het bestand: de laatste uitspraak is niet afgesloten; na {show(last)} "
            "ontbreekt een punt (.)",
            f"unexpected end of file: the last statement is not finished; a '.' is missing after "
            f"{show(last)}",
        ),
    )
