"""The reports for tools: JSON (``version`` 1), JUnit XML and SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

from server.build.reports.common import SYNTAX_RULE, WORDS, describe_focus, short, summary
from server.build.turtle import TurtleSyntaxError
from server.build.validation import FileResult, Finding, ValidationReport
from server.rdf.namespaces import DATA_BASE

__all__ = ["json_report", "junit", "sarif"]


# --------------------------------------------------------------------------- json


def json_report(report: ValidationReport, lang: str) -> str:
    """The report as JSON (see :mod:`server.build.reports` for its layout)."""
    data = {
        "version": 1,
        "conforms": report.conforms,
        "lang": lang,
        "summary": summary(report),
        "files": [
            {
                "file": str(r.file),
                "conforms": r.conforms,
                "syntax_error": _syntax_json(r.syntax_error, lang),
                "findings": [_finding_json(r, f, lang) for f in r.findings],
            }
            for r in report.files
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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


def _syntax_json(error: TurtleSyntaxError | None, lang: str) -> dict[str, object] | None:
    if error is None:
        return None
    return {
        "line": error.line,
        "column": error.column,
        "message": error.text(lang),
        "messages": dict(sorted(error.messages.items())),
    }


# --------------------------------------------------------------------------- junit


def junit(report: ValidationReport, lang: str) -> str:
    """One test suite per file; a failing test case per syntax error and violation, a passing
    one (with the message as output) per warning and info, ``conforms`` for a clean file."""
    suites = ET.Element("testsuites", name="regiograaf validate")
    total_tests = total_failures = 0
    for result in report.files:
        suite = ET.SubElement(suites, "testsuite", name=str(result.file))
        tests, failures = _junit_suite(suite, result, lang)
        total_tests += tests
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _junit_suite(suite: ET.Element, result: FileResult, lang: str) -> tuple[int, int]:
    """Fill ``suite`` with the cases of one file; the numbers of tests and failures."""
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
            message=f"{error.line}:{error.column}: {error.text(lang)}",
        )
        failure.text = f"{error.path}:{error.line}:{error.column}: {error.text(lang)}"
    elif not result.findings:
        tests += 1
        ET.SubElement(suite, "testcase", classname=str(result.file), name="conforms")
    for f in result.findings:
        tests += 1
        failures += _junit_case(suite, result, f, lang)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    return tests, failures


def _junit_case(suite: ET.Element, result: FileResult, f: Finding, lang: str) -> int:
    """Add the case of one finding; 1 when it fails (a violation), else 0."""
    words = WORDS[lang]
    where = f" ({words['line']} {f.line})" if f.line is not None else ""
    name = f"{describe_focus(result, f.focus, lang)}{where}: {short(f.shape)}"
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
        failure = ET.SubElement(case, "failure", type=f.severity, message=f.message(lang))
        failure.text = detail
        return 1
    ET.SubElement(case, "system-out").text = f"{words[f.severity]}\n{detail}"
    return 0


# --------------------------------------------------------------------------- sarif

_LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note"}


class _Rules:
    """The rules of a SARIF run, in order of first use."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, object]] = {}

    def index(self, rule_id: str, text: str, hint: str) -> int:
        """The index of rule ``rule_id``, added (with ``text`` and ``hint``) on first use."""
        if rule_id not in self.rules:
            rule: dict[str, object] = {
                "id": rule_id,
                "name": short(rule_id).replace(":", "_"),
                "shortDescription": {"text": text},
            }
            if hint:
                rule["help"] = {"text": hint}
            if rule_id.startswith("http"):
                rule["helpUri"] = rule_id
            self.rules[rule_id] = rule
        return list(self.rules).index(rule_id)


def sarif(report: ValidationReport, lang: str) -> str:
    """One SARIF result per syntax error and finding, with its rule (the shape IRI)."""
    rules = _Rules()
    results: list[dict[str, object]] = []
    for result in report.files:
        results.extend(_sarif_results(result, rules, lang))
    data = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "regiograaf",
                        "informationUri": DATA_BASE,
                        "rules": list(rules.rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _sarif_results(result: FileResult, rules: _Rules, lang: str) -> list[dict[str, object]]:
    uri = _artifact_uri(result.file)
    out: list[dict[str, object]] = []
    error = result.syntax_error
    if error is not None:
        out.append(
            {
                "ruleId": SYNTAX_RULE,
                "ruleIndex": rules.index(SYNTAX_RULE, WORDS[lang]["syntax"], ""),
                "level": "error",
                "message": {"text": error.text(lang)},
                "locations": [_location(uri, error.line, error.column)],
            }
        )
    for f in result.findings:
        message = f.message(lang)
        out.append(
            {
                "ruleId": f.shape,
                "ruleIndex": rules.index(f.shape, message, f.hint(lang)),
                "level": _LEVELS[f.severity],
                "message": {"text": message},
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
    return out


def _artifact_uri(path: Path) -> str:
    """A SARIF artifact URI: relative to the working folder when possible."""
    try:
        rel = Path(os.path.relpath(path.resolve(), Path.cwd()))
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.resolve().as_uri()
    if rel.parts and rel.parts[0] == "..":
        return path.resolve().as_uri()
    return "/".join(quote(part) for part in rel.parts)


def _location(uri: str, line: int | None, column: int) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": uri}}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": column}
    return {"physicalLocation": physical}
