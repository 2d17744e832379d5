"""Ontology documentation generated from the ontology, the shapes and the data (``/def/``).

For every class and property of the Regiograaf namespace: labels and definitions in Dutch and
English, super- and subclasses, domains and ranges, the SHACL constraints that apply (shapes
that target the class, and property shapes on the property), how many instances (or uses) the
graph has, and a class diagram (laid out by :mod:`server.linkeddata.diagram`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from server.linkeddata.describe import namespace_graph
from server.linkeddata.diagram import Diagram, layout
from server.messages import N_
from server.rdf.iris import IriMap, curie
from server.store import Store

COUNT_INSTANCES = "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c"
COUNT_USES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
#: The kind of a property (a message, translated where it is shown).
PROPERTY_KINDS = {
    OWL.ObjectProperty: N_("objectrelatie"),
    OWL.DatatypeProperty: N_("gegevenseigenschap"),
    OWL.AnnotationProperty: N_("annotatie"),
}
#: What a property shape asks of the value, by its SHACL parameter (messages).
VALUE_CONSTRAINTS = (
    (SH.datatype, N_("datatype")),
    (SH["class"], N_("klasse")),
    (SH.nodeKind, N_("soort knoop")),
    (SH.pattern, N_("patroon")),
    (SH.hasValue, N_("waarde")),
)


@dataclass
class Link:
    """A link to a term, with a short name and labels."""

    iri: str
    href: str | None
    name: str
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Constraint:
    """One SHACL property shape as people read it."""

    shape: Link
    path: str
    min_count: int | None
    max_count: int | None
    severity: str
    messages: dict[str, str]
    #: What the value must be: (the kind of constraint, a message; its value), or ``None``.
    value: tuple[str, str] | None


@dataclass
class TermDoc:
    """A class or a property of the ontology."""

    iri: str
    name: str
    href: str | None
    labels: dict[str, str]
    definitions: dict[str, str]
    #: Class or which kind of property (a message, translated where it is shown).
    kind: str
    parents: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    domains: list[Link] = field(default_factory=list)
    ranges: list[Link] = field(default_factory=list)
    #: Axioms in words: (what, a message; the terms it names, or "").
    notes: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    count: int = 0


@dataclass
class OntologyDoc:
    """The whole documentation page."""

    iri: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str | None
    license: str | None
    classes: list[TermDoc]
    properties: list[TermDoc]
    diagram: Diagram


def document(store: Store, iri_map: IriMap) -> OntologyDoc:
    """The documentation of the ontology loaded in ``store``."""
    ontology = namespace_graph(store, iri_map, "ontology")
    shapes = namespace_graph(store, iri_map, "shapes")
    namespace = iri_map.base + "def#"
    counts = _counts(store, COUNT_INSTANCES, "c") | _counts(store, COUNT_USES, "p")
    link = _linker(ontology, iri_map)
    terms = sorted(
        {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(namespace)},
        key=lambda node: str(node).lower(),
    )
    classes: list[TermDoc] = []
    properties: list[TermDoc] = []
    for node in terms:
        doc = TermDoc(
            iri=str(node),
            name=str(node)[len(namespace) :],
            href=iri_map.href(str(node)),
            labels=_texts(ontology, node, RDFS.label),
            definitions=_texts(ontology, node, SKOS.definition),
            kind=N_("klasse"),
            count=counts.get(str(node), 0),
        )
        if (node, RDF.type, OWL.Class) in ontology:
            classes.append(_class_doc(doc, node, ontology, shapes, link, iri_map))
        else:
            properties.append(_property_doc(doc, node, ontology, shapes, link, iri_map))
    root = URIRef(iri_map.namespace_iri("def"))
    return OntologyDoc(
        iri=str(root),
        titles=_texts(ontology, root, URIRef("http://purl.org/dc/terms/title")),
        descriptions=_texts(ontology, root, URIRef("http://purl.org/dc/terms/description")),
        version=_first(ontology, root, OWL.versionInfo),
        license=_first(ontology, root, URIRef("http://purl.org/dc/terms/license")),
        classes=classes,
        properties=properties,
        diagram=layout(classes, properties),
    )


def _class_doc(
    doc: TermDoc,
    node: Node,
    ontology: Graph,
    shapes: Graph,
    link: Callable[[Node], Link],
    iri_map: IriMap,
) -> TermDoc:
    """``doc`` completed as a class: super- and subclasses, the shapes that target it."""
    doc.parents = [link(n) for n in ontology.objects(node, RDFS.subClassOf)]
    doc.children = [link(n) for n in ontology.subjects(RDFS.subClassOf, node)]
    doc.constraints = _class_constraints(shapes, node, iri_map)
    return doc


def _property_doc(
    doc: TermDoc,
    node: Node,
    ontology: Graph,
    shapes: Graph,
    link: Callable[[Node], Link],
    iri_map: IriMap,
) -> TermDoc:
    """``doc`` completed as a property: its kind, super- and subproperties, domains and
    ranges, notes (transitive, inverse, chains) and the property shapes on it."""
    types = set(ontology.objects(node, RDF.type))
    doc.kind = next((PROPERTY_KINDS[t] for t in PROPERTY_KINDS if t in types), N_("eigenschap"))
    doc.parents = [link(n) for n in ontology.objects(node, RDFS.subPropertyOf)]
    doc.children = [link(n) for n in ontology.subjects(RDFS.subPropertyOf, node)]
    doc.domains = [link(n) for n in ontology.objects(node, RDFS.domain)]
    doc.ranges = [link(n) for n in ontology.objects(node, RDFS.range)]
    doc.notes = _property_notes(ontology, node, link)
    doc.constraints = _property_constraints(shapes, node, iri_map)
    return doc


def node_shapes(store: Store, iri_map: IriMap) -> list[Link]:
    """Every node shape, for the list on ``/shapes/``."""
    shapes = namespace_graph(store, iri_map, "shapes")
    found = [
        Link(str(s), iri_map.href(str(s)), curie(str(s)) or str(s), _texts(shapes, s, SH.name))
        for s in set(shapes.subjects(RDF.type, SH.NodeShape))
        if isinstance(s, URIRef)
    ]
    return sorted(found, key=lambda link: link.iri)


def _counts(store: Store, sparql: str, key: str) -> dict[str, int]:
    return {str(row[key]): int(row["n"]) for row in store.query(sparql).rows()}


def _texts(graph: Graph, node: Node, predicate: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


def _first(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    value = next(iter(graph.objects(node, predicate)), None)
    return None if value is None else str(value)


def _linker(ontology: Graph, iri_map: IriMap) -> Callable[[Node], Link]:
    """A function that makes the :class:`Link` of a term, labelled from the ontology."""

    def link(node: Node) -> Link:
        iri = str(node)
        return Link(iri, iri_map.href(iri), curie(iri) or iri, _texts(ontology, node, RDFS.label))

    return link


def _property_notes(
    ontology: Graph, node: Node, link: Callable[[Node], Link]
) -> list[tuple[str, str]]:
    notes: list[tuple[str, str]] = []
    if (node, RDF.type, OWL.TransitiveProperty) in ontology:
        notes.append((N_("transitief"), ""))
    for inverse in ontology.objects(node, OWL.inverseOf):
        notes.append((N_("inverse van"), link(inverse).name))
    for inverse in ontology.subjects(OWL.inverseOf, node):
        notes.append((N_("inverse"), link(inverse).name))
    for chain in ontology.objects(node, OWL.propertyChainAxiom):
        steps = " ∘ ".join(link(step).name for step in Collection(ontology, chain))
        notes.append((N_("ketenaxioma"), steps))
    return notes


def _constraint(shapes: Graph, shape: Node, iri_map: IriMap) -> Constraint | None:
    path = next(iter(shapes.objects(shape, SH.path)), None)
    if path is None:
        return None
    value = None
    for predicate, what in VALUE_CONSTRAINTS:
        found = next(iter(shapes.objects(shape, predicate)), None)
        if found is not None:
            value = (what, curie(str(found)) or str(found))
            break
    qualified = next(iter(shapes.objects(shape, SH.qualifiedMinCount)), None)
    minimum = next(iter(shapes.objects(shape, SH.minCount)), qualified)
    maximum = next(
        iter(shapes.objects(shape, SH.maxCount)),
        next(iter(shapes.objects(shape, SH.qualifiedMaxCount)), None),
    )
    severity = next(iter(shapes.objects(shape, SH.severity)), SH.Violation)
    iri = str(shape)
    name = curie(iri) or iri
    return Constraint(
        shape=Link(iri, iri_map.href(iri), name, _texts(shapes, shape, SH.name)),
        path=curie(str(path)) or str(path),
        min_count=_integer(minimum),
        max_count=_integer(maximum),
        value=value,
        severity=str(severity).rsplit("#", 1)[-1],
        messages=_texts(shapes, shape, SH.message),
    )


def _integer(value: Node | None) -> int | None:
    """A count from the shapes (``sh:minCount 1``), or ``None`` when there is none."""
    return int(str(value)) if value is not None else None


def _class_constraints(shapes: Graph, node: Node, iri_map: IriMap) -> list[Constraint]:
    """The property shapes of every node shape that targets the class, and the node shapes
    with a SPARQL constraint (their rule is a query: shown by its message)."""
    found: list[Constraint] = []
    for node_shape in shapes.subjects(SH.targetClass, node):
        for shape in shapes.objects(node_shape, SH.property):
            constraint = _constraint(shapes, shape, iri_map)
            if constraint is not None:
                found.append(constraint)
        if (node_shape, SH.sparql, None) in shapes:
            iri = str(node_shape)
            severity = next(iter(shapes.objects(node_shape, SH.severity)), SH.Violation)
            found.append(
                Constraint(
                    shape=Link(
                        iri,
                        iri_map.href(iri),
                        curie(iri) or iri,
                        _texts(shapes, node_shape, SH.name),
                    ),
                    path="(SPARQL)",
                    min_count=None,
                    max_count=None,
                    value=None,
                    severity=str(severity).rsplit("#", 1)[-1],
                    messages=_texts(shapes, node_shape, SH.message),
                )
            )
    return sorted(found, key=lambda c: (c.path, c.shape.iri))


def _property_constraints(shapes: Graph, node: Node, iri_map: IriMap) -> list[Constraint]:
    found = [
        constraint
        for shape in shapes.subjects(SH.path, node)
        if (constraint := _constraint(shapes, shape, iri_map)) is not None
    ]
    return sorted(found, key=lambda c: c.shape.iri)
