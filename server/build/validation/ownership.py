"""The ownership rule: a contribution of an organisation describes only what it owns.

A file under ``data/contributions/<code>/`` (or a graph written with the token of an
organisation, :mod:`server.contribute`) is a contribution of the organisation that ``<code>``
names (:func:`resolve_owner`: a CBS code such as ``gm0599``, the last part of a TOOI IRI such as
``pv28``, or the name of an organisation such as ``mrdh``). It may describe:

- the projects the organisation leads (``rg:leadMunicipality``/``rg:leadOrganisation``; naming
  other participants is fine), the goals and principles it sets (``rg:setBy``), its strategy
  documents (``rg:issuedBy``) and the maturity assessments of it
  (``rg:assessedOrganisation``) — "owned" resources, whichever file states the owner;
- the nodes that hang off those (geometries, blank nodes, source documents, new partner
  organisations), as long as no other file describes them and they are not reference data
  (municipalities, concepts, building blocks, ...);
- links from the organisation itself to what it owns (``rg:hasStrategy``, ``rg:sets``,
  ``rg:leadsProject``).

Anything else is a violation at the line of the statement, naming who owns what it is about:
another organisation (its project, goal, strategy or assessment, or what its contribution
describes) or Regiograaf's reference data (the file that describes it). Repeating a statement
that is already in the data is not adding one and passes. A resource of an owned kind that
names no owner at all is left to the shapes (they report the missing lead or setter).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from server.build.turtle import ParsedTurtle
from server.build.validation.datafiles import DataFile, Others
from server.build.validation.findings import Finding, pick
from server.rdf.namespaces import ID_BASE, RG, RGSH, query_prefixes

__all__ = [
    "OWNERSHIP",
    "OWNERSHIP_COMPONENT",
    "contribution_folder",
    "ownership_findings",
    "resolve_owner",
]

#: The stable IRI of the rule (the finding's shape) and its component.
OWNERSHIP = RGSH + "Ownership"
OWNERSHIP_COMPONENT = RGSH + "OwnershipComponent"


def _rg(name: str) -> URIRef:
    return URIRef(RG + name)


#: Properties from an owned resource to its owner, and from the owner to it.
OWNER_PROPERTIES = tuple(
    _rg(n)
    for n in ("leadOrganisation", "leadMunicipality", "setBy", "issuedBy", "assessedOrganisation")
)
OWNED_PROPERTIES = tuple(_rg(n) for n in ("leadsProject", "sets", "hasStrategy"))
#: The kinds of resource an organisation owns (with their subclasses).
OWNED_CLASSES = tuple(
    _rg(n) for n in ("Project", "Goal", "Principle", "StrategyDocument", "MaturityAssessment")
)
#: Reference data that no contribution adds to (with their subclasses).
REFERENCE_CLASSES = (
    *(_rg(n) for n in ("Municipality", "Region", "Province", "NationalGovernment")),
    *(_rg(n) for n in ("Membership", "BuildingBlock", "ActionPerspective", "GoverningBody")),
    SKOS.Concept,
    SKOS.ConceptScheme,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    RDF.Property,
)
_LABELS = (DCTERMS.title, SKOS.prefLabel, RDFS.label)
_CONTRIBUTIONS = ("data", "contributions")


def contribution_folder(relpath: str) -> str | None:
    """The folder name of a contribution (``data/contributions/<code>/<file>.ttl``), in lower
    case, or ``None`` for any other file."""
    parts = relpath.split("/")
    if len(parts) == 4 and tuple(parts[:2]) == _CONTRIBUTIONS and parts[3].endswith(".ttl"):
        return parts[2].lower()
    return None


def resolve_owner(code: str, data: Graph) -> URIRef | None:
    """The organisation a contribution folder ``code`` names: the one with that CBS code, with a
    TOOI IRI ending in it, or ``<id/organisatie/code>``; ``None`` when none is known."""
    lowered = code.lower()
    for organisation, cbs in data.subject_objects(_rg("cbsCode")):
        if str(cbs).lower() == lowered and isinstance(organisation, URIRef):
            return organisation
    for organisation, tooi in data.subject_objects(_rg("tooi")):
        last = str(tooi).rstrip("/").rsplit("/", 1)[-1].lower()
        if last == lowered and isinstance(organisation, URIRef):
            return organisation
    named = URIRef(f"{ID_BASE}organisatie/{lowered}")
    return named if (named, RDF.type, None) in data else None


class _Check:
    """The ownership rule for one file of one organisation."""

    def __init__(self, parsed: ParsedTurtle, owner: URIRef, others: Others, merged: Graph) -> None:
        self.parsed = parsed
        self.graph = parsed.graph
        self.owner = owner
        self.others = others
        self.merged = merged
        self.owned_kinds = _with_subclasses(OWNED_CLASSES, merged)
        self.reference_kinds = _with_subclasses(REFERENCE_CLASSES, merged)
        subjects = set(self.graph.subjects(unique=True))
        self.owners = {s: self.owners_of(s) for s in subjects}
        self.owned = {s for s, found in self.owners.items() if found == {owner}}
        self.ownerless = {
            s for s, found in self.owners.items() if not found and self.is_kind(s, "owned")
        }
        # What the file itself gives to the organisation, even if another file disagrees
        # (then the reused-IRI rule reports it): what hangs off it is not reported again.
        claimed = {s for s in subjects if owner in self.owners_in_file(s)}
        self.reachable = self._reachable(self.owned | self.ownerless | claimed)
        foreign = {s for s, found in self.owners.items() if found and s not in claimed}
        self.behind_foreign = self._reachable(foreign) - self.reachable

    def owners_of(self, node: Node) -> set[Node]:
        found = {o for p in OWNER_PROPERTIES for o in self.merged.objects(node, p)}
        found |= {s for p in OWNED_PROPERTIES for s in self.merged.subjects(p, node)}
        return found

    def owners_in_file(self, node: Node) -> set[Node]:
        """The owners the file itself names for ``node``."""
        found = {o for p in OWNER_PROPERTIES for o in self.graph.objects(node, p)}
        return found | {s for p in OWNED_PROPERTIES for s in self.graph.subjects(p, node)}

    def is_kind(self, node: Node, which: str) -> bool:
        kinds = self.owned_kinds if which == "owned" else self.reference_kinds
        return any(t in kinds for t in self.merged.objects(node, RDF.type))

    def _reachable(self, roots: set[Node]) -> set[Node]:
        """Everything in the file that hangs off ``roots`` (not through another's resource)."""
        seen = set(roots)
        frontier = list(roots)
        while frontier:
            node = frontier.pop()
            for obj in self.graph.objects(node, None):
                if obj in seen or self.owners.get(obj) or (obj, None, None) not in self.graph:
                    continue
                seen.add(obj)
                frontier.append(obj)
        return seen - roots

    def problems(self) -> list[tuple[Node, Node, Node, dict[str, str]]]:
        """Every statement of the file the organisation may not make, and why, in the order
        of the file (its lines are looked up only when there is a problem)."""
        found = []
        for s, p, o in self.graph:
            if s in self.owned or s in self.ownerless:
                continue
            if s == self.owner and p in OWNED_PROPERTIES and o in self.owned | self.ownerless:
                continue
            reason = self.reason(s, p, o)
            if reason is not None:
                found.append((s, p, o, reason))
        return sorted(found, key=lambda problem: self._order(problem[:3]))

    def _order(self, triple: tuple[Node, Node, Node]) -> tuple[int, str, str]:
        s, p, o = triple
        line = self.parsed.lines.line_of_triple(s, p) or self.parsed.lines.line_of(s) or 0
        return (line, str(p), str(o))

    def reason(self, s: Node, p: Node, o: Node) -> dict[str, str] | None:
        """Why ``s p o`` is not the organisation's to state, or ``None`` when it is."""
        if self.owners[s]:
            return _foreign(self.name(s), [self.name(x) for x in sorted(self.owners[s], key=str)])
        if isinstance(s, BNode) and s in self.reachable:
            return None
        elsewhere = self.others.describing(s)
        if s in self.behind_foreign and not elsewhere:
            return None  # part of another's resource, reported there
        if elsewhere:
            if self.others.state((s, p, o)):
                return None
            return _described_elsewhere(self.name(s), self.describer(elsewhere[0]))
        if s in self.reachable and not self.is_kind(s, "reference"):
            return None
        if s in self.reachable:
            return _new_reference(self.name(s))
        return _unattached(self.name(s), self.name(self.owner))

    def describer(self, other: DataFile) -> dict[str, str]:
        """Who owns what ``other`` says: the organisation of a contribution, else the file."""
        folder = contribution_folder(other.relpath)
        organisation = resolve_owner(folder, self.merged) if folder else None
        if organisation is not None:
            name = self.name(organisation)
            return {
                "nl": f"{name['nl']} (in {other.relpath})",
                "en": f"{name['en']} (in {other.relpath})",
            }
        return {
            "nl": f"de referentiedata van Regiograaf ({other.relpath})",
            "en": f"Regiograaf's reference data ({other.relpath})",
        }

    def name(self, node: Node) -> dict[str, str]:
        """How a message names ``node``, by language: its label and short IRI."""
        texts: dict[str, str] = {}
        for predicate in _LABELS:
            for label in self.merged.objects(node, predicate):
                if isinstance(label, Literal):
                    texts.setdefault((label.language or "").split("-")[0], str(label))
        iri = _short(node)
        return {lang: f"“{pick(texts, lang)}” ({iri})" if texts else iri for lang in ("nl", "en")}


def _with_subclasses(classes: Iterable[URIRef], graph: Graph) -> frozenset[Node]:
    found: set[Node] = set()
    for cls in classes:
        found |= {n for n in graph.transitive_subjects(RDFS.subClassOf, cls) if n is not None}
    return frozenset(found)


def _short(node: Node) -> str:
    if isinstance(node, BNode):
        return "[ ]"
    text = str(node)
    for prefix, namespace in query_prefixes().items():
        if text.startswith(namespace) and "/" not in text[len(namespace) :]:
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def _foreign(what: dict[str, str], owners: list[dict[str, str]]) -> dict[str, str]:
    return {
        "nl": f"{what['nl']} is van {' en '.join(o['nl'] for o in owners)}",
        "en": f"{what['en']} belongs to {' and '.join(o['en'] for o in owners)}",
    }


def _described_elsewhere(what: dict[str, str], owner: dict[str, str]) -> dict[str, str]:
    return {
        "nl": f"{what['nl']} wordt beschreven door {owner['nl']}; een bijdrage voegt daar niets "
        "aan toe",
        "en": f"{what['en']} is described by {owner['en']}; a contribution adds nothing to it",
    }


def _new_reference(what: dict[str, str]) -> dict[str, str]:
    return {
        "nl": f"{what['nl']} is nieuwe referentiedata (een gemeente, begrip of bouwsteen); die "
        "voegen alleen de beheerders van Regiograaf toe",
        "en": f"{what['en']} is new reference data (a municipality, concept or building block); "
        "only Regiograaf's maintainers add those",
    }


def _unattached(what: dict[str, str], owner: dict[str, str]) -> dict[str, str]:
    return {
        "nl": f"{what['nl']} is geen project, doel, strategie of meting van {owner['nl']} en "
        "hoort er ook niet bij",
        "en": f"{what['en']} is not a project, goal, strategy or assessment of {owner['en']} and "
        "does not belong to one",
    }


_HINTS = {
    "nl": "Een bijdrage beschrijft alleen wat van de eigen organisatie is. Haal deze uitspraak "
    "weg, laat de eigenaar haar aanleveren, of verbeter de trekker (rg:leadMunicipality) of "
    "de steller (rg:setBy) als die niet klopt.",
    "en": "A contribution describes only what belongs to its own organisation. Remove this "
    "statement, let its owner submit it, or correct the lead (rg:leadMunicipality) or the "
    "setter (rg:setBy) if that is wrong.",
}


def ownership_findings(
    parsed: ParsedTurtle, code: str, others: Others, merged: Graph
) -> list[Finding]:
    """The violations of the ownership rule in ``parsed``, a contribution of the organisation
    that folder ``code`` names; ``others`` are the other data files, ``merged`` everything
    (ontology, other files and this one) together."""
    owner = resolve_owner(code, merged)
    if owner is None:
        return [_unknown_folder(parsed, code)]
    check = _Check(parsed, owner, others, merged)
    by_subject: dict[Node, list[tuple[Node, Node, dict[str, str]]]] = {}
    for s, p, o, reason in check.problems():
        by_subject.setdefault(s, []).append((p, o, reason))
    owner_name = check.name(owner)
    return [_finding(parsed, owner_name, s, problems) for s, problems in by_subject.items()]


def _finding(
    parsed: ParsedTurtle,
    owner_name: dict[str, str],
    subject: Node,
    problems: list[tuple[Node, Node, dict[str, str]]],
) -> Finding:
    """One finding for every statement about ``subject`` the organisation may not make: at
    the line of the statement that names another owner, else of the first one."""
    p, o, reason = next((x for x in problems if x[0] in OWNER_PROPERTIES), problems[0])
    line = parsed.lines.line_of_triple(subject, p) or parsed.lines.line_of(subject)
    more = len(problems) - 1
    return Finding(
        file=parsed.path,
        line=line,
        focus=_show(subject),
        shape=OWNERSHIP,
        component=OWNERSHIP_COMPONENT,
        path=str(p),
        value=_show(o),
        severity="Violation",
        messages={
            "nl": f"Deze bijdrage van {owner_name['nl']} mag dit niet beschrijven: "
            f"{reason['nl']}" + (f" ({more} uitspraken meer)." if more else "."),
            "en": f"This contribution of {owner_name['en']} may not describe this: "
            f"{reason['en']}" + (f" ({more} more statements)." if more else "."),
        },
        hints=dict(_HINTS),
    )


def _show(node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def _unknown_folder(parsed: ParsedTurtle, code: str) -> Finding:
    return Finding(
        file=parsed.path,
        line=None,
        focus=str(parsed.path),
        shape=OWNERSHIP,
        component=OWNERSHIP_COMPONENT,
        path=None,
        value=code,
        severity="Violation",
        messages={
            "nl": f"De map {code} hoort bij geen bekende organisatie, dus is niet te zeggen wiens "
            "bijdrage dit is.",
            "en": f"The folder {code} names no known organisation, so whose contribution this is "
            "cannot be told.",
        },
        hints={
            "nl": "Zet het bestand in de map met de CBS-code van uw gemeente in kleine letters "
            "(zoals data/contributions/gm0599/), of in mrdh/ of pv28/ voor de MRDH en de "
            "provincie Zuid-Holland.",
            "en": "Put the file in the folder named after your municipality's CBS code in lower "
            "case (such as data/contributions/gm0599/), or in mrdh/ or pv28/ for MRDH and the "
            "Province of Zuid-Holland.",
        },
    )
