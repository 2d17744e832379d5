"""The site's pages in a real browser (Debian's Chromium via Playwright, the real gunicorn
server on the project's data): a crawl of the site's own links from the home page in Dutch
and in English (each page: 200, no horizontal scrolling at 360 px, no WCAG 2.1 A/AA violation
found by axe-core), the home page's municipality picker, the language switch remembered from
page to page, and a policy advisor's way from the home page to their scan at 1366 and 390 px.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.browser.test_scan import overflow, screenshot
from tests.support import PageWatch, RunningServer, axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: Most pages the crawl opens per language, and per kind of page (the first two path parts):
#: one project page stands for all of them. Keeps the crawl under two minutes.
CAP = 20
PER_KIND = 1
#: Links that are no page for people: files, the API's JSON, the assets.
NOT_PAGES = re.compile(
    r"(^/assets/|^/openapi|^/\.well-known/|\.(json|jsonld|ttl|nt|trig|rdf|xml|csv|geojson|pdf|docx)$)"
)


def _kind(path: str) -> str:
    return "/".join(path.split("/")[:3])


def _links(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or NOT_PAGES.search(parts.path):
            continue
        if parts.path == "/sparql" and parts.query:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_crawl_of_the_site(
    tab: tuple[Page, PageWatch], live_server: RunningServer, lang: str
) -> None:
    page, watch = tab
    page.set_viewport_size({"width": 360, "height": 800})
    origin = live_server.url.rstrip("/")
    queue, seen, kinds = deque([f"/?lang={lang}"]), set(), {}
    problems: list[str] = []
    while queue and len(seen) < CAP:
        path = queue.popleft()
        bare = path.split("?")[0]
        if path in seen or kinds.get(_kind(bare), 0) >= PER_KIND:
            continue
        seen.add(path)
        kinds[_kind(bare)] = kinds.get(_kind(bare), 0) + 1
        response = page.goto(origin + path, wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"{path}: status {response.status if response else None}")
            continue
        if page.evaluate("document.documentElement.lang") != lang:
            problems.append(f"{path}: not in {lang}")
        if overflow(page) > 0:
            problems.append(f"{path}: {overflow(page)} px too wide at 360 px")
        problems += [f"{path}: {impact} {text}" for impact, text in axe_violations(page)]
        queue.extend(link for link in _links(page, origin) if link not in seen)
    assert len(seen) >= 12, seen
    assert problems == [], "\n".join(problems)
    assert watch.foreign == [], watch.foreign


def test_the_picker_leads_to_the_scan(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    page, watch = tab
    page.goto(live_server.url, wait_until="load")
    picker = page.get_by_label("Zoek uw gemeente")
    picker.fill("delft")
    visible = page.locator("#scan-gemeenten li:visible")
    assert visible.all_inner_texts() == ["Delft"]
    picker.fill("xyz")
    assert page.locator("#scan-gemeenten li:visible").count() == 0
    assert page.locator("#gemeente-aantal").inner_text() == "Geen gemeente gevonden."
    picker.fill("midden")
    picker.press("Enter")
    page.wait_for_url("**/scan/gm1842")
    assert watch.errors == [], watch.errors


def test_the_picker_works_without_javascript(browser: object, live_server: RunningServer) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(live_server.url, wait_until="load")
        assert page.locator("#gemeente-filter").count() == 0
        page.get_by_role("link", name="Rotterdam", exact=True).click()
        page.wait_for_url("**/scan/gm0599")
    finally:
        context.close()


def test_the_language_switch_is_remembered(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    page, _ = tab
    page.goto(live_server.url, wait_until="load")
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Choose your municipality").is_visible()
    page.get_by_role("link", name="Questions").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("link", name="About the data").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="About the data", level=1).is_visible()
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_load_state("load")
    page.goto(live_server.url + "/queries", wait_until="load")
    assert page.evaluate("document.documentElement.lang") == "nl"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize(
    ("name", "cbs"), [("Delft", "gm0503"), ("Rotterdam", "gm0599"), ("Midden-Delfland", "gm1842")]
)
def test_a_policy_advisor_finds_their_answers_in_three_clicks(
    tab: tuple[Page, PageWatch], live_server: RunningServer, name: str, cbs: str, width: int
) -> None:
    page, watch = tab
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url, wait_until="load")
    page.get_by_role("link", name=name, exact=True).click()  # 1
    page.wait_for_url(f"**/scan/{cbs}")
    for section in ("strategie", "gaten", "samenwerking", "aansluiting"):
        assert page.locator(f"#{section}").count() == 1, section
    assert overflow(page) == 0
    screenshot(page, f"adviseur-{cbs}-{width}.png")
    assert watch.errors == [], watch.errors
