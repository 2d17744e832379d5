"""The shapes, compiled once, evaluated on chosen focus nodes: the fast path of validation.

pySHACL (:func:`.shacl.shacl_results`) validates every target of the union of all data, one
focus node and one nested shape at a time, and sends every SPARQL constraint to rdflib once per
focus node: validating a 1,000-project file took 12x the time rdflib needs to parse it. This
module gives the same results for the focus nodes a file is about:

- the shapes are read once into plain Python objects (:class:`Engine`, cached by the context);
- only the targets that the validated files mention are focus nodes (a result about a node that
  only the reference data mentions is never reported, :mod:`server.build.validation`);
- the core constraints are evaluated by plain Python with pySHACL's rules (which literal matches
  a datatype, how a pattern matches, which values a path has);
- a SPARQL constraint is run once for all focus nodes (``VALUES ?this``) where that means the
  same as binding ``$this`` before the query (only ``FILTER [NOT] EXISTS`` nests in it), else
  once per focus node as pySHACL does (:mod:`.batch`). rdflib evaluates both, as for pySHACL.

Shapes that use anything else (SHACL-AF rules or targets, custom components, ``sh:node``,
``sh:in``, nested shapes with a severity, shapes without a message, ...) raise
:class:`Unsupported` when compiled; validation then runs pySHACL, which stays the reference
(``tests/build/test_validation_engine.py`` compares both on every fixture and on generated data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from server.build.validation.batch import SparqlRule, Unsupported, sparql_rule
from server.build.validation.core import (
    as_string,
    focus_nodes,
    has_datatype,
    in_languages,
    is_instance,
    values_of,
)
from server.build.validation.shacl import RawResult, raw_result
from server.store.scratch import ScratchGraph
from server.store.syntax import EngineTriples

__all__ = ["Engine", "Unsupported", "compile_shapes"]

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: What a shape may say for this module to evaluate it (anything else: :class:`Unsupported`).
_KNOWN = frozenset(
    {
        *_TARGETS,
        SH.property,
        SH.path,
        SH.severity,
        SH.message,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.sparql,
        SH["class"],
        SH.datatype,
        SH.minCount,
        SH.maxCount,
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.nodeKind,
        SH.pattern,
        SH.flags,
        SH["or"],
        SH.languageIn,
        SH.declare,
    }
)
_NODE_KINDS = {
    SH.BlankNode: (BNode,),
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
_FLAGS = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}
#: Types in the shapes graph that pySHACL (advanced) acts on and this module does not.
_ADVANCED = (
    SH.ConstraintComponent,
    SH.SPARQLFunction,
    SH.SPARQLTarget,
    SH.SPARQLTargetType,
    SH.SPARQLRule,
    SH.TripleRule,
    SH.JSConstraint,
)


Path_ = tuple[tuple[URIRef, bool], ...]  # alternatives: (property, inverse)


@dataclass
class Shape:
    """One shape, compiled: its path (property shapes), constraints and property shapes."""

    node: Node
    severity: URIRef
    path: Node | None = None
    steps: Path_ = ()
    classes: list[Node] = field(default_factory=list)
    datatypes: list[Node] = field(default_factory=list)
    min_count: int | None = None
    max_count: int | None = None
    qualified: tuple[Shape, int | None, int | None] | None = None
    node_kinds: list[Node] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    alternatives: list[list[Shape]] = field(default_factory=list)
    languages: list[set[str]] = field(default_factory=list)
    sparql: list[SparqlRule] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    targets: list[tuple[URIRef, Node]] = field(default_factory=list)


class Engine:
    """Compiled shapes (see the module docstring)."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._compiled: dict[tuple[Node, bool], Shape] = {}
        for kind in _ADVANCED:
            if (None, RDF.type, kind) in shapes:
                raise Unsupported(f"the shapes declare a {kind}")
        roots = {s for t in _TARGETS for s in shapes.subjects(t, None)}
        self.roots = [self._shape(node, nested=False) for node in sorted(roots, key=str)]
        #: The nodes named by ``sh:targetNode`` (focus nodes whether or not data mentions them).
        self.named_targets = frozenset(shapes.objects(None, SH.targetNode))

    def results(
        self,
        data: Graph,
        focus: set[Node],
        sources: tuple[list[Graph | bytes], list[Graph | EngineTriples]],
        *,
        ill_typed: bool,
    ) -> list[tuple[Node, RawResult]]:
        """The results of validating the nodes of ``focus`` that the shapes target, in
        ``data`` (the union of ``sources``: the context's graphs and the validated ones), as
        :func:`.shacl.shacl_results` gives them. ``ill_typed``: the data has an ill-typed
        literal (``"soon"^^xsd:date``), which rdflib and the engine compare differently, so
        rdflib runs the SPARQL constraints."""
        out: list[tuple[Node, RawResult]] = []
        run = _Run(data, sources, ill_typed)
        for shape in self.roots:
            nodes = sorted(focus_nodes(shape, data) & focus, key=str)
            if nodes:
                out += self._validate(shape, nodes, run)
        return out

    def _validate(self, shape: Shape, nodes: list[Node], run: _Run) -> list[tuple[Node, RawResult]]:
        out = []
        data = run.data
        for rule in shape.sparql:
            found = (
                rule.rdflib_violations(data, nodes)
                if run.ill_typed
                else rule.violations(run.engine(), nodes)
            )
            for f, path, value in found:
                value = value if value is not None else (None if shape.path else f)
                out.append(
                    (f, self._raw(shape, f, rule.node, SH.SPARQLConstraintComponent, path, value))
                )
        for f in nodes:
            values = values_of(shape, f, data) if shape.path is not None else [f]
            for component, value in self._core(shape, values, run):
                out.append((f, self._raw(shape, f, None, component, None, value)))
        for prop in shape.properties:
            out += self._validate(prop, nodes, run)
        return out

    def _raw(
        self,
        shape: Shape,
        focus: Node,
        constraint: Node | None,
        component: URIRef,
        path: Node | None,
        value: Node | None,
    ) -> RawResult:
        path = path if path is not None else shape.path
        return raw_result(
            self.shapes, focus, shape.node, constraint, component, path, value, shape.severity
        )

    def _core(
        self, shape: Shape, values: list[Node], run: _Run
    ) -> Iterable[tuple[URIRef, Node | None]]:
        """The core constraint results about the value nodes ``values`` of one focus node."""
        for cls in shape.classes:
            for v in values:
                if not is_instance(v, cls, run.data, run.supers):
                    yield SH.ClassConstraintComponent, v
        for datatype in shape.datatypes:
            for v in values:
                if not has_datatype(v, datatype):
                    yield SH.DatatypeConstraintComponent, v
        if shape.min_count is not None and len(values) < shape.min_count:
            yield SH.MinCountConstraintComponent, None
        if shape.max_count is not None and len(values) > shape.max_count:
            yield SH.MaxCountConstraintComponent, None
        if shape.qualified is not None:
            inner, low, high = shape.qualified
            count = sum(1 for v in values if self._conforms(inner, v, run))
            if low is not None and count < low:
                yield SH.QualifiedMinCountConstraintComponent, None
            if high is not None and count > high:
                yield SH.QualifiedMaxCountConstraintComponent, None
        for kinds in shape.node_kinds:
            for v in values:
                if not isinstance(v, _NODE_KINDS[kinds]):  # type: ignore[index]
                    yield SH.NodeKindConstraintComponent, v
        for pattern in shape.patterns:
            for v in values:
                if isinstance(v, BNode) or not pattern.search(as_string(v)):
                    yield SH.PatternConstraintComponent, v
        for members in shape.alternatives:
            for v in values:
                if not any(self._conforms(m, v, run) for m in members):
                    yield SH.OrConstraintComponent, v
        for languages in shape.languages:
            for v in values:
                if not in_languages(v, languages):
                    yield SH.LanguageInConstraintComponent, v

    def _conforms(self, shape: Shape, node: Node, run: _Run) -> bool:
        """Whether ``node`` conforms to the nested ``shape``."""
        values = values_of(shape, node, run.data) if shape.path is not None else [node]
        if any(True for _ in self._core(shape, values, run)):
            return False
        return all(self._conforms(prop, node, run) for prop in shape.properties)

    def _shape(self, node: Node, *, nested: bool) -> Shape:
        key = (node, nested)
        found = self._compiled.get(key)
        if found is not None:
            return found
        g = self.shapes
        unknown = {p for p in g.predicates(node) if str(p).startswith(str(SH)) and p not in _KNOWN}
        if unknown:
            raise Unsupported(f"{node}: {sorted(map(str, unknown))}")
        severity = g.value(node, SH.severity)
        if nested and (severity is not None or g.value(node, SH.sparql) is not None):
            raise Unsupported(f"{node}: a nested shape with a severity or SPARQL")
        if not nested and g.value(node, SH.message) is None and _has_constraints(g, node):
            raise Unsupported(f"{node}: no sh:message (pySHACL would make one up)")
        shape = Shape(node, severity if isinstance(severity, URIRef) else SH.Violation)
        self._compiled[key] = shape
        path = g.value(node, SH.path)
        if path is not None:
            shape.path, shape.steps = path, _steps(g, path)
        shape.classes = list(g.objects(node, SH["class"]))
        shape.datatypes = list(g.objects(node, SH.datatype))
        shape.min_count = _one_int(g, node, SH.minCount)
        shape.max_count = _one_int(g, node, SH.maxCount)
        inner = g.value(node, SH.qualifiedValueShape)
        if inner is not None:
            if len(list(g.objects(node, SH.qualifiedValueShape))) > 1:
                raise Unsupported(f"{node}: several qualified value shapes")
            low = _one_int(g, node, SH.qualifiedMinCount)
            high = _one_int(g, node, SH.qualifiedMaxCount)
            shape.qualified = (self._shape(inner, nested=True), low, high)
        for kind in g.objects(node, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise Unsupported(f"{node}: node kind {kind}")
            shape.node_kinds.append(kind)
        shape.patterns = _patterns(g, node)
        for members in g.objects(node, SH["or"]):
            shape.alternatives.append([self._shape(m, nested=True) for m in Collection(g, members)])
        for languages in g.objects(node, SH.languageIn):
            shape.languages.append({str(x).lower() for x in Collection(g, languages)})
        shape.sparql = [sparql_rule(g, c) for c in g.objects(node, SH.sparql)]
        shape.properties = [self._shape(p, nested=nested) for p in g.objects(node, SH.property)]
        if not nested:
            shape.targets = [(t, o) for t in _TARGETS for o in g.objects(node, t)]
        return shape


class _Run:
    """One evaluation: the data, the superclasses of its types found so far, and the data in
    the engine, copied when a SPARQL constraint first needs it."""

    def __init__(
        self,
        data: Graph,
        sources: tuple[list[Graph | bytes], list[Graph | EngineTriples]],
        ill_typed: bool,
    ) -> None:
        self.data = data
        self.supers: dict[Node, set[Node]] = {}
        self.sources = sources
        self.ill_typed = ill_typed
        self._copy: ScratchGraph | None = None

    def engine(self) -> ScratchGraph:
        if self._copy is None:
            self._copy = ScratchGraph(*self.sources)
        return self._copy


def compile_shapes(shapes: Graph) -> Engine:
    """:class:`Engine` of ``shapes``; raises :class:`Unsupported`."""
    return Engine(shapes)


def _has_constraints(g: Graph, node: Node) -> bool:
    constraints = _KNOWN - {*_TARGETS, SH.property, SH.name, SH.description, SH.order, SH.group}
    constraints -= {SH.path, SH.severity, SH.message, SH.declare, SH.sparql, SH.flags}
    return any(p in constraints for p in g.predicates(node))


def _one_int(g: Graph, node: Node, predicate: URIRef) -> int | None:
    found = list(g.objects(node, predicate))
    if not found:
        return None
    if len(found) > 1 or not isinstance(found[0], Literal) or not isinstance(found[0].value, int):
        raise Unsupported(f"{node}: {predicate} is not one integer")
    return int(found[0].value)


def _steps(g: Graph, path: Node) -> Path_:
    """A property path this module follows: an IRI, ``sh:inversePath`` of one, or an
    ``sh:alternativePath`` of IRIs."""
    if isinstance(path, URIRef):
        return ((path, False),)
    inverse = g.value(path, SH.inversePath)
    if isinstance(inverse, URIRef) and len(list(g.predicate_objects(path))) == 1:
        return ((inverse, True),)
    members = g.value(path, SH.alternativePath)
    if members is not None and len(list(g.predicate_objects(path))) == 1:
        items = list(Collection(g, members))
        if items and all(isinstance(i, URIRef) for i in items):
            return tuple((i, False) for i in items)  # type: ignore[misc]
    raise Unsupported(f"path {path}")


def _patterns(g: Graph, node: Node) -> list[re.Pattern[str]]:
    flags = 0
    for text in g.objects(node, SH.flags):
        for letter in str(text):
            if letter not in _FLAGS:
                raise Unsupported(f"{node}: flag {letter}")
            flags |= _FLAGS[letter]
    out = []
    for pattern in g.objects(node, SH.pattern):
        if not isinstance(pattern, Literal):
            raise Unsupported(f"{node}: pattern {pattern}")
        value = pattern.value
        out.append(
            re.compile(str(value) if value is not None and len(value) > 1 else str(pattern), flags)
        )
    return out
