"""Markup and links are inert (issue 12): only http, https and mailto IRIs become links, on every
page, map layer, table and export, whatever a contribution holds.

The hostile contribution (tests/data/hostile/kwaadaardig.ttl: script tags, event handlers,
``javascript:`` and ``data:`` IRIs, a very long word, right-to-left text) is refused by the
shapes, and is also loaded into a store around validation (``hostile_app``), as if it came by
another path: every page that shows it is parsed here, and Chromium runs them in
tests/browser/test_hostile.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.build.validation import validate_files
from server.publish.export import rewrite
from server.rdf.iris import link_target
from server.settings import PROJECT_ROOT
from tests.support import HOSTILE, HOSTILE_PAGE

#: Every page that shows (part of) the hostile contribution.
PAGES = (
    HOSTILE_PAGE,
    "/doc/gemeente/gm0599",
    "/doc/gemeente/gm0503",
    "/",
    "/kaart/projecten",
    "/kaart/samenwerking",
    "/waardeketen",
    "/queries/projecten-zoeken?zoekterm=kwaadaardig",
    "/queries/projecten-zoeken",
    "/sparql",
)
#: Attributes whose value a browser follows, loads or submits to.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data-href", "xlink:href", "poster"}
TEMPLATES = PROJECT_ROOT / "server" / "web" / "templates"


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def inert_problems(html: str) -> list[str]:
    """What in ``html`` could run or load something it should not: event-handler attributes,
    inline style, links and sources that are not http(s)/mailto or a path here, scripts that
    are neither files of /assets/ nor data blocks, frames and objects."""
    page = _Elements()
    page.feed(html)
    problems = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("on") or name == "style" or name == "srcdoc":
                problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name in URL_ATTRIBUTES and link_target(value) is None:
                problems.append(f"<{tag} {name}={value[:60]!r}>")
        if tag in ("style", "iframe", "frame", "object", "embed", "base"):
            problems.append(f"<{tag}>")
        data_block = attrs.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and not _same_site(attrs.get("src", "")) and not data_block:
            problems.append(f"<script {attrs}>")
    problems += [f"script data {text[:60]!r}" for text in page.scripts if "</" in text]
    return problems


def _same_site(url: str) -> bool:
    """Whether ``url`` is a file of this site (a path, as the server or the export writes it)."""
    parts = urlsplit(url)
    return bool(url) and not parts.scheme and not parts.netloc


@pytest.fixture(scope="module")
def hostile(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


def test_the_shapes_refuse_the_hostile_links() -> None:
    report = validate_files([HOSTILE], PROJECT_ROOT)
    assert not report.conforms
    refused = {
        (finding.shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(finding.value))
        for result in report.files
        for finding in result.findings
    }
    assert ("WebLink-homepage", "javascript:alert('homepage')") in refused
    for source in ("javascript:alert(document.domain)", "JavaScript:alert('hoofdletters')"):
        assert ("WebLink-source", source) in refused
    assert any(rule == "WebLink-source" and value.startswith("data:") for rule, value in refused)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_that_shows_it_is_inert(hostile: FlaskClient, path: str) -> None:
    response = hostile.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert inert_problems(html) == [], path


def test_the_hostile_text_is_shown_as_text(hostile: FlaskClient) -> None:
    html = hostile.get(HOSTILE_PAGE).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt;" in html
    assert "onerror=alert(&#39;img&#39;)&gt;" in html
    # The javascript: and data: IRIs are there, as text, never as links.
    assert "<code>javascript:alert(&#39;homepage&#39;)</code>" in html
    assert "data:text/html;base64" in html
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html


def test_the_inertness_check_finds_what_it_should() -> None:
    """The check above can fail: each of these is found."""
    for hostile_html in (
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<img src="data:image/svg+xml,x">',
        '<p onclick="x()">x</p>',
        '<p style="color:red">x</p>',
        "<script>alert(1)</script>",
        '<script type="application/ld+json">{"a": "</script><script>"}</script>',
        "<style>p {}</style>",
        '<iframe src="/x"></iframe>',
        '<form action="javascript:alert(1)"></form>',
    ):
        assert inert_problems(hostile_html), hostile_html
    assert inert_problems('<a href="/doc/x">x</a><a href="mailto:a@b.nl">m</a>') == []


def test_map_layers_link_only_to_pages_here(hostile: FlaskClient) -> None:
    for layer in ("/kaart/projecten.geojson", "/kaart/samenwerking.geojson"):
        text = hostile.get(layer).get_data(as_text=True)
        pages = re.findall(r'"pagina":\s*("(?:[^"\\]|\\.)*"|null)', text)
        assert pages, layer
        for page in map(json.loads, pages):
            assert page is None or page.startswith("/doc/"), (layer, page)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://example.org/a?b#c", "https://example.org/a?b#c"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("mailto:info@example.org", "mailto:info@example.org"),
        ("/doc/project/x", "/doc/project/x"),
        ("#kop", "#kop"),
        ("?schakel=data", "?schakel=data"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" \x01java\tscr\nipt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("vbscript:msgbox(1)", None),
        ("file:///etc/passwd", None),
        ("urn:isbn:123", None),
        ("", None),
        (None, None),
    ],
)
def test_link_target(url: str | None, target: str | None) -> None:
    assert link_target(url) == target


def test_templates_link_values_only_through_the_link_filter() -> None:
    """Every value a template puts in a URL attribute goes through the ``link`` filter (the
    macro ``link_to`` for links), unless the app makes it (``url_for``, ``asset_url``) or a
    path or fragment of this site comes first (``/kaart/projecten?trekker={{ ... }}``)."""
    value = re.compile(r'\b(?:href|src|action|data-href)="([^"]*\{\{[^"]*)"')
    for template in TEMPLATES.glob("*.*"):
        for found in value.finditer(template.read_text(encoding="utf-8")):
            expression = found.group(1)
            allowed = (
                expression.startswith(("{{ url_for(", "{{ asset_url(", "/", "#"))
                or expression.rstrip().endswith("|link }}")
                or (template.name == "_label.html" and expression == "{{ target }}")
            )
            assert allowed, f"{template.name}: {found.group(0)}"


@pytest.mark.parametrize("path", PAGES)
def test_pages_stay_inert_in_the_static_export(hostile: FlaskClient, path: str) -> None:
    """The export rewrites a page's links to this site (server/publish/export.py); what it
    writes is as inert as what the server sends."""
    html = hostile.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    files = {path: "pagina.html", "/": "index.html", HOSTILE_PAGE: "doc/project/kwaadaardig.html"}
    exported = rewrite(html, path, files, "https://example.org/", "https://example.org/live")
    assert exported != html
    assert inert_problems(exported) == [], path
