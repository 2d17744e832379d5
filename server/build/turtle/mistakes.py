"""How the engine's syntax messages are explained: each message of pyoxigraph's Turtle parser
(:data:`HANDLERS`, by pattern) with a handler that finds the mistake among the tokens around the
engine's position (:class:`Where`) and says what it is in Dutch and English. Used by
:func:`server.build.turtle.messages.explain`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from server.build.turtle.tokens import Token, position
from server.store.syntax import RdfSyntaxError

__all__ = ["HANDLERS", "Texts", "Where", "after", "both", "not_closed", "show", "unclosed"]

#: A message by language: ``{"nl": ..., "en": ...}``.
Texts = dict[str, str]

_NOT_A_SUBJECT = " is not a valid subject or graph name"
_NOT_AN_OBJECT = " is not a valid RDF object"
_NOT_A_PREDICATE = " is not a valid predicate"
_MISSING_DOT = "A dot is expected at the end of statements"
_OPENERS = {"(": ")", "[": "]"}
_DIRECTIVES = ("@prefix", "@base", "prefix", "base")


@dataclass(frozen=True)
class Where:
    """The engine's error placed among the tokens of the text."""

    text: str
    tokens: list[Token]
    index: int  # of the token at (or just after) the engine's position; len(tokens) at the end

    @property
    def token(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    @property
    def previous(self) -> Token | None:
        return self.tokens[self.index - 1] if self.index > 0 else None


def both(nl: str, en: str) -> Texts:
    return {"nl": nl, "en": en}


def show(token: Token | None) -> str:
    """A token as quoted in a message (shortened)."""
    if token is None:
        return "''"
    text = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return f"'{text}'"


def after(token: Token, text: str) -> tuple[int, int]:
    """Line and column just after ``token``."""
    return position(text[: token.end], start=1)


def unclosed(where: Where, upto: int) -> Token | None:
    """The innermost ``(`` or ``[`` before token ``upto`` that is not closed before it."""
    stack: list[Token] = []
    for token in where.tokens[:upto]:
        if token.text in _OPENERS:
            stack.append(token)
        elif stack and token.text == _OPENERS[stack[-1].text]:
            stack.pop()
    return stack[-1] if stack else None


def not_closed(opener: Token) -> tuple[int, int, Texts]:
    closer = _OPENERS[opener.text]
    what_nl = "lijst" if opener.text == "(" else "blanco knoop"
    what_en = "list" if opener.text == "(" else "blank node"
    return (
        opener.line,
        opener.column,
        both(
            f"de {what_nl} die hier met '{opener.text}' begint, wordt niet gesloten met '{closer}'",
            f"the {what_en} that starts here with '{opener.text}' is not closed with '{closer}'",
        ),
    )


# --------------------------------------------------------------------------- missing . or ;


def _missing_terminator(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    """The engine expected the end of a statement at the next token: a ``.`` (or ``;``) is
    missing after the token before it."""
    token, previous = where.token, where.previous
    if token is None or previous is None:
        return None
    prev_line, prev_column = after(previous, where.text)
    if prev_line == token.line:
        return (
            token.line,
            token.column,
            both(
                f"vóór {show(token)} ontbreekt een komma (,), puntkomma (;) of punt (.)",
                f"a ',', ';' or '.' is missing before {show(token)}",
            ),
        )
    new_statement = token.column == 1 or token.text == "[" or token.text.lower() in _DIRECTIVES
    if new_statement:
        texts = both(
            f"aan het eind van deze regel ontbreekt een punt (.) na {show(previous)}: op regel "
            f"{token.line} begint een nieuwe uitspraak",
            f"a '.' is missing at the end of this line, after {show(previous)}: a new "
            f"statement starts on line {token.line}",
        )
    else:
        texts = both(
            f"aan het eind van deze regel ontbreekt een puntkomma (;) na {show(previous)}: de "
            f"beschrijving gaat verder op regel {token.line} (of een punt (.) als die daar "
            "eindigt)",
            f"a ';' is missing at the end of this line, after {show(previous)}: the "
            f"description continues on line {token.line} (or a '.' if it ends here)",
        )
    return prev_line, prev_column, texts


def _statement_start(where: Where) -> int:
    """The index of the first token of the statement the error is in."""
    depth = 0
    for i in range(where.index - 1, -1, -1):
        text = where.tokens[i].text
        if text in (")", "]"):
            depth += 1
        elif text in _OPENERS:
            depth -= 1
        elif text == "." and depth == 0:
            return i + 1
    return 0


def _not_an_object(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    """``X is not a valid RDF object``: an unclosed list, a ``.`` that should be a ``;``, a
    missing value, or a word that is not a value."""
    value = match[1]
    opener = unclosed(where, where.index)
    if opener is not None and value in (".", ";", ","):
        return not_closed(opener)
    if value != ".":
        return error.line, error.column, _bad_value(value)
    misplaced = _dot_for_semicolon(where)
    if misplaced is not None:
        return misplaced
    previous = where.previous
    return (
        error.line,
        error.column,
        both(
            f"hier ontbreekt een waarde (object) na {show(previous)}",
            f"a value (object) is missing after {show(previous)}",
        ),
    )


def _dot_for_semicolon(where: Where) -> tuple[int, int, Texts] | None:
    """A statement that starts indented on the line after a ``.``: that ``.`` was meant to be
    a ``;`` (the description went on), so the report goes to it."""
    start = _statement_start(where)
    first = where.tokens[start] if start < len(where.tokens) else None
    if first is None or start == 0 or first.column == 1:
        return None
    dot = where.tokens[start - 1]
    if dot.line >= first.line:
        return None
    return (
        dot.line,
        dot.column,
        both(
            "deze punt (.) sluit de beschrijving af, maar die gaat op de volgende regel verder: "
            "gebruik hier een puntkomma (;)",
            "this '.' ends the description, but it continues on the next line: use a ';' here",
        ),
    )


def _bad_value(value: str) -> Texts:
    if value.lower() in ("true", "false"):
        return both(
            f"{value} is geen geldige waarde; schrijf {value.lower()} in kleine letters",
            f"{value} is not a valid value; write {value.lower()} in lower case",
        )
    return both(
        f"{value} is geen geldige waarde (object): gebruik een IRI (<https://...>), een naam "
        'met voorvoegsel (zoals status:pilot), een tekst ("...") of een getal',
        f"{value} is not a valid value (object): use an IRI (<https://...>), a prefixed name "
        '(such as status:pilot), a string ("...") or a number',
    )


def _not_a_subject(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    """``X is not a valid subject``: an unknown directive, a dot too many, the dot after a
    SPARQL-style ``PREFIX``, or anything else where a statement should start."""
    word = match[1]
    if word.startswith("@"):
        return (
            error.line,
            error.column,
            both(
                f"onbekende opdracht {word} (gebruik @prefix of @base)",
                f"unknown directive {word} (use @prefix or @base)",
            ),
        )
    tokens, index = where.tokens, where.index
    if word in ("]", ")") and unclosed(where, index) is None:
        return (
            error.line,
            error.column,
            both(f"hier staat een '{word}' te veel", f"one '{word}' too many"),
        )
    if word == "." and index >= 3 and tokens[index - 3].text.lower() == "prefix":
        return (
            error.line,
            error.column,
            both(
                "na PREFIX (zonder @) hoort geen punt; haal de punt weg of schrijf @prefix",
                "PREFIX (without @) takes no '.'; remove the dot or write @prefix",
            ),
        )
    if word == "." and index >= 1 and tokens[index - 1].text == ".":
        return error.line, error.column, both("hier staat een punt te veel", "one '.' too many")
    return (
        error.line,
        error.column,
        both(
            f"met {word} kan geen uitspraak beginnen (verwacht een IRI, een naam met voorvoegsel "
            "of een blanco knoop als onderwerp; ontbreekt er een '.' of ';' vóór?)",
            f"{word} cannot start a statement (expected an IRI, prefixed name or blank node as "
            "subject; is a '.' or ';' missing before it?)",
        ),
    )


def _not_a_predicate(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    word = match[1]
    misplaced = _dot_for_semicolon(where)
    if misplaced is not None:
        return misplaced
    if word in (";", ".", ","):
        return (
            error.line,
            error.column,
            both(
                f"vóór '{word}' ontbreekt een eigenschap met een waarde",
                f"a property and its value are missing before '{word}'",
            ),
        )
    hint_nl = " (schrijf 'a' in kleine letters)" if word == "A" else ""
    hint_en = " (write 'a' in lower case)" if word == "A" else ""
    return (
        error.line,
        error.column,
        both(
            f"{word} kan geen eigenschap (predicaat) zijn; gebruik een IRI of een naam met "
            f"voorvoegsel zoals dct:title{hint_nl}",
            f"{word} is not a valid predicate; use an IRI or a prefixed name such as "
            f"dct:title{hint_en}",
        ),
    )


def _stray(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    """A character that starts no token, such as a curly quote pasted from a word processor."""
    char = match[1]
    if char in "\u201c\u201d\u2018\u2019\u201e":
        return (
            error.line,
            error.column,
            both(
                f"het teken {char} mag hier niet staan: gekrulde aanhalingstekens (uit een "
                'tekstverwerker?) moeten gewone zijn: "',
                f"the character {char} is not allowed here: curly quotes (from a word "
                'processor?) must be straight ones: "',
            ),
        )
    return (
        error.line,
        error.column,
        both(
            f"het teken '{char}' mag hier niet staan", f"the character '{char}' is not allowed here"
        ),
    )


def _unclosed_bracket(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    opener = unclosed(where, where.index)
    return not_closed(opener) if opener is not None else None


def _escape(
    error: RdfSyntaxError, where: Where, match: re.Match[str]
) -> tuple[int, int, Texts] | None:
    """A bad ``\\u`` escape: the engine points after it; point at its backslash."""
    lines = where.text.splitlines() or [""]
    line = lines[error.line - 1] if 1 <= error.line <= len(lines) else ""
    found = line.rfind(match[1], 0, error.column + len(match[1]))
    column = found + 1 if found >= 0 else error.column
    return (
        error.line,
        column,
        both(
            f"de escape {match[1]} is geen geldige hexadecimale code (\\u gevolgd door vier "
            "tekens 0-9 of A-F)",
            f"The escape sequence '{match[1]}' is not a valid hexadecimal string",
        ),
    )


def _fixed(nl: str) -> Callable[[RdfSyntaxError, Where, re.Match[str]], tuple[int, int, Texts]]:
    """A handler that gives the engine's message in English and ``nl`` (with the match's groups
    filled in as ``{1}``, ``{2}``) in Dutch, at the engine's position."""

    def handler(
        error: RdfSyntaxError, where: Where, match: re.Match[str]
    ) -> tuple[int, int, Texts]:
        return error.line, error.column, both(nl.format("", *match.groups()), error.message)

    return handler


_Handler = Callable[[RdfSyntaxError, Where, re.Match[str]], "tuple[int, int, Texts] | None"]

#: The engine's messages (pyoxigraph 0.5) and how each is explained, in order.
HANDLERS: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(re.escape(_MISSING_DOT)), _missing_terminator),
    (re.compile("(.+)" + re.escape(_NOT_AN_OBJECT)), _not_an_object),
    (re.compile("(.+)" + re.escape(_NOT_A_SUBJECT)), _not_a_subject),
    (re.compile("(.+)" + re.escape(_NOT_A_PREDICATE)), _not_a_predicate),
    (re.compile(r"The escape sequence '(\\.*)' is not a valid hexadecimal string"), _escape),
    (
        re.compile(r"Unexpected escape character '(.*)'", re.DOTALL),
        _fixed("onbekende escape {1} in een tekst (toegestaan: \\t \\n \\r \\\" \\' \\\\)"),
    ),
    (
        re.compile("A language code should always start with a letter"),
        _fixed("een taalcode begint met een letter, zoals @nl of @en"),
    ),
    (
        re.compile(r"Expecting a datatype IRI after \^\^, found (.*)", re.DOTALL),
        _fixed("na ^^ hoort een datatype, zoals xsd:date; gevonden: {1}"),
    ),
    (
        re.compile(r"Line jumps are not allowed in string literals, use \\n"),
        _fixed(
            "een tekst tussen enkele aanhalingstekens mag niet over meer regels lopen; sluit "
            'hem op deze regel af of gebruik drie aanhalingstekens ("""...""")'
        ),
    ),
    (
        re.compile("No scheme found in an absolute IRI"),
        _fixed("een IRI moet volledig zijn, met https:// ervoor; relatieve IRI's kan dat niet"),
    ),
    (
        re.compile(r"Invalid IRI code point '(.*)'", re.DOTALL),
        _fixed("het teken '{1}' mag niet in een IRI staan (een spatie schrijft u als %20)"),
    ),
    (
        re.compile(r"The prefix (.*) has not been declared"),
        _fixed("het voorvoegsel {1} is niet gedeclareerd; zet bovenaan @prefix {1} <...> ."),
    ),
    (re.compile(r"blank node property lists should end with a '\]'"), _unclosed_bracket),
    (
        re.compile(r"The PREFIX keyword should be followed by a prefix like 'ex:'"),
        _fixed("na @prefix hoort een voorvoegsel met dubbele punt, zoals dct:"),
    ),
    (
        re.compile("The PREFIX declaration should be followed by a prefix and its value as an IRI"),
        _fixed("na @prefix en het voorvoegsel hoort een IRI tussen punthaken, zoals <https://...>"),
    ),
    (re.compile(r"'(.)' is not allowed at the beginning of a prefix name", re.DOTALL), _stray),
]
