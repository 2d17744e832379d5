"""The reused-IRI rule: a project, goal, strategy or assessment is defined in one file only.

Giving a new project the IRI of an existing one merges the two: SHACL then sees two titles, two
statuses and two start dates and reports "exactly one" three times at the project's first line,
which tells the author nothing. This rule says what happened instead: the IRI is already used
by another file (named), at the line where this file defines it, and the "exactly one" and
"at most" results about that resource in this file are left out (they are that rule's echo).
The result has the stable IRI ``rgsh:ReusedIri``.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from server.build.turtle import ParsedTurtle
from server.build.validation.datafiles import Others
from server.build.validation.findings import Finding
from server.build.validation.ownership import OWNED_CLASSES
from server.rdf.namespaces import RGSH

__all__ = ["REUSED_IRI", "REUSED_IRI_COMPONENT", "echoes", "reuse_findings", "typo_echo"]

#: The stable IRI of the rule (the finding's shape) and its component.
REUSED_IRI = RGSH + "ReusedIri"
REUSED_IRI_COMPONENT = RGSH + "ReusedIriComponent"
#: The constraint components whose results a reused IRI explains.
_ECHO_COMPONENTS = frozenset(
    str(c)
    for c in (
        SH.MaxCountConstraintComponent,
        SH.QualifiedMaxCountConstraintComponent,
        SH.UniqueLangConstraintComponent,
        SH.SPARQLConstraintComponent,
    )
)


def reuse_findings(parsed: ParsedTurtle, others: Others, merged: Graph) -> list[Finding]:
    """A finding for every resource of an owned kind that ``parsed`` defines (gives a type)
    and another file also defines."""
    kinds: set[object] = set()
    for cls in OWNED_CLASSES:
        kinds |= set(merged.transitive_subjects(RDFS.subClassOf, cls))
    findings = []
    for subject in sorted(set(parsed.graph.subjects(RDF.type)), key=str):
        if not isinstance(subject, URIRef):
            continue
        if not any(t in kinds for t in parsed.graph.objects(subject, RDF.type)):
            continue
        users = [o.relpath for o in others.typing(subject)]
        if users:
            findings.append(_finding(parsed, subject, users))
    return findings


def _finding(parsed: ParsedTurtle, subject: URIRef, users: list[str]) -> Finding:
    where = ", ".join(users[:3]) + (" …" if len(users) > 3 else "")
    return Finding(
        file=parsed.path,
        line=parsed.lines.line_of(subject),
        focus=str(subject),
        shape=REUSED_IRI,
        component=REUSED_IRI_COMPONENT,
        path=None,
        value=str(subject),
        severity="Violation",
        messages={
            "nl": f"Deze IRI wordt al gebruikt door een ander bestand ({where}); twee dingen "
            "met dezelfde naam worden één.",
            "en": f"This IRI is already used by another file ({where}); two things with the same "
            "name become one.",
        },
        hints={
            "nl": "Geef het een eigen, nieuwe IRI (bijvoorbeeld met de naam van uw gemeente "
            "erin). Bedoelt u echt hetzelfde, beschrijf het dan alleen in dat andere bestand.",
            "en": "Give it its own, new IRI (for example with your municipality's name in it). "
            "If you really mean the same thing, describe it only in that other file.",
        },
    )


def echoes(finding: Finding, reused: set[str]) -> bool:
    """Whether ``finding`` is only the echo of a reused IRI (a count about that resource)."""
    return finding.focus in reused and finding.component in _ECHO_COMPONENTS


#: The constraint components of "missing" results, which a misspelt term explains.
_MISSING = frozenset(
    str(c) for c in (SH.MinCountConstraintComponent, SH.QualifiedMinCountConstraintComponent)
)


def typo_echo(finding: Finding, meant: set[tuple[str, str]]) -> bool:
    """Whether ``finding`` says that a property is missing which the file does have, only
    misspelt (``meant``: the (focus, term) pairs an unknown term probably stands for)."""
    if finding.component not in _MISSING or finding.path is None:
        return False
    return any((finding.focus, path) in meant for path in _path_terms(finding.path))


def _path_terms(path: str) -> set[str]:
    """The property IRIs of a result path as :func:`~.shacl.path_text` writes it: the IRI
    itself, or the members of alternatives (``p | q``)."""
    return set(path.split(" | "))
