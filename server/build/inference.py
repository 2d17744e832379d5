"""OWL 2 RL inference with owlrl, keeping only the entailments a user of the data wants to see.

:func:`infer` computes the OWL RL closure (``owlrl.DeductiveClosure(OWLRL_Semantics,
axiomatic_triples=False, datatype_axioms=False)``) of the union of the ontology and all data,
and returns only the *useful* new triples. They go into the named graph
``https://w3id.org/regiograaf/graph/inferred``, so that asserted and inferred facts stay apart.

What is kept — new facts about instances (things described by the data), such as:

- instance types from subclasses, domains and ranges (``rg:Municipality`` ⊑
  ``org:Organization`` gives every municipality ``a org:Organization``; a project ``a
  prov:Activity``; the range of ``rg:contributesTo`` types a goal ``a rg:Goal``);
- inverse properties (``rg:hasProject``, ``rg:leadsProject``, ``rg:hasContribution``,
  ``rg:sets``, ``rg:exampleProject``);
- the transitive closure of ``rg:alignsWith`` (OWL 2 RL rule prp-trp);
- the property chain ``rg:contributesTo ∘ rg:alignsWith ⊑ rg:contributesIndirectlyTo``
  (prp-spo2), also through several ``rg:alignsWith`` hops, because the chain is applied to the
  transitive closure;
- super-property triples (``rg:participant`` from ``rg:leadMunicipality``, ``rg:exemplifies``
  from ``rg:usesBuildingBlock`` / ``rg:appliesActionPerspective``, and from there
  ``rg:exampleProject``).

What is dropped (the "trivial" part of the closure):

1. triples that are already asserted anywhere in the input;
2. triples with a literal subject (owlrl's literal typing, ``"x" rdf:type xsd:string``);
3. ``owl:sameAs`` between a node and itself (rule eq-ref);
4. ``rdf:type`` to ``owl:Thing``, ``rdfs:Resource`` or any other class of the RDF, RDFS, OWL or
   XSD vocabularies (``owl:Class``, ``owl:ObjectProperty``, ``rdfs:Datatype``, ...): this also
   removes "``?p a owl:ObjectProperty``" for external terms;
5. triples whose predicate is schema vocabulary (``rdfs:subClassOf``, ``rdfs:subPropertyOf``,
   ``rdfs:domain``, ``rdfs:range``, ``owl:equivalentClass``, ``owl:equivalentProperty``,
   ``owl:inverseOf``, ``owl:disjointWith``, ...), i.e. subclass reflexivity, equivalence with
   itself, inherited domains and ranges;
6. triples whose subject is a *term* rather than an instance: any IRI in the RDF, RDFS, OWL or
   XSD namespaces, and any node the input declares as a class, property, datatype, ontology,
   restriction or list (``?x a owl:Class``, ``?x rdfs:subClassOf ?y``, ``?x rdf:first ?y``,
   ...); likewise triples whose object is such a blank node (``?x a [ a owl:Restriction ]``),
   so that blank nodes of OWL axioms never leak into the inferred graph;
7. owlrl's own inconsistency messages (blank nodes typed with its error vocabulary); they are
   returned separately by :func:`infer_with_messages`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

log = logging.getLogger(__name__)


_ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"
RDF_NS = str(RDF)
RDFS_NS = str(RDFS)
OWL_NS = str(OWL)
XSD_NS = str(XSD)
#: The vocabularies whose terms are never instances (rules 4 and 6).
META_NAMESPACES = (RDF_NS, RDFS_NS, OWL_NS, XSD_NS)
_META_NAMESPACES = META_NAMESPACES

#: Predicates whose subject is a term (class, property, ontology, restriction, list).
TERM_PREDICATES = frozenset(
    [RDFS_NS + name for name in ("subClassOf", "subPropertyOf", "domain", "range")]
    + [
        OWL_NS + name
        for name in (
            "equivalentClass",
            "equivalentProperty",
            "inverseOf",
            "disjointWith",
            "propertyDisjointWith",
            "propertyChainAxiom",
            "onProperty",
            "someValuesFrom",
            "allValuesFrom",
            "hasValue",
            "onClass",
            "intersectionOf",
            "unionOf",
            "complementOf",
            "oneOf",
            "members",
            "hasKey",
            "imports",
            "versionIRI",
        )
    ]
    + [RDF_NS + "first", RDF_NS + "rest"]
)
#: Predicates whose blank-node object is a class expression or a list member: a term too.
EXPRESSION_PREDICATES = frozenset(
    [RDF_NS + "first"]
    + [OWL_NS + name for name in ("someValuesFrom", "allValuesFrom", "complementOf", "onClass")]
)
_TERM_PREDICATES = frozenset(URIRef(name) for name in TERM_PREDICATES)


def _in_meta_namespace(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(_META_NAMESPACES)


def _terms(graph: Graph) -> set[Node]:
    """Nodes of ``graph`` that are vocabulary terms or parts of OWL axioms, not instances."""
    terms: set[Node] = set()
    for subject, predicate, obj in graph:
        if predicate in _TERM_PREDICATES or (predicate == RDF.type and _in_meta_namespace(obj)):
            terms.add(subject)
    # An OWL list hangs off an axiom by rdf:rest; a class expression can sit in a list.
    for obj in graph.objects(None, RDF.rest):
        terms.add(obj)
    for expression in EXPRESSION_PREDICATES:
        for obj in graph.objects(None, URIRef(expression)):
            if isinstance(obj, BNode):
                terms.add(obj)
    return terms


def is_useful(triple: tuple[Node, Node, Node], asserted: Graph, terms: set[Node]) -> bool:
    """Whether an entailed triple is kept (rules 2-6 of the module docstring)."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal):
        return False
    if predicate == OWL.sameAs and subject == obj:
        return False
    if predicate == RDF.type and (_in_meta_namespace(obj) or obj == RDFS.Resource):
        return False
    if predicate in _TERM_PREDICATES:
        return False
    if _in_meta_namespace(subject) or subject in terms:
        return False
    if isinstance(obj, BNode) and obj in terms:
        # e.g. ``?project a [ a owl:Restriction ... ]``: an anonymous class, not a fact.
        return False
    return triple not in asserted


