"""The query pages and the API page in a real browser (Chromium via Playwright, the real server
on the project data): fill in the form, get the answer; a wrong value shows the form again;
Swagger UI lists and runs the operations; axe-core finds no WCAG 2.1 A/AA violation on the
query pages; nothing is requested from another host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from server.canned.running import canned_queries, run_canned_query
from tests.support import (
    ARTIFACTS,
    AXE,
    BuiltStore,
    PageWatch,
    RunningServer,
    axe_violations,
    horizontal_overflow,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ID = "https://w3id.org/regiograaf/id/"


def _errors(watch: PageWatch) -> list[str]:
    # The browser asks for /favicon.ico, which this app does not have.
    return [error for error in watch.errors if "404" not in error]


def test_the_form_asks_the_question(
    tab: tuple[Page, PageWatch], live_server: RunningServer, built_store: BuiltStore
) -> None:
    browser_page, watch = tab
    response = browser_page.goto(live_server.url + "/queries", wait_until="load")
    assert response is not None and response.status == 200
    assert axe_violations(browser_page) == []
    browser_page.get_by_role("link", name="Samenwerkingskansen tussen gemeenten").click()
    browser_page.wait_for_url("**/queries/samenwerkingskansen")
    assert axe_violations(browser_page) == []

    # Choose by the Dutch names the graph gives.
    browser_page.get_by_role("checkbox", name="Rotterdam").check()
    browser_page.get_by_label("Schakel van de waardeketen").select_option(label="Data")
    browser_page.get_by_label("Minimale overlap").fill("2")
    browser_page.get_by_role("button", name="Vraag stellen").click()
    browser_page.wait_for_url("**/queries/samenwerkingskansen?*")
    asked = parse_qs(urlsplit(browser_page.url).query, keep_blank_values=True)
    assert asked == {
        "gemeente": [f"{ID}gemeente/gm0599"],
        "schakel": [f"{ID}waardeketen/data"],
        "opgave": [""],
        "minimum": ["2"],
    }
    expected = run_canned_query(
        "samenwerkingskansen",
        {"gemeente": "gm0599", "schakel": "data", "minimum": 2},
        store=built_store.store,
        settings=built_store.settings,
    )
    assert expected.rows
    rows = browser_page.locator("table.results tbody tr")
    assert rows.count() == len(expected.rows)
    assert browser_page.locator("#aantal").inner_text() == str(len(expected.rows))
    for index in range(rows.count()):
        text = rows.nth(index).inner_text()
        assert "Rotterdam" in text and "Data" in text
    # What was chosen stays chosen.
    assert browser_page.get_by_role("checkbox", name="Rotterdam").is_checked()
    assert axe_violations(browser_page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "query-page.png"), full_page=True)
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert _errors(watch) == []


def test_a_wrong_value_shows_the_form_with_the_error(
    tab: tuple[Page, PageWatch], live_server: RunningServer
) -> None:
    browser_page, watch = tab
    response = browser_page.goto(
        live_server.url + "/queries/projecttijdlijn?vanaf=31-12-2023", wait_until="load"
    )
    assert response is not None and response.status == 400
    alert = browser_page.get_by_role("alert")
    assert "Vanaf: geen datum JJJJ-MM-DD: '31-12-2023'" in alert.inner_text()
    alert.get_by_role("link").click()
    field = browser_page.get_by_label("Vanaf")
    assert field.get_attribute("aria-invalid") == "true"
    assert axe_violations(browser_page) == []
    assert watch.foreign == []


@pytest.mark.parametrize("name", ["aansluitingsscore", "projecttijdlijn", "lerende-partners"])
def test_views_are_accessible(
    tab: tuple[Page, PageWatch], live_server: RunningServer, name: str
) -> None:
    browser_page, watch = tab
    browser_page.goto(live_server.url + f"/queries/{name}", wait_until="load")
    assert browser_page.locator("figure.view svg").count() == 1
    assert axe_violations(browser_page) == []
    assert watch.foreign == []


#: Swagger UI's own controls, headings and labels, as the visitor reads them on an operation
#: that is tried out and sent (Swagger UI itself is English only).
SWAGGER_ENGLISH = {
    "Try it out", "Cancel", "Execute", "Clear", "Name", "Description", "Responses",
    "No links", "Media type", "Example Value", "Request URL", "Server response",
    "Response body", "Response headers", "Download", "Authorize", "Schemas",
}  # fmt: skip
#: The same in Dutch (server/web/api_labels.py; "Controls Accept header." is a sentence), but
#: "Uitproberen", which is "Annuleren" while an operation is tried out.
SWAGGER_DUTCH = {
    "Annuleren", "Versturen", "Wissen", "Naam", "Beschrijving", "Antwoorden",
    "Geen links", "Mediatype", "Voorbeeldwaarde", "URL van het verzoek",
    "Antwoord van de server", "Inhoud van het antwoord", "Headers van het antwoord",
    "Downloaden", "Autoriseren", "Schema's", "Stelt de Accept header in.",
}  # fmt: skip
#: The texts of Swagger UI's visible controls, headings and labels, and the names and
#: tooltips of its controls.
SWAGGER_LABELS = """() => {
  const shown = [...document.querySelectorAll(".swagger-ui :is(button, h2, h3, h4, h5, th, "
    + "td.col_header, label, small, i, .servers-title)")].filter((e) => e.checkVisibility());
  const named = [...document.querySelectorAll(".swagger-ui :is([title], [aria-label])")];
  return [
    ...shown.map((e) => e.innerText.trim()),
    ...named.flatMap((e) => [e.getAttribute("title"), e.getAttribute("aria-label")]),
  ].filter(Boolean);
}"""
#: Texts placed where the API description and an answer are, and one where Swagger UI puts a
#: heading: the page changes only the last.
PLACED = """async (block) => {
  const paragraph = document.createElement("p");
  const piece = document.createElement("span");
  const heading = document.createElement("h4");
  paragraph.textContent = "Name";
  piece.textContent = "Execute";
  heading.textContent = "Responses";
  block.querySelector(".opblock-description .renderedMarkdown").append(paragraph);
  block.querySelector(".live-responses-table pre").append(piece);
  block.querySelector(".opblock-body").append(heading);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const texts = [paragraph, piece, heading].map((e) => e.textContent);
  [paragraph, piece, heading].forEach((e) => e.remove());
  return texts;
}"""
#: What ::after writes after a required parameter's name.
REQUIRED = """() => getComputedStyle(
  document.querySelector(".swagger-ui .parameter__name.required"), "::after").content"""


def _send(block: Locator, execute: str) -> None:
    """Open the operation ``block``, send it by the button named ``execute`` and wait for the
    answer's status (trying out is on from the start: tryItOutEnabled)."""
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name=execute, exact=True).click()
    block.locator(".live-responses-table tbody .response-col_status").first.wait_for()


