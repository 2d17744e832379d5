"""The map views in a real browser (Debian's Chromium via Playwright, the real gunicorn server
on the map fixture of tests/data/maps/ with CBS boundaries, no base tiles: offline).

The project layer has a marker for every project; the filter form reduces them (and the
counts and the table) as expected; a marker opens its popup (by mouse and by keyboard) whose
link works; the collaboration map draws the fixture's two lines and a line says why; axe-core
(npm) finds no serious or critical WCAG 2.1 A/AA violation; no console error, no request to
another host. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.support import (
    ARTIFACTS,
    NODE_MODULES,
    TIMEOUT_MS,
    BuiltStore,
    PageWatch,
    RunningServer,
    StaticExport,
    axe_violations,
    horizontal_overflow,
    serving,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PROJECT = "/doc/project/voorbeeld-kaarttest-"


def screenshot(page: Page, name: str) -> None:
    """Keep a screenshot as a test artifact and say where (after a popup has faded in)."""
    # A function, not an expression: the page's CSP forbids evaluating a string.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.leaflet-popup'))"
        ".every(p => getComputedStyle(p).opacity === '1')"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def shown(page: Page) -> int:
    """Markers on the project map right now (clustered or not)."""
    return page.evaluate("window.regiograafProjectenKaart.cluster.getLayers().length")


def visible_rows(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#projecten-tabel tbody tr:not([hidden])",
        "rows => rows.map(r => r.getAttribute('data-project').split('kaarttest-')[1])",
    )


def test_project_map(tab: tuple[Page, PageWatch], maps_server: RunningServer) -> None:
    page, watch = tab
    response = page.goto(maps_server.url + "/kaart/projecten", wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_selector("#kaart[data-geladen='true']")
    # A marker for every project, the boundaries beneath, and no tiles (offline).
    assert page.evaluate("window.regiograafProjectenKaart.markers.length") == 5
    assert shown(page) == 5
    assert page.locator("#kaart svg path").count() >= 21
    assert page.locator("#kaart img.leaflet-tile").count() == 0
    screenshot(page, "kaart-projecten.png")

    # Filtering: the markers, the count and the table follow.
    page.select_option("#f-schakel", "data")
    assert shown(page) == 2
    assert page.inner_text("#aantal-getoond") == "2"
    assert visible_rows(page) == ["delft-energie", "rotterdam-energie"]
    assert page.url.endswith("/kaart/projecten?schakel=data")
    page.select_option("#f-gemeente", "gm0603")
    assert shown(page) == 0
    assert visible_rows(page) == []
    page.select_option("#f-schakel", "")
    assert shown(page) == 2
    assert visible_rows(page) == ["denhaag-mobiliteit", "rijswijk-mobiliteit"]
    page.select_option("#f-gemeente", "")
    page.select_option("#f-status", "afgerond")
    assert shown(page) == 1

    # Clicking the one marker opens its popup; its link leads to the project's page.
    marker = page.locator("#kaart .leaflet-marker-icon .rg-marker")
    assert marker.count() == 1
    assert marker.get_attribute("class") == (
        "rg-marker schakel-toepassingen-en-diensten status-afgerond voorbeeld"
    )
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Kaarttest mobiliteit Rijswijk" in popup.inner_text()
    assert "voorbeeld" in popup.inner_text()
    link = popup.locator("a.projectlink")
    assert link.get_attribute("href") == PROJECT + "rijswijk-mobiliteit"
    screenshot(page, "kaart-projecten-popup.png")
    with page.expect_navigation():
        link.click()
    assert page.url == maps_server.url + PROJECT + "rijswijk-mobiliteit"
    assert "Kaarttest mobiliteit Rijswijk" in page.inner_text("h1")
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert watch.errors == [], f"browser errors: {watch.errors}"


def test_project_map_keyboard(tab: tuple[Page, PageWatch], maps_server: RunningServer) -> None:
    page, watch = tab
    page.goto(maps_server.url + "/kaart/projecten?status=idee", wait_until="load")
    page.wait_for_selector("#kaart[data-geladen='true']")
    assert shown(page) == 1
    assert page.locator("#f-status").input_value() == "idee"
    # The filter form and the marker are reachable with Tab; Enter opens the popup.
    page.focus("#f-schakel")
    assert page.evaluate("document.activeElement.id") == "f-schakel"
    marker = page.locator("#kaart .leaflet-marker-icon")
    marker.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content a.projectlink").wait_for()
    assert (
        page.locator(".leaflet-popup-content a.projectlink").get_attribute("href")
        == PROJECT + "denhaag-mobiliteit"
    )
    assert watch.errors == []


def shown_pairs(page: Page) -> list[str]:
    """The lines of the pairs whose table row shows (one row per pair of municipalities)."""
    return page.eval_on_selector_all(
        "#paren tbody tr:not([hidden])", "rows => rows.map(r => r.getAttribute('data-lijnen'))"
    )


def test_collaboration_map(tab: tuple[Page, PageWatch], maps_server: RunningServer) -> None:
    page, watch = tab
    response = page.goto(maps_server.url + "/kaart/samenwerking", wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_selector("#kaart[data-geladen='true']")
    assert page.get_attribute("#kaart", "data-kansen") == "1"
    assert page.get_attribute("#kaart", "data-gezamenlijk") == "1"
    lines = page.locator("#kaart path[data-lijn]")
    assert sorted(lines.evaluate_all("ls => ls.map(l => l.getAttribute('data-lijn'))")) == [
        "gezamenlijk:gm0518-gm0603",
        "kans:gm0503-gm0599",
    ]
    # A joint project: dark and dotted (dashed is for former members).
    assert (
        page.locator("#kaart path[data-soort='gezamenlijk']").get_attribute("stroke-dasharray")
        == "1 7"
    )
    page.locator("#kaart path[data-lijn='kans:gm0503-gm0599']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Delft en Rotterdam hebben allebei projecten in de schakel 'Data'" in popup.inner_text()
    screenshot(page, "kaart-samenwerking.png")
    # The filters: the lines, the counts and the table rows follow.
    page.keyboard.press("Escape")
    page.select_option("#f-soort", "gezamenlijk")
    assert page.get_attribute("#kaart", "data-kansen") == "0"
    assert page.get_attribute("#kaart", "data-gezamenlijk") == "1"
    assert lines.evaluate_all("ls => ls.map(l => l.getAttribute('data-lijn'))") == [
        "gezamenlijk:gm0518-gm0603"
    ]
    assert shown_pairs(page) == ["gezamenlijk:gm0518-gm0603"]
    page.select_option("#f-soort", "")
    page.select_option("#f-schakel", "data")
    assert lines.evaluate_all("ls => ls.map(l => l.getAttribute('data-lijn'))") == [
        "kans:gm0503-gm0599"
    ]
    assert page.inner_text("#aantal-kansen") == "1"
    assert page.inner_text("#aantal-gezamenlijk") == "0"
    assert watch.foreign == []
    assert watch.errors == [], f"browser errors: {watch.errors}"


def test_value_chain_page(tab: tuple[Page, PageWatch], maps_server: RunningServer) -> None:
    page, watch = tab
    page.goto(maps_server.url + "/waardeketen", wait_until="load")
    # A band per non-zero figure of the overview (Rotterdam 2, Delft, Den Haag, Rijswijk).
    assert page.locator("figure.afstemming svg path").count() == 5
    assert page.locator("#afstemming tbody tr").count() == 21
    screenshot(page, "waardeketen.png")
    page.locator("#matrix a[href='/kaart/projecten?trekker=gm0599&schakel=data']").click()
    page.wait_for_selector("#kaart[data-geladen='true']")
    assert shown(page) == 1
    assert visible_rows(page) == ["rotterdam-energie"]
    assert watch.errors == []


@pytest.fixture
def exported_maps(maps_export: StaticExport) -> str:
    """The address of the map fixture's static export, complete."""
    assert maps_export.result.ok, maps_export.result.broken
    return maps_export.url


