"""The value chain at a glance (``/waardeketen``): the matrix of lead municipalities by
value-chain stage, and the region's alignment aggregated from lead municipality to goal level
(the full chain of one municipality is in its Strategiescan)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from server.canned.running import run_canned_query
from server.maps.data import ENABLERS, GOAL_LEVELS, MapData
from server.settings import Settings
from server.store import Store


@dataclass(frozen=True)
class MatrixRow:
    """A lead municipality with its project counts per value-chain column."""

    municipality: str
    name: str
    counts: tuple[int, ...]
    total: int


#: The columns of the canned query ``waardeketen-matrix``: (variable, stage ref); their names
#: for people are the web layer's (gettext).
MATRIX_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("infrastructuur", "digitale-infrastructuur"),
    ("data", "data"),
    ("toepassingen", "toepassingen-en-diensten"),
    ("waarde", "maatschappelijke-waarde"),
    ("randvoorwaarden", ENABLERS),
)


def value_chain_matrix(store: Store, settings: Settings) -> list[MatrixRow]:
    """Municipalities by stages (canned query ``waardeketen-matrix``)."""
    result = run_canned_query("waardeketen-matrix", {}, store=store, settings=settings)
    return [
        MatrixRow(
            str(row["gemeente"]),
            str(row["naam"] or row["gemeente"]),
            tuple(int(row[column] or 0) for column, _ in MATRIX_COLUMNS),
            int(row["totaal"] or 0),
        )
        for row in result.records
    ]


#: The goal-level value of projects that serve no goal (the last column of the overview).
NO_GOAL: Final = "geen"


@dataclass(frozen=True)
class LeadAlignment:
    """What the projects a municipality leads serve: per goal level, how many reach it."""

    municipality: str
    name: str
    current: bool
    projects: int
    counts: tuple[int, ...]


@dataclass(frozen=True)
class AlignmentSummary:
    """The alignment of the whole region, aggregated: lead municipality → goal level.

    ``levels`` are ``(value, label)`` pairs (municipal, regional, provincial, national, none);
    a project that reaches several levels (directly or through a chain of aligned goals)
    counts once at each, so a row's counts may add up to more than its projects."""

    levels: tuple[tuple[str, str], ...]
    rows: tuple[LeadAlignment, ...]
    totals: tuple[int, ...]
    projects: int


def alignment_summary(data: MapData, lang: str, level_names: Mapping[str, str]) -> AlignmentSummary:
    """The region's alignment per lead municipality and goal level, with municipalities named
    in ``lang`` and each level (and :data:`NO_GOAL`) by its name in ``level_names``."""
    levels = [(value, level_names[value]) for _, value in GOAL_LEVELS]
    levels.append((NO_GOAL, level_names[NO_GOAL]))
    index = {value: i for i, (value, _) in enumerate(levels)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(levels))
    led: dict[str, int] = defaultdict(int)
    for project in data.projects:
        led[project.lead] += 1
        for level in project.levels or {NO_GOAL}:
            counts[project.lead][index[level]] += 1
    rows = tuple(
        LeadAlignment(m.iri, m.text(lang), m.current, led[m.iri], tuple(counts[m.iri]))
        for m in sorted(data.municipalities.values(), key=lambda m: m.text(lang).casefold())
        if m.current or led[m.iri]
    )
    totals = tuple(sum(row.counts[i] for row in rows) for i in range(len(levels)))
    return AlignmentSummary(tuple(levels), rows, totals, sum(led.values()))
