"""Canned-query tables sorted and in pages on the server (server/web/result_table.py), and an
empty answer to a question about gaps shown as good news."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.canned.running import canned_queries
from server.errors import BadRequest
from server.web.query_page import GAP_QUERIES
from server.web.result_table import PAGE_SIZE, arrange


@dataclass
class C:
    text: str
    numeric: bool = False


TABLE = [[C("Delft"), C("10", True)], [C("ameide"), C("9", True)], [C("Zoetermeer"), C("", True)]]


def test_numbers_sort_as_numbers_and_text_without_case(app: Flask) -> None:
    with app.test_request_context("/q"):
        by_number = arrange(TABLE, ["naam", "n"], ["Naam", "Aantal"], "/q", {"sorteer": ["n"]})
        assert by_number.rows == [1, 0, 2]  # 9, 10, then the empty cell
        assert [h.sort for h in by_number.headings] == [None, "ascending"]
        assert by_number.headings[1].href == "/q?sorteer=-n"  # a second click: descending
        by_name = arrange(TABLE, ["naam", "n"], ["Naam", "Aantal"], "/q", {"sorteer": ["-naam"]})
        assert by_name.rows == [2, 0, 1] and by_name.headings[0].sort == "descending"


def test_pages_keep_the_query_and_the_order(app: Flask) -> None:
    table = [[C(str(i), True)] for i in range(PAGE_SIZE * 2 + 1)]
    arguments = {"gemeente": ["gm0503"], "sorteer": ["-n"], "pagina": ["2"]}
    with app.test_request_context("/q"):
        arranged = arrange(table, ["n"], ["N"], "/q", arguments)
    assert arranged.pages == 3 and arranged.page == 2 and arranged.first_row == PAGE_SIZE + 1
    assert arranged.rows[0] == PAGE_SIZE  # descending: 100, 99, ... page 2 starts at 50
    assert arranged.previous == "/q?gemeente=gm0503&sorteer=-n&pagina=1"
    assert arranged.next == "/q?gemeente=gm0503&sorteer=-n&pagina=3"


@pytest.mark.parametrize("arguments", [{"sorteer": ["nope"]}, {"pagina": ["0"]}, {"pagina": ["x"]}])
def test_a_wrong_order_or_page_is_a_bad_request(
    app: Flask, arguments: dict[str, list[str]]
) -> None:
    with app.test_request_context("/q"), pytest.raises(BadRequest):
        arrange(TABLE, ["naam", "n"], ["Naam", "Aantal"], "/q", arguments)


def test_the_query_page_sorts_with_accessible_headings(client: FlaskClient) -> None:
    page = {"Accept": "text/html"}
    html = client.get("/queries/projecten-per-gemeente?sorteer=-projecten", headers=page)
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert re.search(
        r'<th scope="col" aria-sort="descending"><a href="[^"]*sorteer=projecten"', text
    )
    numbers = [int(n) for n in re.findall(r'<td class="num"[^>]*>(\d+)</td>', text)]
    assert numbers and numbers[0] == max(numbers)
    assert client.get("/queries/projecten-per-gemeente?sorteer=x", headers=page).status_code == 400


def test_no_gaps_is_good_news(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        assert set(canned_queries(app.config["REGIOGRAAF"])) >= GAP_QUERIES
    page = {"Accept": "text/html"}
    # On the project's real data (no examples), Rotterdam has a project in every stage.
    none = client.get("/queries/waardeketen-gaten?gemeente=gm0599", headers=page)
    text = none.get_data(as_text=True)
    assert 'id="aantal">0<' in text
    assert 'id="geen-gaten"' in text and "Geen gaten gevonden: goed nieuws." in text
    some = client.get("/queries/waardeketen-gaten", headers=page).get_data(as_text=True)
    assert re.search(r'id="aantal">[1-9][0-9]*<', some) and 'id="geen-gaten"' not in some
