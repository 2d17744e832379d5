"""Resource, ontology and catalog pages in a real browser (Chromium via Playwright, the real
server): the small map draws the point without tiles, the English switch works, axe-core finds
no WCAG 2.1 A/AA violation, and nothing is requested from another host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support import ARTIFACTS, PageWatch, RunningServer, axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_resource_page_map_switch_and_accessibility(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    browser_page, watch = tab
    response = browser_page.goto(live_server.url + "/id/gemeente/gm0599", wait_until="load")
    assert response is not None and response.status == 200
    assert browser_page.url == live_server.url + "/doc/gemeente/gm0599"
    # Leaflet draws the point as an SVG circle (no tiles needed).
    browser_page.wait_for_selector("#kaart.leaflet-container path.leaflet-interactive")
    assert browser_page.locator("#kaart img.leaflet-tile").count() == 0
    heading = browser_page.locator("h1 .label")
    assert heading.inner_text() == "Rotterdam" and heading.get_attribute("lang") == "nl"
    assert axe_violations(browser_page) == []
    browser_page.locator("a.taalkeuze").click()
    browser_page.wait_for_load_state("load")
    assert browser_page.get_attribute("html", "lang") == "en"
    assert heading.get_attribute("lang") == "en"
    assert browser_page.locator("a.taalkeuze").inner_text() == "Nederlands"
    # The choice is remembered on the next page (the cookie), without lang= in its URL.
    browser_page.goto(live_server.url + "/doc/organisatie/mrdh", wait_until="load")
    assert browser_page.get_attribute("html", "lang") == "en"
    ARTIFACTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "resource-page.png"), full_page=True)
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert watch.errors == [], f"browser errors: {watch.errors}"


@pytest.mark.parametrize(
    "path",
    [
        "/doc/project/voorbeeld-rotterdam-digital-twin-binnenstad",
        "/def/",
        "/def/Project",
        "/catalog",
        "/shapes/",
        "/doc/gemeente/gm9999",
    ],
)
def test_pages_have_no_wcag_violations(
    tab: tuple[Page, PageWatch], live_server: RunningServer, path: str
) -> None:
    browser_page, watch = tab
    browser_page.goto(live_server.url + path, wait_until="load")
    assert axe_violations(browser_page) == []
    assert watch.foreign == []
    assert [e for e in watch.errors if "404" not in e] == []
