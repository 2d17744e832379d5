"""What validation returns: a finding, the outcome per file, the report over all files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from server.build.turtle import TurtleSyntaxError

__all__ = [
    "LANGUAGES",
    "SEVERITIES",
    "FileResult",
    "Finding",
    "ValidationReport",
    "pick",
    "severity",
]

#: SHACL severities by IRI, as the short names a :class:`Finding` carries.
SEVERITIES: dict[URIRef, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
#: The languages of messages and hints, preferred first.
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
        return pick(self.messages, lang)

    def hint(self, lang: str = "nl") -> str:
        """The fix hint in ``lang``, else in the other language, else empty."""
        return pick(self.hints, lang)


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
        return pick(texts, lang) if texts else None

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


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in ``lang``, else in another of :data:`LANGUAGES`, else untagged, else any."""
    if lang in texts:
        return texts[lang]
    for other in (*LANGUAGES, ""):
        if other in texts:
            return texts[other]
    return next(iter(texts.values()), "")


def severity(node: Node | None) -> str:
    """The short name of the SHACL severity ``node`` (``Violation`` when it is none of them)."""
    return SEVERITIES.get(node, "Violation") if isinstance(node, URIRef) else "Violation"
