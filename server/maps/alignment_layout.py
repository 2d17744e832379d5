"""Where the alignment view draws its nodes and lines: a layered graph in four columns.

Projects on the left, then municipal, regional, and provincial and national goals; a line
from each project to the goals it contributes to and from each goal to the goals it aligns
with. The result is plain numbers: the page's template (``waardeketen.html``) draws it as
inline SVG (no script needed).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.maps.value_chain import Alignment, Node

#: Drawing units (SVG user units, about pixels).
COLUMN_WIDTH = 205
GAP = 40
ROW = 22
TOP = 30
NODE_HEIGHT = 18
#: Characters shown of a label; the whole label is the node's tooltip and in the table.
LABEL_CHARS = 31


@dataclass(frozen=True)
class PlacedNode:
    """A node with its box."""

    node: Node
    x: int
    y: int
    short: str


@dataclass(frozen=True)
class PlacedEdge:
    """A line between two placed nodes: a cubic curve from ``(x1, y1)`` to ``(x2, y2)`` whose
    control points both lie at ``x = bend`` (at the start's and at the end's height)."""

    source: str
    target: str
    x1: int
    y1: int
    bend: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Drawing:
    """The laid-out alignment graph."""

    width: int
    height: int
    node_width: int
    node_height: int
    headings: tuple[tuple[int, str, str], ...]
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def layout(graph: Alignment) -> Drawing:
    """Place the nodes of ``graph`` in their columns (in the graph's order) and route the
    lines from the right edge of the source to the left edge of the target."""
    rows = [0] * len(graph.columns)
    placed: dict[str, PlacedNode] = {}
    for node in graph.nodes:
        x = node.column * (COLUMN_WIDTH + GAP)
        y = TOP + rows[node.column] * ROW
        rows[node.column] += 1
        placed[node.iri] = PlacedNode(node, x, y, _short(node.label))
    edges = []
    for source, target in graph.edges:
        a, b = placed[source], placed[target]
        x1, y1 = a.x + COLUMN_WIDTH, a.y + NODE_HEIGHT // 2
        x2, y2 = b.x, b.y + NODE_HEIGHT // 2
        if b.x <= a.x:  # a sub-goal in the same column: a loop out to the right
            x2 = b.x + COLUMN_WIDTH
            bend = x1 + GAP // 2
        else:
            bend = (x1 + x2) // 2
        edges.append(PlacedEdge(source, target, x1, y1, bend, x2, y2))
    headings = tuple(
        (index * (COLUMN_WIDTH + GAP), nl, en) for index, (nl, en) in enumerate(graph.columns)
    )
    width = len(graph.columns) * COLUMN_WIDTH + (len(graph.columns) - 1) * GAP
    height = TOP + max(rows, default=0) * ROW + 10
    return Drawing(
        width, height, COLUMN_WIDTH, NODE_HEIGHT, headings, tuple(placed.values()), tuple(edges)
    )
