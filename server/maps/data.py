"""The data of the maps and the value-chain overview, read from the store in a few queries.

:func:`load_map_data` gives the municipalities (current MRDH members and the former members
that projects still name, with their point and, when imported, their boundary), the projects
(at their own point or at their lead municipality's) and the labels of every concept and goal
they refer to, as a :class:`MapData`. The layers built from it are :mod:`server.maps.geojson`
and :mod:`server.maps.collaboration`; the filters :mod:`server.maps.filters`; the value-chain
overview :mod:`server.maps.value_chain`. Values reach the engine bound, never spliced into the
SPARQL text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from rdflib.term import Identifier

from server.canned.query import last_segment
from server.rdf.geometry import WktError, parse_wkt, wkt_point
from server.rdf.namespaces import RG, sparql_prefixes
from server.store import Store

#: The PREFIX lines of the map queries.
PREFIXES: Final = sparql_prefixes("rg", "dct", "skos", "org", "geo", "rdfs", "organisatie", "xsd")

#: Goal levels, lowest first: (class local name, filter value); their names for people are
#: the web layer's (gettext).
GOAL_LEVELS: Final[tuple[tuple[str, str], ...]] = (
    ("MunicipalGoal", "gemeente"),
    ("RegionalGoal", "regio"),
    ("ProvincialGoal", "provincie"),
    ("NationalGoal", "rijk"),
)
#: The ``schakel`` filter value (and matrix column) that stands for every cross-cutting enabler.
ENABLERS: Final = "randvoorwaarden"
_LEVEL_OF_CLASS: Final = {RG + name: value for name, value in GOAL_LEVELS}

MUNICIPALITIES: Final = (
    PREFIXES
    + """
SELECT ?m ?nl ?en ?cbs ?current ?wkt WHERE {
  ?m a rg:Municipality ; rg:cbsCode ?cbs .
  # A current member, or one a project names: one row per municipality from a grouped
  # sub-query (not EXISTS, which Virtuoso 7 answers wrongly and in a minute here, nor two
  # OPTIONAL sub-queries, of which it loses the first one's FILTER); the cast since it writes
  # a comparison's result as 1 or 0.
  {
    SELECT ?m (MAX(?lid) AS ?isMember) WHERE {
      {
        ?ms org:member ?m ; org:organization organisatie:mrdh .
        FILTER NOT EXISTS { ?ms rg:endDate ?end }
        BIND(1 AS ?lid)
      }
      UNION { ?p a rg:Project ; rg:participant|rg:leadMunicipality ?m . BIND(0 AS ?lid) }
    }
    GROUP BY ?m
  }
  BIND(xsd:boolean(?isMember = 1) AS ?current)
  OPTIONAL { ?m skos:prefLabel ?nl FILTER(LANG(?nl) = "nl") }
  OPTIONAL { ?m skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?m geo:hasGeometry/geo:asWKT ?wkt }
}"""
)

PROJECTS: Final = (
    PREFIXES
    + """
SELECT ?p ?nl ?en ?lead ?status ?example ?wkt WHERE {
  ?p a rg:Project ; rg:leadMunicipality ?lead .
  OPTIONAL { ?p dct:title ?nl FILTER(LANG(?nl) = "nl") }
  OPTIONAL { ?p dct:title ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?p rg:status ?status }
  OPTIONAL { ?p rg:isExample ?example }
  OPTIONAL { ?p geo:hasGeometry/geo:asWKT ?wkt }
}"""
)

#: (project, property, value): the many-valued facts of projects.
PROJECT_LINKS: Final = (
    PREFIXES
    + """
SELECT ?p ?kind ?v WHERE {
  ?p a rg:Project .
  { ?p rg:stage ?v BIND("stage" AS ?kind) }
  UNION { ?p rg:challenge ?v BIND("challenge" AS ?kind) }
  UNION { ?p rg:participant ?v . ?v a rg:Municipality BIND("participant" AS ?kind) }
  UNION { ?p rg:contributesTo ?v BIND("goal" AS ?kind) }
  UNION { ?p rg:contributesIndirectlyTo ?v BIND("indirect" AS ?kind) }
}"""
)

#: Labels (Dutch, English), order and kind of the concepts and goals projects refer to.
CONCEPTS: Final = (
    PREFIXES
    + """
