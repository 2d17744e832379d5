"""The collaboration map: lines between municipalities, for the collaboration opportunities of
the canned query ``samenwerkingskansen`` and for the projects they already share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from server.canned.query import EXAMPLE_COLUMN, last_segment
from server.canned.running import run_canned_query
from server.maps.data import MapData
from server.rdf.iris import IriMap
from server.settings import Settings
from server.store import Store

#: At most this many opportunity lines on the region's map by default (the strongest pairs);
#: the table below the map lists every one, and the minimum can be lowered.
READABLE_LINES: Final = 20


@dataclass
class Link:
    """A line between two municipalities: an opportunity or a shared project."""

    kind: str  # "kans" or "gezamenlijk"
    a: str
    b: str
    strength: int = 0
    reasons: list[dict[str, Any]] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    #: The pair's overlap counts an invented example (a reason that names one, or examples
    #: that change which combinations the pair shares).
    counts_example: bool = False

    @property
    def stages(self) -> list[str]:
        """The shared stages (IRIs) of the reasons, each once, in the reasons' order."""
        return list(dict.fromkeys(str(reason["schakel"]) for reason in self.reasons))

    @property
    def challenges(self) -> list[str]:
        """The shared challenges (IRIs) of the reasons, each once, in the reasons' order."""
        return list(dict.fromkeys(str(reason["opgave"]) for reason in self.reasons))


@dataclass
class Pair:
    """Two municipalities, with their opportunity line and their joint-project line (either
    may be missing): one row of the collaboration map's table."""

    a: str
    b: str
    opportunity: Link | None = None
    joint: Link | None = None

    @property
    def links(self) -> list[Link]:
        """The pair's lines."""
        return [k for k in (self.opportunity, self.joint) if k is not None]


def collaboration_links(data: MapData, store: Store, settings: Settings) -> list[Link]:
    """Opportunities (canned query ``samenwerkingskansen``) and existing joint projects."""
    links: dict[tuple[str, str, str], Link] = {}
    result = run_canned_query("samenwerkingskansen", {}, store=store, settings=settings)
    for row in result.records:
        a, b = sorted((row["gemeente1"], row["gemeente2"]))
        link = links.setdefault(("kans", a, b), Link("kans", a, b))
        link.strength = max(link.strength, int(row["overlap"] or 0))
        link.counts_example = link.counts_example or bool(row.get(EXAMPLE_COLUMN))
        link.reasons.append(
            {
                "schakel": row["stage"],
                "schakel_naam": row["stageNaam"],
                "opgave": row["challenge"],
                "opgave_naam": row["challengeNaam"],
                "reden": row["reden"],
                "reden_en": (
                    f"Both work on {data.label(str(row['challenge'])).text('en')} in the stage "
                    f"{data.label(str(row['stage'])).text('en')}, without a joint project there"
                ),
                # This reason's own projects include an invented example (not the pair's
                # overlap: a reason of real projects only is real).
                "voorbeeld": bool(row.get("redenVoorbeeld")),
            }
        )
    for project in data.projects:
        members = sorted({project.lead, *project.participants} & set(data.municipalities))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                link = links.setdefault(("gezamenlijk", a, b), Link("gezamenlijk", a, b))
                link.projects.append(project.iri)
                link.strength = len(link.projects)
    # Opportunities are for current members; a former member only where a project names it.
    current_members = {m.iri for m in data.municipalities.values() if m.current}
    found = [k for k in links.values() if k.kind != "kans" or {k.a, k.b} <= current_members]
    return sorted(
        found,
        key=lambda k: (k.kind != "kans", -k.strength, data.label(k.a).nl, data.label(k.b).nl),
    )


def pairs(links: Sequence[Link]) -> list[Pair]:
    """The pairs of ``links``, each once, in the order of their first line."""
    found: dict[tuple[str, str], Pair] = {}
    for link in links:
        pair = found.setdefault((link.a, link.b), Pair(link.a, link.b))
        if link.kind == "kans":
            pair.opportunity = link
        else:
            pair.joint = link
    return list(found.values())


def current(data: MapData, iri: str) -> bool:
    """Whether ``iri`` is a current MRDH member."""
    municipality = data.municipalities.get(iri)
    return municipality is not None and municipality.current


def touching(links: Sequence[Link], municipality: str) -> list[Link]:
    """The links of ``municipality`` (an IRI; every link when empty)."""
    return [k for k in links if not municipality or municipality in (k.a, k.b)]


def default_minimum(links: Sequence[Link], limit: int = READABLE_LINES) -> int:
    """The smallest minimum overlap at which at most ``limit`` opportunity lines remain (1 when
    there are no more than that): the strongest pairs first, so the region's map reads."""
    strengths = sorted((k.strength for k in links if k.kind == "kans"), reverse=True)
    if len(strengths) <= limit:
        return 1
    # Lines of the strength at the cut would be drawn only in part: the next strength up.
    return strengths[limit] + 1


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
            {
                "id": iri,
                "titel": by_iri[iri].nl,
                "pagina": pages.page(iri),
                "voorbeeld": by_iri[iri].example,
            }
            for iri in link.projects
        ]
        # A line that only invented examples draw is an example itself.
        marks = [reason["voorbeeld"] for reason in link.reasons]
        marks += [project["voorbeeld"] for project in projects]
        features.append(
            {
                "type": "Feature",
                "id": f"{link.kind}:{data.label(link.a).ref}-{data.label(link.b).ref}",
                "geometry": geometry,
                "properties": {
                    "soort": link.kind,
                    "gemeente1": link.a,
                    "gemeente1_ref": data.label(link.a).ref,
                    "gemeente1_naam": data.label(link.a).nl,
                    "gemeente1_naam_en": data.label(link.a).en,
                    "gemeente2": link.b,
                    "gemeente2_ref": data.label(link.b).ref,
                    "gemeente2_naam": data.label(link.b).nl,
                    "gemeente2_naam_en": data.label(link.b).en,
                    "voormalig": not (current(data, link.a) and current(data, link.b)),
                    "sterkte": link.strength,
                    "schakel": last_segment(link.reasons[0]["schakel"]) if link.reasons else "",
                    "redenen": link.reasons,
                    "projecten": projects,
                    "voorbeeld": bool(marks) and all(marks),
                    "sterkte_voorbeeld": link.counts_example,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
