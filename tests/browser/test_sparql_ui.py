"""The query UI at /sparql in a real browser: Debian's Chromium driven by Playwright.

The real server (``live_server``, gunicorn on the built store) serves the page; the test types
a query into the YASGUI editor, runs it, and reads the rows from the YASR table; it clicks an
example query and reads its rows too. Throughout, the browser may not log a console error nor
send a request to any host but 127.0.0.1 (no CDN, no prefix.cc, no LOV, no CORS proxy).
A screenshot goes to ``test-artifacts/``.

Chromium comes from apt (``/usr/bin/chromium``; ``.ci/run`` installs it), never from
``playwright install``. Without it the test is skipped with a reason, except in CI
(``CI=true``), where it fails: CI skips nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.conftest import BuiltStore, RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request

CHROMIUM = Path(os.environ.get("REGIOGRAAF_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Generous, for a slow CI machine; the waits end as soon as the condition holds.
TIMEOUT_MS = 30_000

COUNT_PROJECTS = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
SELECT (COUNT(DISTINCT ?project) AS ?aantalProjecten) WHERE { ?project a rg:Project }
"""


def _missing() -> str | None:
    """Why the browser test cannot run here, or ``None``."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not (NODE_MODULES / "@zazuko" / "yasgui").is_dir():
        return "node_modules is missing (npm ci)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium; skipped with a reason when unavailable, a failure in CI."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


class PageWatch:
    """Console errors, page errors and requests to hosts other than 127.0.0.1."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.requests: list[str] = []

    def attach(self, page: Page) -> None:
        """Listen to ``page`` (a Playwright page)."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _request(self, request: Request) -> None:
        url = request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != "127.0.0.1":
            self.foreign.append(url)


@pytest.fixture
def page(browser: Browser, live_server: RunningServer) -> Iterator[tuple[Page, PageWatch]]:
    """A fresh page (own context: no storage shared between tests) and its watcher."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="nl-NL")
    # Anything that would leave 127.0.0.1 is recorded by the watcher and then stopped here, so
    # the test never depends on the network.
    context.route(
        lambda url: urlsplit(url).hostname not in (None, "127.0.0.1"),
        lambda route: route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch()
    watch.attach(page)
    try:
        yield page, watch
    finally:
        context.close()


def _result_cells(page: Page) -> list[list[str]]:
    """The text of the cells of the visible YASR results table, row by row."""
    return page.eval_on_selector_all(
        ".tabPanel.active .yasr table.dataTable tbody tr",
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(c => c.innerText))",
    )


def _wait_for_rows(page: Page) -> list[list[str]]:
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td", state="visible")
    return _result_cells(page)


def test_query_ui_runs_typed_and_example_queries_offline(
    page: tuple[Page, PageWatch], live_server: RunningServer, built_store: BuiltStore
) -> None:
    browser_page, watch = page
    response = browser_page.goto(live_server.url + "/sparql", wait_until="load")
    assert response is not None and response.status == 200
    assert browser_page.get_attribute("html", "lang") == "nl"
    browser_page.wait_for_selector(".yasqe .CodeMirror")

    # The editor starts with the Regiograaf prefixes.
    start = browser_page.evaluate("() => window.regiograafYasgui.getTab().getYasqe().getValue()")
    for prefix in ("rg:", "gemeente:", "skos:", "dct:", "org:", "geo:", "prov:", "xsd:"):
        assert f"PREFIX {prefix}" in start

    # Type a query into the editor (CodeMirror takes keyboard input) and run it.
    editor = browser_page.locator(".tabPanel.active .yasqe .CodeMirror")
    editor.click()
    browser_page.keyboard.press("Control+A")
    browser_page.keyboard.press("Delete")
    browser_page.keyboard.insert_text(COUNT_PROJECTS)
    typed = browser_page.evaluate("() => window.regiograafYasgui.getTab().getYasqe().getValue()")
    assert "aantalProjecten" in typed
    browser_page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = _wait_for_rows(browser_page)
    expected = built_store.store.query(COUNT_PROJECTS).rows()[0]["aantalProjecten"]
    assert len(rows) == 1
    assert str(int(expected)) in " ".join(rows[0])
    assert int(expected) > 0

    # One click on an example opens it in a tab of its own and shows its rows.
    button = browser_page.locator("[data-example='projecten-per-gemeente']")
    button.click()
    browser_page.wait_for_function(
        "() => window.regiograafYasgui.getTab().getName() === 'Projecten per gemeente'"
    )
    rows = _wait_for_rows(browser_page)
    assert len(rows) > 1
    assert any("Rotterdam" in " ".join(row) for row in rows)
    tab_names = browser_page.locator(".yasgui .tabsList .tab").all_inner_texts()
    assert any("Projecten per gemeente" in name for name in tab_names)

    ARTIFACTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "sparql-ui.png"), full_page=True)

    assert any(urlsplit(url).path == "/sparql" for url in watch.requests)
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert watch.errors == [], f"browser errors: {watch.errors}"