def test_value_chain_links_filter_the_map_in_a_static_export(
    tab: tuple[Page, PageWatch], exported_maps: str
) -> None:
    page, watch = tab
    page.goto(exported_maps + "waardeketen.html", wait_until="load")
    link = page.locator("#matrix a[href$='kaart/projecten.html?trekker=gm0599&schakel=data']")
    link.click()
    page.wait_for_selector("#kaart[data-geladen='true']")
    # The static server sent the unfiltered page; the script applied the link's filters.
    assert page.locator("#projecten-tabel tbody tr").count() == 5
    assert shown(page) == 1
    assert visible_rows(page) == ["rotterdam-energie"]
    assert page.input_value("#f-schakel") == "data"
    assert page.is_visible("#trekker")
    assert page.inner_text("#trekker") == "Alleen projecten die deze gemeente trekt: Rotterdam"
    # Without a query string: everything.
    page.goto(exported_maps + "kaart/projecten.html", wait_until="load")
    page.wait_for_selector("#kaart[data-geladen='true']")
    assert shown(page) == 5
    assert not page.is_visible("#trekker")
    assert watch.errors == [], f"browser errors: {watch.errors}"


@pytest.mark.parametrize(
    "path",
    [
        "/kaart/projecten",
        "/kaart/projecten?gemeente=gm0503",
        "/kaart/samenwerking",
        "/kaart/samenwerking?gemeente=gm0503&lang=en",
        "/waardeketen",
        "/waardeketen?lang=en",
        "/",
        "/sparql",
    ],
)
def test_no_serious_accessibility_violations(
    tab: tuple[Page, PageWatch], maps_server: RunningServer, path: str
) -> None:
    page, watch = tab
    page.goto(maps_server.url + path, wait_until="load")
    if path.startswith("/kaart"):
        page.wait_for_selector("#kaart[data-geladen='true']")
    if path == "/sparql":
        page.wait_for_selector(".yasqe .CodeMirror")
    found = axe_violations(page)
    assert [text for impact, text in found if impact in ("serious", "critical")] == []
    if path.startswith(("/kaart/", "/waardeketen")):
        assert found == [], "the map views have no WCAG 2.1 A/AA violation at all"
    assert watch.foreign == []


