"""The engine's strict Turtle parser, for the build (:mod:`server.build.turtle`).

rdflib's own Turtle parser is lenient; pyoxigraph's follows the grammar. The build first lets
:func:`turtle_triples` check a file, so pyoxigraph stays behind the store layer: this module
turns its triples into rdflib terms on request and its error messages into :class:`RdfSyntaxError`.

:func:`read_turtle` is the build's fast path (no line numbers needed): the triples in the
engine's own terms (:mod:`server.store.terms`), blank nodes named after the file, so that a
build of the same bytes always gives the same store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

from server.store.terms import Term, Triple, to_rdflib

__all__ = [
    "EngineTriples",
    "RdfSyntaxError",
    "from_ntriples",
    "read_turtle",
    "to_ntriples",
    "turtle_triples",
]

#: pyoxigraph's position wording: a point, a span on one line, or a span over lines.
_ERROR_AT = re.compile(
    r"^Parser error (?:at line (?P<l1>\d+) (?:column (?P<c1>\d+)|between columns (?P<c2>\d+) "
    r"and \d+)|between line (?P<l3>\d+) column (?P<c3>\d+) and line \d+ column \d+): (?P<msg>.*)$",
    re.DOTALL,
)


class RdfSyntaxError(ValueError):
    """Text the grammar does not allow: where the offending text starts (1-based line and
    column), the engine's message, and whether the offending text runs over several lines
    (an unclosed string or IRI)."""

    def __init__(self, line: int, column: int, message: str, *, spans_lines: bool) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line = line
        self.column = column
        self.message = message
        self.spans_lines = spans_lines


class EngineTriples:
    """The distinct triples the engine read from one file, in the order it read them, and the
    file's prefixes. They stay the engine's terms until :meth:`as_rdflib` is asked: RDF 1.2
    triple terms, which the engine reads but the build refuses, have no rdflib form."""

    def __init__(
        self, triples: dict[tuple[Any, Any, Any], Any], prefixes: dict[str, str] | None = None
    ) -> None:
        self._triples = triples  # each with the engine's quad of it, or None
        self.prefixes: dict[str, str] = dict(prefixes or {})
        self.blank_prefix = ""
        self._blanks: set[str] | None = None

    def __len__(self) -> int:
        return len(self._triples)

    def as_rdflib(self, *, ground: bool = False) -> set[tuple[Node, Node, Node]]:
        """The triples as rdflib terms (typed literals exactly as written); blank nodes keep
        the engine's labels. ``ground``: only the triples without blank nodes.
        :class:`TypeError` for a triple term."""
        return {
            (
                to_rdflib(subject, normalize=False),
                to_rdflib(predicate, normalize=False),
                to_rdflib(obj, normalize=False),
            )
            for subject, predicate, obj in self._triples
            if not ground or not any(isinstance(term, ox.BlankNode) for term in (subject, obj))
        }

    def rdf_12(self) -> bool:
        """Whether RDF 1.2 terms occur: a triple term (also what annotations and reifiers
        make) or a literal with a base direction."""
        return any(
            isinstance(term, ox.Triple) or (isinstance(term, ox.Literal) and term.direction)
            for triple in self._triples
            for term in triple
        )

    def blank_labels(self) -> set[str]:
        """The labels of the blank nodes (the engine keeps those written as ``_:label``)."""
        if self._blanks is None:
            blank = ox.BlankNode
            self._blanks = {
                term.value for triple in self._triples for term in triple if type(term) is blank
            }
        return set(self._blanks)

    def rdflib_triples(self, blank_prefix: str) -> Iterator[tuple[Node, Node, Node]]:
        """The triples as rdflib terms, in the engine's order (typed literals exactly as
        written), blank node ``_:x`` as ``<blank_prefix>x``; only for triples without RDF 1.2
        terms (:meth:`rdf_12`). IRIs are made once each. Remembers ``blank_prefix`` for
        :meth:`quads`."""
        self.blank_prefix = blank_prefix
        iris: dict[str, Node] = {}
        blanks: dict[str, Node] = {}
        named, blank_node = ox.NamedNode, ox.BlankNode

        def convert(term: Any) -> Node:
            kind = type(term)
            if kind is named:
                found = iris.get(term.value)
                if found is None:
                    found = iris[term.value] = URIRef(term.value)
                return found
            if kind is blank_node:
                found = blanks.get(term.value)
                if found is None:
                    found = blanks[term.value] = BNode(blank_prefix + term.value)
                return found
            return to_rdflib(term, normalize=False)

        for subject, predicate, obj in self._triples:
            yield convert(subject), convert(predicate), convert(obj)

    def quads(self) -> list[ox.Quad]:
        """The triples as quads of the default graph, blank nodes named as
        :meth:`rdflib_triples` named them (so they are those of the rdflib graph made of them,
        as :class:`~server.store.terms.ToOxigraph` would convert it)."""
        read = list(self._triples.values())
        if not self.blank_labels() and all(quad is not None for quad in read):
            return read  # the engine's own quads, as it read them
        blanks: dict[Any, Any] = {}
        blank, quad, default = ox.BlankNode, ox.Quad, ox.DefaultGraph()

        def rename(node: Any) -> Any:
            found = blanks.get(node)
            if found is None:
                found = blanks[node] = blank(self.blank_prefix + node.value)
            return found

        return [
            quad(
                rename(s) if type(s) is blank else s,
                p,
                rename(o) if type(o) is blank else o,
                default,
            )
            for s, p, o in self._triples
        ]


def turtle_triples(data: bytes) -> EngineTriples:
    """The triples of the Turtle ``data`` (and its prefixes), or :class:`RdfSyntaxError`."""
    try:
        parser = ox.parse(data, format=ox.RdfFormat.TURTLE)
        triples = {(quad.subject, quad.predicate, quad.object): quad for quad in parser}
    except SyntaxError as error:
        raise _syntax_error(error) from None
    return EngineTriples(triples, parser.prefixes)


def read_turtle(data: bytes, blank_prefix: str) -> list[Triple]:
    """The distinct triples of the Turtle ``data`` as engine terms, in file order, or
    :class:`RdfSyntaxError`. Blank nodes are named ``<blank_prefix><n>``, numbered in the order
    they first appear: the same bytes always give the same names, and two files with different
    prefixes never share a blank node. Checks only the grammar pyoxigraph reads (RDF 1.2
    included): the build keeps :func:`turtle_triples` and its own parser for the rest."""
    blank = ox.BlankNode
    names: dict[Term, Term] = {}

    def rename(node: Term) -> Term:
        new = names.get(node)
        if new is None:
            new = names[node] = blank(f"{blank_prefix}{len(names)}")
        return new

    triples: dict[Triple, None] = {}
    try:
        for quad in ox.parse(data, format=ox.RdfFormat.TURTLE):
            subject = quad.subject
            obj = quad.object
            if type(subject) is blank:
                subject = rename(subject)
            if type(obj) is blank:
                obj = rename(obj)
            triples[(subject, quad.predicate, obj)] = None
    except SyntaxError as error:
        raise _syntax_error(error) from None
    return list(triples)


def to_ntriples(triples: Iterable[Triple]) -> str:
    """``triples`` (engine terms) as N-Triples, one line each, sorted (a stable text)."""
    return "".join(sorted(f"{ox.Triple(*triple)} .\n" for triple in triples))


def from_ntriples(text: str) -> list[Triple]:
    """The triples of N-Triples ``text`` as engine terms, blank node labels kept."""
    return [
        (quad.subject, quad.predicate, quad.object)
        for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    ]


def _syntax_error(error: SyntaxError) -> RdfSyntaxError:
    raw = str(error.msg)
    match = _ERROR_AT.match(raw)
    if match is None:  # pragma: no cover - other pyoxigraph wording
        return RdfSyntaxError(error.lineno or 1, error.offset or 1, raw, spans_lines=False)
    return RdfSyntaxError(
        int(match["l1"] or match["l3"]),
        int(match["c1"] or match["c2"] or match["c3"]),
        match["msg"],
        spans_lines=match["l3"] is not None,
    )
