"""The ontology, the context's data files and the validated files as one graph, not copied.

Validating one file needs everything else too: its shapes look at the goals, municipalities
and projects it points at, and the ownership and reuse rules at who describes what. Copying
all of it into one merged graph cost more than the rest of the validation at 100,000 projects
(1.4 million triples, added one by one, for every validation). :class:`UnionStore` answers
from the graphs themselves: a pattern whose subject is known asks only the files that describe
that subject (:class:`~.datafiles.DataFiles`) and the ontology; any other pattern asks every
graph. Each triple is given once, as a merged graph would.

It is read-only, and meant for a few validated files against a large context: with many files
validated at once (a full build) a copy is faster, since most patterns then touch most graphs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from rdflib import Graph, URIRef
from rdflib.store import Store
from rdflib.term import Node

from server.build.validation.datafiles import DataFiles

__all__ = ["UnionStore", "union_graph"]

_Pattern = tuple[Node | None, Node | None, Node | None]
_Triple = tuple[Node, Node, Node]


class UnionStore(Store):
    """A read-only rdflib store over ``fixed`` graphs (always asked) and ``files`` (asked by
    subject when the subject is known)."""

    def __init__(self, fixed: Sequence[Graph], files: DataFiles) -> None:
        super().__init__()
        self._fixed = tuple(fixed)
        self._files = files
        self._prefixes: dict[str, URIRef] = {}
        self._length: int | None = None

    def _graphs(self, subject: Node | None) -> list[Graph]:
        if subject is None:
            return [*self._fixed, *(f.graph for f in self._files.files)]
        return [*self._fixed, *(f.graph for f in self._files.describing(subject))]

    def triples(
        self, triple_pattern: _Pattern, context: Any = None
    ) -> Iterator[tuple[_Triple, Iterator[Any]]]:
        """Every triple of the union that matches ``triple_pattern``, once."""
        graphs = self._graphs(triple_pattern[0])
        if len(graphs) == 1:
            for triple in graphs[0].triples(triple_pattern):
                yield triple, iter(())
            return
        seen: set[_Triple] = set()
        for graph in graphs:
            for triple in graph.triples(triple_pattern):
                if triple not in seen:
                    seen.add(triple)
                    yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        """The number of distinct triples (counted once, when first asked)."""
        if self._length is None:
            self._length = sum(1 for _ in self.triples((None, None, None)))
        return self._length

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        """Bind ``prefix`` (kept here: the graphs themselves are not changed)."""
        if override or prefix not in self._prefixes:
            self._prefixes[prefix] = namespace

    def namespace(self, prefix: str) -> URIRef | None:
        """The namespace bound to ``prefix``."""
        return self._prefixes.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        """A prefix bound to ``namespace``."""
        return next((p for p, n in self._prefixes.items() if n == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        """Every binding."""
        yield from self._prefixes.items()


def union_graph(fixed: Sequence[Graph], files: DataFiles) -> Graph:
    """:class:`UnionStore` as an rdflib graph."""
    return Graph(store=UnionStore(fixed, files))
