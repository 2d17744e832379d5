"""Search and glossary in a real browser (Debian's Chromium via Playwright, the real gunicorn
server on the project's data): a search typed into /zoeken, a result clicked through to its
page, the kind filter, and the glossary's anchors; at 1366 px and 390 px no horizontal
scrolling and no WCAG 2.1 A/AA violation found by axe-core. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support import (
    ARTIFACTS,
    PageWatch,
    RunningServer,
    axe_violations,
    horizontal_overflow,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

WIDTHS = (1366, 390)


def _check(page: Page, watch: PageWatch, name: str) -> None:
    assert horizontal_overflow(page) == 0, name
    assert axe_violations(page) == [], name
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], watch.foreign


@pytest.mark.parametrize("width", WIDTHS)
def test_search_and_click_a_result(
    tab: tuple[Page, PageWatch], live_server: RunningServer, width: int
) -> None:
    page, watch = tab
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/zoeken", wait_until="load")
    _check(page, watch, f"zoeken-leeg-{width}")
    page.get_by_label("Zoek in projecten").fill("zoetermeer")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url("**/zoeken?q=zoetermeer")
    first = page.locator("#resultaten > li").first
    assert first.locator(".zoeken-soort").inner_text().startswith("Gemeente")
    _check(page, watch, f"zoeken-zoetermeer-{width}")
    first.get_by_role("link").click()
    page.wait_for_url("**/scan/gm0637")
    assert "Zoetermeer" in page.locator("h1").inner_text()


def test_examples_are_marked_and_the_kind_filter_works(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    page, watch = tab
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/zoeken?q=digitale+tweeling", wait_until="load")
    example = page.locator("#resultaten > li", has=page.locator(".zoeken-voorbeeld")).first
    assert "Digitale tweeling" in example.inner_text()
    page.locator(".zoeken-soorten").get_by_role("link", name="Project (2)").click()
    page.wait_for_url("**soort=project**")
    assert page.locator("#resultaten > li").count() == 2
    assert watch.errors == []


def test_nothing_found_helps_on(tab: tuple[Page, PageWatch], live_server: RunningServer) -> None:
    page, watch = tab
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/zoeken?q=e-dienstverlening", wait_until="load")
    assert page.locator("#resultaten-kop").inner_text().startswith("Niets gevonden")
    page.get_by_role("link", name="dienstverlening", exact=True).click()
    page.wait_for_url("**q=dienstverlening**")
    assert page.locator("#resultaten > li").count() > 0
    page.goto(live_server.url + "/zoeken?q=e-dienstverlening", wait_until="load")
    _check(page, watch, "zoeken-niets-390")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_glossary(
    tab: tuple[Page, PageWatch], live_server: RunningServer, width: int, lang: str
) -> None:
    page, watch = tab
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/begrippen?lang={lang}#schakel", wait_until="load")
    heading = "Glossary" if lang == "en" else "Begrippen"
    assert page.locator("h1").inner_text() == heading
    assert page.locator("#schakel").inner_text() == ("Stage" if lang == "en" else "Schakel")
    assert page.locator("#schakel").is_visible()
    _check(page, watch, f"begrippen-{lang}-{width}")
