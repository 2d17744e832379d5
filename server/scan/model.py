"""The Strategiescan as values: frozen dataclasses, one per thing the scan shows.

A :class:`Scan` is what :func:`server.scan.compute.compute_scan` makes from the answers of the
``scan-*`` canned queries, and what the page, the JSON document, the PDF and the Word document
are rendered from. Resources are named by their IRIs (the renderers turn an IRI into a link);
texts (titles, names) are in the scan's language; dates are as precise as the source
(``2024-03-01``, ``2016-11``, ``2019``); ``example`` is ``True`` on everything that holds
invented example data (``rg:isExample true``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.messages import N_

__all__ = [
    "AlignmentSection",
    "Assessment",
    "Gap",
    "Goal",
    "GoalLink",
    "Item",
    "Municipality",
    "OpenGoal",
    "Partner",
    "PeerProject",
    "Project",
    "Scan",
    "Share",
    "StageRow",
    "Strategy",
    "StrategyDocument",
    "ValueChain",
]


@dataclass(frozen=True)
class Municipality:
    """Who the scan is about (query ``scan-gemeente``)."""

    iri: str
    cbs: str
    name: str
    member: bool
    member_since: str | None = None
    member_until: str | None = None
    successor: str | None = None
    successor_cbs: str | None = None
    successor_name: str | None = None
    example: bool = False


@dataclass(frozen=True, kw_only=True)
class Sourced:
    """What every record of the scan has: its IRI and title, the sources it comes from and
    when they were checked, and whether it is invented (an example)."""

    iri: str
    title: str
    sources: tuple[str, ...] = ()
    checked: str | None = None
    example: bool = False


@dataclass(frozen=True, kw_only=True)
class StrategyDocument(Sourced):
    """A strategy document of the municipality (query ``scan-strategie``)."""

    adopted: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    replaces: str | None = None
    replaces_title: str | None = None
    replaced_by: str | None = None
    replaced_by_title: str | None = None
    homepage: str | None = None
    goals: int = 0


@dataclass(frozen=True, kw_only=True)
class GoalLink(Sourced):
    """A higher goal one of the municipality's goals aligns with: directly, or ``via`` the
    first step of a chain."""

    level: str
    set_by: str | None = None
    direct: bool = True
    via: str | None = None
    via_title: str | None = None


@dataclass(frozen=True, kw_only=True)
class Goal(Sourced):
    """A goal of the municipality with the higher goals it aligns with (query ``scan-doelen``)."""

    strategy: str | None = None
    broader: str | None = None
    broader_title: str | None = None
    alignments: tuple[GoalLink, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OpenGoal(Sourced):
    """A higher goal none of the municipality's goals aligns with (query ``scan-open-doelen``)."""

    level: str
    set_by: str | None = None
    strategy: str | None = None
    strategy_title: str | None = None
    expired: bool = False
    served_by_project: bool = False


@dataclass(frozen=True)
class Strategy:
    """The section *Strategie*."""

    documents: tuple[StrategyDocument, ...] = ()
    goals: tuple[Goal, ...] = ()
    open_goals: tuple[OpenGoal, ...] = ()

    @property
    def aligned_goals(self) -> int:
        """How many of the goals align with at least one higher goal."""
        return sum(1 for goal in self.goals if goal.alignments)

    @property
    def current_open_goals(self) -> tuple[OpenGoal, ...]:
        """The open goals of strategies still in force."""
        return tuple(goal for goal in self.open_goals if not goal.expired)

    @property
    def invented(self) -> dict[str, int]:
        """How many of each count are invented: ``documents``, ``goals``, ``aligned`` (an
        aligned goal counts as invented when it is, or when all its alignments are) and
        ``open`` (of :attr:`current_open_goals`)."""
        aligned = (goal for goal in self.goals if goal.alignments)
        return {
            "documents": sum(1 for d in self.documents if d.example),
            "goals": sum(1 for g in self.goals if g.example),
            "aligned": sum(1 for g in aligned if g.example or all(a.example for a in g.alignments)),
            "open": sum(1 for g in self.current_open_goals if g.example),
        }


@dataclass(frozen=True)
class Assessment:
    """The municipality's newest maturity assessment of one stage (``scan-volwassenheid``)."""

    iri: str
    level: str
    level_name: str
    level_number: int | None = None
    scale_top: int | None = None
    date: str | None = None
    assessed_by: str | None = None
    sources: tuple[str, ...] = ()
    example: bool = False


@dataclass(frozen=True)
class StageRow:
    """One stage or enabler: the municipality's projects next to the region's median and
    maximum over the current members (query ``scan-waardeketen``), and its own assessment."""

    stage: str
    name: str
    kind: str
    projects: int
    examples: int
    median: float
    maximum: int
    active: int
    assessment: Assessment | None = None

    @property
    def example(self) -> bool:
        """Whether invented data is part of this row (counted projects or the assessment)."""
        return self.examples > 0 or (self.assessment is not None and self.assessment.example)


