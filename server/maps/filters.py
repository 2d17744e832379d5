"""The filters of the project map: stage (or every enabler), challenge, goal level, status,
municipality (lead or partner) and lead municipality, as URL parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from server.errors import BadRequest
from server.maps.data import ENABLERS, GOAL_LEVELS, MapData, Project


class FilterError(BadRequest, ValueError):
    """A filter value that names nothing on the map; the message says which filter."""


#: The filters of the project map: URL parameter → what it filters on.
FILTERS: Final[tuple[str, ...]] = (
    "schakel",
    "opgave",
    "niveau",
    "status",
    "gemeente",
    "trekker",
)


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
            levels = {value for _, value in GOAL_LEVELS}
            if raw not in levels:
                raise FilterError(f"niveau: {raw!r} is not one of {', '.join(sorted(levels))}")
            chosen[name] = raw
            continue
        if name in ("gemeente", "trekker"):
            found = [m.iri for m in data.municipalities.values() if m.matches(raw)]
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


def chosen_municipality(data: MapData, args: Mapping[str, str]) -> str:
    """The IRI of the municipality ``?gemeente=`` names (IRI or CBS code), ``""`` when none.

    Raises :class:`FilterError` when it names no municipality on the map."""
    raw = (args.get("gemeente") or "").strip()
    if not raw:
        return ""
    for municipality in data.municipalities.values():
        if municipality.matches(raw):
            return municipality.iri
    raise FilterError(
        f"gemeente: {raw!r} is geen gemeente op deze kaart (names no municipality on this map)"
    )


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
