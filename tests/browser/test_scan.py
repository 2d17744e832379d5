"""The Strategiescan in a real browser (Debian's Chromium via Playwright, the real gunicorn
server): the scan and the comparison on the scan fixture and on the real data, on a laptop
(1366 px) and a phone (390 px): no horizontal scrolling, no WCAG 2.1 A/AA violation found by
axe-core (npm) on the page and on its print view, no console error, no request to another
host; the comparison form and the print preparation work. Screenshots go to
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


def open_page(page: Page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def check(page: Page, watch: PageWatch, name: str) -> None:
    """What every scan page must pass, on screen and in its print view."""
    assert horizontal_overflow(page) == 0, name
    assert axe_violations(page) == [], name
    screenshot(page, f"{name}.png")
    page.emulate_media(media="print")
    try:
        assert page.locator("nav.site").is_hidden()
        assert axe_violations(page) == [], f"{name} (print)"
    finally:
        page.emulate_media(media="screen")
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], watch.foreign


@pytest.mark.parametrize("width", WIDTHS)
def test_scan(tab: tuple[Page, PageWatch], scan_server: RunningServer, width: int) -> None:
    page, watch = tab
    open_page(page, scan_server.url + "/scan/gm9001", width)
    assert page.locator("h1").inner_text().startswith("Strategiescan Aadorp")
    # The five sections, in order, and the example notice.
    headings = page.locator("section.scan-sectie > h2").all_inner_texts()
    assert headings[:5] == [
        "1. Strategie",
        "2. Positie in de waardeketen",
        "3. Gaten",
        "4. Samenwerkingskansen",
        "5. Aansluiting",
    ]
    assert page.locator("#voorbeeldmelding").is_visible()
    # The numbers of the value chain stay readable on a phone: each cell names its column.
    data = page.locator("#waardeketen-tabel tbody tr").nth(1).locator("td.scan-getal")
    assert data.all_inner_texts() == ["1", "1", "2"]
    labels = data.evaluate_all(
        "cells => cells.map(c => [c.dataset.label, getComputedStyle(c, '::before').content])"
    )
    assert [label for label, _ in labels] == ["Aadorp", "Mediaan regio", "Maximum regio"]
    shown = {content not in ("none", "normal") for _, content in labels}
    assert shown == {width < 640}
    check(page, watch, f"scan-gm9001-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_comparison(tab: tuple[Page, PageWatch], scan_server: RunningServer, width: int) -> None:
    page, watch = tab
    open_page(page, scan_server.url + "/scan/gm9001", width)
    page.select_option("#vergelijk", "gm9003")
    page.locator("form.scan-vergelijk button").click()
    page.wait_for_url("**/scan/gm9001?vergelijk=gm9003")
    assert page.locator("h1").inner_text() == "Aadorp en Cortwijk vergeleken"
    assert page.inner_text("#vergelijk-samen").startswith(
        "Aadorp en Cortwijk delen 1 combinatie van schakel en opgave en werken nog in geen enkel "
        "project samen."
    )
    check(page, watch, f"scan-vergelijk-{width}")


def test_english_and_print_preparation(
    tab: tuple[Page, PageWatch], scan_server: RunningServer
) -> None:
    page, watch = tab
    open_page(page, scan_server.url + "/scan/gm9001", 1366)
    page.locator("a.taalkeuze").click()
    page.wait_for_url("**/scan/gm9001?lang=en")
    assert page.locator("h1").inner_text().startswith("Strategy scan Aadorp")
    assert page.locator("div.scan").get_attribute("lang") == "en"
    # Printing opens every folded part (scan.js), and closes them again afterwards.
    folded = page.locator("details.scan-uitklap:not([open])")
    assert folded.count() >= 2
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert folded.count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert folded.count() >= 2
    assert watch.errors == []


@pytest.mark.parametrize("cbs", ["gm0503", "gm0599", "gm1842"])
@pytest.mark.parametrize("width", WIDTHS)
def test_real_scans(
    tab: tuple[Page, PageWatch], live_server: RunningServer, cbs: str, width: int
) -> None:
    """Delft, Rotterdam and Midden-Delfland on the real data, as their policy advisors see
    them."""
    page, watch = tab
    open_page(page, f"{live_server.url}/scan/{cbs}", width)
    assert page.locator("#waardeketen-tabel tbody tr").count() == 8
    check(page, watch, f"scan-{cbs}-{width}")


def test_real_comparison(tab: tuple[Page, PageWatch], live_server: RunningServer) -> None:
    page, watch = tab
    open_page(page, f"{live_server.url}/scan/gm0503?vergelijk=gm0599&lang=en", 390)
    assert page.locator("h1").inner_text() == "Delft and Rotterdam compared"
    check(page, watch, "scan-vergelijk-gm0503-gm0599-390")
