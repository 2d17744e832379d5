"""Strict Turtle parsing with a line index.

:func:`parse_turtle` first lets the engine check the file against the Turtle grammar
(:mod:`server.store.syntax`; rdflib's own parser is lenient), then builds an
:class:`rdflib.Graph` with a small tokenizer (:mod:`.tokens`) and parser of its own
(:mod:`.grammar`), which also records the line of every subject and predicate
(:class:`LineIndex`) and gives blank nodes stable identifiers. The resulting graph is checked
against the engine's triples (same distinct triples); should they ever differ, the engine's
triples win. Syntax errors are reported in plain words (:mod:`.messages`).

Only Turtle 1.1 (W3C Recommendation 2014) is accepted: RDF 1.2 additions that pyoxigraph also
reads (``VERSION``, triple terms ``<< >>``, annotations ``{| |}``, reifiers ``~``, directional
language tags ``@nl--ltr``) are reported as syntax errors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.term import Node

from server.build.turtle.grammar import Grammar, LineIndex, UnsupportedSyntax
from server.build.turtle.messages import Texts, explain, not_utf8, texts_of, unsupported
from server.build.turtle.tokens import position
from server.errors import SourceError
from server.store.syntax import RdfSyntaxError, turtle_triples

__all__ = [
    "LineIndex",
    "ParsedTurtle",
    "TurtleSyntaxError",
    "parse_turtle",
    "parse_turtle_bytes",
    "parse_turtle_text",
]

log = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]


class TurtleSyntaxError(SourceError):
    """A Turtle file that the grammar does not allow; positions are 1-based, in characters.

    ``message`` is the English text; ``messages`` has it in Dutch (``nl``) and English
    (``en``) (:mod:`.messages`)."""

    def __init__(
        self, path: Path, line: int, column: int, message: str, messages: Texts | None = None
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        self.messages = dict(messages) if messages else texts_of(message)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.line, self.column, self.message, self.messages))

    def text(self, lang: str = "nl") -> str:
        """The message in ``lang`` (``nl`` or ``en``), else in English."""
        return self.messages.get(lang) or self.message


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
    return parse_turtle_bytes(data, path)


def parse_turtle_bytes(data: bytes, path: Path) -> ParsedTurtle:
    """Parse the Turtle ``data`` as if read from ``path``; see :func:`parse_turtle`."""
    path = Path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(data[: exc.start].decode("utf-8", errors="replace"))
        texts = not_utf8(data[exc.start])
        raise TurtleSyntaxError(path, line, column, texts["en"], texts) from None
    return parse_turtle_text(text, path, data)


def parse_turtle_text(text: str, path: Path, data: bytes | None = None) -> ParsedTurtle:
    """Parse Turtle ``text`` as if read from ``path`` (used for error positions and blank node
    identifiers); see :func:`parse_turtle`."""
    path = Path(path)
    if data is None:
        data = text.encode("utf-8")
    try:
        reference = turtle_triples(data)
    except RdfSyntaxError as error:
        line, column, texts = explain(error, text)
        raise TurtleSyntaxError(path, line, column, texts["en"], texts) from None
    grammar = Grammar(text, path)
    try:
        grammar.run()
    except UnsupportedSyntax as exc:
        line, column = exc.token.line, exc.token.column
        raise TurtleSyntaxError(path, line, column, exc.message, unsupported(exc.message)) from None
    graph = grammar.graph
    if len(graph) != len(reference) or _ground(graph) != reference.as_rdflib(ground=True):
        # a bug in the grammar (e.g. resolving IRIs against an unusual @base); keep going safely
        log.warning("%s: own parser disagrees with pyoxigraph; using pyoxigraph's triples", path)
        graph = _graph_of(reference.as_rdflib(), grammar.graph)
    return ParsedTurtle(path=path, graph=graph, lines=grammar.lines)


def _ground(graph: Graph) -> set[Triple]:
    """The triples of ``graph`` without blank nodes."""
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def _graph_of(triples: set[Triple], prefixes_from: Graph) -> Graph:
    """A graph of ``triples`` with the prefixes of ``prefixes_from``."""
    graph = Graph()
    for prefix, namespace in prefixes_from.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in triples:
        graph.add(triple)
    return graph