def _closure(graph: Graph) -> Graph:
    # Imported here: validation uses this module's union() and needs no reasoner.
    import owlrl

    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    return closure


def _error_messages(closure: Graph) -> tuple[list[str], set[Node]]:
    nodes = set(closure.subjects(RDF.type, URIRef(_ERRNS + "ErrorMessage")))
    error = URIRef(_ERRNS + "error")
    messages = sorted(str(message) for node in nodes for message in closure.objects(node, error))
    return messages, nodes


def infer_with_messages(graph: Graph) -> tuple[Graph, list[str]]:
    """The useful entailments of ``graph`` and owlrl's inconsistency messages (usually none)."""
    closure = _closure(graph)
    messages, error_nodes = _error_messages(closure)
    terms = _terms(graph) | error_nodes
    inferred = Graph()
    for prefix, namespace in graph.namespaces():
        inferred.bind(prefix, namespace, override=False)
    for triple in closure:
        if triple not in graph and is_useful(triple, graph, terms):
            inferred.add(triple)
    for message in messages:
        log.warning("OWL RL inconsistency: %s", message)
    return inferred, messages


def infer(graph: Graph) -> Graph:
    """The useful OWL RL entailments of ``graph`` (ontology + data), without what it asserts."""
    return infer_with_messages(graph)[0]


def union(graphs: Iterable[Graph]) -> Graph:
    """One graph with the triples of all ``graphs`` (the input of :func:`infer`)."""
    merged = Graph()
    for graph in graphs:
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace, override=False)
        for triple in graph:
            merged.add(triple)
    return merged
