"""The query UI at /sparql in a real browser: Debian's Chromium driven by Playwright.

The real server (``live_server``, gunicorn on the built store) serves the page; the test types
a query into the YASGUI editor, runs it, and reads the rows from the YASR table; it clicks an
example query and reads its rows too. Throughout, the browser may not log a console error nor
send a request to any host but 127.0.0.1 (no CDN, no prefix.cc, no LOV, no CORS proxy).
A screenshot goes to ``test-artifacts/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tests.support import ARTIFACTS, BuiltStore, PageWatch, RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

COUNT_PROJECTS = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
SELECT (COUNT(DISTINCT ?project) AS ?aantalProjecten) WHERE { ?project a rg:Project }
"""


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
    tab: tuple[Page, PageWatch], live_server: RunningServer, built_store: BuiltStore
) -> None:
    browser_page, watch = tab
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