def _open_required(page: Page) -> None:
    """Open the scan's JSON operation, whose path parameter is required."""
    page.locator(".opblock", has_text="{cbs}.json").locator(".opblock-summary").click()
    page.locator(".swagger-ui .parameter__name.required").first.wait_for()


def test_the_api_page_lists_and_runs_the_operations(
    tab: tuple[Page, PageWatch], live_server: RunningServer, built_store: BuiltStore
) -> None:
    """The Dutch page: every operation, one sent from the page; Swagger UI's own controls and
    headings in Dutch, the description's texts and the answer as they are."""
    browser_page, watch = tab
    browser_page.set_viewport_size({"width": 1366, "height": 900})
    response = browser_page.goto(live_server.url + "/api", wait_until="load")
    assert response is not None and response.status == 200
    browser_page.wait_for_selector(".opblock")
    # Swagger UI as the site shows it: no WCAG 2.1 A/AA violation (its server choice named,
    # no links inside the operations' buttons, its version badge in contrast).
    assert axe_violations(browser_page) == []
    operations = browser_page.locator(".opblock")
    # Every operation of the document: the canned queries, the scan, the write path.
    document = browser_page.request.get(live_server.url + "/openapi.json").json()
    declared = sum(len(methods) for methods in document["paths"].values())
    assert declared > len(canned_queries(built_store.settings))
    assert operations.count() == declared
    block = browser_page.locator("#operations-gemeenten-aansluitingsscore")
    # Cancel and try out again: Swagger UI writes the button's text anew each time.
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Annuleren").click()
    block.get_by_role("button", name="Uitproberen").click()
    block.locator(".opblock-summary").click()
    _send(block, "Versturen")
    status = block.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "200"
    answer = block.locator(".live-responses-table tbody .response-col_description").first
    assert "Rotterdam" in answer.inner_text()
    # The answer's copy button stays beside "Downloaden", not under it.
    copy = answer.locator(".highlight-code > .copy-to-clipboard").bounding_box()
    download = answer.locator(".download-contents").bounding_box()
    assert copy is not None and download is not None
    assert copy["x"] + copy["width"] < download["x"]
    _open_required(browser_page)
    browser_page.locator(".models-control").click()
    browser_page.get_by_role("button", name="Autoriseren").first.wait_for()

    labels = set(browser_page.evaluate(SWAGGER_LABELS))
    assert labels & SWAGGER_ENGLISH == set()
    assert SWAGGER_DUTCH - labels == set()
    assert "Pad naar het klembord kopiëren" in labels and "Copy path to clipboard" not in labels
    assert browser_page.evaluate(REQUIRED) == '"verplicht"'
    placed = browser_page.evaluate(PLACED, block.element_handle())
    assert placed == ["Name", "Execute", "Antwoorden"]
    # Opened, tried out and answered: still no violation (the names, keyboard access and
    # contrast that api-ui.js and queries.css add).
    assert axe_violations(browser_page) == []

    ARTIFACTS.mkdir(exist_ok=True)
    block.scroll_into_view_if_needed()
    browser_page.screenshot(path=str(ARTIFACTS / "api-page.png"))
    block.screenshot(path=str(ARTIFACTS / "api-operation-1366.png"))
    browser_page.set_viewport_size({"width": 390, "height": 900})
    assert horizontal_overflow(browser_page) == 0
    block.screenshot(path=str(ARTIFACTS / "api-operation-390.png"))
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert _errors(watch) == []


