"""An rdflib graph copied into an in-memory pyoxigraph store, for many SELECT queries.

Validation's fast path (:mod:`server.build.validation.batch`) runs the shapes' SPARQL
constraints here: the engine answers them in a fraction of rdflib's time. Solutions come back
as the graph's own rdflib terms (blank nodes included), so callers compare them with the graph.

:meth:`ScratchGraph.select_tested` evaluates a query's ``FILTER [NOT] EXISTS`` groups once for
all its solutions (:class:`ExistsTest`): the engine evaluates such a group once per solution,
with a plan made without knowing which variables the solution binds, so a group that joins two
patterns scans one of them in full for every solution (0.35 s for 1,000 projects, against a
few milliseconds this way).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from server.store.syntax import EngineTriples
from server.store.terms import ToOxigraph, to_rdflib

__all__ = ["ExistsTest", "ScratchGraph", "check_select", "ntriples"]


@dataclass(frozen=True)
class ExistsTest:
    """``FILTER EXISTS { group }`` (``negated``: ``FILTER NOT EXISTS``) of a query whose
    solutions bind ``variables`` (the query's variables that ``group`` mentions); ``prologue``:
    the query's prefixes, which ``group`` may use."""

    negated: bool
    variables: tuple[str, ...]
    group: str
    prologue: str


class ScratchGraph:
    """The union of ``kept`` and ``graphs`` (rdflib graphs, or the engine's triples of a file
    whose graph was made of them) in the engine (see the module docstring). The quads of the
    ``kept`` graphs (the reference data, which stays the same) are kept for the
    next copy, up to 64 graphs; a ``kept`` graph may also be given as the N-Triples text of
    :func:`ntriples` (which a new process reads faster than it converts a graph)."""

    def __init__(
        self, kept: Sequence[Graph | bytes], graphs: Sequence[Graph | EngineTriples] = ()
    ) -> None:
        self._store = ox.Store()
        for graph in kept:
            if isinstance(graph, bytes):  # as :func:`ntriples` wrote it
                self._store.bulk_load(graph, format=ox.RdfFormat.N_TRIPLES)
            else:
                self._store.bulk_extend(_quads(graph))
        for source in graphs:
            if isinstance(source, EngineTriples):  # as the engine read them: no conversion
                self._store.bulk_extend(source.quads())
            else:
                self._store.bulk_extend(ToOxigraph().quads(source, None))
        self._convert = ToOxigraph()

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        failing: frozenset[str] = frozenset(),
    ) -> Iterator[dict[str, Node]]:
        """The solutions of the SELECT query ``sparql``, each variable's value as an rdflib
        term; ``bindings`` are substituted for their variables before evaluation; a call of a
        function named in ``failing`` (IRIs) is an error, as in an engine that does not know
        it (also a cast the engine knows, such as ``xsd:date``)."""
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): self._convert.term(value) for name, value in (bindings or {}).items()
        }
        solutions = self._store.query(
            sparql, substitutions=substitutions or None, custom_functions=_failing(failing)
        )
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}

    def select_tested(
        self,
        sparql: str,
        tests: Sequence[ExistsTest],
        hidden: frozenset[str] = frozenset(),
        *,
        failing: frozenset[str] = frozenset(),
    ) -> list[dict[str, Node]] | None:
        """The solutions of ``sparql`` for which every one of ``tests`` holds, as
        :meth:`select` gives them but without the variables ``hidden``: the same solutions as
        ``sparql`` with the tests as filters of its outer group, where each test is evaluated
        once for the distinct values of its variables in all solutions (joined with them in a
        ``VALUES`` block, as the engine joins a solution with an ``EXISTS`` group). ``None``
        when a value cannot be written in a query (a blank node, a triple term, a literal with
        a base direction): the caller then runs the query with the filters in place.
        ``failing``: as for :meth:`select`."""
        functions = _failing(failing)
        solutions = self._store.query(sparql, custom_functions=functions)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows: list[tuple[Any, ...]] = [tuple(s[name] for name in names) for s in solutions]
        for test in tests:
            if not rows:
                break
            where = [names.index(v) if v in names else None for v in test.variables]
            keys: dict[tuple[Any, ...], int] = {}
            for row in rows:
                keys.setdefault(tuple(None if i is None else row[i] for i in where), len(keys))
            if not all(_writable(term) for key in keys for term in key):
                return None
            holds = self._holds(test, keys, functions)
            rows = [
                row
                for row in rows
                if (keys[tuple(None if i is None else row[i] for i in where)] in holds)
                is not test.negated
            ]
        shown = [(i, name) for i, name in enumerate(names) if name not in hidden]
        return [
            {name: to_rdflib(row[i]) for i, name in shown if row[i] is not None} for row in rows
        ]

    def _holds(
        self, test: ExistsTest, keys: dict[tuple[Any, ...], int], functions: _Functions
    ) -> set[int]:
        """The numbers of the ``keys`` (values of the test's variables) for which the test's
        group has a solution."""
        row = "row"
        while re.search(rf"[?$]{row}\b", test.group):
            row += "_"
        variables = " ".join(f"?{v}" for v in (row, *test.variables))
        values = " ".join(
            "(" + " ".join([str(n), *("UNDEF" if t is None else str(t) for t in key)]) + ")"
            for key, n in keys.items()
        )
        query = (
            f"{test.prologue}\nSELECT DISTINCT ?{row} WHERE {{\n"
            f"VALUES ({variables}) {{ {values} }}\n{test.group}\n}}"
        )
        solutions = self._store.query(query, custom_functions=functions)
        assert isinstance(solutions, ox.QuerySolutions)
        return {int(s[row].value) for s in solutions}


_Functions = dict[ox.NamedNode, Any] | None


def _failing(iris: frozenset[str]) -> _Functions:
    """The engine's custom functions that make a call of each of ``iris`` an error."""
    return {ox.NamedNode(iri): _error for iri in iris} or None


def _error(*_arguments: object) -> None:
    """A function without a value (the engine counts the call as an error)."""
    return None


def _writable(term: object) -> bool:
    """Whether ``term`` (a solution's value, or ``None``) can be written in a query."""
    if term is None or isinstance(term, ox.NamedNode):
        return True
    return isinstance(term, ox.Literal) and not term.direction


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


def ntriples(graph: Graph) -> bytes:
    """``graph`` as N-Triples, its terms as :class:`ScratchGraph` converts them (blank nodes
    keep their labels)."""
    quads = ToOxigraph().quads(graph, None)  # not kept: the text is
    return "".join(f"{quad.triple} .\n" for quad in quads).encode("utf-8")


def check_select(sparql: str, failing: frozenset[str] = frozenset()) -> bool:
    """Whether the engine reads ``sparql`` as a SELECT query (``failing``: as for
    :meth:`ScratchGraph.select`)."""
    try:
        solutions = ox.Store().query(sparql, custom_functions=_failing(failing))
        return isinstance(solutions, ox.QuerySolutions)
    except (SyntaxError, ValueError, RuntimeError):
        return False
