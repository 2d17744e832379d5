"""The result table of a canned-query page, sorted and in pages, on the server: ``?sorteer=``
names a column (``-`` first: descending) and ``?pagina=`` a page of :data:`PAGE_SIZE` rows.
Works without JavaScript; the column headings are links that sort (``aria-sort`` says how the
table is sorted), and the pages are a navigation below the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol
from urllib.parse import urlencode

from flask_babel import gettext

from server.errors import BadRequest

#: Rows per page.
PAGE_SIZE: Final = 50
#: The page's own parameters (not the query's): sorting, page and language.
TABLE_PARAMETERS: Final = ("sorteer", "pagina")


class TableCell(Protocol):
    """What sorting needs of a cell."""

    text: str
    numeric: bool


@dataclass(frozen=True)
class Heading:
    """One column heading: its text, the link that sorts by it, and ``aria-sort``."""

    text: str
    href: str
    sort: str | None  # "ascending", "descending" or None


@dataclass(frozen=True)
class Arranged:
    """The rows of one page, in order, with the headings and the page links."""

    rows: list[int]  # indexes into the full table, in the order shown
    headings: list[Heading]
    page: int
    pages: int
    total: int
    previous: str | None
    next: str | None
    first_row: int


def _key(cell: TableCell) -> tuple[int, float, str]:
    if cell.numeric:
        try:
            return (0, float(cell.text), "")
        except ValueError:
            pass
    return (1 if cell.text else 2, 0.0, cell.text.casefold())


def _sorting(names: Sequence[str], asked: str | None) -> tuple[int | None, bool]:
    """The index of the column to sort by and whether descending; 400 for an unknown one."""
    if not asked:
        return None, False
    descending = asked.startswith("-")
    name = asked[1:] if descending else asked
    if name not in names:
        raise BadRequest(
            gettext("sorteer= noemt geen kolom van deze tabel: %(name)s", name=name[:40])
        )
    return names.index(name), descending


def _page_number(asked: str | None, pages: int) -> int:
    if not asked:
        return 1
    if not asked.isdigit() or not 1 <= int(asked) <= pages:
        raise BadRequest(gettext("pagina= is een getal van 1 tot en met %(pages)s.", pages=pages))
    return int(asked)


def _first(arguments: Mapping[str, list[str]], name: str) -> str | None:
    values = arguments.get(name)
    return values[0] if values else None


def arrange(
    table: Sequence[Sequence[TableCell]],
    names: Sequence[str],
    texts: Sequence[str],
    path: str,
    arguments: Mapping[str, list[str]],
) -> Arranged:
    """Sort ``table`` (columns ``names``, headed ``texts``) and cut out the asked page; the
    links keep the other ``arguments`` of the request (path ``path``)."""
    kept = [(k, v) for k, values in arguments.items() if k not in TABLE_PARAMETERS for v in values]
    column, descending = _sorting(names, _first(arguments, "sorteer"))
    order = list(range(len(table)))
    if column is not None:
        order.sort(key=lambda index: _key(table[index][column]), reverse=descending)
    pages = max(1, -(-len(table) // PAGE_SIZE))
    page = _page_number(_first(arguments, "pagina"), pages)

    def link(**extra: str) -> str:
        return f"{path}?{urlencode(kept + list(extra.items()))}"

    sort_now = {} if column is None else {"sorteer": ("-" if descending else "") + names[column]}
    headings = []
    for index, (name, text) in enumerate(zip(names, texts, strict=True)):
        current = "descending" if descending else "ascending"
        state = current if index == column else None
        flipped = f"-{name}" if state == "ascending" else name
        headings.append(Heading(text, link(sorteer=flipped), state))
    start = (page - 1) * PAGE_SIZE
    return Arranged(
        rows=order[start : start + PAGE_SIZE],
        headings=headings,
        page=page,
        pages=pages,
        total=len(table),
        previous=link(**sort_now, pagina=str(page - 1)) if page > 1 else None,
        next=link(**sort_now, pagina=str(page + 1)) if page < pages else None,
        first_row=start + 1,
    )
