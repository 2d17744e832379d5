"""Validation reports of the write path and the validation page: paths relative to the project
root (a report never shows where the server keeps its files), and only what concerns a write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from server.build.turtle import TurtleSyntaxError
from server.build.validation import FileResult, ValidationReport

__all__ = ["relative", "what_concerns"]


def _rel(path: Path, root: Path, shown: dict[Path, Path]) -> Path:
    resolved = path.resolve()
    if resolved in shown:
        return shown[resolved]
    try:
        return resolved.relative_to(root.resolve())
    except ValueError:
        return Path(path.name)


def relative(
    report: ValidationReport, root: Path, shown: dict[Path, Path] | None = None
) -> ValidationReport:
    """``report`` with every file named relative to ``root`` (or as ``shown`` says, by
    resolved path; a file outside ``root`` by its name only)."""
    names = {Path(k).resolve(): v for k, v in (shown or {}).items()}
    files = []
    for result in report.files:
        name = _rel(result.file, root, names)
        error = result.syntax_error
        if error is not None:
            error = TurtleSyntaxError(name, error.line, error.column, error.message, error.messages)
        findings = tuple(replace(f, file=name) for f in result.findings)
        files.append(FileResult(name, error, findings, result.labels))
    return ValidationReport(tuple(files))


def what_concerns(report: ValidationReport, first: int | None = 0) -> ValidationReport:
    """The file at index ``first`` (the one written; ``None``: none) and every other file that
    does not conform (a write can break another file, for instance by removing a goal it
    points at)."""
    files = [r for i, r in enumerate(report.files) if i == first or not r.conforms]
    return ValidationReport(tuple(files))
