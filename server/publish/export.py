"""Static export: the whole site as files for any static web host (``regiograaf export DIR``).

The exporter is a crawler over the app (Flask's test client, no server needed). It starts from
:data:`SEEDS` and the sitemap (which lists every resource), and follows every internal link:
``href``, ``src`` and ``data-href`` attributes, ``<link rel="alternate">`` included, so pages
added by other modules (maps, canned queries) are exported as soon as something links to them.

Where a response goes:

- HTML: ``/a/b`` → ``a/b.html``, ``/a/`` → ``a/index.html`` (static hosts such as GitHub Pages
  serve ``/a/b`` from ``a/b.html``);
- anything else: the path as it is (``/dumps/regiograaf.ttl``, ``/.well-known/void``);
- a redirect (``/def`` → ``/def/``): a small HTML page that links (and refreshes) to the target;
  likewise ``id/<type>/<ref>.html`` for every resource page (the 303 of its IRI).

Internal links in the HTML files are rewritten to relative links to those files, so the site
works under any path and even from ``file://``; their query strings are kept, because scripts
read them (the project map takes its filters from the URL, as the live page does). Links to
what only a live server can do (:data:`DYNAMIC`: the SPARQL endpoint) point to
``service_url`` instead, and so do forms (a canned query with parameters), except those of
pages that filter in the browser (:data:`FILTERED_IN_THE_BROWSER`). URLs inside the data
(catalog download URLs, VoID) use ``site_url``: where the files will be published.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Flask
from werkzeug.test import TestResponse

from server.errors import RegiograafError
from server.http.media_types import HTML
from server.progress import Progress

#: Where the crawl starts (the sitemap adds every resource).
SEEDS: tuple[str, ...] = (
    "/",
    "/catalog",
    "/def/",
    "/shapes/",
    "/sitemap.xml",
    "/.well-known/void",
    # The same with an extension, for hosts that choose the media type by extension.
    "/.well-known/void.ttl",
)
#: Paths only a live server can answer (queries); links to them go to ``service_url``.
DYNAMIC: tuple[str, ...] = ("/sparql", "/health")
#: Pages whose script applies the URL's query itself, so a form may submit to the static file;
#: every other form goes to ``service_url`` (a static page cannot answer a query).
FILTERED_IN_THE_BROWSER: tuple[str, ...] = ("/kaart/projecten", "/kaart/samenwerking")
#: What the crawler asks for: HTML first, like a browser.
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
#: How often a page that answers 503 with ``Retry-After`` is asked, and the longest wait.
ATTEMPTS = 3
MAX_WAIT = 10
#: The file that marks a folder as an export (which a next export may empty).
MARKER = ".regiograaf-export"
#: The app's own URL inside the test client.
LOCAL = "http://localhost"

_ATTRIBUTE = re.compile(r'(\s(href|src|data-href|action)=")([^"]*)(")')
_LOC = re.compile(r"<loc>([^<]+)</loc>")


@dataclass
class ExportResult:
    """What an export wrote and what it could not."""

    files: dict[str, str] = field(default_factory=dict)  # path → file (relative to the target)
    broken: dict[str, tuple[int, str]] = field(default_factory=dict)  # path → (status, from)

    @property
    def ok(self) -> bool:
        """True when every internal link was exported."""
        return not self.broken


def export(
    app: Flask, target: Path, site_url: str, service_url: str, progress: Progress | None = None
) -> ExportResult:
    """Write the static site of ``app`` into ``target`` (emptied first), reporting to
    ``progress`` (pages visited, then pages written)."""
    progress = progress or Progress.quiet()
    site = site_url if site_url.endswith("/") else site_url + "/"
    prepare(target)
    app.config["SITE_URL"] = site
    app.config["SERVICE_URL"] = service_url
    crawler = _Crawler(app, target, site)
    with progress.stage("visit", unit="paths") as stage:
        crawler.run(stage.step)
    result = crawler.result
    with progress.stage("write", total=len(crawler.html_pages), unit="pages") as stage:
        for path, body in crawler.html_pages.items():
            page = rewrite(body.decode("utf-8"), path, result.files, site, service_url)
            write(target / result.files[path], page.encode("utf-8"))
            stage.step(item=path)
    write_identifiers(target, result)
    # GitHub Pages would otherwise run Jekyll, which leaves out .well-known/.
    write(target / ".nojekyll", b"")
    return result


class _Crawler:
    """Visits every internal path from :data:`SEEDS` on; writes what is not HTML at once and
    keeps the HTML pages (their links are rewritten once every file is known)."""

    def __init__(self, app: Flask, target: Path, site: str) -> None:
        self.app = app
        self.client = app.test_client()
        self.target = target
        self.site = site
        self.result = ExportResult()
        self.html_pages: dict[str, bytes] = {}
        self.queue: deque[tuple[str, str]] = deque((seed, "seed") for seed in SEEDS)
        self.seen = set(SEEDS)

    def run(self, step: Callable[..., None]) -> None:
        """Visit every path in the queue (visits add more), calling ``step`` after each."""
        while self.queue:
            path, origin = self.queue.popleft()
            self.visit(path, origin)
            step(item=path)

    def enqueue(self, path: str, origin: str) -> None:
        """Visit ``path`` (linked from ``origin``) unless it was seen."""
        if path not in self.seen:
            self.seen.add(path)
            self.queue.append((path, origin))

    def follow(self, link: str, origin: str) -> None:
        """Visit ``link`` (on the page at ``origin``) when it is internal and static."""
        found = internal_path(link, origin, self.site)
        if found is not None and not is_dynamic(found):
            self.enqueue(found, origin)

    def get(self, path: str) -> TestResponse:
        """The app's response for ``path``; a 503 that says when to come back (a rebuild
        swapped the data in, all query processes were busy) is asked again, up to
        :data:`ATTEMPTS` times."""
        for _ in range(ATTEMPTS - 1):
            response = self.client.get(path, headers={"Accept": ACCEPT})
            retry_after = response.headers.get("Retry-After", "")
            if response.status_code != 503 or not retry_after.isdigit():
                return response
            time.sleep(min(int(retry_after), MAX_WAIT))
        return self.client.get(path, headers={"Accept": ACCEPT})

    def visit(self, path: str, origin: str) -> None:
        """Export the response for ``path``, or record why it cannot be."""
        response = self.get(path)
        if response.status_code in (301, 302, 303, 307, 308):
            location = internal_path(response.headers["Location"], path, self.site)
            if location is None:
                self.result.broken[path] = (response.status_code, origin)
                return
            self.enqueue(location, path)
            self.html_pages[path] = redirect_page(location).encode()
            self.result.files[path] = file_for(path, is_html=True)
        elif response.status_code != 200:
            self.result.broken[path] = (response.status_code, origin)
        elif response.mimetype == HTML:
            self.result.files[path] = file_for(path, is_html=True)
            self.html_pages[path] = body = response.get_data()
            for link in links(body.decode("utf-8")):
                self.follow(link, path)
        else:
            self.result.files[path] = file_for(path, is_html=False)
            body = response.get_data()
            write(self.target / self.result.files[path], body)
            if path == "/sitemap.xml":
                for loc in _LOC.findall(body.decode("utf-8")):
                    self.follow(html.unescape(loc), path)


class ExportError(RegiograafError, ValueError):
    """The export cannot be written where it was asked to go."""


def prepare(target: Path) -> None:
    """Make ``target`` an empty folder. Only an empty folder or an earlier export (it holds
    :data:`MARKER`) is emptied: ``regiograaf export .`` must never delete a project."""
    if target.exists():
        if not target.is_dir():
            raise ExportError(f"{target} is not a folder")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise ExportError(
                f"{target} is not empty and holds no earlier export ({MARKER}); "
                "choose an empty or new folder"
            )
        shutil.rmtree(target)
    target.mkdir(parents=True)
    write(target / MARKER, b"Written by regiograaf export; the folder is emptied on the next.\n")


def write_identifiers(target: Path, result: ExportResult) -> None:
    """For every exported ``/doc/...`` page, the static stand-in for the 303 of its IRI:
    ``id/<type>/<ref>.html`` (and ``graph/<path>.html``) linking to the page."""
    for path, file in list(result.files.items()):
        if not path.startswith("/doc/") or not file.endswith(".html"):
            continue
        rest = path[len("/doc/") :]
        identifier = "/" + rest if rest.startswith("graph/") else "/id/" + rest
        if identifier in result.files:
            continue
        stub = file_for(identifier, is_html=True)
        relative = posixpath.relpath(file, posixpath.dirname(stub) or ".")
        write(target / stub, redirect_page(relative).encode("utf-8"))
        result.files[identifier] = stub


def file_for(path: str, *, is_html: bool) -> str:
    """The file (relative to the export folder) that holds the response for ``path``."""
    clean = path.lstrip("/")
    if path.endswith("/"):
        return clean + "index.html" if is_html else clean + "index"
    if is_html:
        return clean + ".html"
    return clean


def internal_path(link: str, current: str, site: str) -> str | None:
    """The path (without query and fragment) of ``link`` when it is on this site, else None."""
    link = html.unescape(link.strip())
    if not link or link.startswith(("#", "mailto:", "javascript:", "data:")):
        return None
    for prefix in (site, LOCAL + "/"):
        if link.startswith(prefix):
            link = "/" + link[len(prefix) :]
            break
    absolute = urljoin(LOCAL + current, link)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != LOCAL:
        return None
    return parts.path or "/"


def is_dynamic(path: str) -> bool:
    """Whether ``path`` needs a live server (see :data:`DYNAMIC`)."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in DYNAMIC)


