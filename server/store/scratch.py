"""An rdflib graph copied into an in-memory pyoxigraph store, for many SELECT queries.

Validation's fast path (:mod:`server.build.validation.batch`) runs the shapes' SPARQL
constraints here: the engine answers them in a fraction of rdflib's time. Solutions come back
as the graph's own rdflib terms (blank nodes included), so callers compare them with the graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from server.store.terms import ToOxigraph, to_rdflib

__all__ = ["ScratchGraph", "check_select"]


class ScratchGraph:
    """``graph`` in the engine (see the module docstring)."""

    def __init__(self, graph: Graph) -> None:
        convert = ToOxigraph()
        self._store = ox.Store()
        self._back: dict[object, Node] = {}
        quads = []
        for triple in graph:
            terms = [convert.term(node) for node in triple]
            for node, term in zip(triple, terms, strict=True):
                self._back.setdefault(term, node)
            quads.append(ox.Quad(terms[0], terms[1], terms[2], ox.DefaultGraph()))  # type: ignore[arg-type]
        self._store.bulk_extend(quads)
        self._convert = convert

    def select(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> Iterator[dict[str, Node]]:
        """The solutions of the SELECT query ``sparql``, each variable's value as an rdflib
        term; ``bindings`` are substituted for their variables before evaluation."""
        options = {}
        if bindings:
            options["substitutions"] = {
                ox.Variable(name): self._convert.term(value) for name, value in bindings.items()
            }
        solutions = self._store.query(sparql, **options)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = self._back.get(term) or to_rdflib(term)
            yield row


def check_select(sparql: str) -> bool:
    """Whether the engine reads ``sparql`` as a SELECT query."""
    try:
        return isinstance(ox.Store().query(sparql), ox.QuerySolutions)
    except (SyntaxError, ValueError, RuntimeError):
        return False
