"""``regiograaf export DIR``: the static site, served by a plain static server, has no broken
internal link, and holds every resource page, the catalog, VoID and the dumps."""

from __future__ import annotations

import gzip
import html
import os
import re
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, VOID
from werkzeug.exceptions import HTTPException

from server.publish.export import ATTEMPTS, MARKER, export, prepare
from server.rdf.iris import IriMap
from tests.support import BuiltStore, free_port, get, regiograaf_command

SERVICE_URL = "https://example.org/regiograaf/"
ATTRIBUTE = re.compile(r'\s(?:href|src|data-href)="([^"]*)"')


@dataclass(frozen=True)
class Exported:
    """An export and a static server on it."""

    folder: Path
    url: str
    stderr: str


@pytest.fixture(scope="module")
def exported(
    built_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp("export") / "site"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "REGIOGRAAF_ROOT": str(built_store.settings.root)}
    run = subprocess.run(
        [
            *regiograaf_command(),
            "export",
            str(folder),
            "--store",
            str(built_store.settings.store),
            "--site-url",
            url,
            "--service-url",
            SERVICE_URL,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(url, timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield Exported(folder, url, run.stderr)
    finally:
        server.terminate()
        server.wait(timeout=10)


def not_built_yet(app: Flask, exported: Exported) -> set[str]:
    """Paths the export reported as linked but served by no route of the app (pages of other
    features that do not exist yet); each is checked to be really unrouted."""
    paths = set(re.findall(r"no such page yet: (\S+)", exported.stderr))
    adapter = app.url_map.bind("localhost")
    for path in paths:
        with pytest.raises(HTTPException):
            adapter.match(path, method="GET")
    return paths


def test_static_site_has_no_broken_internal_link(app: Flask, exported: Exported) -> None:
    allowed = not_built_yet(app, exported)
    site = urlsplit(exported.url)
    queue: deque[str] = deque([exported.url])
    seen = {exported.url}
    checked: dict[str, int] = {}
    broken: list[str] = []
    while queue:
        page = queue.popleft()
        status, headers, body = get(page)
        checked[page] = status
        if status != 200:
            continue
        if not headers.get("Content-type", "").startswith("text/html"):
            continue
        for raw in ATTRIBUTE.findall(body.decode("utf-8")):
            link = html.unescape(raw)
            target = urljoin(page, link).split("#", 1)[0]
            parts = urlsplit(target)
            if (parts.hostname, parts.port) != (site.hostname, site.port):
                continue
            if parts.path in allowed:
                continue
            if target not in seen:
                seen.add(target)
                status = get(target)[0]
                if status != 200:
                    broken.append(f"{target} (from {page}): {status}")
                elif target.endswith((".html", "/")):
                    queue.append(target)
    assert broken == []
    assert len(checked) > 300


def test_every_resource_has_a_page(exported: Exported, built_store: BuiltStore) -> None:
    iri_map = IriMap.for_base("https://w3id.org/regiograaf/")
    rows = built_store.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }").rows()
    pages = {iri_map.page(str(row["s"])) for row in rows} - {None}
    assert len(pages) > 300
    for page in pages:
        path = page.split("#")[0]  # type: ignore[union-attr]
        file = path.lstrip("/") + ("index.html" if path.endswith("/") else ".html")
        assert (exported.folder / file).is_file(), file
        if path.startswith("/doc/"):
            assert (exported.folder / (path.lstrip("/") + ".ttl")).is_file(), path


def test_identifiers_lead_to_their_pages(exported: Exported) -> None:
    status, _, body = get(exported.url + "id/gemeente/gm0599.html")
    assert status == 200
    assert 'href="../../doc/gemeente/gm0599.html"' in body.decode("utf-8")
    status, _, body = get(exported.url + "graph/data/gemeenten.html")
    assert 'href="../../doc/graph/data/gemeenten.html"' in body.decode("utf-8")


def test_links_are_relative_and_dynamic_ones_go_to_the_service(exported: Exported) -> None:
    page = (exported.folder / "doc" / "gemeente" / "gm0599.html").read_text(encoding="utf-8")
    assert 'href="../../def/index.html"' in page
    assert 'href="../../doc/graph/data/gemeenten.html"' not in page
    assert 'href="../graph/data/gemeenten.html"' in page
    assert f'href="{SERVICE_URL}sparql"' in page
    assert 'href="/doc/' not in page
    # Query strings stay: the project map's script takes its filters from them.
    matrix = (exported.folder / "waardeketen.html").read_text(encoding="utf-8")
    assert 'href="kaart/projecten.html?trekker=gm0599&amp;schakel=' in matrix
    # Forms: the map filters in the browser; a canned query needs the live server.
    project_map = (exported.folder / "kaart" / "projecten.html").read_text(encoding="utf-8")
    assert 'action="projecten.html"' in project_map
    query = (exported.folder / "queries" / "gemeente-profiel.html").read_text(encoding="utf-8")
    assert f'action="{SERVICE_URL}queries/gemeente-profiel"' in query


RDF_EXTENSIONS = {".ttl": "turtle", ".jsonld": "json-ld", ".trig": "trig", ".nt.gz": "nt"}


def same_content(path: str, exported: bytes, served: bytes) -> bool:
    """Whether two copies of a download hold the same data (RDF: the same graph, whatever the
    serialiser's order; anything else: the same bytes)."""
    for ext, fmt in RDF_EXTENSIONS.items():
        if path.endswith(ext):
            if ext == ".nt.gz":
                exported, served = gzip.decompress(exported), gzip.decompress(served)
            if fmt == "trig":
                one, two = Dataset(), Dataset()
                one.parse(data=exported, format=fmt)
                two.parse(data=served, format=fmt)
                names = {g.identifier for g in one.graphs() if len(g)}
                if names != {g.identifier for g in two.graphs() if len(g)}:
                    return False
                return all(isomorphic(one.graph(n), two.graph(n)) for n in names)
            return isomorphic(
                Graph().parse(data=exported, format=fmt), Graph().parse(data=served, format=fmt)
            )
    return exported == served


def test_catalog_and_dumps_in_the_export(app: Flask, exported: Exported) -> None:
    catalog = Graph().parse(exported.folder / "catalog.ttl", format="turtle")
    urls = [str(u) for u in catalog.objects(None, DCAT.downloadURL)]
    assert urls
    client = app.test_client()
    for url in urls:
        assert url.startswith(exported.url), url
        path = url[len(exported.url) - 1 :]
        assert same_content(
            path, (exported.folder / path.lstrip("/")).read_bytes(), client.get(path).data
        ), path
        assert get(url)[0] == 200
    void = Graph().parse(exported.folder / ".well-known" / "void", format="turtle")
    assert isomorphic(void, Graph().parse(exported.folder / ".well-known" / "void.ttl"))
    assert (exported.folder / ".nojekyll").is_file()
    dataset = URIRef("https://w3id.org/regiograaf/id/dataset/regiograaf")
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(SERVICE_URL + "sparql")
    sparql = URIRef("https://w3id.org/regiograaf/catalog#sparql")
    assert catalog.value(sparql, DCAT.endpointURL) == URIRef(SERVICE_URL + "sparql")
    assert URIRef(exported.url + "dumps/regiograaf.ttl") in set(void.objects())
    assert (exported.folder / "sitemap.xml").read_text(encoding="utf-8").count("<loc>") > 300


def test_export_never_empties_a_folder_that_is_not_an_export(
    built_store: BuiltStore, tmp_path: Path
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "README.md").write_text("belangrijk", encoding="utf-8")
    env = {**os.environ, "REGIOGRAAF_ROOT": str(built_store.settings.root)}
    run = subprocess.run(
        [*regiograaf_command(), "export", str(folder), "--store", str(built_store.settings.store)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert "is not empty and holds no earlier export" in run.stderr
    assert (folder / "README.md").read_text(encoding="utf-8") == "belangrijk"


def test_an_earlier_export_is_emptied(exported: Exported, tmp_path: Path) -> None:
    assert (exported.folder / MARKER).is_file()
    earlier = tmp_path / "site"
    (earlier / "doc").mkdir(parents=True)
    (earlier / MARKER).write_text("", encoding="utf-8")
    (earlier / "doc" / "weg.html").write_text("oud", encoding="utf-8")
    prepare(earlier)
    assert sorted(p.name for p in earlier.iterdir()) == [MARKER]


def test_a_page_that_asks_to_come_back_is_asked_again(tmp_path: Path) -> None:
    """A 503 with Retry-After (a rebuild swapped the data in, the query processes were busy)
    is asked again; one that keeps failing, or a 503 without Retry-After, is reported."""
    app = Flask(__name__)
    asked: dict[str, int] = {}

    def busy_once() -> tuple[str, int, dict[str, str]] | str:
        asked["once"] = asked.get("once", 0) + 1
        if asked["once"] == 1:
            return "busy", 503, {"Retry-After": "0"}
        return "<p>here</p>"

    def busy_always() -> tuple[str, int, dict[str, str]]:
        asked["always"] = asked.get("always", 0) + 1
        return "busy", 503, {"Retry-After": "0"}

    app.add_url_rule("/", view_func=lambda: '<a href="/once">1</a> <a href="/always">2</a>')
    app.add_url_rule("/once", view_func=busy_once)
    app.add_url_rule("/always", view_func=busy_always)
    result = export(app, tmp_path / "site", "https://example.org/", SERVICE_URL)
    assert "/once" in result.files and asked["once"] == 2
    assert result.broken["/always"] == (503, "/") and asked["always"] == ATTEMPTS
