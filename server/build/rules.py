"""OWL 2 RL rules compiled from the ontology's axioms, for the build's own inference.

owlrl (:mod:`server.build.inference`) is the reference: it applies every OWL 2 RL rule to every
triple until nothing changes, over the whole graph at once. The build gets the same useful
entailments per source file (:mod:`server.build.closure`) with tables compiled here from the
*schema*: the triples of the inference sources that state axioms (:func:`is_schema`).

- For each property, what one triple of it entails on its own, repeated until nothing is new:
  its super-properties (prp-spo1, prp-eqp1/2, scm-spo, scm-eqp), inverses (prp-inv1/2) and the
  reverse of a symmetric property (prp-symp) (:attr:`Rules.consequences`); and the classes its
  subject and object get (prp-dom, prp-rng, scm-dom/rng), with their super-classes
  (:attr:`Rules.subject_types`, :attr:`Rules.object_types`).
- For each class its super-classes (cax-sco, cax-eqc1/2, scm-sco, scm-eqc).
- Property chains (prp-spo2) and transitive properties (prp-trp), the only rules that join two
  facts about instances. Every premise of such a join but the first of a chain has one of the
  *context predicates* (:attr:`Rules.context_predicates`), closed so that every fact with one of
  them is entailed by facts with them; the build infers over all facts with those predicates
  once (the context) and joins each file with it. That is why a file's closure depends on the
  file, the schema and the context, and on nothing else.
- Disjoint classes (cax-dw, cax-adc): inconsistency messages, not facts.
- The *terms*: nodes the schema declares (classes, properties, lists): nothing inferred about
  them is kept (rule 6 of :mod:`server.build.inference`).

Any other axiom (``owl:sameAs``, functional or irreflexive properties, restrictions, keys,
unions, ...) is listed in :attr:`Rules.unsupported`; the build then uses owlrl itself.
"""

# long: one compiler of the OWL 2 RL tables; its passes share the schema's indexes
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from server.build.inference import (
    EXPRESSION_PREDICATES,
    META_NAMESPACES,
    OWL_NS,
    RDF_NS,
    RDFS_NS,
    TERM_PREDICATES,
    XSD_NS,
)
from server.store.terms import Term, Triple, iri, is_blank, is_iri, term_value

__all__ = ["Rules", "Vocabulary", "compile_rules", "is_meta"]


def is_meta(node: Term) -> bool:
    """Whether ``node`` is an IRI in the RDF, RDFS, OWL or XSD namespaces."""
    return is_iri(node) and term_value(node).startswith(META_NAMESPACES)


#: Axiom predicates the compiled rules understand (besides rdf:type).
_AXIOMS = (
    {RDFS_NS + name for name in ("subClassOf", "subPropertyOf", "domain", "range")}
    | {
        OWL_NS + name
        for name in (
            "equivalentClass",
            "equivalentProperty",
            "inverseOf",
            "propertyChainAxiom",
            "disjointWith",
            "members",
        )
    }
    | {RDF_NS + "first", RDF_NS + "rest"}
)
#: OWL annotations of an ontology: no rule reads them.
_ANNOTATIONS = {
    OWL_NS + name
    for name in (
        "versionIRI",
        "versionInfo",
        "imports",
        "priorVersion",
        "backwardCompatibleWith",
        "incompatibleWith",
        "deprecated",
    )
}
#: Classes of the RDF, RDFS and OWL vocabularies whose instances need no rule of their own.
_DECLARATIONS = (
    {RDFS_NS + name for name in ("Class", "Datatype", "Resource")}
    | {RDF_NS + name for name in ("Property", "List", "Statement")}
    | {
        OWL_NS + name
        for name in (
            "Class",
            "ObjectProperty",
            "DatatypeProperty",
            "AnnotationProperty",
            "OntologyProperty",
            "Ontology",
            "TransitiveProperty",
            "SymmetricProperty",
            "AllDisjointClasses",
            "NamedIndividual",
            "Thing",
            "DeprecatedClass",
            "DeprecatedProperty",
        )
    }
)


class Vocabulary:
    """The engine's terms for the IRIs the rules use (made once per compilation)."""

    def __init__(self) -> None:
        self.type = iri(RDF_NS + "type")
        self.first = iri(RDF_NS + "first")
        self.rest = iri(RDF_NS + "rest")
        self.nil = iri(RDF_NS + "nil")
        self.names = {name: iri(name) for name in _AXIOMS | _ANNOTATIONS | _DECLARATIONS}

    def __getitem__(self, name: str) -> Term:
        return self.names[name]


