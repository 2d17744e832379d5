"""What changed between two versions of a contribution: the triples added and removed.

Blank nodes are compared by their place in the graph (:func:`rdflib.compare.graph_diff`), not
by their labels, so rewriting a file without changing its meaning shows no change. Triples are
written as in Turtle, with the usual prefixes, in a stable order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import NamespaceManager

from server.build.turtle import TurtleSyntaxError, parse_turtle_bytes
from server.rdf.namespaces import query_prefixes

__all__ = ["Diff", "triple_diff"]


@dataclass(frozen=True)
class Diff:
    """The triples (as Turtle lines) that the newer version added and removed."""

    added: tuple[str, ...]
    removed: tuple[str, ...]


def _graph(data: bytes | None) -> Graph:
    if data is None:
        return Graph()
    try:
        return parse_turtle_bytes(data, Path("versie.ttl")).graph
    except TurtleSyntaxError:
        return Graph()


def _lines(graph: Graph, names: NamespaceManager) -> tuple[str, ...]:
    return tuple(sorted(" ".join(term.n3(names) for term in triple) + " ." for triple in graph))


def triple_diff(old: bytes | None, new: bytes | None) -> Diff:
    """The triples added and removed from version ``old`` to ``new`` (``None``: no content)."""
    _, removed, added = graph_diff(to_isomorphic(_graph(old)), to_isomorphic(_graph(new)))
    names = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in query_prefixes().items():
        names.bind(prefix, URIRef(namespace))
    return Diff(_lines(added, names), _lines(removed, names))
