"""Strict Turtle parsing with a line index.

:func:`parse_turtle` lets the engine parse the file against the Turtle grammar
(:mod:`server.store.syntax`; rdflib's own parser is lenient) and makes an :class:`rdflib.Graph`
of its triples, blank node ``_:x`` named after the file (:func:`.grammar.blank_prefix`). The
line of every subject and predicate (:class:`LineIndex`) comes from a small tokenizer
(:mod:`.tokens`) and parser of its own (:mod:`.grammar`), which runs only when a line is first
asked for (a file without findings never needs one).

Where the engine's blank node labels cannot be the stable ones (``[ ]`` and collections, whose
nodes the engine names at random) and where the text may hold what the engine reads but the
build refuses, the own parser makes the graph at once, and it is checked against the engine's
triples (same distinct triples); should they ever differ, the engine's triples win. Syntax
errors are reported in plain words (:mod:`.messages`).

Only Turtle 1.1 (W3C Recommendation 2014) is accepted: RDF 1.2 additions that pyoxigraph also
reads (``VERSION``, triple terms ``<< >>``, annotations ``{| |}``, reifiers ``~``, directional
language tags ``@nl--ltr``) are reported as syntax errors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from server.build.turtle.grammar import (
    Grammar,
    LineIndex,
    UnsupportedSyntax,
    blank_prefix,
    quiet_literals,
)
from server.build.turtle.messages import Texts, explain, not_utf8, texts_of, unsupported
from server.build.turtle.tokens import position
from server.errors import SourceError
from server.store.syntax import EngineTriples, RdfSyntaxError, turtle_triples

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

#: Where a text may have a VERSION directive (RDF 1.2), which the engine reads without a trace
#: in its triples: the word before a quote, not part of a name. Also matches in a few texts
#: without one; those take the own parser, which decides.
_VERSION = re.compile(r"(?<![\w:/#.-])@?version(?:\s|#[^\n]*)*[\"']", re.IGNORECASE)
#: A blank node label as written (``_:x``), perhaps with the ``.`` that ends the statement.
_BLANK_LABEL = re.compile(r"_:([^\s,;()\[\]<>\"'#^]+)")


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


class ParsedTurtle:
    """A parsed Turtle file: its path, its graph and where things are written in it
    (:attr:`lines`, made when first asked for when ``lines`` is a function)."""

    __slots__ = ("_index", "engine", "graph", "path")

    def __init__(
        self,
        path: Path,
        graph: Graph,
        lines: LineIndex | Callable[[], LineIndex],
        engine: EngineTriples | None = None,
    ) -> None:
        self.path = path
        self.graph = graph
        self._index = lines
        #: The engine's triples when ``graph`` was made of them (a quick way into a store).
        self.engine = engine

    @property
    def lines(self) -> LineIndex:
        """The line index of the file."""
        if not isinstance(self._index, LineIndex):
            self._index = self._index()
        return self._index


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
    if reference.rdf_12() or _VERSION.search(text) or _anonymous(reference, text):
        return _parse_with_grammar(text, path, reference)
    graph = Graph(store="SimpleMemory")
    for prefix, namespace in reference.prefixes.items():
        graph.bind(prefix, URIRef(namespace), override=True, replace=True)
    add = graph.store.add  # the graph's add checks each term again (a quarter of the time)
    with quiet_literals():
        for triple in reference.rdflib_triples(blank_prefix(path) + "l"):
            add(triple, graph)
    return ParsedTurtle(path, graph, lambda: _grammar(text, path).lines, reference)


def _anonymous(reference: EngineTriples, text: str) -> bool:
    """Whether the engine named a blank node itself (``[ ]``, a collection): a label that is
    not written as ``_:label`` in ``text``."""
    labels = reference.blank_labels()
    if not labels:
        return False
    written = {label.rstrip(".") for label in _BLANK_LABEL.findall(text)}
    return not labels <= written


def _grammar(text: str, path: Path) -> Grammar:
    """The own parser run over ``text``; :class:`TurtleSyntaxError` for RDF 1.2 syntax."""
    grammar = Grammar(text, path)
    try:
        grammar.run()
    except UnsupportedSyntax as exc:
        line, column = exc.token.line, exc.token.column
        raise TurtleSyntaxError(path, line, column, exc.message, unsupported(exc.message)) from None
    return grammar


def _parse_with_grammar(text: str, path: Path, reference: EngineTriples) -> ParsedTurtle:
    """The file parsed by the own parser, checked against the engine's triples."""
    grammar = _grammar(text, path)
    graph = grammar.graph
    with quiet_literals():
        same = len(graph) == len(reference) and _ground(graph) == reference.as_rdflib(ground=True)
    if not same:
        # a bug in the grammar (e.g. resolving IRIs against an unusual @base); keep going safely
        log.warning("%s: own parser disagrees with pyoxigraph; using pyoxigraph's triples", path)
        with quiet_literals():
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