SELECT DISTINCT ?c ?kind ?nl ?en ?position ?enabler ?class ?example WHERE {
  { ?c a rg:ValueChainConcept BIND("stage" AS ?kind) }
  UNION { ?c a rg:SocietalChallenge BIND("challenge" AS ?kind) }
  UNION { ?c a rg:ProjectStatus BIND("status" AS ?kind) }
  UNION { ?c a rg:Goal BIND("goal" AS ?kind) }
  OPTIONAL { ?c skos:prefLabel|dct:title ?nl FILTER(LANG(?nl) = "nl") }
  OPTIONAL { ?c skos:prefLabel|dct:title ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?c rg:position ?position }
  # Cast: Virtuoso 7 writes a test's result as 1 or 0.
  BIND(xsd:boolean(EXISTS { ?c a rg:Enabler }) AS ?enabler)
  BIND(xsd:boolean(EXISTS { ?c rg:isExample true }) AS ?example)
  OPTIONAL { ?c a ?class FILTER(?class IN (rg:MunicipalGoal, rg:RegionalGoal,
                                           rg:ProvincialGoal, rg:NationalGoal)) }
}"""
)


@dataclass(frozen=True)
class Concept:
    """A value-chain stage or enabler, challenge, status or goal, with its labels."""

    iri: str
    nl: str
    en: str
    position: int = 99
    enabler: bool = False
    level: str | None = None
    example: bool = False
    kind: str = ""

    @property
    def ref(self) -> str:
        """The last segment of the IRI (the value in a filter URL)."""
        return last_segment(self.iri)

    def text(self, lang: str) -> str:
        """The label in ``lang`` (``nl`` or ``en``), else in the other language."""
        return (self.en or self.nl) if lang == "en" else (self.nl or self.en)


@dataclass
class Municipality:
    """A municipality on the map."""

    iri: str
    nl: str
    en: str
    cbs: str
    current: bool
    point: tuple[float, float] | None = None
    boundary: dict[str, Any] | None = None

    @property
    def ref(self) -> str:
        """The last segment of the IRI (``gm0599``)."""
        return last_segment(self.iri)

    def text(self, lang: str) -> str:
        """The name in ``lang`` (``nl`` or ``en``), else in the other language."""
        return (self.en or self.nl) if lang == "en" else (self.nl or self.en)

    def matches(self, value: str) -> bool:
        """Whether a URL value names this municipality (IRI, ``gm0599`` or ``GM0599``)."""
        return value in (self.iri, self.ref) or value.upper() == self.cbs.upper()


@dataclass
class Project:
    """A project on the map, with everything the popup, the filters and the table show."""

    iri: str
    nl: str
    en: str
    lead: str
    status: str | None
    example: bool
    point: tuple[float, float] | None
    own_location: bool
    stages: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    levels: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class MapData:
    """Municipalities, projects and the labels of everything they refer to."""

    municipalities: dict[str, Municipality]
    projects: list[Project]
    concepts: dict[str, Concept]

    def label(self, iri: str) -> Concept:
        """The concept (or municipality) ``iri`` with its labels; the IRI when unknown."""
        if iri in self.concepts:
            return self.concepts[iri]
        if iri in self.municipalities:
            m = self.municipalities[iri]
            return Concept(iri, m.nl, m.en)
        return Concept(iri, iri, iri)

    def options(self, kind: str) -> list[Concept]:
        """The values a filter offers: those the projects use, in order."""
        used: set[str] = set()
        for project in self.projects:
            if kind == "stage":
                used.update(project.stages)
            elif kind == "challenge":
                used.update(project.challenges)
            elif kind == "status" and project.status:
                used.add(project.status)
        concepts = [self.label(iri) for iri in used]
        return sorted(concepts, key=lambda c: (c.enabler, c.position, c.nl.casefold()))

    def stage_order(self, stages: Iterable[str]) -> list[str]:
        """``stages`` in value-chain order (stages by position, then enablers)."""
        return sorted(stages, key=lambda s: (self.label(s).enabler, self.label(s).position, s))


def _area(wkt: str) -> dict[str, Any] | None:
    """The GeoJSON of a WKT polygon or multipolygon (RFC 7946 winding), else ``None``."""
    try:
        shape = parse_wkt(wkt)
    except WktError:
        return None
    return shape if shape and shape["type"] in ("Polygon", "MultiPolygon") else None


def load_map_data(store: Store) -> MapData:
    """Everything the map views show, read from ``store`` in a few queries."""
    concepts = _concepts(store.query(CONCEPTS).rows())
    municipalities = _municipalities(store.query(MUNICIPALITIES).rows())
    projects = _projects(store.query(PROJECTS).rows(), municipalities)
    _add_links(projects, store.query(PROJECT_LINKS).rows(), concepts)
    data = MapData(municipalities, [], concepts)
    data.projects.extend(_in_order(data, projects.values()))
    return data


Rows = Iterable[Mapping[str, Identifier]]


def _concepts(rows: Rows) -> dict[str, Concept]:
    """The concepts by IRI; a goal keeps its level when another row has none."""
    concepts: dict[str, Concept] = {}
    for row in rows:
        iri = str(row["c"])
        nl = str(row.get("nl") or row.get("en") or iri)
        level = _LEVEL_OF_CLASS.get(str(row["class"])) if "class" in row else None
        old = concepts.get(iri)
        if old is not None and old.level and not level:
            continue
        concepts[iri] = Concept(
            iri,
            nl,
            str(row.get("en") or nl),
            int(row["position"]) if "position" in row else 99,
            str(row.get("enabler")) == "true",
            level,
            str(row.get("example")) == "true",
            str(row["kind"]),
        )
    return concepts


def _municipalities(rows: Rows) -> dict[str, Municipality]:
    """The municipalities by IRI, with the first point and boundary their geometries give."""
    municipalities: dict[str, Municipality] = {}
    for row in rows:
        iri = str(row["m"])
        entry = municipalities.get(iri)
        if entry is None:
            nl = str(row.get("nl") or row["cbs"])
            entry = Municipality(
                iri, nl, str(row.get("en") or nl), str(row["cbs"]), str(row["current"]) == "true"
            )
            municipalities[iri] = entry
        if "wkt" in row:
            entry.point = entry.point or wkt_point(str(row["wkt"]))
            entry.boundary = entry.boundary or _area(str(row["wkt"]))
    return municipalities


def _projects(rows: Rows, municipalities: Mapping[str, Municipality]) -> dict[str, Project]:
    """The projects by IRI, at their own point or else their lead municipality's."""
    projects: dict[str, Project] = {}
    for row in rows:
        iri = str(row["p"])
        own = wkt_point(str(row["wkt"])) if "wkt" in row else None
        if iri in projects:
            projects[iri].point = projects[iri].point or own
            continue
        lead = str(row["lead"])
        nl = str(row.get("nl") or row.get("en") or iri)
        fallback = municipalities[lead].point if lead in municipalities else None
        projects[iri] = Project(
            iri=iri,
            nl=nl,
            en=str(row.get("en") or nl),
            lead=lead,
            status=str(row["status"]) if "status" in row else None,
            example=str(row.get("example")) == "true",
            point=own or fallback,
            own_location=own is not None,
        )
    return projects


