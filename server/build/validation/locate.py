"""Findings placed in a file at a line: SHACL results, unknown terms, and readable labels."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SH, SKOS
from rdflib.term import Node

from server.build.turtle import ParsedTurtle
from server.build.validation.context import Context
from server.build.validation.findings import Finding, severity
from server.build.validation.shacl import RawResult, show
from server.build.vocabulary import RGSH, UNKNOWN_TERM, find_unknown_terms

__all__ = ["UNKNOWN_TERM_COMPONENT", "labels", "locate", "mentions", "vocabulary_findings"]

#: The component of the unknown-term check (not a SHACL constraint component).
UNKNOWN_TERM_COMPONENT = RGSH + "UnknownTermComponent"
#: Where a subject's readable name is, in order.
_LABELS = (DCTERMS.title, SKOS.prefLabel, RDFS.label)


def locate(
    raw: RawResult, focus: Node, parsed: ParsedTurtle, *, as_object: bool = False
) -> Finding:
    """``raw`` as a finding in ``parsed``: at the line of the focus's statement with the
    result's path, else of its first statement; ``as_object``: at the first statement that
    has the focus as its object."""
    line = _line_as_object(focus, parsed) if as_object else None
    if line is None and isinstance(raw.path, URIRef):
        line = parsed.lines.line_of_triple(focus, raw.path)
    if line is None:
        line = parsed.lines.line_of(focus)
    return Finding(
        file=parsed.path,
        line=line,
        focus=show(focus),
        shape=raw.shape,
        component=raw.component,
        path=raw.path_text,
        value=show(raw.value, parsed.graph) if raw.value is not None else None,
        severity=raw.severity,
        messages=dict(raw.messages),
        hints=dict(raw.hints),
    )


def _line_as_object(focus: Node, parsed: ParsedTurtle) -> int | None:
    """The first line (in file order) of a triple that has ``focus`` as its object."""
    lines = []
    for subject, predicate in parsed.graph.subject_predicates(focus):
        found = parsed.lines.line_of_triple(subject, predicate)
        if found is None:
            found = parsed.lines.line_of(subject)
        if found is not None:
            lines.append(found)
    return min(lines) if lines else None


def mentions(graph: Graph, node: Node) -> bool:
    """Whether ``node`` is a subject or an object in ``graph``."""
    return (node, None, None) in graph or (None, None, node) in graph


def vocabulary_findings(
    parsed: ParsedTurtle, context: Context
) -> tuple[list[Finding], set[tuple[str, str]]]:
    """A finding for every term in ``parsed`` that its vocabulary does not have
    (:mod:`server.build.vocabulary`), at the line of its statement; and the (focus, term)
    pairs the author probably meant (a "missing" result about them is the typo's echo)."""
    level = severity(context.shapes.value(UNKNOWN_TERM, SH.severity))
    findings = []
    meant = set()
    for unknown in find_unknown_terms(parsed.graph, context.vocabularies):
        line = None
        if unknown.predicate is not None:
            line = parsed.lines.line_of_triple(unknown.subject, unknown.predicate)
        findings.append(
            Finding(
                file=parsed.path,
                line=line if line is not None else parsed.lines.line_of(unknown.subject),
                focus=show(unknown.subject),
                shape=str(UNKNOWN_TERM),
                component=UNKNOWN_TERM_COMPONENT,
                path=str(unknown.predicate) if unknown.predicate is not None else None,
                value=str(unknown.term),
                severity=level,
                messages=unknown.messages,
                hints=unknown.hints,
            )
        )
        if unknown.suggested is not None:
            meant.add((show(unknown.subject), str(unknown.suggested)))
    return findings, meant


def labels(parsed: ParsedTurtle) -> dict[str, dict[str, str]]:
    """Labels of the file's subjects by language, for readable reports."""
    found: dict[str, dict[str, str]] = {}
    for predicate in _LABELS:
        for subject, label in parsed.graph.subject_objects(predicate):
            if isinstance(label, Literal):
                by_lang = found.setdefault(show(subject), {})
                lang = (label.language or "").split("-")[0]
                by_lang.setdefault(lang, str(label))
    return found
