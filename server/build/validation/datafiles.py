"""The data files of one validation, indexed for the rules that look across files.

The reused-IRI rule (:mod:`.reuse`) asks which other files give a resource a type, and the
ownership rule (:mod:`.ownership`) which other files describe a node or state a triple. Asked
of every file in turn, walking all the others each time, that grows with the square of the
number of files (a build of 2,000 contributions spent most of its time there). So the files are
indexed once, by the subjects each describes and the subjects each gives a type, and each
question looks only at the files the index names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Node

__all__ = ["DataFile", "DataFiles", "Others"]


@dataclass(frozen=True)
class DataFile:
    """A data file: its path relative to the project root and its triples."""

    relpath: str
    graph: Graph


class DataFiles:
    """Every data file of a validation, in order (the context's, then the validated ones),
    with indexes made when first needed."""

    def __init__(self, files: Sequence[DataFile]) -> None:
        self.files = tuple(files)
        self._described: dict[Node, list[int]] | None = None
        self._typed: dict[Node, list[int]] | None = None

    def without(self, graph: Graph) -> Others:
        """The files other than the one whose triples are ``graph``."""
        return Others(self, graph)

    def describing(self, node: Node) -> list[DataFile]:
        """The files in which ``node`` is a subject, in order."""
        if self._described is None:
            self._described = self._index(lambda graph: graph.subjects(unique=True))
        return [self.files[i] for i in self._described.get(node, ())]

    def typing(self, node: Node) -> list[DataFile]:
        """The files that give ``node`` a type, in order."""
        if self._typed is None:
            self._typed = self._index(lambda graph: graph.subjects(RDF.type, unique=True))
        return [self.files[i] for i in self._typed.get(node, ())]

    def _index(self, subjects: Callable[[Graph], Iterable[Node]]) -> dict[Node, list[int]]:
        index: dict[Node, list[int]] = {}
        for number, file in enumerate(self.files):
            for subject in subjects(file.graph):
                index.setdefault(subject, []).append(number)
        return index


class Others:
    """The data files besides one (:meth:`DataFiles.without`)."""

    def __init__(self, files: DataFiles, own: Graph) -> None:
        self._files = files
        self._own = own

    def describing(self, node: Node) -> list[DataFile]:
        """The other files in which ``node`` is a subject, in order."""
        return [f for f in self._files.describing(node) if f.graph is not self._own]

    def typing(self, node: Node) -> list[DataFile]:
        """The other files that give ``node`` a type, in order."""
        return [f for f in self._files.typing(node) if f.graph is not self._own]

    def state(self, triple: tuple[Node, Node, Node]) -> bool:
        """Whether another file states ``triple``."""
        return any(triple in f.graph for f in self.describing(triple[0]))
