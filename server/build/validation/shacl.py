"""One pySHACL run over the data, and its results with their messages and hints.

Inference is off: the ontology is mixed into the data graph, so ``rdfs:subClassOf`` is visible
to ``sh:class``. Messages come from the shapes (``sh:message``, in ``nl`` and ``en``) with their
``{$this}``, ``{$value}``, ``{$path}`` placeholders filled in; hints from ``rgsh:hint``.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

if TYPE_CHECKING:
    from rdflib.plugins.sparql.processor import SPARQLProcessor
    from rdflib.plugins.sparql.sparql import Query

from server.build.validation.findings import LANGUAGES, severity
from server.build.vocabulary import RGSH

__all__ = ["HINT", "RawResult", "raw_result", "shacl_results", "show"]

#: The fix hint on a constraint: ``rgsh:hint "..."@nl, "..."@en``.
HINT = URIRef(RGSH + "hint")

_PLACEHOLDER = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")
_SPARQL_LOCK = threading.Lock()


@dataclass(frozen=True)
class RawResult:
    """One SHACL result, before it is placed in a file (see :mod:`.locate`)."""

    shape: str
    component: str
    path: Node | None
    #: The path as people read it (:func:`path_text`).
    path_text: str | None
    value: Node | None
    severity: str
    messages: tuple[tuple[str, str], ...]
    hints: tuple[tuple[str, str], ...]


def shacl_results(data: Graph, shapes: Graph) -> list[tuple[Node, RawResult]]:
    """Validate ``data`` (changed in place) against ``shapes``: each result's focus node and
    the result."""
    if len(shapes) == 0:
        return []
    # Imported here: pySHACL takes most of a second to import and the fast path
    # (:mod:`.engine`) does without it.
    from pyshacl import validate as shacl_validate

    with _prepared_sparql():
        _conforms, report, _text = shacl_validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,
        )
    assert isinstance(report, Graph)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus is None:  # pragma: no cover - every SHACL result has a focus node
            continue
        out.append((focus, _raw(report, result, focus, shapes)))
    return out


def _raw(report: Graph, result: Node, focus: Node, shapes: Graph) -> RawResult:
    return raw_result(
        shapes,
        focus,
        report.value(result, SH.sourceShape),
        report.value(result, SH.sourceConstraint),
        report.value(result, SH.sourceConstraintComponent),
        report.value(result, SH.resultPath),
        report.value(result, SH.value),
        report.value(result, SH.resultSeverity),
        fallback=(report, result),
    )


def raw_result(
    shapes: Graph,
    focus: Node,
    source_shape: Node | None,
    constraint: Node | None,
    component: Node | None,
    path: Node | None,
    value: Node | None,
    level: Node | None,
    *,
    fallback: tuple[Graph, Node] | None = None,
) -> RawResult:
    """One result with its messages and hints from ``shapes`` (else from the report's
    ``sh:resultMessage``: ``fallback`` is the report and the result node)."""
    # The rule is named by its most specific IRI: a named SPARQL constraint (the object of
    # sh:sparql), else the shape.
    holders = [n for n in (constraint, source_shape) if n is not None]
    shape_node = next((n for n in holders if isinstance(n, URIRef)), source_shape)
    messages = _texts(shapes, holders, SH.message)
    if not messages and fallback is not None:
        messages = _texts(fallback[0], [fallback[1]], SH.resultMessage)
    subst = {"this": focus, "value": value, "path": path, "focusNode": focus}
    return RawResult(
        shape=str(shape_node) if shape_node is not None else "",
        component=str(component) if component is not None else "",
        path=path,
        path_text=path_text(path, shapes),
        value=value,
        severity=severity(level),
        messages=tuple(sorted((k, _fill(v, subst, shapes)) for k, v in messages.items())),
        hints=tuple(sorted(_texts(shapes, holders, HINT).items())),
    )


@functools.lru_cache(maxsize=512)
def _prepare(query: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    return translateQuery(parseQuery(query), base, dict(namespaces) or None)


@contextmanager
def _prepared_sparql() -> Iterator[None]:
    """Parse each SPARQL constraint once instead of once per focus node.

    pySHACL hands rdflib the query text for every focus node and rdflib parses it every time
    (nine tenths of the run time); this is what ``rdflib.plugins.sparql.prepareQuery`` does,
    applied while pySHACL runs. Evaluation is unchanged. (rdflib's SPARQL engine is imported
    here: only pySHACL needs it.)
    """
    from rdflib.plugins.sparql import processor as sparql_processor

    original = sparql_processor.SPARQLProcessor.query

    def query(
        self: SPARQLProcessor,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepare(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    # Patching the method on purpose (see above); mypy forbids assigning to a method.
    with _SPARQL_LOCK:
        sparql_processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        try:
            yield
        finally:
            sparql_processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def _texts(graph: Graph, holders: list[Node], predicate: URIRef) -> dict[str, str]:
    """The first holder's literals for ``predicate`` by language (untagged counts as both)."""
    for holder in holders:
        texts: dict[str, str] = {}
        plain = None
        for literal in graph.objects(holder, predicate):
            if isinstance(literal, Literal):
                if literal.language:
                    texts.setdefault(literal.language.lower().split("-")[0], str(literal))
                else:
                    plain = str(literal)
        if plain is not None:
            for lang in LANGUAGES:
                texts.setdefault(lang, plain)
        if texts:
            return texts
    return {}


def _fill(text: str, values: dict[str, Node | None], graph: Graph) -> str:
    def replace(match: re.Match[str]) -> str:
        node = values.get(match[1])
        return show(node, graph) if node is not None else match[0]

    return _PLACEHOLDER.sub(replace, text)


def path_text(path: Node | None, shapes: Graph) -> str | None:
    """A result path as text, in SPARQL's property-path syntax: the property's IRI, ``^p``
    for an inverse path, ``p | q`` for alternatives (``sh:alternativePath``); else as
    :func:`show` shows a node."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{path_text(inverse, shapes)}"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        items = Collection(shapes, alternatives)
        return " | ".join(path_text(item, shapes) or show(item) for item in items)
    return show(path, shapes)


def show(node: Node, graph: Graph | None = None) -> str:
    """A short, readable form of a node: an IRI, ``_:id``, or a literal in Turtle."""
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        manager = graph.namespace_manager if graph is not None else None
        return node.n3(manager)
    return str(node)
