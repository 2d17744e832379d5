"""The map layers and the value-chain overview, as plain data from SPARQL on the store.

Three GeoJSON layers (RFC 7946, CRS84), each also a page (:mod:`server.web.maps`):

- :func:`municipality_layer`: the current MRDH members and the former members that projects
  still name; the boundary when the graph has one (``regiograaf geo import``), else the point;
- :func:`project_layer`: every project, at its own point or at its lead municipality's;
- :func:`collaboration_layer`: lines between municipalities for the collaboration opportunities
  of the canned query ``samenwerkingskansen`` and for the projects they already share.

:func:`filter_projects` applies the filters of the project map (stage, challenge, goal level,
status, municipality); :func:`value_chain_matrix` and :func:`alignment` feed ``/waardeketen``.
Values reach the engine bound, never spliced into the SPARQL text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from server.canned.formats import WktError, parse_wkt
from server.canned.running import run_canned_query
from server.errors import BadRequest
from server.linkeddata.describe import IriMap
from server.settings import Settings
from server.store import Store

RG: Final = "https://w3id.org/regiograaf/def#"

_PREFIXES: Final = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX organisatie: <https://w3id.org/regiograaf/id/organisatie/>
"""

#: Goal levels, lowest first: (class local name, filter value, Dutch, English).
GOAL_LEVELS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("MunicipalGoal", "gemeente", "Gemeentelijk doel", "Municipal goal"),
    ("RegionalGoal", "regio", "Regionaal doel", "Regional goal"),
    ("ProvincialGoal", "provincie", "Provinciaal doel", "Provincial goal"),
    ("NationalGoal", "rijk", "Nationaal doel", "National goal"),
)
_LEVEL_OF_CLASS: Final = {RG + name: value for name, value, _, _ in GOAL_LEVELS}

MUNICIPALITIES: Final = (
    _PREFIXES
    + """
SELECT ?m ?nl ?en ?cbs ?current ?wkt WHERE {
  ?m a rg:Municipality ; rg:cbsCode ?cbs .
  OPTIONAL { ?m skos:prefLabel ?nl FILTER(LANG(?nl) = "nl") }
  OPTIONAL { ?m skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?m geo:hasGeometry/geo:asWKT ?wkt }
  BIND(EXISTS { ?ms org:member ?m ; org:organization organisatie:mrdh .
                FILTER NOT EXISTS { ?ms rg:endDate ?end } } AS ?current)
  FILTER(?current || EXISTS { ?p a rg:Project ; rg:participant|rg:leadMunicipality ?m })
}"""
)

PROJECTS: Final = (
    _PREFIXES
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
    _PREFIXES
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
    _PREFIXES
    + """
SELECT DISTINCT ?c ?kind ?nl ?en ?position ?enabler ?class ?example WHERE {
  { ?c a rg:ValueChainConcept BIND("stage" AS ?kind) }
  UNION { ?c a rg:SocietalChallenge BIND("challenge" AS ?kind) }
  UNION { ?c a rg:ProjectStatus BIND("status" AS ?kind) }
  UNION { ?c a rg:Goal BIND("goal" AS ?kind) }
  OPTIONAL { ?c skos:prefLabel|dct:title ?nl FILTER(LANG(?nl) = "nl") }
  OPTIONAL { ?c skos:prefLabel|dct:title ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?c rg:position ?position }
  BIND(EXISTS { ?c a rg:Enabler } AS ?enabler)
  BIND(EXISTS { ?c rg:isExample true } AS ?example)
  OPTIONAL { ?c a ?class FILTER(?class IN (rg:MunicipalGoal, rg:RegionalGoal,
                                           rg:ProvincialGoal, rg:NationalGoal)) }
}"""
)

#: Asserted alignments between goals (not the inferred transitive closure).
ALIGNMENTS: Final = (
    _PREFIXES
    + """
SELECT DISTINCT ?from ?to WHERE {
  GRAPH ?g { ?from rg:alignsWith ?to }
  FILTER(?g != <https://w3id.org/regiograaf/graph/inferred>)
}"""
)


class FilterError(BadRequest, ValueError):
    """A filter value that names nothing on the map; the message says which filter."""


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
        return self.iri.rsplit("/", 1)[-1]


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
        return self.iri.rsplit("/", 1)[-1]


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


def _point(wkt: str) -> tuple[float, float] | None:
    try:
        shape = parse_wkt(wkt)
    except WktError:
        return None
    if shape and shape["type"] == "Point":
        lon, lat = shape["coordinates"][:2]
        return (float(lon), float(lat))
    return None