@dataclass
class Rules:
    """The compiled rules (see the module docstring). Keys and values are engine terms."""

    vocabulary: Vocabulary
    #: property → ((entailed property, reversed), ...), the property itself left out
    consequences: dict[Term, tuple[tuple[Term, bool], ...]] = field(default_factory=dict)
    subject_types: dict[Term, tuple[Term, ...]] = field(default_factory=dict)
    object_types: dict[Term, tuple[Term, ...]] = field(default_factory=dict)
    #: class → its super-classes, itself left out
    supers: dict[Term, tuple[Term, ...]] = field(default_factory=dict)
    #: first property of a chain → ((the other properties, entailed property), ...)
    chains: dict[Term, tuple[tuple[tuple[Term, ...], Term], ...]] = field(default_factory=dict)
    transitive: frozenset[Term] = frozenset()
    context_predicates: frozenset[Term] = frozenset()
    #: pairs of disjoint classes, in owlrl's order
    disjoint: tuple[tuple[Term, Term], ...] = ()
    terms: frozenset[Term] = frozenset()
    unsupported: tuple[str, ...] = ()
    #: properties with any rule (the others entail nothing)
    active: frozenset[Term] = frozenset()


def is_schema(triple: Triple, vocabulary: Vocabulary, memo: dict[Term, bool]) -> bool:
    """Whether ``triple`` states an axiom or declares a term: its predicate is in the OWL
    vocabulary or one of ``rdfs:subClassOf``, ``rdfs:subPropertyOf``, ``rdfs:domain``,
    ``rdfs:range``, ``rdf:first``, ``rdf:rest``; or it types a node with a class of the RDF,
    RDFS, OWL or XSD vocabulary. ``memo`` caches the answer per predicate and class."""
    _subject, predicate, obj = triple
    if predicate == vocabulary.type:
        found = memo.get(obj)
        if found is None:
            found = memo[obj] = is_meta(obj)
        return found
    found = memo.get(predicate)
    if found is None:
        value = term_value(predicate)
        found = memo[predicate] = value.startswith(OWL_NS) or value in _AXIOMS
    return found


def compile_rules(schema: Iterable[Triple], vocabulary: Vocabulary | None = None) -> Rules:
    """The rules of the axioms in ``schema`` (triples for which :func:`is_schema` holds)."""
    vocabulary = vocabulary or Vocabulary()
    axioms = _Axioms(vocabulary, list(schema))
    rules = Rules(vocabulary, unsupported=tuple(axioms.unsupported))
    rules.supers = {c: tuple(s - {c}) for c, s in axioms.closure(axioms.sub_class).items()}
    property_supers = axioms.closure(axioms.sub_property)
    for prop in axioms.properties():
        entailed = _entailed(prop, property_supers, axioms.inverse, axioms.symmetric)
        rules.consequences[prop] = tuple(sorted(entailed - {(prop, False)}, key=str))
        subjects, objects = _types(entailed, axioms.domain, axioms.range, rules.supers)
        rules.subject_types[prop] = tuple(subjects)
        rules.object_types[prop] = tuple(objects)
    rules.chains = {first: tuple(chains) for first, chains in axioms.chains_by_first().items()}
    rules.transitive = frozenset(axioms.transitive)
    rules.context_predicates = _context_predicates(rules)
    rules.disjoint = tuple(axioms.disjoint)
    rules.terms = frozenset(axioms.terms())
    rules.active = frozenset(
        prop
        for prop in rules.consequences
        if rules.consequences[prop]
        or rules.subject_types[prop]
        or rules.object_types[prop]
        or prop in rules.chains
    )
    return rules


def _entailed(
    prop: Term,
    supers: dict[Term, set[Term]],
    inverse: dict[Term, set[Term]],
    symmetric: set[Term],
) -> set[tuple[Term, bool]]:
    """Every (property, reversed) that one triple of ``prop`` entails, itself included."""
    found = {(prop, False)}
    todo = [(prop, False)]
    while todo:
        current, flipped = todo.pop()
        steps = [(q, flipped) for q in supers.get(current, ())]
        steps += [(q, not flipped) for q in inverse.get(current, ())]
        if current in symmetric:
            steps.append((current, not flipped))
        for step in steps:
            if step not in found:
                found.add(step)
                todo.append(step)
    return found


