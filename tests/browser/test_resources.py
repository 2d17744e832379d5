"""Resource, ontology and catalog pages in a real browser (Chromium via Playwright, the real
server): the small map draws the point without tiles, the English switch works, axe-core finds
no WCAG 2.1 A/AA violation, and nothing is requested from another host.

The browser fixtures come from tests/test_browser_sparql_ui.py (skipped with a reason when
Chromium or Playwright is missing, a failure in CI).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import RunningServer
from tests.test_browser_sparql_ui import ARTIFACTS, PageWatch, browser, page  # noqa: F401 - fixtures, used by tab()

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def tab(request: pytest.FixtureRequest) -> tuple[Page, PageWatch]:
    """A fresh browser page on the live server and its watcher (the ``page`` fixture)."""
    return request.getfixturevalue("page")


def axe_violations(browser_page: Page) -> list[str]:
    """The WCAG 2.1 A and AA violations axe-core finds on the page."""
    browser_page.add_script_tag(path=str(AXE))
    result = browser_page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in result["violations"]
    ]


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
    assert heading.locator("[lang=nl]").is_visible()
    assert axe_violations(browser_page) == []
    browser_page.locator("#taal").click()
    assert browser_page.get_attribute("html", "data-taal") == "en"
    assert not browser_page.locator("h1 .label [lang=nl]").is_visible()
    assert browser_page.locator("#taal").get_attribute("aria-pressed") == "true"
    assert browser_page.locator("#taal").inner_text() == "Nederlands"
    # The choice is remembered on the next page.
    browser_page.goto(live_server.url + "/doc/organisatie/mrdh", wait_until="load")
    assert browser_page.get_attribute("html", "data-taal") == "en"
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