def _area(wkt: str) -> dict[str, Any] | None:
    try:
        shape = parse_wkt(wkt)
    except WktError:
        return None
    return shape if shape and shape["type"] in ("Polygon", "MultiPolygon") else None


def load_map_data(store: Store) -> MapData:
    """Everything the map views show, read from ``store`` in a few queries."""
    concepts: dict[str, Concept] = {}
    for row in store.query(CONCEPTS).rows():
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
    municipalities: dict[str, Municipality] = {}
    for row in store.query(MUNICIPALITIES).rows():
        iri = str(row["m"])
        entry = municipalities.get(iri)
        if entry is None:
            nl = str(row.get("nl") or row["cbs"])
            entry = Municipality(
                iri, nl, str(row.get("en") or nl), str(row["cbs"]), str(row["current"]) == "true"
            )
            municipalities[iri] = entry
        if "wkt" in row:
            entry.point = entry.point or _point(str(row["wkt"]))
            entry.boundary = entry.boundary or _area(str(row["wkt"]))
    projects: dict[str, Project] = {}
    for row in store.query(PROJECTS).rows():
        iri = str(row["p"])
        own = _point(str(row["wkt"])) if "wkt" in row else None
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
    for row in store.query(PROJECT_LINKS).rows():
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
        if kind in ("goal", "indirect"):
            level = concepts.get(value)
            if level is not None and level.level:
                project.levels.add(level.level)
    data = MapData(municipalities, [], concepts)
    ordered = sorted(projects.values(), key=lambda p: (data.label(p.lead).nl, p.nl.casefold()))
    for project in ordered:
        project.stages = data.stage_order(project.stages)
        project.challenges.sort(key=lambda c: data.label(c).nl.casefold())
        project.participants = [m for m in project.participants if m != project.lead]
        project.participants.sort(key=lambda m: data.label(m).nl.casefold())
    data.projects.extend(ordered)
    return data


# --- filters ------------------------------------------------------------------------------

#: The filters of the project map: URL parameter → what it filters on.
FILTERS: Final[tuple[str, ...]] = (
    "schakel",
    "opgave",
    "niveau",
    "status",
    "gemeente",
    "trekker",
)
#: The ``schakel`` value that stands for every cross-cutting enabler.
ENABLERS: Final = "randvoorwaarden"


@dataclass(frozen=True)
class Filters:
    """Chosen filter values (IRIs; ``niveau`` a level name, ``schakel`` may be
    :data:`ENABLERS`); empty means no filter. ``stages`` are the stages ``schakel`` stands for."""

    schakel: str = ""
    opgave: str = ""
    niveau: str = ""
    status: str = ""
    gemeente: str = ""
    trekker: str = ""
    stages: frozenset[str] = frozenset()


def parse_filters(data: MapData, args: Mapping[str, str]) -> Filters:
    """The filters in ``args`` (URL parameters), each by its last IRI segment or full IRI.

    Raises :class:`FilterError` for a value that names nothing the map can filter on."""
    chosen: dict[str, Any] = {}
    kinds = {"schakel": "stage", "opgave": "challenge", "status": "status"}
    for name in FILTERS:
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        if name == "schakel" and raw == ENABLERS:
            chosen[name] = ENABLERS
            chosen["stages"] = frozenset(c.iri for c in data.concepts.values() if c.enabler)
            continue
        if name == "niveau":
            levels = {value for _, value, _, _ in GOAL_LEVELS}
            if raw not in levels:
                raise FilterError(f"niveau: {raw!r} is not one of {', '.join(sorted(levels))}")
            chosen[name] = raw
            continue
        if name in ("gemeente", "trekker"):
            found = [m.iri for m in data.municipalities.values() if raw in (m.iri, m.ref)]
        else:
            found = [
                c.iri
                for c in data.concepts.values()
                if c.kind == kinds[name] and raw in (c.iri, c.ref)
            ]
        if not found:
            raise FilterError(f"{name}: {raw!r} names nothing on this map")
        chosen[name] = found[0]
        if name == "schakel":
            chosen["stages"] = frozenset(found[:1])
    return Filters(**chosen)


def filter_projects(projects: Sequence[Project], filters: Filters) -> list[Project]:
    """The projects that pass every chosen filter (``gemeente`` matches lead or partner,
    ``trekker`` the lead only)."""
    return [
        p
        for p in projects
        if (not filters.stages or not filters.stages.isdisjoint(p.stages))
        and (not filters.opgave or filters.opgave in p.challenges)
        and (not filters.niveau or filters.niveau in p.levels)
        and (not filters.status or filters.status == p.status)
        and (not filters.gemeente or filters.gemeente in (p.lead, *p.participants))
        and (not filters.trekker or filters.trekker == p.lead)
    ]