def links(page: str) -> list[str]:
    """Every ``href``, ``src``, ``data-href`` and ``action`` value of an HTML page."""
    return [match.group(3) for match in _ATTRIBUTE.finditer(page)]


def rewrite(page: str, path: str, files: dict[str, str], site: str, service_url: str) -> str:
    """``page`` (served at ``path``) with internal links made relative to its file."""
    here = posixpath.dirname(files[path])

    def replace(match: re.Match[str]) -> str:
        raw = html.unescape(match.group(3))
        found = internal_path(raw, path, site)
        if found is None:
            return match.group(0)
        fragment = raw.split("#", 1)[1] if "#" in raw else None
        form = match.group(2) == "action"
        if is_dynamic(found) or (form and found not in FILTERED_IN_THE_BROWSER):
            new = service_url.rstrip("/") + found
        elif found in files:
            new = posixpath.relpath(files[found], here or ".")
        else:
            return match.group(0)
        # A static host ignores the query, but the page's script reads it (the map's filters).
        query = urlsplit(raw.split("#", 1)[0]).query
        if query:
            new += "?" + query
        if fragment is not None:
            new += "#" + fragment
        return match.group(1) + html.escape(new, quote=True) + match.group(4)

    return _ATTRIBUTE.sub(replace, page)


def redirect_page(location: str) -> str:
    """A static stand-in for a redirect: a link to the target and a refresh."""
    target = html.escape(location, quote=True)
    return (
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}">'
        f"<title>Doorverwijzing (redirect)</title></head>"
        f'<body><p>Zie <span lang="en">(see)</span> <a href="{target}">{target}</a></p>'
        "</body></html>\n"
    )


def write(file: Path, body: bytes) -> None:
    """Write ``body`` to ``file``, creating folders."""
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(body)
