"""What every report format shares: the words in each language, short IRIs, the summary."""

from __future__ import annotations

import re

from server.build.validation import FileResult, ValidationReport
from server.build.vocabulary import RGSH
from server.rdf.namespaces import DATA_BASE, query_prefixes

__all__ = ["PREFIXES", "SYNTAX_RULE", "WORDS", "describe_focus", "short", "summary"]

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

#: The words of the reports by language.
WORDS = {
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


def short(iri: str | None) -> str:
    """``iri`` as a prefixed name where a well-known prefix fits; each IRI of a path
    (``p | q``, ``^p``) likewise."""
    if iri is None:
        return ""
    if " | " in iri:
        return " | ".join(short(part) for part in iri.split(" | "))
    if iri.startswith("^"):
        return "^" + short(iri[1:])
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w.\-/]*", iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def summary(report: ValidationReport) -> dict[str, int]:
    """The counts of files, conforming files, syntax errors and findings by severity."""
    findings = [f for r in report.files for f in r.findings]
    return {
        "files": len(report.files),
        "conforming": sum(1 for r in report.files if r.conforms),
        "syntax_errors": sum(1 for r in report.files if r.syntax_error is not None),
        "violations": sum(1 for f in findings if f.severity == "Violation"),
        "warnings": sum(1 for f in findings if f.severity == "Warning"),
        "infos": sum(1 for f in findings if f.severity == "Info"),
    }


def describe_focus(result: FileResult, focus: str, lang: str) -> str:
    """A readable name: 'project "Slimme haven" (id:project/slimme-haven)'."""
    words = WORDS[lang]
    if focus.startswith("_:"):
        return f"[ ] ({words['anon']})"
    label = result.label(focus, lang)
    match = re.match(r"https://w3id\.org/regiograaf/id/([^/]+)/", focus)
    kind = f"{match[1]} " if match else ""
    if label:
        return f'{kind}"{label}" ({short(focus)})'
    return f"{kind}{short(focus)}" if kind else short(focus)
