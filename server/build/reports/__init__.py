"""Render a :class:`~server.build.validation.ValidationReport` as text, JSON, GitHub workflow
commands, JUnit XML or SARIF 2.1.0 (:mod:`.lines` for people and CI logs, :mod:`.structured`
for tools).

Every format reports syntax errors with line and column, and findings with their line.

The JSON format (``version`` 1) is::

    {"version": 1, "conforms": bool, "lang": "nl",
     "summary": {"files", "conforming", "syntax_errors", "violations", "warnings", "infos"},
     "files": [{"file": str, "conforms": bool,
                "syntax_error": null | {"line", "column", "message", "messages": {"nl", "en"}},
                "findings": [{"line": int | null, "focus": str, "label": str | null,
                              "shape": str, "component": str, "path": str | null,
                              "value": str | null, "severity": "Violation" | "Warning" | "Info",
                              "message": str, "hint": str,
                              "messages": {"nl", "en"}, "hints": {"nl", "en"}}]}]}
"""

from __future__ import annotations

from collections.abc import Callable

from server.build.reports.common import SYNTAX_RULE, WORDS
from server.build.reports.lines import github, text
from server.build.reports.structured import json_report, junit, sarif
from server.build.validation import ValidationReport

__all__ = ["FORMATS", "SYNTAX_RULE", "render"]

#: The formats :func:`render` knows, by name.
FORMATS: dict[str, Callable[[ValidationReport, str], str]] = {
    "text": text,
    "json": json_report,
    "github": github,
    "junit": junit,
    "sarif": sarif,
}


def render(report: ValidationReport, fmt: str, lang: str = "nl") -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`) with messages in ``lang``
    (``nl`` or ``en``). Raises :class:`ValueError` for an unknown format."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None
    return renderer(report, lang if lang in WORDS else "nl")
