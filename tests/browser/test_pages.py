"""The site's pages in a real browser (Debian's Chromium via Playwright, the real gunicorn
server on the project's data): a crawl of the site's own links from the home page in Dutch
and in English until every kind of page has been checked (each page: 200, no horizontal
scrolling at 360 px, no WCAG 2.1 A/AA violation found by axe-core), the home page's
municipality picker, the language switch remembered from page to page, and a policy
advisor's way from the home page to their scan at 1366 and 390 px. Screenshots go to
``test-artifacts/``."""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from server.web.app import create_app
from tests.browser.test_scan import screenshot
from tests.support import PageWatch, RunningServer, axe_violations, horizontal_overflow

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: Most pages the crawl opens per language; each kind of page (the view that makes it, and
#: for the scan its comparison) is checked once: one project page stands for all of them.
CAP = 60
#: Pages no link on the site leads to, for people all the same: where the crawl starts too.
ENTRIES = (
    "/",
    "/scan/gm0503?vergelijk=gm0599",
    "/zoeken?q=data",
    "/bijdragen/gm0503",
    "/bestaat-niet",
)
#: Every view that gives people an HTML page: the crawl must have checked each. (A named
#: graph's address redirects to its document page; a version of a contribution has a page only
#: once a contribution has two versions: tests/browser/test_bijdragen.py checks that one.)
PAGE_VIEWS = frozenset(
    {
        "pages.home",
        "pages.about",
        "api.page",
        "glossary.page",
        "search.page",
        "bijdragen.page",
        "bijdragen_history.organisation_history",
        "catalog.catalog",
        "catalog.dumps_index",
        "resources.namespace_document",
        "resources.term",
        "resources.document",
        "maps.project_map",
        "maps.collaboration_map",
        "maps.value_chain",
        "queries.index",
        "queries.run",
        "scan.index",
        "scan.scan",
        "scan.comparison",
        "sparql.endpoint",
        "error",
    }
)
#: Links that are no page for people: files, the API's JSON, the assets.
NOT_PAGES = re.compile(
    r"(^/assets/|^/openapi|^/\.well-known/|\.(json|jsonld|ttl|nt|trig|rdf|xml|csv|geojson|pdf|docx)$)"
)
ROUTES = create_app().url_map.bind("localhost")


def _kind(path: str) -> str:
    """The view that makes the page at ``path`` (``error`` where none does)."""
    bare, _, query = path.partition("?")
    try:
        endpoint, _ = ROUTES.match(bare)
    except HTTPException:  # no such page (or a redirect, which the browser follows)
        return "error"
    return "scan.comparison" if endpoint == "scan.scan" and "vergelijk=" in query else endpoint


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
    queue = deque(f"{entry}{'&' if '?' in entry else '?'}lang={lang}" for entry in ENTRIES)
    seen: set[str] = set()
    kinds: set[str] = set()
    problems: list[str] = []
    while queue and len(seen) < CAP:
        path = queue.popleft()
        kind = _kind(path)
        if path in seen or kind in kinds:
            continue
        seen.add(path)
        kinds.add(kind)
        response = page.goto(origin + path, wait_until="load")
        expected = 404 if kind == "error" else 200
        if response is None or response.status != expected:
            problems.append(f"{path}: status {response.status if response else None}")
            continue
        if page.evaluate("document.documentElement.lang") != lang:
            problems.append(f"{path}: not in {lang}")
        if horizontal_overflow(page) > 0:
            problems.append(f"{path}: {horizontal_overflow(page)} px too wide at 360 px")
        problems += [f"{path}: {impact} {text}" for impact, text in axe_violations(page)]
        queue.extend(link for link in _links(page, origin) if _kind(link) in PAGE_VIEWS - kinds)
    assert PAGE_VIEWS - kinds == set(), f"kinds of page the crawl did not reach: {seen}"
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
    assert horizontal_overflow(page) == 0
    screenshot(page, f"adviseur-{cbs}-{width}.png")
    assert watch.errors == [], watch.errors
