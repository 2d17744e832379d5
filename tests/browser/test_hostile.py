"""A hostile contribution in a real browser (Chromium, the real server): no script runs and no
layout breaks on any page that shows it (issue 12).

The contribution (tests/data/hostile/kwaadaardig.ttl) is loaded around validation: titles and
descriptions with script tags and event handlers, ``javascript:``, ``data:`` and ``vbscript:``
IRIs as homepage, sources, goal and even as a project, a word of 960 letters and
right-to-left text. Every page that shows it is opened at 1366 px and at 360 px, with its
interactive parts used (map popups, a SPARQL query in YASGUI, an API call in Swagger UI), while
the browser reports every dialog (``alert``), page error, console error and
Content-Security-Policy violation. Every link in the page (those scripts make too) must be
http, https, mailto or a path here, and the page must not scroll sideways at 360 px.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.support import (
    ARTIFACTS,
    HOSTILE_PAGE,
    TIMEOUT_MS,
    RunningServer,
    horizontal_overflow,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

HOSTILE_IRI = "https://w3id.org/regiograaf/id/project/kwaadaardig"
#: Recorded in the page before any of its scripts runs: every CSP violation.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__violations.push(
  `${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`));
"""
#: The links of the page that may not be links (the rule of server/rdf/iris.py, link_target).
UNSAFE_LINKS = """() => Array.from(document.querySelectorAll("a[href], area[href]"))
  .map((a) => a.getAttribute("href"))
  .filter((href) => {
    const seen = href.replace(/^[\\u0000-\\u0020]+|[\\u0000-\\u0020]+$/g, "")
      .replace(/[\\t\\n\\r]/g, "");
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(seen);
    return scheme !== null && !["http", "https", "mailto"].includes(scheme[1].toLowerCase());
  })"""
WIDTHS = {"breed": 1366, "smal": 360}
SPARQL = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?project ?titel ?homepage ?bron ?doel WHERE {
  ?project dct:title ?titel .
  OPTIONAL { ?project foaf:homepage ?homepage }
  OPTIONAL { ?project dct:source ?bron }
  OPTIONAL { ?project <https://w3id.org/regiograaf/def#contributesTo> ?doel }
  FILTER(CONTAINS(STR(?project), "kwaadaardig") || STRSTARTS(STR(?project), "javascript:"))
}"""


@dataclass
class Watch:
    """What a page did that it should not: dialogs, errors, CSP violations."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[int], tuple[Page, Watch]]]:
    """A page of a fresh context at a given width, watched; nothing leaves 127.0.0.1."""
    contexts = []

    def make(width: int) -> tuple[Page, Watch]:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
        contexts.append(context)
        context.route(lambda url: "//127.0.0.1:" not in url, lambda route: route.abort())
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        watch = Watch()
        watch.attach(page)
        return page, watch

    yield make
    for context in contexts:
        context.close()


def _project_map_popup(page: Page) -> None:
    page.wait_for_selector("#kaart[data-geladen='true']")
    page.evaluate(
        """iri => new Promise((done) => {
          const kaart = window.regiograafProjectenKaart;
          const marker = kaart.markers.find((m) => m.feature.id === iri);
          kaart.cluster.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
        })""",
        HOSTILE_IRI,
    )
    popup = page.locator(".leaflet-popup-content")
    assert "<script>alert('titel')</script>" in popup.inner_text()
    assert popup.locator("a.projectlink").get_attribute("href") == HOSTILE_PAGE


def _collaboration_popups(page: Page) -> None:
    page.wait_for_selector("#kaart[data-geladen='true']")
    opened = page.evaluate(
        """() => { let opened = 0;
          window.regiograafSamenwerkingsKaart.map.eachLayer((layer) => {
            if (layer.feature && JSON.stringify(layer.feature.properties).includes("kwaadaardig")) {
              layer.openPopup(layer.getCenter()); opened += 1; } });
          return opened; }"""
    )
    assert opened >= 1
    assert "<script>alert('titel')</script>" in page.locator(".leaflet-popup-content").inner_text()


def _sparql_results(page: Page) -> None:
    page.wait_for_selector("#yasgui .yasqe")
    page.evaluate(
        "query => { const tab = window.regiograafYasgui.getTab(); tab.setQuery(query); "
        "tab.query(); }",
        SPARQL,
    )
    results = page.locator("#yasgui .yasr table.dataTable tbody")
    results.locator("tr").first.wait_for()
    # An IRI that may not be a link is plain text (not even a link-coloured anchor).
    page.wait_for_function("() => !document.querySelector('#yasgui .yasr a.iri:not([href])')")
    text = results.inner_text()
    assert "javascript:alert('homepage')" in text and "data:text/html" in text


def _api_call(page: Page) -> None:
    operation = page.locator("#operations-projecten-projectenZoeken")
    operation.locator(".opblock-summary-control").click()
    operation.locator("tr[data-param-name='zoekterm'] input").fill("kwaadaardig")
    operation.locator(".execute").click()
    body = operation.locator(".live-responses-table .response-col_description pre").first
    body.wait_for()
    assert "<script>alert('titel')</script>" in body.inner_text()


#: Every page that shows the contribution, and what to do there before looking.
PAGES: dict[str, Callable[[Page], None] | None] = {
    HOSTILE_PAGE: None,
    "/doc/gemeente/gm0599": None,
    "/": None,
    "/kaart/projecten": _project_map_popup,
    "/kaart/samenwerking": _collaboration_popups,
    "/waardeketen": None,
    "/queries/projecten-zoeken?zoekterm=kwaadaardig": None,
    "/queries/projecten-zoeken": None,
    "/sparql": _sparql_results,
    "/api": _api_call,
}


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("path", PAGES)
def test_no_script_runs_and_the_layout_holds(
    open_page: Callable[[int], tuple[Page, Watch]],
    hostile_server: RunningServer,
    path: str,
    width: int,
) -> None:
    page, watch = open_page(width)
    response = page.goto(hostile_server.url + path, wait_until="load")
    assert response is not None and response.status == 200
    use = PAGES[path]
    if use is not None:
        use(page)
    page.wait_for_timeout(300)  # an event handler would have fired by now
    assert watch.dialogs == []
    assert page.evaluate("window.__violations") == []
    assert watch.errors == []
    assert page.evaluate(UNSAFE_LINKS) == []
    if width == WIDTHS["smal"]:
        assert horizontal_overflow(page) == 0, "the page scrolls sideways"
    if path in (HOSTILE_PAGE, "/kaart/projecten"):
        ARTIFACTS.mkdir(exist_ok=True)
        name = "vijandig-" + path.strip("/").replace("/", "-") + f"-{width}.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_the_watch_sees_what_it_looks_for(
    open_page: Callable[[int], tuple[Page, Watch]], hostile_server: RunningServer
) -> None:
    """The checks above can fail: a dialog, a CSP violation and an unsafe link are seen."""
    page, watch = open_page(WIDTHS["breed"])
    page.goto(hostile_server.url + HOSTILE_PAGE, wait_until="load")
    page.evaluate("alert('test')")  # DevTools may run script; the page may not
    assert watch.dialogs == ["test"]
    page.evaluate(
        """() => { const style = document.createElement("style");
          style.textContent = "p {}"; document.head.append(style);
          const a = document.createElement("a"); a.href = "javascript:void(0)";
          document.body.append(a); }"""
    )
    page.wait_for_timeout(300)
    assert any("style-src" in v for v in page.evaluate("window.__violations"))
    assert page.evaluate(UNSAFE_LINKS) == ["javascript:void(0)"]