def _types(
    entailed: set[tuple[Term, bool]],
    domain: dict[Term, set[Term]],
    range_: dict[Term, set[Term]],
    supers: dict[Term, tuple[Term, ...]],
) -> tuple[set[Term], set[Term]]:
    """The classes the subject and the object of a triple get, with their super-classes."""
    subjects: set[Term] = set()
    objects: set[Term] = set()
    for prop, flipped in entailed:
        own, other = (objects, subjects) if flipped else (subjects, objects)
        own.update(domain.get(prop, ()))
        other.update(range_.get(prop, ()))
    for classes in (subjects, objects):
        classes.update({s for c in list(classes) for s in supers.get(c, ())})
    return subjects, objects


def _context_predicates(rules: Rules) -> frozenset[Term]:
    """The predicates of the facts every file's closure is joined with (module docstring)."""
    context = set(rules.transitive)
    for chains in rules.chains.values():
        for rest, _entailed_property in chains:
            context.update(rest)
    changed = True
    while changed:
        changed = False
        for prop, entailed in rules.consequences.items():
            if prop not in context and any(q in context for q, _ in entailed):
                context.add(prop)
                changed = True
        for first, chains in rules.chains.items():
            feeds = any(
                target in context
                or any(q in context for q, _ in rules.consequences.get(target, ()))
                for _rest, target in chains
            )
            if first not in context and feeds:
                context.add(first)
                changed = True
    return frozenset(context)


class _Axioms:
    """The axioms of a schema, by kind, and what in it the compiled rules do not cover."""

    def __init__(self, vocabulary: Vocabulary, schema: list[Triple]) -> None:
        self.v = vocabulary
        self.schema = schema
        self.sub_class: dict[Term, set[Term]] = defaultdict(set)
        self.sub_property: dict[Term, set[Term]] = defaultdict(set)
        self.inverse: dict[Term, set[Term]] = defaultdict(set)
        self.domain: dict[Term, set[Term]] = defaultdict(set)
        self.range: dict[Term, set[Term]] = defaultdict(set)
        self.symmetric: set[Term] = set()
        self.transitive: set[Term] = set()
        self.chains: list[tuple[Term, tuple[Term, ...]]] = []
        self.disjoint: list[tuple[Term, Term]] = []
        self.unsupported: list[str] = []
        self.term_predicates = {iri(name) for name in TERM_PREDICATES}
        self.expressions = {iri(name) for name in EXPRESSION_PREDICATES}
        self._first = {s: o for s, p, o in schema if p == vocabulary.first}
        self._rest = {s: o for s, p, o in schema if p == vocabulary.rest}
        for triple in schema:
            self._read(triple)

    def _read(self, triple: Triple) -> None:
        subject, predicate, obj = triple
        name = term_value(predicate)
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, subject, obj)
        elif name == RDF_NS + "type":
            self._declaration(subject, obj)
        elif name.startswith(OWL_NS) and name not in _ANNOTATIONS:
            self.unsupported.append(f"{subject} {name}")

    def _named(self, *nodes: Term) -> bool:
        """Whether the nodes are IRIs outside the RDF, RDFS, OWL and XSD vocabularies."""
        return all(is_iri(node) and not is_meta(node) for node in nodes)

    def _pair(self, table: dict[Term, set[Term]], a: Term, b: Term, label: str) -> None:
        """Record ``a → b``: ``a`` one of ours; ``b`` any IRI but ``owl:Nothing`` and the
        vocabulary the rules read (a sub-property of ``rdfs:subClassOf`` would turn data into
        axioms)."""
        name = term_value(b) if is_iri(b) else ""
        ruled = name in _AXIOMS or name == RDF_NS + "type" or name.startswith(OWL_NS)
        if self._named(a) and name and (not ruled or name == OWL_NS + "Thing"):
            table[a].add(b)
        else:
            self.unsupported.append(f"{label}: {a} {b}")

    def _declaration(self, subject: Term, cls: Term) -> None:
        name = term_value(cls)
        if name in (OWL_NS + "TransitiveProperty", OWL_NS + "SymmetricProperty"):
            if not self._named(subject):
                self.unsupported.append(f"{subject} a {name}")
            elif name == OWL_NS + "TransitiveProperty":
                self.transitive.add(subject)
            else:
                self.symmetric.add(subject)
        elif name not in _DECLARATIONS and not name.startswith(XSD_NS):
            self.unsupported.append(f"{subject} a {name}")

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list at ``head``."""
        found: list[Term] = []
        seen: set[Term] = set()
        while head != self.v.nil and head in self._first and head not in seen:
            seen.add(head)
            found.append(self._first[head])
            head = self._rest.get(head, self.v.nil)
        return found

    def closure(self, table: dict[Term, set[Term]]) -> dict[Term, set[Term]]:
        """Each key's reflexive-transitive closure under ``table``."""
        result: dict[Term, set[Term]] = {}
        for start in table:
            reached = {start}
            todo = [start]
            while todo:
                for nxt in table.get(todo.pop(), ()):
                    if nxt not in reached:
                        reached.add(nxt)
                        todo.append(nxt)
            result[start] = reached
        return result

    def properties(self) -> set[Term]:
        """Every property an axiom names."""
        found = set(self.sub_property) | set(self.inverse) | set(self.domain) | set(self.range)
        found |= {
            q for values in (*self.sub_property.values(), *self.inverse.values()) for q in values
        }
        found |= self.symmetric | self.transitive
        for conclusion, chain in self.chains:
            found.add(conclusion)
            found.update(chain)
        return found

    def chains_by_first(self) -> dict[Term, list[tuple[tuple[Term, ...], Term]]]:
        """The chains by their first property: (the other properties, entailed property);
        transitivity is the chain (p, p) ⊑ p."""
        table: dict[Term, list[tuple[tuple[Term, ...], Term]]] = defaultdict(list)
        for conclusion, chain in self.chains:
            table[chain[0]].append((chain[1:], conclusion))
        for prop in self.transitive:
            table[prop].append(((prop,), prop))
        return table

    def terms(self) -> set[Term]:
        """The nodes the schema declares or uses as parts of axioms (rule 6)."""
        found: set[Term] = set()
        for subject, predicate, obj in self.schema:
            if predicate in self.term_predicates or (predicate == self.v.type and is_meta(obj)):
                found.add(subject)
            if predicate == self.v.rest or (predicate in self.expressions and is_blank(obj)):
                found.add(obj)
        return found


