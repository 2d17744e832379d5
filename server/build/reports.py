"""Render a :class:`~server.build.validation.ValidationReport` as text, JSON, GitHub workflow
commands, JUnit XML or SARIF 2.1.0.

Every format reports syntax errors with line and column, and findings with their line.

The JSON format (``version`` 1) is::

    {"version": 1, "conforms": bool, "lang": "nl",
     "summary": {"files", "conforming", "syntax_errors", "violations", "warnings", "infos"},
     "files": [{"file": str, "conforms": bool,
                "syntax_error": null | {"line", "column", "message"},
                "findings": [{"line": int | null, "focus": str, "label": str | null,
                              "shape": str, "component": str, "path": str | null,
                              "value": str | null, "severity": "Violation" | "Warning" | "Info",
                              "message": str, "hint": str,
                              "messages": {"nl", "en"}, "hints": {"nl", "en"}}]}]}
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from server.build.turtle import TurtleSyntaxError
from server.build.validation import FileResult, Finding, ValidationReport
from server.build.vocabulary import RGSH
from server.rdf.namespaces import DATA_BASE, query_prefixes

__all__ = ["FORMATS", "SYNTAX_RULE", "render"]

#: The rule (shape) IRI under which syntax errors are reported.
SYNTAX_RULE = RGSH + "TurtleSyntax"

#: Prefixes used to shorten IRIs in human-readable output: the query prefixes of the data's
#: base, plus the shapes' namespaces.
PREFIXES = {
    **query_prefixes(DATA_BASE),
    "rgsh": RGSH,
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "https://schema.org/",
}

_WORDS = {
    "nl": {
        "Violation": "FOUT",
        "Warning": "WAARSCHUWING",
        "Info": "INFO",
        "syntax": "SYNTAXFOUT",
        "line": "regel",
        "path": "eigenschap",
        "value": "waarde",
        "shape": "regel-ID",
        "hint": "Oplossing",
        "ok": "in orde",
        "bad": "NIET in orde",
        "anon": "anoniem knooppunt",
        "summary": (
            "Samenvatting: {files} bestand(en), {conforming} in orde; {syntax} syntaxfout(en), "
            "{violations} fout(en), {warnings} waarschuwing(en), {infos} melding(en)."
        ),
    },
    "en": {
        "Violation": "ERROR",
        "Warning": "WARNING",
        "Info": "INFO",
        "syntax": "SYNTAX ERROR",
        "line": "line",
        "path": "property",
        "value": "value",
        "shape": "rule ID",
        "hint": "Fix",
        "ok": "conforms",
        "bad": "does NOT conform",
        "anon": "anonymous node",
        "summary": (
            "Summary: {files} file(s), {conforming} conform; {syntax} syntax error(s), "
            "{violations} violation(s), {warnings} warning(s), {infos} info(s)."
        ),
    },
}


def render(report: ValidationReport, fmt: str, lang: str = "nl") -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`) with messages in ``lang``
    (``nl`` or ``en``). Raises :class:`ValueError` for an unknown format."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None
    return renderer(report, lang if lang in _WORDS else "nl")


# --------------------------------------------------------------------------- helpers


def short(iri: str | None) -> str:
    """``iri`` as a prefixed name where a well-known prefix fits."""
    if iri is None:
        return ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w.\-/]*", iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _summary(report: ValidationReport) -> dict[str, int]:
    findings = [f for r in report.files for f in r.findings]
    return {
        "files": len(report.files),
        "conforming": sum(1 for r in report.files if r.conforms),
        "syntax_errors": sum(1 for r in report.files if r.syntax_error is not None),
        "violations": sum(1 for f in findings if f.severity == "Violation"),
        "warnings": sum(1 for f in findings if f.severity == "Warning"),
        "infos": sum(1 for f in findings if f.severity == "Info"),
    }


def _describe_focus(result: FileResult, focus: str, lang: str) -> str:
    """A readable name: 'project "Slimme haven" (id:project/slimme-haven)'."""
    words = _WORDS[lang]
    if focus.startswith("_:"):
        return f"[ ] ({words['anon']})"
    label = result.label(focus, lang)
    match = re.match(r"https://w3id\.org/regiograaf/id/([^/]+)/", focus)
    kind = f"{match[1]} " if match else ""
    if label:
        return f'{kind}"{label}" ({short(focus)})'
    return f"{kind}{short(focus)}" if kind else short(focus)


def _uri(path: Path) -> str:
    """A SARIF artifact URI: relative to the working folder when possible."""
    try:
        rel = Path(os.path.relpath(path.resolve(), Path.cwd()))
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.resolve().as_uri()
    if rel.parts and rel.parts[0] == "..":
        return path.resolve().as_uri()
    return "/".join(_quote(part) for part in rel.parts)


def _quote(part: str) -> str:
    from urllib.parse import quote

    return quote(part)


# --------------------------------------------------------------------------- text


def _text(report: ValidationReport, lang: str) -> str:
    words = _WORDS[lang]
    out: list[str] = []
    for result in report.files:
        status = words["ok"] if result.conforms else words["bad"]
        out.append(f"{result.file}: {status}")
        error = result.syntax_error
        if error is not None:
            out.append(f"  {error.path}:{error.line}:{error.column}: {words['syntax']}")
            out.append(f"    {error.message}")
        groups: dict[str, list[Finding]] = {}
        for finding in result.findings:
            groups.setdefault(finding.focus, []).append(finding)
        for focus, findings in groups.items():
            lines = [f.line for f in findings if f.line is not None]
            where = f" ({words['line']} {min(lines)})" if lines else ""
            out.append(f"  {_describe_focus(result, focus, lang)}{where}")
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
    counts = _summary(report)
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


# --------------------------------------------------------------------------- json


def _finding_json(result: FileResult, f: Finding, lang: str) -> dict[str, object]:
    return {
        "line": f.line,
        "focus": f.focus,
        "label": result.label(f.focus, lang),
        "shape": f.shape,
        "component": f.component,
        "path": f.path,
        "value": f.value,
        "severity": f.severity,
        "message": f.message(lang),
        "hint": f.hint(lang),
        "messages": dict(sorted(f.messages.items())),
        "hints": dict(sorted(f.hints.items())),
    }


def _syntax_json(error: TurtleSyntaxError | None) -> dict[str, object] | None:
    if error is None:
        return None
    return {"line": error.line, "column": error.column, "message": error.message}


def _json(report: ValidationReport, lang: str) -> str:
    data = {
        "version": 1,
        "conforms": report.conforms,
        "lang": lang,
        "summary": _summary(report),
        "files": [
            {
                "file": str(r.file),
                "conforms": r.conforms,
                "syntax_error": _syntax_json(r.syntax_error),
                "findings": [_finding_json(r, f, lang) for f in r.findings],
            }
            for r in report.files
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- github


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: ValidationReport, lang: str) -> str:
    words = _WORDS[lang]
    commands = {"Violation": "error", "Warning": "warning", "Info": "notice"}
    out: list[str] = []
    for result in report.files:
        file = _escape_property(result.file.as_posix())
        error = result.syntax_error
        if error is not None:
            out.append(
                f"::error file={file},line={error.line},col={error.column},"
                f"title={_escape_property(words['syntax'])}::{_escape_data(error.message)}"
            )
        for f in result.findings:
            location = f"file={file}" + (f",line={f.line}" if f.line is not None else "")
            title = _escape_property(f"{short(f.shape)} ({_describe_focus(result, f.focus, lang)})")
            text = f.message(lang) + (f"\n{words['hint']}: {f.hint(lang)}" if f.hint(lang) else "")
            out.append(f"::{commands[f.severity]} {location},title={title}::{_escape_data(text)}")
    return "".join(line + "\n" for line in out)


# --------------------------------------------------------------------------- junit


def _junit(report: ValidationReport, lang: str) -> str:
    words = _WORDS[lang]
    suites = ET.Element("testsuites", name="regiograaf validate")
    total_tests = total_failures = 0
    for result in report.files:
        suite = ET.SubElement(suites, "testsuite", name=str(result.file))
        tests = failures = 0
        error = result.syntax_error
        if error is not None:
            tests += 1
            failures += 1
            case = ET.SubElement(suite, "testcase", classname=str(result.file), name="syntax")
            failure = ET.SubElement(
                case,
                "failure",
                type="syntax",
                message=f"{error.line}:{error.column}: {error.message}",
            )
            failure.text = str(error)
        elif not result.findings:
            tests += 1
            ET.SubElement(suite, "testcase", classname=str(result.file), name="conforms")
        for f in result.findings:
            tests += 1
            where = f" ({words['line']} {f.line})" if f.line is not None else ""
            name = f"{_describe_focus(result, f.focus, lang)}{where}: {short(f.shape)}"
            case = ET.SubElement(suite, "testcase", classname=str(result.file), name=name)
            detail = "\n".join(
                part
                for part in (
                    f"{f.file}:{f.line}" if f.line is not None else str(f.file),
                    f"{words['shape']}: {f.shape}",
                    f"{words['path']}: {f.path}" if f.path else "",
                    f"{words['value']}: {f.value}" if f.value else "",
                    f.message(lang),
                    f"{words['hint']}: {f.hint(lang)}" if f.hint(lang) else "",
                )
                if part
            )
            if f.severity == "Violation":
                failures += 1
                failure = ET.SubElement(case, "failure", type=f.severity, message=f.message(lang))
                failure.text = detail
            else:
                ET.SubElement(case, "system-out").text = f"{words[f.severity]}\n{detail}"
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


# --------------------------------------------------------------------------- sarif


def _sarif(report: ValidationReport, lang: str) -> str:
    words = _WORDS[lang]
    levels = {"Violation": "error", "Warning": "warning", "Info": "note"}
    rules: dict[str, dict[str, object]] = {}
    results: list[dict[str, object]] = []

    def rule_index(rule_id: str, text: str, hint: str) -> int:
        if rule_id not in rules:
            rule: dict[str, object] = {
                "id": rule_id,
                "name": short(rule_id).replace(":", "_"),
                "shortDescription": {"text": text},
            }
            if hint:
                rule["help"] = {"text": hint}
            if rule_id.startswith("http"):
                rule["helpUri"] = rule_id
            rules[rule_id] = rule
        return list(rules).index(rule_id)

    for result in report.files:
        uri = _uri(result.file)
        error = result.syntax_error
        if error is not None:
            results.append(
                {
                    "ruleId": SYNTAX_RULE,
                    "ruleIndex": rule_index(SYNTAX_RULE, words["syntax"], ""),
                    "level": "error",
                    "message": {"text": error.message},
                    "locations": [_location(uri, error.line, error.column)],
                }
            )
        for f in result.findings:
            text = f.message(lang)
            results.append(
                {
                    "ruleId": f.shape,
                    "ruleIndex": rule_index(f.shape, text, f.hint(lang)),
                    "level": levels[f.severity],
                    "message": {"text": text},
                    "locations": [_location(uri, f.line, 1)],
                    "properties": {
                        "focusNode": f.focus,
                        "resultPath": f.path,
                        "value": f.value,
                        "sourceConstraintComponent": f.component,
                        "severity": f.severity,
                    },
                }
            )
    data = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "regiograaf",
                        "informationUri": DATA_BASE,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _location(uri: str, line: int | None, column: int) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": uri}}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": column}
    return {"physicalLocation": physical}


#: The formats :func:`render` knows, by name.
FORMATS: dict[str, Callable[[ValidationReport, str], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "junit": _junit,
    "sarif": _sarif,
}
