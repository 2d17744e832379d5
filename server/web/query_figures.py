"""The figure of a canned query's page: a timeline, a bar chart or a map of points, computed here
as positions and drawn as SVG by the template (``queries_item.html``, autoescaped).

A query declares its view (``chart`` or ``map``); :func:`figure` picks what suits its answer: a
timeline for rows with a ``?start`` date, else bars of the first numeric column; points of the
``?geometry`` column on a map (no tiles, no CDN). At most :data:`MAX_DRAWN` rows are drawn; the
table always has every row.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from flask_babel import gettext
from rdflib import Literal
from rdflib.term import Identifier

from server.canned.formats import plain_value
from server.canned.query import EXAMPLE_COLUMN, CannedQuery
from server.rdf.geometry import WktError, parse_wkt
from server.web.language import language

#: Most bars or points drawn in a chart or map (the table always has every row).
MAX_DRAWN: Final = 200
#: West, south, east, north (CRS84) of the MRDH area: the smallest frame of a map view.
REGION: Final = (3.95, 51.78, 4.66, 52.16)
#: Width of every figure, and the margins of a chart: labels left, room for values right.
WIDTH: Final = 720
LEFT, RIGHT, ROW_HEIGHT = 260, 40, 22

Row = Mapping[str, Identifier]


class Answer(Protocol):
    """What a figure reads of an answer: a :class:`server.canned.running.CannedResult`, or its
    rows with the names the page shows (:func:`server.web.query_page.page`)."""

    @property
    def query(self) -> CannedQuery:
        """The query answered."""

    @property
    def variables(self) -> tuple[str, ...]:
        """The columns, in order."""

    @property
    def rows(self) -> Sequence[Row]:
        """One mapping per solution."""


@dataclass
class Figure:
    """What the chart or map of a query page draws (an SVG, built here, drawn by the
    template)."""

    kind: str
    width: int = WIDTH
    height: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    axis: list[dict[str, Any]] = field(default_factory=list)
    caption: str = ""


def figure(view: str | None, result: Answer) -> Figure | None:
    """The figure of ``view`` (``chart`` or ``map``) for ``result``, or ``None`` when the
    answer has nothing to draw."""
    if view == "chart":
        return chart(result)
    if view == "map":
        return point_map(result)
    return None


def chart(result: Answer) -> Figure | None:
    """A timeline (rows with a ``?start`` date) or a bar chart of the first numeric column."""
    label = _label_column(result)
    rows = result.rows[:MAX_DRAWN]
    if not rows or label is None:
        return None
    if "start" in result.variables:
        return _timeline(rows, label)
    value_column = _numbers(result)
    if value_column is None:
        return None
    return _bars(result.query, rows, label, value_column)


def _timeline(rows: Sequence[Row], label: str) -> Figure | None:
    """A bar per row from its ``?start`` to its ``?einde`` (open when it has none yet)."""
    spans = []
    for row in rows:
        start = _date(row.get("start"))
        if start is not None:
            spans.append((row, start, _date(row.get("einde"), end=True)))
    if not spans:
        return None
    today = datetime.date.today()
    low = min(start for _, start, _ in spans)
    high = max(max(end or today, start) for _, start, end in spans)
    low, high = datetime.date(low.year, 1, 1), datetime.date(high.year + 1, 1, 1)
    days = (high - low).days or 1
    span = WIDTH - LEFT - RIGHT

    def x(day: datetime.date) -> float:
        return round(LEFT + span * (day - low).days / days, 1)

    drawn = Figure("timeline", height=len(spans) * ROW_HEIGHT + 40)
    for index, (row, start, end) in enumerate(spans):
        stop = end or today
        drawn.items.append(
            {
                "x": x(start),
                "y": 10 + index * ROW_HEIGHT,
                "width": max(3.0, round(x(max(stop, start)) - x(start), 1)),
                "label": _label(row, label),
                # As precise as the source: a day, a month or a year.
                "text": f"{row.get('start')} tot {row.get('einde') or '…'}",
                "open": end is None,
                "status": str(row.get("statusNaam", "")),
            }
        )
    step = max(1, (high.year - low.year) // 8)
    drawn.axis = [
        {"x": x(datetime.date(year, 1, 1)), "text": str(year)}
        for year in range(low.year, high.year + 1, step)
    ]
    drawn.caption = gettext("Tijdlijn: van start tot einde; open balken lopen nog")
    return drawn


def _bars(query: CannedQuery, rows: Sequence[Row], label: str, value_column: str) -> Figure:
    """A bar per row, as long as its value in ``value_column`` (the longest fills the width)."""
    values = [plain_value(row.get(value_column)) or 0 for row in rows]
    top = max([*values, 1])
    span = WIDTH - LEFT - RIGHT
    drawn = Figure("bars", height=len(rows) * ROW_HEIGHT + 20)
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        drawn.items.append(
            {
                "x": LEFT,
                "y": 10 + index * ROW_HEIGHT,
                "width": max(1.0, round(span * value / top, 1)),
                "label": _label(row, label),
                "text": f"{value:g}" if isinstance(value, float) else str(value),
            }
        )
    lang = language()
    drawn.caption = gettext(
        "%(value)s per %(label)s",
        value=query.column_label(value_column, lang),
        label=query.column_label(label, lang),
    )
    return drawn


def point_map(result: Answer) -> Figure | None:
    """The points of the ``?geometry`` column, projected onto an SVG (no tiles, no CDN)."""
    points = _points(result)
    if not points:
        return None
    # The frame: the MRDH area, grown to hold every point, so maps of different answers match.
    west = min(REGION[0], *(p[0] for p in points)) - 0.02
    east = max(REGION[2], *(p[0] for p in points)) + 0.02
    south = min(REGION[1], *(p[1] for p in points)) - 0.02
    north = max(REGION[3], *(p[1] for p in points)) + 0.02
    scale_x = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * scale_x)
    drawn = Figure("map", height=round((north - south) * scale))
    # One point per place and name; it is an example's only when every row there is one.
    examples: dict[tuple[float, float, str], bool] = {}
    for lon, lat, text, example in points:
        examples[lon, lat, text] = examples.get((lon, lat, text), True) and example
    for (lon, lat, name), example in examples.items():
        text = _example(name) if example else name
        x = round((lon - west) * scale_x * scale, 1)
        drawn.items.append(
            {
                "x": x,
                "y": round((north - lat) * scale, 1),
                "label": text,
                # Labels on the right half go to the left of their point.
                "anchor": "end" if x > WIDTH * 0.6 else "start",
            }
        )
    drawn.caption = gettext("Ligging op de kaart (lengte- en breedtegraad)")
    return drawn


def _points(result: Answer) -> list[tuple[float, float, str, bool]]:
    """(longitude, latitude, label, whether the row involves an example) of every drawn row
    whose geometry is a WKT point."""
    label = _label_column(result)
    points = []
    for row in result.rows[:MAX_DRAWN]:
        wkt = row.get("geometry")
        if wkt is None:
            continue
        try:
            shape = parse_wkt(str(wkt))
        except WktError:
            continue
        if shape and shape["type"] == "Point":
            lon, lat = shape["coordinates"][:2]
            example = plain_value(row.get(EXAMPLE_COLUMN)) is True
            points.append((lon, lat, str(row.get(label, "")) if label else "", example))
    return points


def _label(row: Row, label: str) -> str:
    """The text that names a drawn row; a row that involves an invented example says so."""
    text = str(row.get(label, ""))
    return _example(text) if plain_value(row.get(EXAMPLE_COLUMN)) is True else text


def _example(name: str) -> str:
    """``name`` marked as an invented example, in the page's language."""
    return str(gettext("%(name)s (voorbeeld)", name=name))