#: What one schema triple ``a <axiom> b`` does to the axioms.
_Handler = Callable[["_Axioms", Term, Term], None]


def _pairing(table: str, label: str, *, both_ways: bool = False) -> _Handler:
    """The handler of an axiom that records ``a → b`` in the axioms' ``table`` (and
    ``b → a`` when the axiom is symmetric, as equivalence and inverses are)."""

    def handle(axioms: _Axioms, a: Term, b: Term) -> None:
        pairs = getattr(axioms, table)
        axioms._pair(pairs, a, b, label)
        if both_ways:
            axioms._pair(pairs, b, a, label)

    return handle


def _chain(axioms: _Axioms, conclusion: Term, head: Term) -> None:
    chain = tuple(axioms.items(head))
    if axioms._named(conclusion, *chain) and len(chain) >= 2:
        axioms.chains.append((conclusion, chain))
    else:
        axioms.unsupported.append(f"propertyChainAxiom of {term_value(conclusion)}")


def _disjoint(axioms: _Axioms, a: Term, b: Term) -> None:
    if axioms._named(a, b):
        axioms.disjoint.append((a, b))
    else:
        axioms.unsupported.append(f"disjointWith: {a} {b}")


def _members(axioms: _Axioms, subject: Term, obj: Term) -> None:
    """owl:members of an owl:AllDisjointClasses: every pair of its classes (cax-adc)."""
    kinds = {term_value(o) for s, p, o in axioms.schema if s == subject and p == axioms.v.type}
    classes = axioms.items(obj)
    if OWL_NS + "AllDisjointClasses" in kinds and axioms._named(*classes):
        axioms.disjoint += [(a, b) for i, a in enumerate(classes) for b in classes[i + 1 :]]
    else:
        axioms.unsupported.append(f"owl:members of {subject}")


_HANDLERS: dict[str, _Handler] = {
    RDFS_NS + "subClassOf": _pairing("sub_class", "subClassOf"),
    RDFS_NS + "subPropertyOf": _pairing("sub_property", "subPropertyOf"),
    RDFS_NS + "domain": _pairing("domain", "domain"),
    RDFS_NS + "range": _pairing("range", "range"),
    OWL_NS + "equivalentClass": _pairing("sub_class", "equivalentClass", both_ways=True),
    OWL_NS + "equivalentProperty": _pairing("sub_property", "equivalentProperty", both_ways=True),
    OWL_NS + "inverseOf": _pairing("inverse", "inverseOf", both_ways=True),
    OWL_NS + "propertyChainAxiom": _chain,
    OWL_NS + "disjointWith": _disjoint,
    OWL_NS + "members": _members,
}
