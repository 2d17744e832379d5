"""Strict Turtle parsing with a line index.

:func:`parse_turtle` first lets pyoxigraph check the file against the Turtle grammar (rdflib's
own parser is lenient), then builds an :class:`rdflib.Graph` with a small tokenizer and parser of
its own, which also records the line of every subject and predicate (:class:`LineIndex`) and
gives blank nodes stable identifiers. The resulting graph is checked against pyoxigraph's triples
(same number of distinct triples); should they ever differ, pyoxigraph's triples win.

Only Turtle 1.1 (W3C Recommendation 2014) is accepted: RDF 1.2 additions that pyoxigraph also
reads (``VERSION``, triple terms ``<< >>``, annotations ``{| |}``, reifiers ``~``, directional
language tags ``@nl--ltr``) are reported as syntax errors.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from server.errors import SourceError

__all__ = ["LineIndex", "ParsedTurtle", "TurtleSyntaxError", "parse_turtle", "parse_turtle_text"]

log = logging.getLogger(__name__)


class TurtleSyntaxError(SourceError):
    """A Turtle file that the grammar does not allow; positions are 1-based, in characters."""

    def __init__(self, path: Path, line: int, column: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.line, self.column, self.message))


@dataclass
class LineIndex:
    """Lines (1-based) where nodes and statements are written in one Turtle file."""

    subjects: dict[Node, int] = field(default_factory=dict)
    statements: dict[tuple[Node, Node], int] = field(default_factory=dict)

    def line_of(self, node: Node) -> int | None:
        """The line of the first statement with ``node`` as subject (for ``[ ... ]`` blank nodes
        the line of the ``[``, for collection nodes the line of the item), or ``None``."""
        return self.subjects.get(node)

    def line_of_triple(self, subject: Node, predicate: Node) -> int | None:
        """The line of ``predicate`` in the first statement about ``subject``, or ``None``."""
        return self.statements.get((subject, predicate))

    def _add_subject(self, node: Node, line: int) -> None:
        self.subjects.setdefault(node, line)

    def _add_statement(self, subject: Node, predicate: Node, line: int) -> None:
        self.statements.setdefault((subject, predicate), line)


@dataclass(frozen=True)
class ParsedTurtle:
    """A parsed Turtle file: its path, its graph and where things are written in it."""

    path: Path
    graph: Graph
    lines: LineIndex


def parse_turtle(path: Path) -> ParsedTurtle:
    """Parse the Turtle file at ``path`` strictly.

    Raises :class:`TurtleSyntaxError` (with line and column) for anything the Turtle 1.1 grammar
    forbids, including bytes that are not UTF-8; :class:`OSError` when the file cannot be read.
    Ill-typed literals such as ``"abc"^^xsd:date`` are not syntax errors (SHACL reports them).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        # A failed read (not open) leaves the file name out; name it for the reader.
        exc.filename = exc.filename or str(path)
        raise
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data[: exc.start].decode("utf-8", errors="replace"))
        raise TurtleSyntaxError(
            path,
            line,
            column,
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02X}); save it as UTF-8",
        ) from None
    return parse_turtle_text(text, path, data)


def parse_turtle_text(text: str, path: Path, data: bytes | None = None) -> ParsedTurtle:
    """Parse Turtle ``text`` as if read from ``path`` (used for error positions and blank node
    identifiers); see :func:`parse_turtle`."""
    path = Path(path)
    if data is None:
        data = text.encode("utf-8")
    reference = _strict_check(text, data, path)
    builder = _Builder(text, path)
    builder.run()
    graph = builder.graph
    if len(graph) != len(reference) or _ground(graph) != _ground_oxigraph(reference):
        # a bug in _Builder (e.g. resolving IRIs against an unusual @base); keep going safely
        log.warning("%s: own parser disagrees with pyoxigraph; using pyoxigraph's triples", path)
        graph = _graph_from_oxigraph(reference, builder)
    return ParsedTurtle(path=path, graph=graph, lines=builder.lines)


