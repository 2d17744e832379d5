"""RDF terms between rdflib (the rest of the code) and pyoxigraph (the embedded engine).

The build also works on the engine's terms directly (:data:`Term`: hashable, equal by value), so
that a million triples need no conversion; outside this package they are opaque objects, made
by :func:`iri` and looked at only through the functions below.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from server.store import InvalidRequest

__all__ = [
    "Term",
    "ToOxigraph",
    "Triple",
    "graph_name",
    "iri",
    "is_blank",
    "is_iri",
    "is_literal",
    "literal_parts",
    "term_value",
    "to_rdflib",
]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: A term of the engine (IRI, blank node or literal); opaque outside ``server.store``.
Term: TypeAlias = Any
#: A triple of engine terms.
Triple: TypeAlias = tuple[Any, Any, Any]


def iri(value: str) -> Term:
    """The engine's term for the IRI ``value`` (:class:`ValueError` when it is not one)."""
    return ox.NamedNode(value)


def is_iri(term: Term) -> bool:
    """Whether ``term`` is an IRI."""
    return type(term) is ox.NamedNode


def is_blank(term: Term) -> bool:
    """Whether ``term`` is a blank node."""
    return type(term) is ox.BlankNode


def is_literal(term: Term) -> bool:
    """Whether ``term`` is a literal."""
    return type(term) is ox.Literal


def term_value(term: Term) -> str:
    """The IRI of an IRI, the label of a blank node, the lexical form of a literal."""
    return str(term.value)


def literal_parts(term: Term) -> tuple[str, str | None, str | None]:
    """A literal's lexical form, datatype IRI (``None`` for a plain or language-tagged string,
    as in RDF 1.0 and rdflib) and language tag."""
    datatype = term.datatype.value
    if term.language or datatype in (_XSD_STRING, _RDF_LANG_STRING):
        return term.value, None, term.language
    return term.value, datatype, None


class ToOxigraph:
    """Converts rdflib terms to pyoxigraph terms, keeping blank node labels stable within one
    conversion (so a blank node shared by two graphs stays one node)."""

    def __init__(self) -> None:
        self._bnodes: dict[str, ox.BlankNode] = {}

    def term(self, node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """``node`` (an IRI, blank node or literal) as a pyoxigraph term."""
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype is not None:
                return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
            return ox.Literal(str(node))
        return self.resource(node)

    def resource(self, node: Node) -> ox.NamedNode | ox.BlankNode:
        """``node`` (an IRI or blank node: a subject) as a pyoxigraph term."""
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, BNode):
            label = str(node)
            blank = self._bnodes.get(label)
            if blank is None:
                try:
                    blank = ox.BlankNode(label)
                except ValueError:
                    blank = ox.BlankNode()
                self._bnodes[label] = blank
            return blank
        raise TypeError(f"cannot store {node!r}")

    def quads(self, graph: Graph, graph_iri: str | None) -> Iterator[ox.Quad]:
        """The triples of ``graph`` as quads in the graph named ``graph_iri`` (``None``: the
        default graph)."""
        name = ox.DefaultGraph() if graph_iri is None else ox.NamedNode(graph_iri)
        for subject, predicate, obj in graph:
            if not isinstance(predicate, URIRef):
                raise TypeError(f"cannot store {predicate!r} as a predicate")
            yield ox.Quad(
                self.resource(subject), ox.NamedNode(str(predicate)), self.term(obj), name
            )


def graph_name(iri: str) -> ox.NamedNode:
    """The graph named ``iri``; :class:`InvalidRequest` when ``iri`` is not a valid IRI."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise InvalidRequest(f"Not a valid graph IRI: <{iri}> ({error})") from error


def to_rdflib(term: object, *, normalize: bool | None = None) -> Identifier:
    """A pyoxigraph term as an rdflib term. ``normalize=False`` keeps the lexical form of a
    typed literal as written (rdflib's default, ``None``, normalises it: ``"01"`` → ``"1"``)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=normalize)
    raise TypeError(f"cannot convert {term!r}")
