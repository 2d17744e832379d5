"""The validation page /bijdragen in Chromium, on the real server: upload a broken file, see
each finding at its line, fix the text on the page, see it pass; keyboard only; the history of a
contribution and the difference between versions; axe-core finds no WCAG 2.1 A/AA violation;
no horizontal scrolling at 360 px; nothing from another host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.contribute.live import WriteServer, graph_url, http, start_write_server, stop
from tests.support import ARTIFACTS, TEST_DATA, PageWatch, RunningServer, axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

BROKEN = TEST_DATA / "contribute" / "broken"
EIGEN = (TEST_DATA / "contribute" / "delft-eigen.ttl").read_text(encoding="utf-8")


def _errors(watch: PageWatch) -> list[str]:
    return [error for error in watch.errors if "404" not in error]  # /favicon.ico


def _check(page: Page) -> None:
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_selector("#uitslag-kop")


def test_upload_a_broken_file_fix_it_and_see_it_pass(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    page, watch = tab
    response = page.goto(live_server.url + "/bijdragen", wait_until="load")
    assert response is not None and response.status == 200
    assert axe_violations(page) == []
    page.get_by_label("Voor welke organisatie is het bestand?").select_option("gm0503")

    # 1. a syntax error: a missing dot, at the line after which it is missing
    page.get_by_label("Kies een Turtle-bestand (.ttl)").set_input_files(
        str(BROKEN / "missing-dot.ttl")
    )
    _check(page)
    alert = page.get_by_role("alert")
    assert "geen geldige Turtle" in alert.inner_text() and "Regel 29, kolom" in alert.inner_text()
    line = page.locator("#regel-29")
    assert "met-melding" in (line.get_attribute("class") or "")
    assert "ontbreekt een punt (.)" in line.inner_text()
    assert axe_violations(page) == []

    # 2. the text is on the page: add the dot, misspell a term instead, check again
    fixed = EIGEN.replace("dct:description", "dct:descripton", 1)
    assert page.locator("#tekst").input_value().splitlines()[28].endswith("sensoren")
    page.locator("#tekst").fill(fixed)
    _check(page)
    assert "1 fout(en)" in page.get_by_role("alert").inner_text()
    finding = page.locator("#regel-21 .melding")
    assert finding.count() == 1
    text = finding.inner_text()
    assert "Onbekende term dct:descripton; bedoelde u dct:description?" in text
    assert "Vervang dct:descripton door dct:description." in text
    assert "rgsh:UnknownTerm" in text
    # the link from the summary goes to the line
    page.get_by_role("link", name="Regel 21").click()
    assert page.url.endswith("#regel-21")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "bijdragen-finding.png"))

    # 3. fixed: it passes
    page.locator("#tekst").fill(EIGEN)
    _check(page)
    status = page.get_by_role("status")
    assert "In orde." in status.inner_text()
    assert page.locator(".melding").count() == 0
    assert axe_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "bijdragen-ok.png"), full_page=True)
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert _errors(watch) == []


def test_ownership_findings_name_the_owner_in_english(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    page, watch = tab
    page.goto(live_server.url + "/bijdragen?lang=en", wait_until="load")
    assert page.locator("h1").inner_text() == "Check a contribution"
    page.get_by_label("Which organisation is the file for?").select_option("gm0503")
    page.get_by_label("… or paste or type the text").fill(
        (TEST_DATA / "contribute" / "delft-vreemd.ttl").read_text(encoding="utf-8")
    )
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("#uitslag-kop")
    assert "8 error(s)" in page.get_by_role("alert").inner_text()  # 5 ownership, 3 concept
    assert "belongs to “Rotterdam”" in page.locator("#regel-20").inner_text()
    assert (
        "Regiograaf's reference data (data/gemeenten.ttl)" in page.locator("#regel-26").inner_text()
    )
    assert axe_violations(page) == []
    assert _errors(watch) == []


def test_keyboard_only_and_narrow_screens(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    page, _ = tab
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/bijdragen", wait_until="load")
    page.locator("#gemeente").focus()
    page.keyboard.press("Tab")  # the name
    page.keyboard.press("Tab")  # the file
    page.keyboard.press("Tab")  # the text
    page.keyboard.type("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\n")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Controleren"
    page.keyboard.press("Enter")
    page.wait_for_selector("#uitslag-kop")
    assert "Regel 2" in page.get_by_role("alert").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scrolling at 360 px: {width}"
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "bijdragen-390.png"), full_page=True)


@pytest.fixture(scope="module")
def history_server(
    small_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WriteServer]:
    """A server with two versions of one contribution of Delft."""
    server = start_write_server(small_project, tmp_path_factory.mktemp("history"), ("gm0503",))
    try:
        turtle = {"Content-Type": "text/turtle", **server.bearer()}
        url = graph_url(server, "sensoren")
        assert http("PUT", url, EIGEN.encode(), turtle).status == 201
        changed = EIGEN.replace("sensoren in de binnenstad", "sensoren in de hele stad")
        assert http("PUT", url, changed.encode(), turtle).status == 200
        yield server
    finally:
        stop(server)


def test_the_history_and_a_version(
    tab: tuple[Page, PageWatch], history_server: WriteServer
) -> None:
    page, watch = tab
    page.goto(history_server.url + "/bijdragen/gm0503", wait_until="load")
    assert page.locator("h1").inner_text() == "Bijdragen van Delft"
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    newest = rows.nth(0).inner_text()
    assert "Team gm0503" in newest and "+1 / \u22121" in newest
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "bijdragen-geschiedenis.png"), full_page=True)
    page.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**/versies/2")
    added = page.locator("ul.diff li.erbij")
    removed = page.locator("ul.diff li.eraf")
    assert added.count() == 1 and "sensoren in de hele stad" in added.inner_text()
    assert removed.count() == 1 and "sensoren in de binnenstad" in removed.inner_text()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "bijdragen-versie-360.png"), full_page=True)
    assert watch.foreign == [] and _errors(watch) == []