def test_the_api_page_in_english(
    tab: tuple[Page, PageWatch], live_server: RunningServer, built_store: BuiltStore
) -> None:
    """``/api?lang=en``: Swagger UI shows the English description (one language) and keeps its
    own English labels, on a phone's width too."""
    browser_page, watch = tab
    browser_page.set_viewport_size({"width": 390, "height": 900})
    response = browser_page.goto(live_server.url + "/api?lang=en", wait_until="load")
    assert response is not None and response.status == 200
    browser_page.wait_for_selector(".opblock")
    assert (
        browser_page.locator(".info .title").inner_text().startswith("Regiograaf — canned queries")
    )
    query = canned_queries(built_store.settings)["aansluitingsscore"]
    block = browser_page.locator("#operations-gemeenten-aansluitingsscore")
    assert query.title_in("en") in block.locator(".opblock-summary").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "api-page-en-390.png"))
    _send(block, "Execute")
    opened = block.inner_text()
    assert "The answer" in opened and "Het antwoord" not in opened
    _open_required(browser_page)
    browser_page.locator(".models-control").click()
    labels = set(browser_page.evaluate(SWAGGER_LABELS))
    assert SWAGGER_ENGLISH - {"Try it out"} - labels == set()  # trying out is on: "Cancel"
    assert labels & SWAGGER_DUTCH == set()
    assert browser_page.evaluate(REQUIRED) == '"required"'
    assert horizontal_overflow(browser_page) == 0
    block.screenshot(path=str(ARTIFACTS / "api-operation-en-390.png"))
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert _errors(watch) == []


#: axe-core's best-practice rules on headings and landmarks.
STRUCTURE_RULES = [
    "heading-order",
    "landmark-main-is-top-level",
    "landmark-no-duplicate-main",
    "landmark-one-main",
    "landmark-unique",
    "region",
]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_api_page_has_one_main_and_headings_in_order(
    tab: tuple[Page, PageWatch], live_server: RunningServer, lang: str
) -> None:
    """Swagger UI draws its own <main>: it is the page's one main, at the top level; the
    introduction and Swagger UI's blocks above it are named regions; its title is a heading
    of the second level under the page's h1 (axe-core's best-practice rules)."""
    browser_page, _ = tab
    browser_page.goto(live_server.url + f"/api?lang={lang}", wait_until="load")
    browser_page.wait_for_selector(".opblock")
    browser_page.evaluate(AXE.read_text(encoding="utf-8"))
    result = browser_page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})", STRUCTURE_RULES
    )
    assert [violation["id"] for violation in result["violations"]] == []
    assert browser_page.locator("main").count() == 1
