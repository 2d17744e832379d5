"""The build's inference: the useful OWL 2 RL entailments of the sources, file by file.

The inferred graph is the useful part (:class:`~server.build.closure.Usefulness`) of the
closures of all inference sources (the ontology and the data) and of the context
(:mod:`server.build.closure`), less every triple an inference source asserts: exactly what
owlrl gives (:mod:`server.build.inference`, the reference; the tests compare the two).

- :class:`Inference` holds the rules compiled from the schema and the context closure, and gives
  the inferred triples of one file (:meth:`Inference.of_file`).
- :class:`Accumulator` is the full build's way: files are added as they are parsed, before the
  context is known (the rules with one premise need only the schema); :meth:`Accumulator.finish`
  follows the chains through the context at the end.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.build.closure import (
    Closure,
    Context,
    Usefulness,
    context_closure,
    disjointness_message,
    file_closure,
    ill_typed,
)
from server.build.rules import Rules, Vocabulary, compile_rules, is_schema
from server.store.terms import Term, Triple, is_literal
from server.store.writer import VersionWriter

__all__ = [
    "Accumulator",
    "Inference",
    "Parts",
    "infer_all",
    "literals_of",
    "messages_of",
    "not_asserted",
]


class Parts:
    """Splits a file's triples into what other files' inference depends on."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._memo: dict[Term, bool] = {}

    def schema(self, triples: Iterable[Triple]) -> list[Triple]:
        """The triples that state axioms or declare terms (:func:`~.rules.is_schema`)."""
        vocabulary = self.rules.vocabulary
        return [t for t in triples if is_schema(t, vocabulary, self._memo)]

    def context(self, triples: Iterable[Triple]) -> list[Triple]:
        """The facts with a context predicate."""
        predicates = self.rules.context_predicates
        return [t for t in triples if t[1] in predicates]


def literals_of(triples: Iterable[Triple]) -> set[Term]:
    """The literals of ``triples`` (for owlrl's datatype messages)."""
    return {obj for _s, _p, obj in triples if is_literal(obj)}


class Inference:
    """Rules, context and filter for the inferred triples of single files."""

    def __init__(self, rules: Rules, context_facts: Iterable[Triple]) -> None:
        self.rules = rules
        self.context: Context = context_closure(rules, context_facts)
        self.useful = Usefulness(rules)
        self._sources: dict[Term, set[Term]] = {}
        for links in self.context.index.values():
            for subject, objects in links.items():
                for obj in objects:
                    self._sources.setdefault(obj, set()).add(subject)

    def linked(self, node: Term) -> set[Term]:
        """``node`` and every node from which the context leads to it: a file that entails a
        triple about ``node`` mentions one of them."""
        found = {node}
        todo = [node]
        while todo:
            for source in self._sources.get(todo.pop(), ()):
                if source not in found:
                    found.add(source)
                    todo.append(source)
        return found

    def of_context(self) -> set[Triple]:
        """The useful triples of the context's closure (they belong to no file)."""
        return {t for t in self.context.triples if self.useful(t)}

    def of_file(self, triples: list[Triple]) -> set[Triple]:
        """The useful triples entailed by one file that the file does not assert itself."""
        own = set(triples)
        useful = self.useful
        return {
            t for t in file_closure(self.rules, self.context, triples) if t not in own and useful(t)
        }


class Accumulator:
    """The inferred triples of a full build, collected while the files are parsed."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.useful = Usefulness(rules)
        self.parts = Parts(rules)
        self.candidates: set[Triple] = set()
        self.starts: list[Triple] = []
        self.schema: list[Triple] = []
        self.context_facts: list[Triple] = []

    def add_file(self, triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
        """Apply the single-premise rules to one file; its schema triples and context facts."""
        closure = Closure(self.rules)
        closure.add(triples)
        own = set(triples)
        useful = self.useful
        self.candidates.update(t for t in closure.out if t not in own and useful(t))
        self.starts.extend(closure.starts)
        schema, context = self.parts.schema(triples), self.parts.context(triples)
        self.schema += schema
        self.context_facts += context
        return schema, context

    def finish(self) -> set[Triple]:
        """Follow the chains through the context: every useful entailed triple (some of them
        asserted by another file: see :func:`not_asserted`)."""
        inference = Inference(self.rules, self.context_facts)
        closure = Closure(self.rules)
        closure.starts = self.starts
        closure.follow(inference.context)
        useful = self.useful
        self.candidates.update(t for t in closure.out if useful(t))
        self.candidates |= inference.of_context()
        return self.candidates


def infer_all(files: list[list[Triple]]) -> tuple[set[Triple], list[str]]:
    """What a full build infers from the inference sources ``files`` (each the triples of one
    file) and owlrl's messages, computed in memory, for tests and benchmarks (for axioms within
    the compiled rules: see :attr:`~.rules.Rules.unsupported`)."""
    vocabulary = Vocabulary()
    memo: dict[Term, bool] = {}
    rules = compile_rules(
        [t for f in files for t in f if is_schema(t, vocabulary, memo)], vocabulary
    )
    accumulator = Accumulator(rules)
    literals: set[Term] = set()
    for triples in files:
        accumulator.add_file(triples)
        literals |= literals_of(triples)
    asserted = {t for f in files for t in f}
    inferred = {t for t in accumulator.finish() if t not in asserted}
    kind = rules.vocabulary.type
    classes = {c for pair in rules.disjoint for c in pair}
    members: dict[Term, set[Term]] = {c: set() for c in classes}
    for subject, predicate, obj in (*asserted, *inferred):
        if predicate == kind and obj in members:
            members[obj].add(subject)
    messages = set(ill_typed(literals))
    for first, second in rules.disjoint:
        for node in members[first] & members[second]:
            messages.add(disjointness_message(first, second, node))
    return inferred, sorted(messages)


def not_asserted(
    candidates: Iterable[Triple],
    asserted: set[int],
    writer: VersionWriter,
    sources: frozenset[str],
) -> list[Triple]:
    """The ``candidates`` that no inference source asserts. ``asserted`` holds the hashes of
    every asserted triple; only a candidate whose hash is among them is looked up in
    ``writer`` (the graphs of ``sources``)."""
    return [
        triple
        for triple in candidates
        if hash(triple) not in asserted or not writer.graphs_holding(triple) & sources
    ]


def messages_of(rules: Rules, writer: VersionWriter, literal_messages: Iterable[str]) -> list[str]:
    """owlrl's inconsistency messages for the written version: nodes of two disjoint classes
    (asserted or inferred types) and ill-typed literals; sorted."""
    found = set(literal_messages)
    kind = rules.vocabulary.type
    for first, second in rules.disjoint:
        for node in writer.common_subjects((kind, first), (kind, second)):
            found.add(disjointness_message(first, second, node))
    return sorted(found)
