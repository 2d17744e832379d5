"""The sections of the scan from the rows of the ``scan-*`` canned queries.

Each function takes rows as :meth:`server.canned.running.CannedResult.records` gives them
(variable name → ``str``, ``int``, ``bool`` or ``None``) and returns the section's values
(:mod:`server.scan.model`). Nothing here queries: :mod:`server.scan.compute` runs the queries.
Statistics over the region (median, maximum, rank) are over the rows given, which the queries
restrict to the current MRDH members.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from server.scan.model import (
    AlignmentSection,
    Assessment,
    Gap,
    Goal,
    GoalLink,
    Item,
    Municipality,
    OpenGoal,
    Partner,
    PeerProject,
    Project,
    Share,
    StageRow,
    Strategy,
    StrategyDocument,
    ValueChain,
)

__all__ = [
    "alignment_section",
    "gaps",
    "municipalities",
    "partners",
    "strategy",
    "value_chain",
]

Row = Mapping[str, Any]


def words(text: object) -> tuple[str, ...]:
    """The space-separated IRIs of a ``GROUP_CONCAT`` column, in order, without repeats."""
    return tuple(dict.fromkeys(str(text).split())) if text else ()


def names(text: object) -> tuple[str, ...]:
    """The ``"; "``-separated names of a ``GROUP_CONCAT`` column, sorted, without repeats."""
    if not text:
        return ()
    return tuple(sorted({part.strip() for part in str(text).split(";") if part.strip()}))


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _named(row: Row, column: str, title: str = "titel") -> dict[str, Any]:
    """The IRI (in ``column``), title (in ``title``; else the IRI) and example flag of the
    record in ``row``, as fields of :class:`~server.scan.model.Sourced`."""
    return {
        "iri": str(row[column]),
        "title": str(row[title] or row[column]),
        "example": bool(row["voorbeeld"]),
    }


def _sourced(row: Row, column: str) -> dict[str, Any]:
    """:func:`_named` with the record's sources and the date they were checked."""
    return {
        **_named(row, column),
        "sources": words(row["bronnen"]),
        "checked": _text(row["gecontroleerd"]),
    }


def municipalities(rows: Iterable[Row]) -> dict[str, Municipality]:
    """Every municipality by its lower-case CBS code (query ``scan-gemeente``)."""
    found: dict[str, Municipality] = {}
    for row in rows:
        cbs = str(row["cbs"]).lower()
        found.setdefault(
            cbs,
            Municipality(
                iri=str(row["gemeente"]),
                cbs=cbs,
                name=str(row["naam"] or row["cbs"]),
                member=bool(row["lid"]),
                member_since=_text(row["lidSinds"]),
                member_until=_text(row["lidTot"]),
                successor=_text(row["opvolger"]),
                successor_cbs=_text(row["opvolgerCbs"] and str(row["opvolgerCbs"]).lower()),
                successor_name=_text(row["opvolgerNaam"]),
                example=bool(row["voorbeeld"]),
            ),
        )
    return found


def strategy(documents: Iterable[Row], goals: Iterable[Row], open_goals: Iterable[Row]) -> Strategy:
    """The section *Strategie* (queries ``scan-strategie``, ``scan-doelen``,
    ``scan-open-doelen``); a document replacing or replaced by another of the same
    municipality gets that one's title."""
    documents = list(documents)
    titles = {str(row["strategie"]): str(row["titel"]) for row in documents if row["titel"]}
    return Strategy(
        documents=tuple(
            StrategyDocument(
                **_sourced(row, "strategie"),
                adopted=_text(row["vastgesteld"]),
                valid_from=_text(row["geldigVan"]),
                valid_until=_text(row["geldigTot"]),
                replaces=_text(row["vervangt"]),
                replaces_title=titles.get(str(row["vervangt"])),
                replaced_by=_text(row["vervangenDoor"]),
                replaced_by_title=titles.get(str(row["vervangenDoor"])),
                homepage=_text(row["homepage"]),
                goals=int(row["doelen"] or 0),
            )
            for row in documents
        ),
        goals=_goals(goals),
        open_goals=tuple(
            OpenGoal(
                **_named(row, "doel"),
                level=str(row["niveau"]),
                set_by=_text(row["organisatieNaam"]),
                strategy=_text(row["strategie"]),
                strategy_title=_text(row["strategieTitel"]),
                expired=bool(row["verlopen"]),
                served_by_project=bool(row["viaProject"]),
            )
            for row in open_goals
        ),
    )