# --- GeoJSON ------------------------------------------------------------------------------


def _names(data: MapData, iris: Iterable[str]) -> list[dict[str, str]]:
    return [
        {"id": iri, "ref": data.label(iri).ref, "nl": data.label(iri).nl, "en": data.label(iri).en}
        for iri in iris
    ]


def project_feature(data: MapData, project: Project, pages: IriMap) -> dict[str, Any]:
    """One project as a GeoJSON feature (``geometry`` null when nothing locates it)."""
    geometry = {"type": "Point", "coordinates": list(project.point)} if project.point else None
    status = data.label(project.status) if project.status else None
    lead = data.label(project.lead)
    goals = [
        {**name, "niveau": data.label(name["id"]).level or ""}
        for name in _names(data, project.goals)
    ]
    return {
        "type": "Feature",
        "id": project.iri,
        "geometry": geometry,
        "properties": {
            "iri": project.iri,
            "pagina": pages.page(project.iri),
            "titel": project.nl,
            "titel_en": project.en,
            "gemeente": project.lead,
            "gemeente_ref": lead.ref,
            "gemeente_naam": lead.nl,
            "deelnemers": _names(data, project.participants),
            "schakels": [
                {**name, "randvoorwaarde": data.label(name["id"]).enabler}
                for name in _names(data, project.stages)
            ],
            "schakel": data.label(project.stages[0]).ref if project.stages else "",
            "opgaven": _names(data, project.challenges),
            "doelen": goals,
            "niveaus": sorted(project.levels),
            "status": status.ref if status else "",
            "status_naam": status.nl if status else "",
            "status_naam_en": status.en if status else "",
            "voorbeeld": project.example,
            "eigen_locatie": project.own_location,
        },
    }


def project_layer(data: MapData, projects: Sequence[Project], pages: IriMap) -> dict[str, Any]:
    """The project layer: a feature per project (RFC 7946 FeatureCollection)."""
    return {
        "type": "FeatureCollection",
        "features": [project_feature(data, p, pages) for p in projects],
    }


