"""The OWL 2 RL closure of one source file against the schema and the context (:mod:`.rules`).

A file's closure holds every triple the compiled rules entail from the file's triples, given
the schema and the closure of the *context* (every fact whose predicate is a context predicate,
from all files; :func:`context_closure`). The union of the closures of all files and of the
context is the closure of everything (the argument is in :mod:`.rules`); the inferred graph is
its useful part (:class:`Usefulness`) less what any inference source asserts.

Terms are the engine's (:mod:`server.store.terms`); nothing here converts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes

from server.build.inference import RDFS_NS, TERM_PREDICATES
from server.build.rules import Rules, is_meta
from server.store.terms import Term, Triple, iri, is_blank, is_literal, literal_parts, term_value

__all__ = [
    "Closure",
    "Context",
    "Usefulness",
    "context_closure",
    "disjointness_message",
    "file_closure",
    "ill_typed",
]

#: predicate → subject → objects: the context's facts, for joins.
Index = dict[Term, dict[Term, set[Term]]]
_CHECKED_DATATYPES = {str(datatype): datatype for datatype in OWL_RL_Datatypes}


class Context:
    """The closure of the context facts: its triples and their index by predicate."""

    def __init__(self, triples: set[Triple], type_predicate: Term) -> None:
        self.triples = triples
        self.index: Index = defaultdict(lambda: defaultdict(set))
        for subject, predicate, obj in triples:
            if predicate != type_predicate:
                self.index[predicate][subject].add(obj)


def context_closure(rules: Rules, facts: Iterable[Triple]) -> Context:
    """The closure of ``facts`` (the triples with a context predicate, from every file)."""
    known = set(facts)
    while True:
        context = Context(known, rules.vocabulary.type)
        entailed = file_closure(rules, context, known)
        if entailed <= known:
            return context
        known |= entailed


def file_closure(rules: Rules, context: Context, triples: Iterable[Triple]) -> set[Triple]:
    """Every triple the rules entail from ``triples`` with the context (``triples`` themselves
    only where they are entailed again)."""
    closure = Closure(rules)
    closure.add(triples)
    closure.follow(context)
    return closure.out


class Closure:
    """Entailed triples (:attr:`out`): :meth:`add` applies the rules with one premise (table
    lookups) to some facts and queues the facts that may start a chain; :meth:`follow` then
    follows those chains through the context. Facts may be added in several parts (files)
    before the context is known."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.type = rules.vocabulary.type
        self.out: set[Triple] = set()
        #: Facts that may start a chain (prp-spo2, prp-trp).
        self.starts: list[Triple] = []

    def add(self, triples: Iterable[Triple]) -> None:
        """Apply the single-premise rules to ``triples`` (queueing chain starts)."""
        rules = self.rules
        supers = rules.supers
        active = rules.active
        out = self.out
        kind = self.type
        for subject, predicate, obj in triples:
            if predicate == kind:
                for cls in supers.get(obj, ()):
                    out.add((subject, kind, cls))
            elif predicate in active:
                self.edge(subject, predicate, obj)

    def follow(self, context: Context) -> None:
        """Follow every queued chain start through ``context`` (and what that entails)."""
        while self.starts:
            self.chain(self.starts.pop(), context.index)

    def edge(self, subject: Term, predicate: Term, obj: Term) -> None:
        """The types, super-properties and inverses of one fact (prp-dom, prp-rng, cax-sco,
        prp-spo1, prp-eqp, prp-inv, prp-symp); facts that may start a chain are queued."""
        rules = self.rules
        out = self.out
        kind = self.type
        literal = is_literal(obj)
        for cls in rules.subject_types.get(predicate, ()):
            out.add((subject, kind, cls))
        if not literal:
            for cls in rules.object_types.get(predicate, ()):
                out.add((obj, kind, cls))
        chains = rules.chains
        for entailed, reverse in rules.consequences.get(predicate, ()):
            if reverse:
                if literal:
                    continue  # a literal subject: owlrl entails it, the filter drops it
                triple = (obj, entailed, subject)
            else:
                triple = (subject, entailed, obj)
            if triple not in out:
                out.add(triple)
                if entailed in chains:
                    self.starts.append(triple)
        if predicate in chains:
            self.starts.append((subject, predicate, obj))

    def chain(self, start: Triple, index: Index) -> None:
        """prp-spo2 (and prp-trp, a chain of two) from ``start`` through the context."""
        subject, predicate, obj = start
        for rest, entailed in self.rules.chains[predicate]:
            ends = {obj}
            for step in rest:
                links = index.get(step)
                ends = {z for y in ends for z in links.get(y, ())} if links else set()
                if not ends:
                    break
            for end in ends:
                triple = (subject, entailed, end)
                if triple not in self.out:
                    self.out.add(triple)
                    self.edge(subject, entailed, end)


class Usefulness:
    """Which entailed triples are kept (rules 2-6 of :mod:`server.build.inference`): not about a
    term, not schema, not a type from the RDF/RDFS/OWL/XSD vocabularies."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.type = rules.vocabulary.type
        self.term_predicates = frozenset(iri(name) for name in TERM_PREDICATES)
        self.resource = iri(RDFS_NS + "Resource")
        self._classes: dict[Term, bool] = {}
        self._subjects: dict[Term, bool] = {}

    def __call__(self, triple: Triple) -> bool:
        subject, predicate, obj = triple
        if predicate in self.term_predicates:
            return False
        if predicate == self.type:
            keep = self._classes.get(obj)
            if keep is None:
                keep = self._classes[obj] = not (is_meta(obj) or obj == self.resource)
            if not keep:
                return False
        terms = self.rules.terms
        if subject in terms:
            return False
        meta = self._subjects.get(subject)
        if meta is None:
            meta = self._subjects[subject] = is_meta(subject)
        return not meta and not (is_blank(obj) and obj in terms)


def disjointness_message(first: Term, second: Term, node: Term) -> str:
    """owlrl's message for a node of two disjoint classes (cax-dw, cax-adc)."""
    return f"Disjoint classes {_plain(first)} and {_plain(second)} have a common individual " + (
        _plain(node)
    )


def ill_typed(literals: Iterable[Term]) -> list[str]:
    """owlrl's messages (dt-not-type) for the literals whose lexical form does not fit their
    OWL 2 RL datatype, sorted."""
    messages = set()
    for literal in literals:
        if not is_literal(literal):
            continue
        lexical, datatype, _language = literal_parts(literal)
        if datatype is None or datatype not in _CHECKED_DATATYPES:
            continue
        convert = AltXSDToPYTHON.get(_CHECKED_DATATYPES[datatype])
        try:
            if convert is not None:
                convert(lexical)
        except ValueError:
            messages.add(
                f"Lexical value of the literal '{lexical}' does not match its datatype ({datatype})"
            )
    return sorted(messages)


def _plain(node: Term) -> str:
    """A node as owlrl writes it: the IRI or blank node label."""
    return term_value(node)