# --------------------------------------------------------------------------- strict check


_ERROR_AT = re.compile(
    r"^Parser error (?:at line (?P<l1>\d+) (?:column (?P<c1>\d+)|between columns (?P<c2>\d+) "
    r"and \d+)|between line (?P<l3>\d+) column (?P<c3>\d+) and line \d+ column \d+): (?P<msg>.*)$",
    re.DOTALL,
)


def _strict_check(text: str, data: bytes, path: Path) -> set[tuple[object, object, object]]:
    """Parse with pyoxigraph; return its distinct triples or raise :class:`TurtleSyntaxError`."""
    try:
        triples = {
            (q.subject, q.predicate, q.object)
            for q in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)
        }
    except SyntaxError as exc:
        line, column, message = _explain(exc, text)
        raise TurtleSyntaxError(path, line, column, message) from None
    return triples


def _explain(exc: SyntaxError, text: str) -> tuple[int, int, str]:
    """Line, column (the start of the offending text) and a readable message."""
    raw = str(exc.msg)
    match = _ERROR_AT.match(raw)
    if match:
        line = int(match["l1"] or match["l3"])
        column = int(match["c1"] or match["c2"] or match["c3"])
        message = match["msg"]
    else:  # pragma: no cover - other pyoxigraph wording
        line, column, message = exc.lineno or 1, exc.offset or 1, raw
    lines = text.splitlines() or [""]
    char = ""
    if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
        char = lines[line - 1][column - 1]
    if message.startswith("Unexpected end"):
        if match and match["l3"]:
            what = {'"': "string", "'": "string", "<": "IRI"}.get(char, "token")
            closer = {"string": f"closing {char}", "IRI": "closing >"}.get(what, "end")
            message = f"unexpected end of file: {what} starting here is not closed ({closer})"
        else:
            end = _end_of_last_token(text)
            if end is not None:
                line, column = end
            message = "unexpected end of file: statement not finished (missing '.'?)"
    elif char == "\ufeff":
        message = "byte order mark (BOM) at start of file; save it as UTF-8 without BOM"
    elif message.endswith("is not a valid subject or graph name") and char == "@":
        message = f"unknown directive {message.split()[0]} (use @prefix or @base)"
    elif message.endswith("is not a valid subject or graph name"):
        token = message.removesuffix(" is not a valid subject or graph name")
        message = (
            f"{token} cannot start a statement (expected an IRI, prefixed name or blank node "
            "as subject; is a '.' or ';' missing before it?)"
        )
    elif escape := re.match(r"The escape sequence '(\\.*)' is", message):
        text_line = lines[line - 1] if 1 <= line <= len(lines) else ""
        found = text_line.rfind(escape[1], 0, column + len(escape[1]))
        if found >= 0:
            column = found + 1
    return line, column, message


def _end_of_last_token(text: str) -> tuple[int, int] | None:
    last = None
    for token in _tokenize(text, lenient=True):
        last = token
    if last is None:
        return None
    return _position(text[: last.end], start=1)


def _position(prefix: str, start: int = 1) -> tuple[int, int]:
    """Line and column of the character just after ``prefix``."""
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + start
    return line, column


# --------------------------------------------------------------------------- tokenizer

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
_TOKEN_RE = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _TOKENS), re.DOTALL)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int
    line: int
    column: int


def _tokenize(text: str, lenient: bool = False) -> Iterator[_Token]:
    line, line_start = 1, 0
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "OTHER"
        start, value = match.start(), match.group()
        if kind not in ("WS", "COMMENT"):
            yield _Token(kind, value, start, match.end(), line, start - line_start + 1)
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = start + value.rfind("\n") + 1
        if kind == "OTHER" and not lenient:
            return