def _goals(rows: Iterable[Row]) -> tuple[Goal, ...]:
    """One goal per IRI (the query has a row per goal and higher goal), in the query's order.

    A row is invented (``voorbeeld``) when the goal or the higher goal is. Real data never
    points at an example (``queries/qc/example-object-of-real.rq``), so the higher goals of a
    real goal are real: a goal with any invented row is itself invented."""
    order: dict[str, Row] = {}
    links: dict[str, list[GoalLink]] = defaultdict(list)
    invented: set[str] = set()
    for row in rows:
        iri = str(row["doel"])
        order.setdefault(iri, row)
        if row["voorbeeld"]:
            invented.add(iri)
        if row["hogerDoel"]:
            links[iri].append(
                GoalLink(
                    **_named(row, "hogerDoel", "hogerTitel"),
                    level=str(row["niveau"]),
                    set_by=_text(row["organisatieNaam"]),
                    direct=bool(row["direct"]),
                    via=_text(row["via"]),
                    via_title=_text(row["viaTitel"]),
                )
            )
    return tuple(
        Goal(
            iri=iri,
            title=str(row["titel"] or iri),
            strategy=_text(row["strategie"]),
            broader=_text(row["hoofddoel"]),
            broader_title=_text(row["hoofddoelTitel"]),
            sources=words(row["bronnen"]),
            checked=_text(row["gecontroleerd"]),
            alignments=tuple(links[iri]),
            example=iri in invented,
        )
        for iri, row in order.items()
    )


def value_chain(
    region: Sequence[Row], maturity: Iterable[Row], projects: Iterable[Row], municipality: str
) -> ValueChain:
    """The section *Positie in de waardeketen* (queries ``scan-waardeketen`` for every current
    member, ``scan-volwassenheid`` and ``scan-projecten`` for the municipality)."""
    by_stage: dict[str, list[Row]] = defaultdict(list)
    for row in region:
        by_stage[str(row["schakel"])].append(row)
    newest: dict[str, Assessment] = {}
    for row in maturity:  # newest first per stage (the query's order)
        newest.setdefault(str(row["schakel"]), _assessment(row))
    rows = []
    for stage, per_member in by_stage.items():
        counts = [int(member["projecten"] or 0) for member in per_member]
        own = next((m for m in per_member if str(m["gemeente"]) == municipality), None)
        rows.append(
            StageRow(
                stage=stage,
                name=str(per_member[0]["schakelNaam"] or stage),
                kind=str(per_member[0]["soort"]),
                projects=int(own["projecten"] or 0) if own else 0,
                examples=int(own["voorbeelden"] or 0) if own else 0,
                median=float(statistics.median(counts)),
                maximum=max(counts),
                active=sum(1 for count in counts if count),
                assessment=newest.get(stage),
            )
        )
    members = len({str(row["gemeente"]) for row in region})
    return ValueChain(members=members, rows=tuple(rows), projects=_projects(projects))


def _assessment(row: Row) -> Assessment:
    return Assessment(
        iri=str(row["meting"]),
        level=str(row["niveau"]),
        level_name=str(row["niveauNaam"] or row["niveau"]),
        level_number=row["niveauNummer"],
        scale_top=row["hoogsteNiveau"],
        date=_text(row["datum"]),
        assessed_by=_text(row["beoordeeldDoorNaam"]),
        sources=words(row["bronnen"]),
        example=bool(row["voorbeeld"]),
    )


def _projects(rows: Iterable[Row]) -> tuple[Project, ...]:
    return tuple(
        Project(
            **_sourced(row, "project"),
            role=str(row["rol"]),
            lead=_text(row["trekker"]),
            lead_name=_text(row["trekkerNaam"]),
            stages=words(row["schakels"]),
            status_name=_text(row["statusNaam"]),
            alignment=str(row["aansluiting"]),
            homepage=_text(row["homepage"]),
        )
        for row in rows
    )


