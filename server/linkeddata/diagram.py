"""Where the class diagram of the ontology docs (``/def/``) draws its boxes and arrows.

Classes are boxes in a grid of :data:`COLUMNS` columns (with their instance count); subclass
relations are dashed arrows to the superclass, object properties labelled arrows from domain
to range. The result is plain numbers and texts: the template ``_diagram.svg.html`` draws it
as inline SVG (autoescaped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from server.linkeddata.ontology_docs import TermDoc

#: Box size, gaps between boxes and columns of the grid (SVG user units, about pixels).
BOX_W: Final = 190
BOX_H: Final = 44
GAP_X: Final = 60
GAP_Y: Final = 70
COLUMNS: Final = 4
MARGIN: Final = 20

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """A class: its box's top left corner, link, name, Dutch label and instance count."""

    x: float
    y: float
    href: str
    name: str
    label: str
    count: int


@dataclass(frozen=True)
class Arrow:
    """A line from ``(x1, y1)`` to ``(x2, y2)``, straight or (a class to itself) a cubic curve
    through ``controls`` (two points); with its label at ``(label_x, label_y)``."""

    x1: int
    y1: int
    x2: int
    y2: int
    dashed: bool
    label: str | None
    label_x: int
    label_y: int
    controls: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Diagram:
    """The laid-out class diagram."""

    width: int
    height: int
    box_width: int
    box_height: int
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


def layout(classes: Sequence[TermDoc], properties: Sequence[TermDoc]) -> Diagram:
    """Place ``classes`` in the grid (in their order) and route the subclass and property
    arrows between their boxes."""
    position: dict[str, Point] = {}
    for index, cls in enumerate(classes):
        column, row = index % COLUMNS, index // COLUMNS
        position[cls.iri] = (MARGIN + column * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y))
    arrows = [
        _arrow(position[cls.iri], position[parent.iri], None, dashed=True)
        for cls in classes
        for parent in cls.parents
        if parent.iri in position
    ]
    arrows += [
        _arrow(position[domain.iri], position[target.iri], prop.name, dashed=False)
        for prop in properties
        for domain in prop.domains
        for target in prop.ranges
        if domain.iri in position and target.iri in position
    ]
    boxes = tuple(
        Box(
            *position[cls.iri],
            href=cls.href or f"#{cls.name}",
            name=cls.name,
            label=cls.labels.get("nl", cls.name),
            count=cls.count,
        )
        for cls in classes
    )
    rows = math.ceil(len(classes) / COLUMNS) or 1
    width = 2 * MARGIN + COLUMNS * BOX_W + (COLUMNS - 1) * GAP_X
    height = 2 * MARGIN + rows * BOX_H + (rows - 1) * GAP_Y
    return Diagram(width, height, BOX_W, BOX_H, boxes, tuple(arrows))


def _arrow(start: Point, end: Point, label: str | None, *, dashed: bool) -> Arrow:
    """The arrow between two boxes (top left corners): border to border, or a loop."""
    if start == end:
        x, y = start
        return Arrow(
            round(x + BOX_W - 30),
            round(y),
            round(x + BOX_W),
            round(y + 10),
            dashed,
            label,
            round(x + BOX_W),
            round(y - 22),
            controls=(round(x + BOX_W - 30), round(y - 30), round(x + BOX_W + 20), round(y - 30)),
        )
    (x1, y1), (x2, y2) = _anchor(start, end), _anchor(end, start)
    middle = ((x1 + x2) / 2, (y1 + y2) / 2 - 3)
    return Arrow(
        round(x1),
        round(y1),
        round(x2),
        round(y2),
        dashed,
        label,
        round(middle[0]),
        round(middle[1]),
    )


def _anchor(box: Point, towards: Point) -> Point:
    """The point on the border of ``box`` on the line to the centre of ``towards``."""
    cx, cy = box[0] + BOX_W / 2, box[1] + BOX_H / 2
    tx, ty = towards[0] + BOX_W / 2, towards[1] + BOX_H / 2
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else math.inf, (BOX_H / 2) / abs(dy) if dy else math.inf
    )
    return cx + dx * scale, cy + dy * scale
