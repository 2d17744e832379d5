"""Validate Turtle files: strict syntax, SHACL shapes and known vocabulary, with file:line.

:func:`validate_files` parses each file (:mod:`server.build.turtle`), runs pySHACL once over all
given files together with their context (:mod:`.shacl`), and reports per file the results whose
focus node is a subject in that file (else an object in that file; a focus no file nor the
context mentions is reported in every file) (:mod:`.locate`). The context (:mod:`.context`) is
the ontology (``ontology/*.ttl``) and the reference data (``data/**/*.ttl``) except the files
being validated, so a contribution may point at existing goals, municipalities and projects.
Validation returns a value (:mod:`.findings`); the CLI maps it to exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from server import settings
from server.build.turtle import ParsedTurtle, TurtleSyntaxError, parse_turtle
from server.build.validation.context import Context, clear_cache, load_context
from server.build.validation.findings import (
    SEVERITIES,
    FileResult,
    Finding,
    ValidationReport,
)
from server.build.validation.locate import labels, locate, mentions, vocabulary_findings
from server.build.validation.shacl import shacl_results

__all__ = [
    "SEVERITIES",
    "FileResult",
    "Finding",
    "ValidationReport",
    "clear_cache",
    "validate_files",
]


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
    context = load_context(Path(root).resolve(), shapes)
    files = [Path(p) for p in paths]
    parsed: dict[int, ParsedTurtle] = {}
    errors: dict[int, TurtleSyntaxError] = {}
    for index, path in enumerate(files):
        try:
            parsed[index] = parse_turtle(path)
        except TurtleSyntaxError as exc:
            errors[index] = exc
    findings: dict[int, list[Finding]] = {index: [] for index in range(len(files))}
    if parsed:
        _add_shacl_findings(findings, parsed, context, [p.resolve() for p in files])
        for index, item in parsed.items():
            findings[index].extend(vocabulary_findings(item, context))
    return ValidationReport(
        tuple(
            _file_result(path, parsed.get(index), errors.get(index), findings[index])
            for index, path in enumerate(files)
        )
    )


def _add_shacl_findings(
    findings: dict[int, list[Finding]],
    parsed: dict[int, ParsedTurtle],
    context: Context,
    resolved: list[Path],
) -> None:
    """Validate the parsed files with their context; add each result to the files it is about."""
    data = Graph()
    data += context.ontology
    for path, graph in context.data.items():
        if path not in resolved:
            data += graph
    for item in parsed.values():
        data += item.graph
    context_graphs = context.graphs_besides(resolved)
    for focus, raw in shacl_results(data, context.shapes):
        as_subject = [i for i, item in parsed.items() if (focus, None, None) in item.graph]
        for index in as_subject:
            findings[index].append(locate(raw, focus, parsed[index]))
        if as_subject:
            continue
        # A focus that is only an object here (e.g. the target of geo:hasGeometry).
        as_object = [i for i, item in parsed.items() if (None, None, focus) in item.graph]
        for index in as_object:
            findings[index].append(locate(raw, focus, parsed[index], as_object=True))
        if as_object or any(mentions(graph, focus) for graph in context_graphs):
            continue
        # Never drop a result about a node that none of the files mentions.
        for index, item in parsed.items():
            findings[index].append(locate(raw, focus, item))


def _file_result(
    path: Path,
    parsed: ParsedTurtle | None,
    error: TurtleSyntaxError | None,
    findings: list[Finding],
) -> FileResult:
    """One file's outcome, its findings in file order (without duplicates)."""
    ordered = sorted(
        set(findings),
        key=lambda f: (f.line or 0, f.focus, f.shape, f.path or "", f.value or ""),
    )
    return FileResult(path, error, tuple(ordered), labels(parsed) if parsed is not None else {})