def municipality_layer(data: MapData, pages: IriMap) -> dict[str, Any]:
    """The municipalities: boundary (when imported) or point, with the lead project count."""
    leads: dict[str, int] = defaultdict(int)
    for project in data.projects:
        leads[project.lead] += 1
    features = []
    for m in sorted(data.municipalities.values(), key=lambda m: m.nl.casefold()):
        geometry: dict[str, Any] | None = m.boundary
        if geometry is None and m.point is not None:
            geometry = {"type": "Point", "coordinates": list(m.point)}
        features.append(
            {
                "type": "Feature",
                "id": m.iri,
                "geometry": geometry,
                "properties": {
                    "iri": m.iri,
                    "pagina": pages.page(m.iri),
                    "naam": m.nl,
                    "naam_en": m.en,
                    "cbs": m.cbs,
                    "lid": m.current,
                    "grens": m.boundary is not None,
                    "punt": list(m.point) if m.point else None,
                    "projecten": leads[m.iri],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass
class Link:
    """A line between two municipalities: an opportunity or a shared project."""

    kind: str  # "kans" or "gezamenlijk"
    a: str
    b: str
    strength: int = 0
    reasons: list[dict[str, str]] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)


def collaboration_links(data: MapData, store: Store, settings: Settings) -> list[Link]:
    """Opportunities (canned query ``samenwerkingskansen``) and existing joint projects."""
    links: dict[tuple[str, str, str], Link] = {}
    result = run_canned_query("samenwerkingskansen", {}, store=store, settings=settings)
    for row in result.records():
        a, b = sorted((row["gemeente1"], row["gemeente2"]))
        link = links.setdefault(("kans", a, b), Link("kans", a, b))
        link.strength = max(link.strength, int(row["overlap"] or 0))
        link.reasons.append(
            {
                "schakel": row["stage"],
                "schakel_naam": row["stageNaam"],
                "opgave": row["challenge"],
                "opgave_naam": row["challengeNaam"],
                "reden": row["reden"],
            }
        )
    for project in data.projects:
        members = sorted({project.lead, *project.participants} & set(data.municipalities))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                link = links.setdefault(("gezamenlijk", a, b), Link("gezamenlijk", a, b))
                link.projects.append(project.iri)
                link.strength = len(link.projects)
    return sorted(
        links.values(),
        key=lambda k: (k.kind != "kans", -k.strength, data.label(k.a).nl, data.label(k.b).nl),
    )


def collaboration_layer(data: MapData, links: Sequence[Link], pages: IriMap) -> dict[str, Any]:
    """The collaboration lines as GeoJSON LineStrings between the municipalities' points."""
    features = []
    by_iri = {p.iri: p for p in data.projects}
    for link in links:
        a, b = data.municipalities.get(link.a), data.municipalities.get(link.b)
        geometry = None
        if a and b and a.point and b.point:
            geometry = {"type": "LineString", "coordinates": [list(a.point), list(b.point)]}
        projects = [
            {"id": iri, "titel": by_iri[iri].nl, "pagina": pages.page(iri)} for iri in link.projects
        ]
        features.append(
            {
                "type": "Feature",
                "id": f"{link.kind}:{data.label(link.a).ref}-{data.label(link.b).ref}",
                "geometry": geometry,
                "properties": {
                    "soort": link.kind,
                    "gemeente1": link.a,
                    "gemeente1_naam": data.label(link.a).nl,
                    "gemeente2": link.b,
                    "gemeente2_naam": data.label(link.b).nl,
                    "sterkte": link.strength,
                    "schakel": link.reasons[0]["schakel"].rsplit("/", 1)[-1]
                    if link.reasons
                    else "",
                    "redenen": link.reasons,
                    "projecten": projects,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- the value chain at a glance ------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    """A lead municipality with its project counts per value-chain column."""

    municipality: str
    name: str
    counts: tuple[int, ...]
    total: int


#: The columns of the canned query ``waardeketen-matrix``: (variable, stage ref, nl, en).
MATRIX_COLUMNS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("infrastructuur", "digitale-infrastructuur", "Digitale infrastructuur", "Infrastructure"),
    ("data", "data", "Data", "Data"),
    ("toepassingen", "toepassingen-en-diensten", "Toepassingen en diensten", "Applications"),
    ("waarde", "maatschappelijke-waarde", "Maatschappelijke waarde", "Societal value"),
    ("randvoorwaarden", ENABLERS, "Randvoorwaarden", "Enablers"),
)


def value_chain_matrix(store: Store, settings: Settings) -> list[MatrixRow]:
    """Municipalities by stages (canned query ``waardeketen-matrix``)."""
    result = run_canned_query("waardeketen-matrix", {}, store=store, settings=settings)
    return [
        MatrixRow(
            str(row["gemeente"]),
            str(row["naam"] or row["gemeente"]),
            tuple(int(row[column] or 0) for column, _, _, _ in MATRIX_COLUMNS),
            int(row["totaal"] or 0),
        )
        for row in result.records()
    ]


@dataclass(frozen=True)
class Node:
    """A node of the alignment view: a project or a goal, in a column."""

    iri: str
    label: str
    column: int
    example: bool = False


@dataclass(frozen=True)
class Alignment:
    """Projects → municipal goals → regional goals → provincial and national goals."""

    columns: tuple[tuple[str, str], ...]
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]


def alignment(data: MapData, store: Store) -> Alignment:
    """The alignment graph: each project to the goals it contributes to directly, and each
    goal that projects reach to the goals it aligns with (asserted, not the inferred
    closure)."""
    column_of = {"gemeente": 1, "regio": 2, "provincie": 3, "rijk": 3}
    edges: list[tuple[str, str]] = []
    for project in data.projects:
        edges.extend((project.iri, goal) for goal in project.goals)
    rows = store.query(ALIGNMENTS).rows()
    edges.extend(sorted({(str(row["from"]), str(row["to"])) for row in rows}))
    # Only what projects reach: a goal no project feeds (directly or through others) is left out.
    targets: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        targets[source].append(target)
    used = {p.iri for p in data.projects}
    frontier = list(used)
    while frontier:
        for target in targets[frontier.pop()]:
            if target not in used:
                used.add(target)
                frontier.append(target)
    edges = [(source, target) for source, target in edges if source in used]
    nodes = [Node(p.iri, p.nl, 0, p.example) for p in data.projects if p.goals]
    goals = [
        Node(c.iri, c.nl, column_of[c.level or "gemeente"], c.example)
        for c in data.concepts.values()
        if c.level and c.iri in used
    ]
    nodes.extend(sorted(goals, key=lambda n: (n.column, n.label.casefold())))
    known = {n.iri for n in nodes}
    columns = (
        ("Projecten", "Projects"),
        ("Gemeentelijke doelen", "Municipal goals"),
        ("Regionale doelen", "Regional goals"),
        ("Provinciale en nationale doelen", "Provincial and national goals"),
    )
    return Alignment(
        columns,
        tuple(nodes),
        tuple(e for e in dict.fromkeys(edges) if e[0] in known and e[1] in known),
    )
