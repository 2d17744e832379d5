"""Where the alignment overview draws its bars and bands: a two-column Sankey diagram of counts.

Left, a bar per lead municipality; right, a bar per goal level (and "no goal"); a band from a
municipality to a level as thick as the number of its projects that reach that level. The result
is plain numbers: the page's template (``waardeketen.html``) draws it as inline SVG from an
autoescaped Jinja template (no script, no chart library).

The bars on the left keep room for their label: a bar is as high as its bands, but its slot is
at least :data:`MIN_SLOT` high, so 24 names stay legible however small their counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from server.maps.value_chain import AlignmentSummary

#: Drawing units (SVG user units, about pixels).
WIDTH: Final = 760
LEFT_BAR: Final = 200  # x of the municipalities' bars (their labels end left of it)
RIGHT_BAR: Final = 548  # x of the levels' bars (their labels start right of it)
BAR: Final = 12
TOP: Final = 28
MIN_SLOT: Final = 18
GAP: Final = 4
LEVEL_GAP: Final = 24
#: The flows' total height aimed at, and the bounds of one project's thickness.
TARGET: Final = 560
UNIT_BOUNDS: Final = (1.5, 8.0)


@dataclass(frozen=True)
class Bar:
    """A bar: a municipality (left) or a goal level (right), with its label and count."""

    key: str
    label: str
    count: int
    x: int
    y: float
    height: float


@dataclass(frozen=True)
class Band:
    """A band from a municipality to a level: its ``count`` and its outline (SVG path data)."""

    source: str
    level: str
    count: int
    path: str


@dataclass(frozen=True)
class Sankey:
    """The laid-out overview."""

    width: int
    height: int
    left: tuple[Bar, ...]
    right: tuple[Bar, ...]
    bands: tuple[Band, ...]


def _band(x1: int, top1: float, x2: int, top2: float, thickness: float) -> str:
    """A band of ``thickness`` from ``(x1, top1)`` to ``(x2, top2)``: two cubic curves."""
    middle = (x1 + x2) / 2
    bottom1, bottom2 = top1 + thickness, top2 + thickness
    return (
        f"M{x1},{top1:.1f} C{middle:.1f},{top1:.1f} {middle:.1f},{top2:.1f} {x2},{top2:.1f} "
        f"L{x2},{bottom2:.1f} C{middle:.1f},{bottom2:.1f} {middle:.1f},{bottom1:.1f} "
        f"{x1},{bottom1:.1f} Z"
    )


def sankey(summary: AlignmentSummary) -> Sankey:
    """Lay out ``summary``: municipalities top to bottom in its order, levels in theirs."""
    flows = sum(summary.totals)
    low, high = UNIT_BOUNDS
    unit = max(low, min(high, TARGET / flows)) if flows else high
    left: list[Bar] = []
    y = float(TOP)
    for row in summary.rows:
        height = sum(row.counts) * unit
        left.append(Bar(row.municipality, row.name, row.projects, LEFT_BAR, y, height))
        y += max(height, MIN_SLOT) + GAP
    bottom = y
    right: list[Bar] = []
    y = float(TOP)
    for (value, label), total in zip(summary.levels, summary.totals, strict=True):
        right.append(Bar(value, label, total, RIGHT_BAR, y, total * unit))
        y += max(total * unit, MIN_SLOT) + LEVEL_GAP
    bottom = max(bottom, y)
    bands: list[Band] = []
    filled = [bar.y for bar in right]  # where the next band enters each level
    for row, bar in zip(summary.rows, left, strict=True):
        start = bar.y
        for index, count in enumerate(row.counts):
            if not count:
                continue
            thickness = count * unit
            path = _band(LEFT_BAR + BAR, start, RIGHT_BAR, filled[index], thickness)
            level = summary.levels[index][0]
            bands.append(Band(row.municipality, level, count, path))
            start += thickness
            filled[index] += thickness
    return Sankey(WIDTH, int(bottom) + 8, tuple(left), tuple(right), tuple(bands))