def gaps(
    rows: Iterable[Row],
    active: Mapping[str, int],
    learning: Mapping[str, Iterable[Row]],
    known: Mapping[str, Municipality],
) -> tuple[Gap, ...]:
    """The section *Gaten* (query ``scan-gaten``): per gap its building blocks and action
    perspectives, and the projects of others there from ``learning`` (per stage, the rows of
    ``scan-leerprojecten``; ``known`` names their municipalities, by IRI). ``active`` is the
    number of members with projects per stage (from the value chain): a stage where no member
    is active is no gap of this municipality but of the region, and is left out."""
    stages: dict[str, Row] = {}
    items: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        stage = str(row["schakel"])
        stages.setdefault(stage, row)
        if row["item"] is not None:
            title = str(row["itemTitel"] or row["item"])
            item = Item(str(row["item"]), title, bool(row["voorbeeld"]))
            items[stage][str(row["soortItem"])].append(item)
    found = []
    for stage, row in stages.items():
        if not active.get(stage, 0):
            continue
        shown = sorted(
            learning.get(stage, ()),
            key=lambda project: (-int(project["ervaring"] or 0), _title_key(project)),
        )
        found.append(
            Gap(
                stage=stage,
                name=str(row["schakelNaam"] or stage),
                kind=str(row["soort"]),
                active=active[stage],
                building_blocks=tuple(items[stage]["bouwsteen"]),
                action_perspectives=tuple(items[stage]["handelingsperspectief"]),
                projects=tuple(_peer_project(project, known) for project in shown),
                project_count=int(shown[0]["aantal"] or 0) if shown else 0,
                example_count=int(shown[0]["voorbeelden"] or 0) if shown else 0,
            )
        )
    return tuple(found)


def _title_key(row: Row) -> str:
    """A project's title for sorting (case and accents aside, as people read a list)."""
    return unicodedata.normalize("NFKD", str(row["itemTitel"] or "")).casefold()


def _peer_project(row: Row, known: Mapping[str, Municipality]) -> PeerProject:
    """A project of ``scan-leerprojecten`` with its current members taking part."""
    members = (known[iri] for iri in sorted(words(row["partners"])) if iri in known)
    return PeerProject(
        iri=str(row["item"]),
        title=str(row["itemTitel"] or row["item"]),
        partners=tuple(
            sorted(((m.iri, m.name, m.cbs) for m in members), key=lambda m: m[1].casefold())
        ),
        status_name=_text(row["statusNaam"]),
        homepage=_text(row["homepage"]),
        example=bool(row["projectVoorbeeld"]),
    )


def partners(rows: Iterable[Row], projects: Iterable[Project] = ()) -> tuple[Partner, ...]:
    """The section *Samenwerkingskansen* (query ``scan-samenwerking``), one per partner; the
    joint projects are found by their titles among the municipality's ``projects`` (those of
    ``scan-projecten``, in the same language), so that they can be links."""
    by_title = {project.title: project for project in projects}

    def joint(titles: tuple[str, ...]) -> tuple[Item, ...]:
        found = [(title, by_title.get(title)) for title in titles]
        return tuple(
            Item(project.iri, title, project.example) if project else Item("", title)
            for title, project in found
        )

    return tuple(
        Partner(
            iri=str(row["partner"]),
            name=str(row["partnerNaam"] or row["partner"]),
            cbs=str(row["partnerCbs"] or ""),
            overlap=int(row["overlap"] or 0),
            stages=names(row["schakels"]),
            challenges=names(row["opgaven"]),
            joint=int(row["gezamenlijk"] or 0),
            joint_titles=names(row["gezamenlijkeProjecten"]),
            joint_projects=joint(names(row["gezamenlijkeProjecten"])),
            example=bool(row["voorbeeld"]),
        )
        for row in rows
    )


def alignment_section(region: Iterable[Row], municipality: str) -> AlignmentSection:
    """The section *Aansluiting* (query ``scan-aansluiting`` for every current member): the
    municipality's share, and the median, lowest and highest share of the members that have
    projects, and its rank among them (1: the highest share)."""
    shares = tuple(
        Share(
            iri=str(row["gemeente"]),
            name=str(row["naam"] or row["gemeente"]),
            projects=int(row["projecten"] or 0),
            direct=int(row["direct"] or 0),
            indirect=int(row["indirect"] or 0),
            share=None if row["aandeel"] is None else int(row["aandeel"]),
            examples=int(row["voorbeelden"] or 0),
        )
        for row in region
    )
    values = [share.share for share in shares if share.share is not None]
    own = next((share for share in shares if share.iri == municipality), None)
    rank = None
    if own is not None and own.share is not None:
        rank = 1 + sum(1 for value in values if value > own.share)
    return AlignmentSection(
        own=own,
        region=shares,
        median=float(statistics.median(values)) if values else None,
        lowest=min(values) if values else None,
        highest=max(values) if values else None,
        rank=rank,
    )
