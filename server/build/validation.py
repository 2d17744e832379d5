"""Validate Turtle files: strict syntax, SHACL shapes and known vocabulary, with file:line.

:func:`validate_files` parses each file (:mod:`server.build.turtle`), runs pySHACL once over all
given files together with their context, and reports per file the results whose focus node is a
subject in that file (else an object in that file; a focus no file nor the context mentions is
reported in every file). The context is the ontology (``ontology/*.ttl``) and the reference data
(``data/**/*.ttl``) except the files being validated, so a contribution may point at existing
goals, municipalities and projects. Inference is off: the ontology is mixed into the data graph,
so ``rdfs:subClassOf`` is visible to ``sh:class``. Validation returns a value; the CLI maps it to
exit codes.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from server import settings
from server.build.inference import union
from server.build.turtle import ParsedTurtle, TurtleSyntaxError, parse_turtle
from server.build.vocabulary import RGSH, UNKNOWN_TERM, declared_terms, find_unknown_terms

__all__ = [
    "SEVERITIES",
    "FileResult",
    "Finding",
    "ValidationReport",
    "clear_cache",
    "validate_files",
]

log = logging.getLogger(__name__)

#: SHACL severities by IRI, as the short names a :class:`Finding` carries.
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: The fix hint on a constraint: ``rgsh:hint "..."@nl, "..."@en``.
HINT = URIRef(RGSH + "hint")
#: The component of the unknown-term check (not a SHACL constraint component).
UNKNOWN_TERM_COMPONENT = RGSH + "UnknownTermComponent"
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Finding:
    """One validation result in one file.

    ``shape`` is the IRI of the rule (a named SPARQL constraint, else ``sh:sourceShape``),
    ``component`` the constraint component IRI, ``severity`` one of ``Violation``,
    ``Warning``, ``Info``; ``messages`` and ``hints`` map a language tag (``nl``, ``en``) to text.
    """

    file: Path
    line: int | None
    focus: str
    shape: str
    component: str
    path: str | None
    value: str | None
    severity: str
    messages: dict[str, str] = field(hash=False, compare=True)
    hints: dict[str, str] = field(hash=False, compare=True)

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang``, else in the other language, else empty."""
        return _pick(self.messages, lang)

    def hint(self, lang: str = "nl") -> str:
        """The fix hint in ``lang``, else in the other language, else empty."""
        return _pick(self.hints, lang)


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file: a syntax error, or the findings about its subjects."""

    file: Path
    syntax_error: TurtleSyntaxError | None
    findings: tuple[Finding, ...]
    labels: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)

    def label(self, focus: str, lang: str = "nl") -> str | None:
        """The file's title or label (``dct:title``, ``skos:prefLabel``) for ``focus``."""
        texts = self.labels.get(focus)
        return _pick(texts, lang) if texts else None

    @property
    def conforms(self) -> bool:
        """True when the file parsed and has no finding of severity Violation."""
        return self.syntax_error is None and not any(
            f.severity == "Violation" for f in self.findings
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome for every validated file, in the order given."""

    files: tuple[FileResult, ...]

    @property
    def conforms(self) -> bool:
        """True when every file conforms (warnings and infos allowed)."""
        return all(result.conforms for result in self.files)


def validate_files(
    paths: Sequence[Path],
    root: Path = settings.PROJECT_ROOT,
    *,
    shapes: Sequence[Path] | None = None,
) -> ValidationReport:
    """Validate the Turtle files ``paths`` against the shapes and ontology under ``root``.

    ``shapes`` are the shape files to validate against (default: every ``shapes/*.ttl`` under
    ``root``). Raises :class:`FileNotFoundError` (an :class:`OSError`) when a file cannot be read
    and :class:`TurtleSyntaxError` when a shapes or ontology file is broken.
    """
    root = Path(root).resolve()
    context = _load_context(root, shapes)
    files = [Path(p) for p in paths]
    resolved = [p.resolve() for p in files]
    parsed: dict[int, ParsedTurtle] = {}
    errors: dict[int, TurtleSyntaxError] = {}
    for index, path in enumerate(files):
        try:
            parsed[index] = parse_turtle(path)
        except TurtleSyntaxError as exc:
            errors[index] = exc

    findings: dict[int, list[Finding]] = {index: [] for index in range(len(files))}
    if parsed:
        data = Graph()
        data += context.ontology
        for path, graph in context.data.items():
            if path not in resolved:
                data += graph
        for item in parsed.values():
            data += item.graph
        context_graphs = [context.ontology] + [
            graph for path, graph in context.data.items() if path not in resolved
        ]
        for focus, finding in _shacl_findings(data, context.shapes):
            as_subject = [i for i, item in parsed.items() if (focus, None, None) in item.graph]
            for index in as_subject:
                findings[index].append(_locate(finding, focus, parsed[index]))
            if as_subject:
                continue
            # A focus that is only an object here (e.g. the target of geo:hasGeometry).
            as_object = [i for i, item in parsed.items() if (None, None, focus) in item.graph]
            for index in as_object:
                findings[index].append(_locate(finding, focus, parsed[index], as_object=True))
            if as_object or any(_mentions(graph, focus) for graph in context_graphs):
                continue
            # Never drop a result about a node that none of the files mentions.
            for index, item in parsed.items():
                findings[index].append(_locate(finding, focus, item))
        for index, item in parsed.items():
            findings[index].extend(_vocabulary_findings(item, context))

    results = []
    for index, path in enumerate(files):
        labels = _labels(parsed[index]) if index in parsed else {}
        ordered = sorted(
            set(findings[index]),
            key=lambda f: (f.line or 0, f.focus, f.shape, f.path or "", f.value or ""),
        )
        results.append(FileResult(path, errors.get(index), tuple(ordered), labels))
    return ValidationReport(tuple(results))


# --------------------------------------------------------------------------- context cache


@dataclass(frozen=True)
class _Context:
    shapes: Graph
    ontology: Graph
    data: dict[Path, Graph]
    terms: frozenset[URIRef]


_CACHE: dict[tuple[object, ...], _Context] = {}


def clear_cache() -> None:
    """Forget the parsed shapes, ontology and reference data of every root."""
    _CACHE.clear()


def _load_context(root: Path, shape_paths: Sequence[Path] | None = None) -> _Context:
    shape_files = sorted((root / "shapes").glob("*.ttl") if shape_paths is None else shape_paths)
    ontology_files = sorted((root / "ontology").glob("*.ttl"))
    data_files = sorted((root / "data").glob("**/*.ttl"))
    key = (root, *(_stamp(p) for p in (*shape_files, *ontology_files, *data_files)))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    shapes = union(parse_turtle(p).graph for p in shape_files)
    ontology = union(parse_turtle(p).graph for p in ontology_files)
    data: dict[Path, Graph] = {}
    for path in data_files:
        try:
            data[path.resolve()] = parse_turtle(path).graph
        except TurtleSyntaxError as exc:
            log.warning("context file left out: %s", exc)
    context = _Context(shapes, ontology, data, declared_terms(ontology))
    for old in [k for k in _CACHE if k[0] == root]:
        del _CACHE[old]
    _CACHE[key] = context
    return context


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


# --------------------------------------------------------------------------- SHACL


@dataclass(frozen=True)
class _Raw:
    shape: str
    component: str
    path: Node | None
    value: Node | None
    severity: str
    messages: tuple[tuple[str, str], ...]
    hints: tuple[tuple[str, str], ...]


def _shacl_findings(data: Graph, shapes: Graph) -> list[tuple[Node, _Raw]]:
    if len(shapes) == 0:
        return []
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
        source_shape = report.value(result, SH.sourceShape)
        constraint = report.value(result, SH.sourceConstraint)
        component = report.value(result, SH.sourceConstraintComponent)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation")  # type: ignore[arg-type]
        # The rule is named by its most specific IRI: a named SPARQL constraint (the object of
        # sh:sparql), else the shape.
        holders = [n for n in (constraint, source_shape) if n is not None]
        shape_node = next((n for n in holders if isinstance(n, URIRef)), source_shape)
        messages = _texts(shapes, holders, SH.message)
        if not messages:
            messages = _result_messages(report, result)
        hints = _texts(shapes, holders, HINT)
        subst = {"this": focus, "value": value, "path": path, "focusNode": focus}
        messages = {lang: _fill(text, subst, shapes) for lang, text in messages.items()}
        out.append(
            (
                focus,
                _Raw(
                    shape=str(shape_node) if shape_node is not None else "",
                    component=str(component) if component is not None else "",
                    path=path,
                    value=value,
                    severity=severity,
                    messages=tuple(sorted(messages.items())),
                    hints=tuple(sorted(hints.items())),
                ),
            )
        )
    return out


_SPARQL_LOCK = threading.Lock()


@functools.lru_cache(maxsize=512)
def _prepare(query: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(query), base, dict(namespaces) or None)


@contextmanager
def _prepared_sparql() -> Iterator[None]:
    """Parse each SPARQL constraint once instead of once per focus node.

    pySHACL hands rdflib the query text for every focus node and rdflib parses it every time
    (nine tenths of the run time); this is what ``rdflib.plugins.sparql.prepareQuery`` does,
    applied while pySHACL runs. Evaluation is unchanged.
    """
    original = sparql_processor.SPARQLProcessor.query

    def query(
        self: sparql_processor.SPARQLProcessor,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepare(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

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


def _result_messages(report: Graph, result: Node) -> dict[str, str]:
    texts = _texts(report, [result], SH.resultMessage)
    return texts


_PLACEHOLDER = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(text: str, values: dict[str, Node | None], graph: Graph) -> str:
    def replace(match: re.Match[str]) -> str:
        node = values.get(match[1])
        return _show(node, graph) if node is not None else match[0]

    return _PLACEHOLDER.sub(replace, text)


def _show(node: Node, graph: Graph | None = None) -> str:
    """A short, readable form of a node: an IRI, ``_:id``, or a literal in Turtle."""
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        manager = graph.namespace_manager if graph is not None else None
        return node.n3(manager)
    return str(node)


def _show_path(path: Node | None, graph: Graph) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_show_path(inverse, graph)}"
    return _show(path, graph)


def _mentions(graph: Graph, node: Node) -> bool:
    return (node, None, None) in graph or (None, None, node) in graph


def _locate(raw: _Raw, focus: Node, parsed: ParsedTurtle, *, as_object: bool = False) -> Finding:
    line = None
    if as_object:
        # The first triple (in file order) that has the focus as its object.
        lines = []
        for subject, predicate in parsed.graph.subject_predicates(focus):
            found = parsed.lines.line_of_triple(subject, predicate)
            if found is None:
                found = parsed.lines.line_of(subject)
            if found is not None:
                lines.append(found)
        line = min(lines) if lines else None
    if line is None and isinstance(raw.path, URIRef):
        line = parsed.lines.line_of_triple(focus, raw.path)
    if line is None:
        line = parsed.lines.line_of(focus)
    return Finding(
        file=parsed.path,
        line=line,
        focus=_show(focus),
        shape=raw.shape,
        component=raw.component,
        path=_show_path(raw.path, parsed.graph),
        value=_show(raw.value, parsed.graph) if raw.value is not None else None,
        severity=raw.severity,
        messages=dict(raw.messages),
        hints=dict(raw.hints),
    )


# --------------------------------------------------------------------------- vocabulary


def _vocabulary_findings(parsed: ParsedTurtle, context: _Context) -> list[Finding]:
    severity = SEVERITIES.get(context.shapes.value(UNKNOWN_TERM, SH.severity), "Violation")  # type: ignore[arg-type]
    findings = []
    for unknown in find_unknown_terms(parsed.graph, context.terms):
        line = parsed.lines.line_of_triple(unknown.subject, unknown.predicate)
        findings.append(
            Finding(
                file=parsed.path,
                line=line if line is not None else parsed.lines.line_of(unknown.subject),
                focus=_show(unknown.subject),
                shape=str(UNKNOWN_TERM),
                component=UNKNOWN_TERM_COMPONENT,
                path=str(unknown.predicate),
                value=str(unknown.term),
                severity=severity,
                messages=unknown.messages,
                hints=unknown.hints,
            )
        )
    return findings


# --------------------------------------------------------------------------- labels

_LABELS = (
    URIRef("http://purl.org/dc/terms/title"),
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
)


def _labels(parsed: ParsedTurtle) -> dict[str, dict[str, str]]:
    """Labels of the file's subjects by language, for readable reports."""
    labels: dict[str, dict[str, str]] = {}
    for predicate in _LABELS:
        for subject, label in parsed.graph.subject_objects(predicate):
            if isinstance(label, Literal):
                by_lang = labels.setdefault(_show(subject), {})
                lang = (label.language or "").split("-")[0]
                by_lang.setdefault(lang, str(label))
    return labels


def _pick(texts: dict[str, str], lang: str) -> str:
    if lang in texts:
        return texts[lang]
    for other in (*LANGUAGES, ""):
        if other in texts:
            return texts[other]
    return next(iter(texts.values()), "")