def _add_links(
    projects: Mapping[str, Project], rows: Rows, concepts: Mapping[str, Concept]
) -> None:
    """Add the stages, challenges, participants and goals of the projects, and the levels of
    the goals they reach (directly or through alignment)."""
    for row in rows:
        project = projects.get(str(row["p"]))
        if project is None:
            continue
        kind, value = str(row["kind"]), str(row["v"])
        target = {
            "stage": project.stages,
            "challenge": project.challenges,
            "participant": project.participants,
            "goal": project.goals,
        }.get(kind)
        if target is not None and value not in target:
            target.append(value)
        goal = concepts.get(value) if kind in ("goal", "indirect") else None
        if goal is not None and goal.level:
            project.levels.add(goal.level)


def _in_order(data: MapData, projects: Iterable[Project]) -> list[Project]:
    """The projects by lead municipality and title, their lists sorted for display (the lead
    left out of the partners)."""
    ordered = sorted(projects, key=lambda p: (data.label(p.lead).nl, p.nl.casefold()))
    for project in ordered:
        project.stages = data.stage_order(project.stages)
        project.challenges.sort(key=lambda c: data.label(c).nl.casefold())
        project.participants = [m for m in project.participants if m != project.lead]
        project.participants.sort(key=lambda m: data.label(m).nl.casefold())
    return ordered
