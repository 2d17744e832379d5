"""An rdflib graph copied into an in-memory pyoxigraph store, for many SELECT queries.

Validation's fast path (:mod:`server.build.validation.batch`) runs the shapes' SPARQL
constraints here: the engine answers them in a fraction of rdflib's time. Solutions come back
as the graph's own rdflib terms (blank nodes included), so callers compare them with the graph.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from server.store.syntax import EngineTriples
from server.store.terms import ToOxigraph, to_rdflib

__all__ = ["ScratchGraph", "check_select"]


class ScratchGraph:
    """The union of ``kept`` and ``graphs`` (rdflib graphs, or the engine's triples of a file
    whose graph was made of them) in the engine (see the module docstring). The quads of the
    ``kept`` graphs (the reference data, which stays the same) are kept for the
    next copy, up to 64 graphs."""

    def __init__(self, kept: Sequence[Graph], graphs: Sequence[Graph | EngineTriples] = ()) -> None:
        self._store = ox.Store()
        for graph in kept:
            self._store.bulk_extend(_quads(graph))
        for source in graphs:
            if isinstance(source, EngineTriples):  # as the engine read them: no conversion
                self._store.bulk_extend(source.quads())
            else:
                self._store.bulk_extend(ToOxigraph().quads(source, None))
        self._convert = ToOxigraph()

    def select(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> Iterator[dict[str, Node]]:
        """The solutions of the SELECT query ``sparql``, each variable's value as an rdflib
        term; ``bindings`` are substituted for their variables before evaluation."""
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): self._convert.term(value) for name, value in (bindings or {}).items()
        }
        solutions = self._store.query(sparql, substitutions=substitutions or None)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}


#: Converted graphs: id -> (the graph, its length then, its quads), oldest first.
_QUADS: OrderedDict[int, tuple[Graph, int, list[ox.Quad]]] = OrderedDict()
_QUADS_MAX = 64
_LOCK = threading.Lock()


def _quads(graph: Graph) -> list[ox.Quad]:
    """``graph``'s triples as quads of the default graph (blank nodes keep their labels, so
    the same blank node in two graphs stays one)."""
    with _LOCK:  # the web app validates in several threads
        cached = _QUADS.get(id(graph))
        if cached is not None and cached[0] is graph and cached[1] == len(graph):
            _QUADS.move_to_end(id(graph))
            return cached[2]
    quads = list(ToOxigraph().quads(graph, None))
    with _LOCK:
        _QUADS[id(graph)] = (graph, len(graph), quads)
        while len(_QUADS) > _QUADS_MAX:
            _QUADS.popitem(last=False)
    return quads


def check_select(sparql: str) -> bool:
    """Whether the engine reads ``sparql`` as a SELECT query."""
    try:
        return isinstance(ox.Store().query(sparql), ox.QuerySolutions)
    except (SyntaxError, ValueError, RuntimeError):
        return False