def test_query_ui_stays_accessible_with_tabs_and_results(
    tab: tuple[Page, PageWatch], maps_server: RunningServer
) -> None:
    """YASGUI's markup as repaired by sparql-ui.js: no WCAG 2.1 A/AA violation at all, also
    after a new tab and a results table; the new-tab button still works, outside the tab list."""
    page, watch = tab
    page.goto(maps_server.url + "/sparql", wait_until="load")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator("[role='tablist'] button").count() == 0
    page.click("button.addTab")
    tabs = page.locator("[role='tab']")
    assert tabs.count() == 2
    # Arrow keys move between the tabs (and only the tabs), both ways round.
    tabs.nth(1).focus()
    for key, expected in (("ArrowRight", 0), ("ArrowRight", 1), ("ArrowLeft", 0)):
        page.keyboard.press(key)
        assert tabs.nth(expected).evaluate("t => t === document.activeElement"), key
    page.locator(".yasqe_queryButton:visible").click()  # in the new tab
    page.locator(".yasr table tbody tr:visible").first.wait_for()
    assert axe_violations(page) == []
    assert page.get_attribute("select.tableSizer", "aria-label")
    assert watch.errors == [], f"browser errors: {watch.errors}"


class _TileHandler(http.server.BaseHTTPRequestHandler):
    """Any path: the same small PNG (stands in for PDOK's tile service)."""

    tile = NODE_MODULES / "leaflet" / "dist" / "images" / "layers.png"

    def do_GET(self) -> None:
        body = self.tile.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def tiles_server(maps_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server on the map fixture, with a tile layer from a local tile server."""
    tiles = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    log = tmp_path_factory.mktemp("tiles-serve") / "serve.log"
    env = {
        "REGIOGRAAF_ROOT": str(maps_store.settings.root),
        "REGIOGRAAF_MAP_TILES": f"http://127.0.0.1:{tiles.server_address[1]}/tegel/{{z}}/{{x}}/{{y}}.png",
        "REGIOGRAAF_MAP_TILES_ATTRIBUTION": "Testtegels &copy; Regiograaf",
    }
    try:
        with serving(maps_store.settings.store, log, env=env) as server:
            yield server.url
    finally:
        tiles.shutdown()
        tiles.server_close()


def test_tile_layer_beneath_when_configured(
    browser: Browser,
    tiles_server: str,
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(tiles_server + "/kaart/projecten", wait_until="load")
        page.wait_for_selector("#kaart[data-geladen='true']")
        page.wait_for_selector("#kaart img.leaflet-tile-loaded")
        sources = page.eval_on_selector_all("#kaart img.leaflet-tile", "ts => ts.map(t => t.src)")
        assert sources and all("/tegel/" in src for src in sources)
        # Beneath the markers, and with its attribution.
        assert page.locator(".leaflet-tile-pane img").count() == len(sources)
        assert "Testtegels © Regiograaf" in page.inner_text(".leaflet-control-attribution")
        screenshot(page, "kaart-projecten-tegels.png")
    finally:
        context.close()


# ------------------------------------------------- zoom, highlight, filter, widths (issue 14)

WIDTHS = (1366, 390)


def zoom(page: Page, name: str) -> float:
    return page.evaluate(f"window.{name}.map.getZoom()")


def chosen_outline(page: Page) -> list[str]:
    """The stroke colour and width of the outlined (chosen) municipality's boundary."""
    return page.eval_on_selector_all(
        "#kaart path.leaflet-interactive, #kaart .leaflet-overlay-pane path",
        "ps => ps.filter(p => p.getAttribute('stroke-width') === '4')"
        ".map(p => p.getAttribute('stroke'))",
    )


#: The municipalities' names on the map (those shown) that overlap another name or the count
#: of a cluster or the middle of a marker, as "name / what it covers".
_COLLISIONS = """() => {
  const frame = document.getElementById('kaart').getBoundingClientRect();
  const inside = r => r.width && r.right > frame.left && r.left < frame.right
    && r.bottom > frame.top && r.top < frame.bottom;
  const boxes = (selector, shrink) => [...document.querySelectorAll(selector)].map(e => {
    const r = e.getBoundingClientRect();
    return [e.textContent || 'marker', {left: r.left + shrink, right: r.right - shrink,
      top: r.top + shrink, bottom: r.bottom - shrink, width: r.width}];
  }).filter(([, r]) => inside(r));
  const names = boxes('#kaart .gemeente-naam:not(.verdrongen)', 0);
  const covered = boxes('#kaart .marker-cluster span', 0).concat(boxes('#kaart .rg-marker', 7));
  const hit = (a, b) => a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  names.forEach(([n, r], i) => {
    names.slice(i + 1).forEach(([m, q]) => { if (hit(r, q)) { found.push(n + ' / ' + m); } });
    covered.forEach(([c, q]) => { if (hit(r, q)) { found.push(n + ' / ' + c); } });
  });
  return found;
}"""


def label_collisions(page: Page) -> list[str]:
    """:data:`_COLLISIONS` once the names have been placed (kaart.js places them shortly
    after the map moved or its markers changed)."""
    page.wait_for_timeout(600)
    return page.evaluate(_COLLISIONS)


@pytest.mark.parametrize("width", WIDTHS)
def test_project_map_zooms_to_the_chosen_municipality(
    browser: Browser, maps_server: RunningServer, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch()
    watch.attach(page)
    try:
        page.goto(maps_server.url + "/kaart/projecten", wait_until="load")
        page.wait_for_selector("#kaart[data-geladen='true']")
        region = zoom(page, "regiograafProjectenKaart")
        assert page.get_attribute("#kaart", "data-gekozen") == ""
        # Every municipality named on the map, and the boundaries' source credited.
        assert page.locator("#kaart .gemeente-naam").count() == 21
        assert "CBS, Kadaster" in page.inner_text(".leaflet-control-attribution")
        assert horizontal_overflow(page) == 0
        # The names stand beside the points: no name covers another, nor a cluster's count.
        assert label_collisions(page) == []
        assert page.locator("#kaart .gemeente-naam:not(.verdrongen)").count() >= 10
        page.goto(maps_server.url + "/kaart/projecten?gemeente=gm0503", wait_until="load")
        page.wait_for_selector("#kaart[data-geladen='true']")
        assert page.get_attribute("#kaart", "data-gekozen") == "gm0503"
        assert zoom(page, "regiograafProjectenKaart") >= region + 2
        assert chosen_outline(page) == ["#0b55a3"]
        assert page.inner_text("h1") == "Projectenkaart: Delft"
        assert horizontal_overflow(page) == 0
        assert label_collisions(page) == []
        assert page.locator("#kaart .gemeente-naam.verdrongen", has_text="Delft").count() == 0
        screenshot(page, f"kaart-projecten-delft-{width}.png")
        # Another choice in the form: the outline and the view follow; none: the region.
        page.select_option("#f-gemeente", "gm0599")
        page.wait_for_function(
            "() => document.getElementById('kaart').dataset.gekozen === 'gm0599'"
        )
        assert page.inner_text("h1") == "Projectenkaart: Rotterdam"
        page.select_option("#f-gemeente", "")
        assert page.get_attribute("#kaart", "data-gekozen") == ""
        assert chosen_outline(page) == []
        # Back to the region's view (after the zoom animation): the zoom that fits the region
        # in the map as it is now (the page's height, and with it the scroll bar, changed
        # since the first view; half a zoom step either way for a change after the fit).
        page.wait_for_function(
            "() => { const m = window.regiograafProjectenKaart.map;"
            " const fit = m.getBoundsZoom(window.RegiograafKaart.REGION);"
            " return Math.abs(m.getZoom() - fit) <= 0.5; }"
        )
        assert abs(zoom(page, "regiograafProjectenKaart") - region) <= 1
        assert watch.errors == [], f"browser errors: {watch.errors}"
        assert watch.foreign == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_collaboration_map_filters_by_municipality(
    browser: Browser, maps_server: RunningServer, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch()
    watch.attach(page)
    try:
        page.goto(maps_server.url + "/kaart/samenwerking?gemeente=gm0503", wait_until="load")
        page.wait_for_selector("#kaart[data-geladen='true']")
        lines = page.locator("#kaart path[data-lijn]")
        assert lines.evaluate_all("ls => ls.map(l => l.getAttribute('data-lijn'))") == [
            "kans:gm0503-gm0599"
        ]
        assert page.get_attribute("#kaart", "data-gekozen") == "gm0503"
        assert page.locator("#kaart .gemeente-naam").count() == 21
        assert horizontal_overflow(page) == 0
        assert label_collisions(page) == []
        screenshot(page, f"kaart-samenwerking-delft-{width}.png")
        page.select_option("#f-gemeente", "gm0518")
        assert lines.evaluate_all("ls => ls.map(l => l.getAttribute('data-lijn'))") == [
            "gezamenlijk:gm0518-gm0603"
        ]
        assert shown_pairs(page) == ["gezamenlijk:gm0518-gm0603"]
        assert page.url.endswith("/kaart/samenwerking?gemeente=gm0518&minimum=1")
        page.select_option("#f-gemeente", "")
        assert page.get_attribute("#kaart", "data-kansen") == "1"
        assert page.get_attribute("#kaart", "data-gezamenlijk") == "1"
        assert watch.errors == [], f"browser errors: {watch.errors}"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/waardeketen", "/waardeketen?lang=en", "/kaart/samenwerking"])
def test_no_horizontal_overflow_on_a_phone(
    browser: Browser, maps_server: RunningServer, path: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(maps_server.url + path, wait_until="load")
        assert horizontal_overflow(page) == 0
        screenshot(page, "390" + path.replace("/", "-").replace("?", "-") + ".png")
    finally:
        context.close()


def test_collaboration_filter_in_a_static_export(
    tab: tuple[Page, PageWatch], exported_maps: str
) -> None:
    """The static host ignores ?gemeente=; the page's script applies it."""
    page, watch = tab
    page.goto(exported_maps + "kaart/samenwerking.html?gemeente=gm0518", wait_until="load")
    page.wait_for_selector("#kaart[data-geladen='true']")
    assert page.get_attribute("#kaart", "data-kansen") == "0"
    assert page.get_attribute("#kaart", "data-gezamenlijk") == "1"
    assert page.get_attribute("#kaart", "data-gekozen") == "gm0518"
    assert page.inner_text("h1") == "Samenwerkingskaart: Den Haag"
    page.goto(exported_maps + "kaart/projecten.html?gemeente=gm0599", wait_until="load")
    page.wait_for_selector("#kaart[data-geladen='true']")
    assert page.get_attribute("#kaart", "data-gekozen") == "gm0599"
    assert shown(page) == 2
    assert watch.errors == [], f"browser errors: {watch.errors}"
