"""Ontology documentation generated from the ontology, the shapes and the data (``/def/``).

For every class and property of the Regiograaf namespace: labels and definitions in Dutch and
English, super- and subclasses, domains and ranges, the SHACL constraints that apply (shapes
that target the class, and property shapes on the property), how many instances (or uses) the
graph has, and a class diagram as inline SVG.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from server.linkeddata.describe import namespace_graph
from server.rdf.iris import IriMap, curie
from server.store import Store

COUNT_INSTANCES = "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c"
COUNT_USES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
PROPERTY_KINDS = {
    OWL.ObjectProperty: ("objectrelatie", "object property"),
    OWL.DatatypeProperty: ("gegevenseigenschap", "datatype property"),
    OWL.AnnotationProperty: ("annotatie", "annotation property"),
}


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
    value: str | None
    severity: str
    messages: dict[str, str]


@dataclass
class TermDoc:
    """A class or a property of the ontology."""

    iri: str
    name: str
    href: str | None
    labels: dict[str, str]
    definitions: dict[str, str]
    kind: tuple[str, str]
    parents: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    domains: list[Link] = field(default_factory=list)
    ranges: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
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
    diagram: str


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
        types = set(ontology.objects(node, RDF.type))
        doc = TermDoc(
            iri=str(node),
            name=str(node)[len(namespace) :],
            href=iri_map.href(str(node)),
            labels=_texts(ontology, node, RDFS.label),
            definitions=_texts(ontology, node, SKOS.definition),
            kind=("klasse", "class"),
            count=counts.get(str(node), 0),
        )
        if OWL.Class in types:
            doc.parents = [link(n) for n in ontology.objects(node, RDFS.subClassOf)]
            doc.children = [link(n) for n in ontology.subjects(RDFS.subClassOf, node)]
            doc.constraints = _class_constraints(shapes, node, iri_map)
            classes.append(doc)
            continue
        doc.kind = next(
            (PROPERTY_KINDS[t] for t in PROPERTY_KINDS if t in types), ("eigenschap", "property")
        )
        doc.parents = [link(n) for n in ontology.objects(node, RDFS.subPropertyOf)]
        doc.children = [link(n) for n in ontology.subjects(RDFS.subPropertyOf, node)]
        doc.domains = [link(n) for n in ontology.objects(node, RDFS.domain)]
        doc.ranges = [link(n) for n in ontology.objects(node, RDFS.range)]
        doc.notes = _property_notes(ontology, node, link)
        doc.constraints = _property_constraints(shapes, node, iri_map)
        properties.append(doc)
    root = URIRef(iri_map.namespace_iri("def"))
    return OntologyDoc(
        iri=str(root),
        titles=_texts(ontology, root, URIRef("http://purl.org/dc/terms/title")),
        descriptions=_texts(ontology, root, URIRef("http://purl.org/dc/terms/description")),
        version=_first(ontology, root, OWL.versionInfo),
        license=_first(ontology, root, URIRef("http://purl.org/dc/terms/license")),
        classes=classes,
        properties=properties,
        diagram=diagram(classes, properties),
    )


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


def _property_notes(ontology: Graph, node: Node, link: Callable[[Node], Link]) -> list[str]:
    notes: list[str] = []
    if (node, RDF.type, OWL.TransitiveProperty) in ontology:
        notes.append("transitief (transitive)")
    for inverse in ontology.objects(node, OWL.inverseOf):
        notes.append(f"inverse van (inverse of) {link(inverse).name}")
    for inverse in ontology.subjects(OWL.inverseOf, node):
        notes.append(f"inverse: {link(inverse).name}")
    for chain in ontology.objects(node, OWL.propertyChainAxiom):
        steps = " ∘ ".join(link(step).name for step in Collection(ontology, chain))
        notes.append(f"ketenaxioma (property chain): {steps}")
    return notes


def _constraint(shapes: Graph, shape: Node, iri_map: IriMap) -> Constraint | None:
    path = next(iter(shapes.objects(shape, SH.path)), None)
    if path is None:
        return None
    value = None
    for predicate, prefix in (
        (SH.datatype, "datatype"),
        (SH["class"], "klasse (class)"),
        (SH.nodeKind, "soort knoop (node kind)"),
        (SH.pattern, "patroon (pattern)"),
        (SH.hasValue, "waarde (value)"),
    ):
        found = next(iter(shapes.objects(shape, predicate)), None)
        if found is not None:
            value = f"{prefix}: {curie(str(found)) or str(found)}"
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
        min_count=int(minimum) if minimum is not None else None,
        max_count=int(maximum) if maximum is not None else None,
        value=value,
        severity=str(severity).rsplit("#", 1)[-1],
        messages=_texts(shapes, shape, SH.message),
    )


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


# --- diagram ------------------------------------------------------------------------------

BOX_W, BOX_H, GAP_X, GAP_Y, COLUMNS = 190, 44, 60, 70, 4


def diagram(classes: list[TermDoc], properties: list[TermDoc]) -> str:
    """An SVG class diagram: classes as boxes (with their instance count), subclass relations
    as dashed arrows and object properties (domain → range) as labelled arrows."""
    position: dict[str, tuple[float, float]] = {}
    for index, cls in enumerate(classes):
        column, row = index % COLUMNS, index // COLUMNS
        position[cls.iri] = (20 + column * (BOX_W + GAP_X), 20 + row * (BOX_H + GAP_Y))
    rows = math.ceil(len(classes) / COLUMNS) or 1
    width = 40 + COLUMNS * BOX_W + (COLUMNS - 1) * GAP_X
    height = 40 + rows * BOX_H + (rows - 1) * GAP_Y
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="figure" aria-labelledby="diagram-title" class="diagram">',
        '<title id="diagram-title">Klassendiagram van de Regiograaf-ontologie '
        "(class diagram of the Regiograaf ontology)</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        'fill="#4d4d4d"/></marker></defs>',
    ]
    for cls in classes:
        for parent in cls.parents:
            if parent.iri in position:
                parts.append(_edge(position[cls.iri], position[parent.iri], None, dashed=True))
    for prop in properties:
        for domain in prop.domains:
            for target in prop.ranges:
                if domain.iri in position and target.iri in position:
                    parts.append(
                        _edge(position[domain.iri], position[target.iri], prop.name, dashed=False)
                    )
    for cls in classes:
        x, y = position[cls.iri]
        label = html.escape(cls.labels.get("nl", cls.name))
        parts.append(
            f'<a href="{html.escape(cls.href)}"><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="4" fill="#eef4fb" stroke="#0b55a3"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + 18}" text-anchor="middle" font-size="13" '
            f'fill="#1a1a1a">rg:{html.escape(cls.name)}</text>'
            f'<text x="{x + BOX_W / 2}" y="{y + 35}" text-anchor="middle" font-size="11" '
            f'fill="#4d4d4d">{label} · {cls.count}</text></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(
    start: tuple[float, float], end: tuple[float, float], label: str | None, *, dashed: bool
) -> str:
    (x1, y1), (x2, y2) = _anchor(start, end), _anchor(end, start)
    if start == end:
        x, y = start
        path = (
            f"M{x + BOX_W - 30},{y} C{x + BOX_W - 30},{y - 30} {x + BOX_W + 20},{y - 30} "
            f"{x + BOX_W},{y + 10}"
        )
        mid = (x + BOX_W, y - 22)
    else:
        path = f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}"
        mid = ((x1 + x2) / 2, (y1 + y2) / 2 - 3)
    style = ' stroke-dasharray="5 4"' if dashed else ""
    parts = [f'<path d="{path}" fill="none" stroke="#4d4d4d"{style} marker-end="url(#arrow)"/>']
    if label:
        parts.append(
            f'<text x="{mid[0]:.0f}" y="{mid[1]:.0f}" text-anchor="middle" font-size="10" '
            f'fill="#0b55a3">{html.escape(label)}</text>'
        )
    return "".join(parts)


def _anchor(box: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """The point on the border of ``box`` on the line to the centre of ``towards``."""
    cx, cy = box[0] + BOX_W / 2, box[1] + BOX_H / 2
    tx, ty = towards[0] + BOX_W / 2, towards[1] + BOX_H / 2
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else math.inf, (BOX_H / 2) / abs(dy) if dy else math.inf
    )
    return cx + dx * scale, cy + dy * scale