@dataclass(frozen=True, kw_only=True)
class Project(Sourced):
    """A project the municipality takes part in (query ``scan-projecten``)."""

    role: str
    lead: str | None = None
    lead_name: str | None = None
    stages: tuple[str, ...] = ()
    status_name: str | None = None
    alignment: str = "geen"
    homepage: str | None = None


@dataclass(frozen=True)
class ValueChain:
    """The section *Positie in de waardeketen*."""

    members: int
    rows: tuple[StageRow, ...] = ()
    projects: tuple[Project, ...] = ()

    @property
    def stage_names(self) -> dict[str, str]:
        """The name of each stage and enabler, by IRI."""
        return {row.stage: row.name for row in self.rows}

    @property
    def top(self) -> int:
        """The largest number in the section (the top of the colour scale), at least 1."""
        return max([1, *(max(row.projects, row.maximum) for row in self.rows)])


@dataclass(frozen=True)
class Item:
    """A building block or an action perspective."""

    iri: str
    title: str
    example: bool = False


@dataclass(frozen=True)
class PeerProject:
    """A project of other current members in a stage where the municipality has none."""

    iri: str
    title: str
    partners: tuple[tuple[str, str, str], ...] = ()
    status_name: str | None = None
    homepage: str | None = None
    example: bool = False


@dataclass(frozen=True)
class Gap:
    """A stage or enabler without any project of the municipality while peers have some
    (query ``scan-gaten``). ``projects`` are the most experienced of the ``project_count``
    projects of current members there, at most ten (query ``scan-leerprojecten``)."""

    stage: str
    name: str
    kind: str
    active: int
    building_blocks: tuple[Item, ...] = ()
    action_perspectives: tuple[Item, ...] = ()
    projects: tuple[PeerProject, ...] = field(
        default=(),
        metadata={
            "description": N_(
                "De tien meest ervaren projecten van andere MRDH-gemeenten in deze schakel "
                "(afgerond en opgeschaald eerst)"
            )
        },
    )
    project_count: int = field(
        default=0,
        metadata={
            "description": N_(
                "Het aantal projecten van huidige MRDH-gemeenten in deze schakel, ook de "
                "projecten die niet in de lijst staan"
            )
        },
    )
    example_count: int = field(
        default=0,
        metadata={"description": N_("Hoeveel van die projecten verzonnen voorbeelden zijn")},
    )


@dataclass(frozen=True)
class Partner:
    """Another current member to work with (query ``scan-samenwerking``)."""

    iri: str
    name: str
    cbs: str
    overlap: int = 0
    stages: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()
    joint: int = 0
    joint_titles: tuple[str, ...] = ()
    joint_projects: tuple[Item, ...] = field(
        default=(),
        metadata={
            "description": N_(
                "De gezamenlijke projecten met hun adres (leeg waar het project niet bij de "
                "projecten van de gemeente staat)"
            )
        },
    )
    example: bool = False


@dataclass(frozen=True)
class Share:
    """One member's projects and how many serve a regional or provincial goal
    (query ``scan-aansluiting``)."""

    iri: str
    name: str
    projects: int
    direct: int
    indirect: int
    share: int | None
    examples: int = 0

    @property
    def example(self) -> bool:
        """Whether invented projects are counted."""
        return self.examples > 0


@dataclass(frozen=True)
class AlignmentSection:
    """The section *Aansluiting*: the municipality's share next to the region's distribution."""

    own: Share | None
    region: tuple[Share, ...] = ()
    median: float | None = None
    lowest: int | None = None
    highest: int | None = None
    rank: int | None = None

    @property
    def compared(self) -> int:
        """The number of members with a share (members with at least one project)."""
        return sum(1 for share in self.region if share.share is not None)

    @property
    def level(self) -> bool:
        """Whether every member with a share has the same one (then there is no ranking)."""
        return self.compared > 1 and self.lowest == self.highest

    @property
    def shared_rank(self) -> bool:
        """Whether other members have exactly the municipality's share (a shared place)."""
        own = self.own.share if self.own is not None else None
        return own is not None and sum(1 for s in self.region if s.share == own) > 1


@dataclass(frozen=True)
class Scan:
    """The whole Strategiescan of one municipality, in one language."""

    municipality: Municipality
    lang: str
    data_version: str | None
    built: str | None
    strategy: Strategy
    value_chain: ValueChain
    gaps: tuple[Gap, ...] = ()
    partners: tuple[Partner, ...] = ()
    alignment: AlignmentSection = field(default_factory=lambda: AlignmentSection(None))

    @property
    def has_examples(self) -> bool:
        """Whether any row of the scan holds invented example data."""
        strategy = self.strategy
        return any(
            (
                any(d.example for d in strategy.documents),
                any(g.example or any(a.example for a in g.alignments) for g in strategy.goals),
                any(g.example for g in strategy.open_goals),
                any(r.example for r in self.value_chain.rows),
                any(p.example for p in self.value_chain.projects),
                any(p.example for gap in self.gaps for p in gap.projects),
                any(p.example for p in self.partners),
                self.alignment.own is not None and self.alignment.own.example,
            )
        )