def _label_column(result: Answer) -> str | None:
    """The first column of plain texts (a name or title), to label bars and points."""
    for name in result.variables:
        values = [row.get(name) for row in result.rows if row.get(name) is not None]
        if values and all(
            isinstance(value, Literal) and value.datatype is None for value in values
        ):
            return name
    return None


def _numbers(result: Answer) -> str | None:
    """The first column whose values are all numbers."""
    for name in result.variables:
        values = [plain_value(row.get(name)) for row in result.rows if row.get(name) is not None]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return name
    return None


def _date(term: Identifier | None, *, end: bool = False) -> datetime.date | None:
    """A date, month (``xsd:gYearMonth``) or year (``xsd:gYear``) as a day: the first day of
    the month or year, or with ``end`` the last."""
    if not isinstance(term, Literal):
        return None
    kind, text = str(term.datatype or "").rsplit("#", 1)[-1], str(term)
    try:
        if kind == "date":
            return datetime.date.fromisoformat(text)
        if kind == "gYearMonth" and len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            day = calendar.monthrange(year, month)[1] if end else 1
            return datetime.date(year, month, day)
        if kind == "gYear" and len(text) == 4:
            return datetime.date(int(text), 12, 31) if end else datetime.date(int(text), 1, 1)
    except ValueError:
        return None
    return None