# --------------------------------------------------------------------------- parser

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_LOCAL_ESCAPE_RE = re.compile(r"\\(.)")
_UCHAR_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape_string(body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match[1] or match[2]
        return chr(int(code, 16)) if code else _ECHAR[match[3]]

    return _ESCAPE_RE.sub(replace, body)


class _Unsupported(Exception):
    def __init__(self, token: _Token, message: str) -> None:
        super().__init__(message)
        self.token = token
        self.message = message


class _Builder:
    """Recursive-descent Turtle 1.1 parser for text that pyoxigraph already accepted."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.tokens = list(_tokenize(text))
        self.pos = 0
        self.graph = Graph()
        self.lines = LineIndex()
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.salt = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
        self.anonymous = 0

    # -- helpers
    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at(self, text: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos].text == text

    def next(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> _Token:
        token = self.next()
        if token.text != text:  # pragma: no cover - pyoxigraph accepted the file
            raise _Unsupported(token, f"expected '{text}'")
        return token

    def fresh(self) -> BNode:
        self.anonymous += 1
        return BNode(f"r{self.salt}a{self.anonymous}")

    def run(self) -> None:
        # rdflib logs a traceback for ill-typed literals ("abc"^^xsd:date); SHACL reports them.
        term_log = logging.getLogger("rdflib.term")
        level = term_log.level
        term_log.setLevel(logging.ERROR)
        try:
            while self.peek() is not None:
                self.statement()
        except _Unsupported as exc:
            raise TurtleSyntaxError(
                self.path, exc.token.line, exc.token.column, exc.message
            ) from None
        finally:
            term_log.setLevel(level)

    # -- grammar (Turtle 1.1, section 6.5)
    def statement(self) -> None:
        token = self.peek()
        assert token is not None
        lowered = token.text.lower()
        if token.text in ("@prefix", "@base") or (
            token.kind == "WORD" and lowered in ("prefix", "base")
        ):
            self.next()
            if lowered.lstrip("@") == "prefix":
                name = self.next().text[:-1]
                self.prefixes[name] = self.resolve(self.iri_text(self.next()))
                self.graph.bind(name, URIRef(self.prefixes[name]), override=True, replace=True)
            else:
                self.base = self.resolve(self.iri_text(self.next()))
            if token.text.startswith("@"):
                self.expect(".")
            return
        if token.text in ("@version",) or (token.kind == "WORD" and lowered == "version"):
            raise _Unsupported(token, "VERSION is RDF 1.2 syntax; Turtle 1.1 does not allow it")
        if token.text == "[":
            subject = self.blank_node_property_list()
            if not self.at("."):
                self.predicate_object_list(subject)
        else:
            subject = self.subject()
            self.predicate_object_list(subject)
        self.expect(".")

    def subject(self) -> Node:
        token = self.peek()
        assert token is not None
        if token.text == "(":
            return self.collection()
        node = self.term(self.next())
        self.lines._add_subject(node, token.line)
        return node

    def predicate_object_list(self, subject: Node) -> None:
        while True:
            verb = self.next()
            predicate = RDF.type if verb.text == "a" else self.term(verb)
            self.lines._add_subject(subject, verb.line)
            self.lines._add_statement(subject, predicate, verb.line)
            while True:
                self.graph.add((subject, predicate, self.object()))
                if self.at(","):
                    self.next()
                    continue
                break
            while self.at(";"):
                self.next()
            after = self.peek()
            if after is None or after.text in (".", "]") or self.tokens[self.pos - 1].text != ";":
                return

    def object(self) -> Node:
        token = self.peek()
        assert token is not None
        if token.text == "[":
            return self.blank_node_property_list()
        if token.text == "(":
            return self.collection()
        self.next()
        if token.kind in ("STRING", "STRING_LONG"):
            quote = 3 if token.kind == "STRING_LONG" else 1
            lexical = _unescape_string(token.text[quote:-quote])
            after = self.peek()
            if after is not None and after.kind == "LANGTAG":
                self.next()
                if "--" in after.text:
                    raise _Unsupported(after, "directional language tags are RDF 1.2 syntax")
                return Literal(lexical, lang=after.text[1:].lower())
            if after is not None and after.kind == "DATATYPE":
                self.next()
                datatype = self.term(self.next())
                return Literal(lexical, datatype=datatype, normalize=False)
            return Literal(lexical)
        if token.kind == "NUMBER":
            if "e" in token.text.lower():
                datatype = XSD.double
            elif "." in token.text:
                datatype = XSD.decimal
            else:
                datatype = XSD.integer
            return Literal(token.text, datatype=datatype, normalize=False)
        if token.kind == "WORD" and token.text in ("true", "false"):
            return Literal(token.text, datatype=XSD.boolean, normalize=False)
        return self.term(token)

    def blank_node_property_list(self) -> BNode:
        open_token = self.expect("[")
        node = self.fresh()
        self.lines._add_subject(node, open_token.line)
        if not self.at("]"):
            self.predicate_object_list(node)
        self.expect("]")
        return node

    def collection(self) -> Node:
        open_token = self.expect("(")
        items: list[tuple[Node, int]] = []
        while not self.at(")"):
            line = self.tokens[self.pos].line
            items.append((self.object(), line))
        self.expect(")")
        if not items:
            return RDF.nil
        nodes = [self.fresh() for _ in items]
        for index, (item, line) in enumerate(items):
            node = nodes[index]
            self.lines._add_subject(node, open_token.line if index == 0 else line)
            self.graph.add((node, RDF.first, item))
            rest = nodes[index + 1] if index + 1 < len(nodes) else RDF.nil
            self.graph.add((node, RDF.rest, rest))
        return nodes[0]

    def term(self, token: _Token) -> Node:
        if token.kind == "IRI":
            return URIRef(self.resolve(self.iri_text(token)))
        if token.kind == "PNAME":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:  # pragma: no cover - pyoxigraph checks this
                raise _Unsupported(token, f"the prefix {prefix}: has not been declared")
            return URIRef(self.prefixes[prefix] + _LOCAL_ESCAPE_RE.sub(r"\1", local))
        if token.kind == "BNODE":
            return BNode(f"r{self.salt}l{token.text[2:]}")
        if token.kind == "TRIPLE_TERM":
            raise _Unsupported(token, f"'{token.text}' is RDF 1.2 syntax; Turtle 1.1 forbids it")
        raise _Unsupported(token, f"unexpected '{token.text}'")  # pragma: no cover

    def iri_text(self, token: _Token) -> str:
        if token.kind != "IRI":  # pragma: no cover - pyoxigraph accepted the file
            raise _Unsupported(token, "expected an IRI")
        body = token.text[1:-1]
        return _UCHAR_RE.sub(lambda m: chr(int(m[1] or m[2], 16)), body)

    def resolve(self, iri: str) -> str:
        if self.base is None or re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            return iri
        return urljoin(self.base, iri)


def _ground(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """The triples of ``graph`` without blank nodes."""
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}  # type: ignore[misc]


def _ground_oxigraph(triples: set[tuple[object, object, object]]) -> set[tuple[Node, Node, Node]]:
    """pyoxigraph's triples without blank nodes, as rdflib terms."""
    return {
        (_convert(s), _convert(p), _convert(o))
        for s, p, o in triples
        if not any(isinstance(term, pyoxigraph.BlankNode) for term in (s, p, o))
    }


def _convert(term: object) -> Node:
    """A pyoxigraph term as the rdflib term :class:`_Builder` would make."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _graph_from_oxigraph(triples: set[tuple[object, object, object]], builder: _Builder) -> Graph:
    graph = Graph()
    for prefix, namespace in builder.graph.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)

    for s, p, o in triples:
        graph.add((_convert(s), _convert(p), _convert(o)))
    return graph
