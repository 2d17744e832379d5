"""Validate Turtle files: strict syntax, SHACL shapes, known vocabulary, reused IRIs and
ownership, with file:line.

:func:`validate_files` parses each file (:mod:`server.build.turtle`), runs pySHACL once over all
given files together with their context (:mod:`.shacl`), and reports per file the results whose
focus node is a subject in that file (else an object in that file; a focus no file nor the
context mentions is reported in every file) (:mod:`.locate`). The context (:mod:`.context`) is
the ontology (``ontology/*.ttl``) and the reference data (``data/**/*.ttl``) except the files
being validated, so a contribution may point at existing goals, municipalities and projects.
Besides the shapes, every file is checked for terms that do not exist (:mod:`server.build.
vocabulary`), for projects, goals, strategies and assessments that another file already
defines (:mod:`.reuse`), and, when it is a contribution of an organisation (a file in
``data/contributions/<code>/``, or one given an owner), for statements about what that
organisation does not own (:mod:`.ownership`). Validation returns a value (:mod:`.findings`);
the CLI maps it to exit codes.

The same function checks a text that is not (yet) a file: ``texts`` gives the content of a path
(the web page, the API and the graph store validate an upload as if it were that file), and
``removed`` leaves files out of the context (a graph about to be deleted).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.term import Node

from server import settings
from server.build.turtle import ParsedTurtle, TurtleSyntaxError, parse_turtle_bytes
from server.build.validation.context import Context, clear_cache, load_context, parsed_file
from server.build.validation.datafiles import DataFile, DataFiles, Others
from server.build.validation.findings import (
    SEVERITIES,
    FileResult,
    Finding,
    ValidationReport,
)
from server.build.validation.locate import labels, locate, mentions, vocabulary_findings
from server.build.validation.ownership import (
    OWNERSHIP,
    contribution_folder,
    ownership_findings,
)
from server.build.validation.reuse import REUSED_IRI, echoes, reuse_findings, typo_echo
from server.build.validation.shacl import RawResult, shacl_results
from server.build.validation.union import union_graph
from server.store.syntax import EngineTriples

__all__ = [
    "OWNERSHIP",
    "REUSED_IRI",
    "SEVERITIES",
    "FileResult",
    "Finding",
    "ValidationReport",
    "clear_cache",
    "validate_files",
]

log = logging.getLogger(__name__)

#: Most validated files for which the context is a view (:mod:`.union`), not a copy.
UNION_MAX_FILES = 20


def validate_files(
    paths: Sequence[Path],
    root: Path = settings.PROJECT_ROOT,
    *,
    shapes: Sequence[Path] | None = None,
    texts: Mapping[Path, bytes] | None = None,
    removed: Sequence[Path] = (),
    owners: Mapping[Path, str] | None = None,
    reference: bool = False,
    cache: Path | None = None,
) -> ValidationReport:
    """Validate the Turtle files ``paths`` against the shapes and ontology under ``root``.

    ``shapes``: the shape files (default: ``shapes/*.ttl`` under ``root``); ``texts`` the
    content of some of ``paths`` (instead of the file, which need not exist); ``removed``
    files to leave out of the context; ``owners`` the contribution folder (``gm0599``) whose
    ownership rule applies to a path outside ``data/contributions/<code>/``; ``reference``:
    pySHACL over all data (:mod:`.engine` is the fast path); ``cache``: a folder that keeps
    the parsed context between processes (:mod:`.stored`). Raises :class:`OSError` when a
    file cannot be read, :class:`TurtleSyntaxError` for a broken shapes or ontology file."""
    context = load_context(Path(root).resolve(), shapes, cache)
    files = [Path(p) for p in paths]
    resolved = [p.resolve() for p in files]
    given = {Path(p).resolve(): data for p, data in (texts or {}).items()}
    parsed, errors = _parse_all(files, given, context)
    excluded = set(resolved) | {Path(p).resolve() for p in removed}
    findings: dict[int, list[Finding]] = {index: [] for index in range(len(files))}
    if parsed:
        data_files = _data_files(context, excluded, parsed)
        merged = _merged(context, excluded, parsed, data_files, fast=not reference)
        results = _shacl(context, merged, parsed, excluded, reference)
        _add_shacl_findings(findings, parsed, context, excluded, results)
        folders = {Path(p).resolve(): code for p, code in (owners or {}).items()}
        for index, item in parsed.items():
            others = data_files.without(item.graph)
            folder = folders.get(resolved[index]) or contribution_folder(
                context.relpath(files[index])
            )
            findings[index] = _rule_findings(findings[index], item, context, others, merged, folder)
    return ValidationReport(
        tuple(
            _file_result(path, parsed.get(index), errors.get(index), findings[index])
            for index, path in enumerate(files)
        )
    )


def _parse_all(
    files: list[Path], given: Mapping[Path, bytes], context: Context
) -> tuple[dict[int, ParsedTurtle], dict[int, TurtleSyntaxError]]:
    """The files parsed, and the syntax errors, by their index in ``files``: ``given`` holds
    the content of some (by resolved path); a data file of the context is not parsed again."""
    parsed: dict[int, ParsedTurtle] = {}
    errors: dict[int, TurtleSyntaxError] = {}
    for index, path in enumerate(files):
        resolved = path.resolve()
        data = given.get(resolved)
        known = context.parsed.get(resolved) if data is None else None
        try:
            parsed[index] = known or _parse(path, data)
        except TurtleSyntaxError as exc:
            errors[index] = exc
    return parsed, errors


def _parse(path: Path, data: bytes | None) -> ParsedTurtle:
    """The file at ``path``, or ``data`` as if it were that file."""
    return parsed_file(path) if data is None else parse_turtle_bytes(data, path)


def _merged(
    context: Context,
    excluded: set[Path],
    parsed: dict[int, ParsedTurtle],
    files: DataFiles,
    *,
    fast: bool,
) -> Graph:
    """The ontology, the context data except ``excluded``, and the parsed files, together;
    ``fast``: a view of them (:mod:`.union`) for a few validated files, else a copy in rdflib's
    store without named graphs, which looks triples up several times faster (pySHACL needs
    the other)."""
    if fast and len(parsed) <= UNION_MAX_FILES:
        return union_graph([context.ontology], files)
    merged = Graph(store="SimpleMemory") if fast else Graph()
    graphs = [context.ontology]
    graphs += [graph for path, graph in context.data.items() if path not in excluded]
    graphs += [item.graph for item in parsed.values()]
    # The store's own add: the graph's checks the terms of each triple again (a quarter of
    # the time); these come from parsed graphs.
    add = merged.store.add
    for graph in graphs:
        for triple in graph:
            add(triple, merged)
    return merged


def _data_files(
    context: Context, excluded: set[Path], parsed: dict[int, ParsedTurtle]
) -> DataFiles:
    """Every data file: the context's and the validated ones."""
    files = [
        DataFile(context.relpath(path), graph)
        for path, graph in context.data.items()
        if path not in excluded
    ]
    files += [DataFile(context.relpath(item.path), item.graph) for item in parsed.values()]
    return DataFiles(files)


def _rule_findings(
    shacl: list[Finding],
    parsed: ParsedTurtle,
    context: Context,
    others: Others,
    merged: Graph,
    folder: str | None,
) -> list[Finding]:
    """The file's SHACL findings with the rules that are not SHACL: unknown terms, reused IRIs
    (whose echoes are left out) and, for a contribution, ownership."""
    reused = reuse_findings(parsed, others, merged)
    reused_iris = {f.focus for f in reused}
    unknown, meant = vocabulary_findings(parsed, context)
    out = [f for f in shacl if not echoes(f, reused_iris) and not typo_echo(f, meant)]
    out += unknown
    out += reused
    if folder is not None:
        out += [
            f
            for f in ownership_findings(parsed, folder, others, merged)
            if f.focus not in reused_iris
        ]
    return out


def _shacl(
    context: Context,
    merged: Graph,
    parsed: dict[int, ParsedTurtle],
    excluded: set[Path],
    reference: bool,
) -> list[tuple[Node, RawResult]]:
    """The SHACL results of the validated files in ``merged``: every target's by pySHACL
    (``reference``, or shapes the fast path does not evaluate), else those of the targets that
    the files mention (or no graph mentions), by the compiled shapes."""
    engine = None if reference else context.engine
    if engine is None:
        return shacl_results(merged, context.shapes)
    focus: set[Node] = set(engine.named_targets)
    for item in parsed.values():
        for s, _p, o in item.graph:
            focus.add(s)
            focus.add(o)
    kept = context.engine_graphs_besides(excluded)
    ill_typed = context.ill_typed_besides(excluded) or _ill_typed(focus)
    validated: list[Graph | EngineTriples] = [
        item.graph if item.engine is None else item.engine for item in parsed.values()
    ]
    return engine.results(merged, focus, (kept, validated), ill_typed=ill_typed)


def _ill_typed(nodes: Iterable[Node]) -> bool:
    """Whether one of ``nodes`` is an ill-typed literal (``"soon"^^xsd:date``)."""
    return any(isinstance(n, Literal) and n.ill_typed for n in nodes)


def _add_shacl_findings(
    findings: dict[int, list[Finding]],
    parsed: dict[int, ParsedTurtle],
    context: Context,
    excluded: set[Path],
    results: list[tuple[Node, RawResult]],
) -> None:
    """Add each SHACL result to the files it is about."""
    context_graphs = context.graphs_besides(excluded)
    for focus, raw in results:
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
    """One file's outcome, its findings in file order (without duplicates), with the labels
    of its subjects when it has findings."""
    ordered = sorted(
        set(findings),
        key=lambda f: (f.line or 0, f.focus, f.shape, f.path or "", f.value or ""),
    )
    # The labels name the focus of a finding in reports: a file without findings needs none.
    named = labels(parsed) if parsed is not None and ordered else {}
    return FileResult(path, error, tuple(ordered), named)
