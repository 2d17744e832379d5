"""The line-oriented reports: plain text for people, workflow commands for GitHub Actions."""

from __future__ import annotations

from server.build.reports.common import WORDS, describe_focus, short, summary
from server.build.validation import FileResult, Finding, ValidationReport

__all__ = ["github", "text"]


def text(report: ValidationReport, lang: str) -> str:
    """Per file its status, its syntax error, and its findings grouped by focus node; then a
    summary."""
    words = WORDS[lang]
    out: list[str] = []
    for result in report.files:
        status = words["ok"] if result.conforms else words["bad"]
        out.append(f"{result.file}: {status}")
        error = result.syntax_error
        if error is not None:
            out.append(f"  {error.path}:{error.line}:{error.column}: {words['syntax']}")
            out.append(f"    {error.text(lang)}")
        out.extend(_text_findings(result, lang))
    counts = summary(report)
    out.append(
        words["summary"].format(
            files=counts["files"],
            conforming=counts["conforming"],
            syntax=counts["syntax_errors"],
            violations=counts["violations"],
            warnings=counts["warnings"],
            infos=counts["infos"],
        )
    )
    return "\n".join(out) + "\n"


def _text_findings(result: FileResult, lang: str) -> list[str]:
    words = WORDS[lang]
    out: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.focus, []).append(finding)
    for focus, findings in groups.items():
        lines = [f.line for f in findings if f.line is not None]
        where = f" ({words['line']} {min(lines)})" if lines else ""
        out.append(f"  {describe_focus(result, focus, lang)}{where}")
        for f in findings:
            location = f"{f.file}:{f.line}" if f.line is not None else str(f.file)
            out.append(f"    {location}: {words[f.severity]} {f.message(lang)}")
            details = [f"{words['shape']}: {short(f.shape)}"]
            if f.path:
                details.append(f"{words['path']}: {short(f.path)}")
            if f.value:
                details.append(f"{words['value']}: {short(f.value)}")
            out.append("      " + "; ".join(details))
            if f.hint(lang):
                out.append(f"      {words['hint']}: {f.hint(lang)}")
    return out


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: ValidationReport, lang: str) -> str:
    """One ``::error``/``::warning``/``::notice`` workflow command per syntax error and
    finding, with file and line, so GitHub annotates the pull request."""
    words = WORDS[lang]
    commands = {"Violation": "error", "Warning": "warning", "Info": "notice"}
    out: list[str] = []
    for result in report.files:
        file = _escape_property(result.file.as_posix())
        error = result.syntax_error
        if error is not None:
            out.append(
                f"::error file={file},line={error.line},col={error.column},"
                f"title={_escape_property(words['syntax'])}::{_escape_data(error.text(lang))}"
            )
        for f in result.findings:
            location = f"file={file}" + (f",line={f.line}" if f.line is not None else "")
            title = _escape_property(f"{short(f.shape)} ({describe_focus(result, f.focus, lang)})")
            body = f.message(lang) + (f"\n{words['hint']}: {f.hint(lang)}" if f.hint(lang) else "")
            out.append(f"::{commands[f.severity]} {location},title={title}::{_escape_data(body)}")
    return "".join(line + "\n" for line in out)
