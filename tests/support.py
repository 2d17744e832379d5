"""Helpers shared by the tests (the fixtures themselves are in the ``conftest.py`` files).

Paths of the repository and the test data; a copy of the project; the stores the fixtures build
(the canned-query fixture, the small two-graph store); a real server process on a free port;
and what the browser tests share (a watcher for console errors and foreign requests, axe-core).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rdflib import Graph

from server.build.pipeline import BuildResult, build
from server.build.reports import render
from server.publish.export import ExportResult
from server.rdf.namespaces import GRAPH_BASE
from server.settings import Settings, load_settings
from server.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request

#: The repository (the folder that holds ``server/`` and ``tests/``).
REPOSITORY = Path(__file__).resolve().parent.parent
#: The test fixtures: ``tests/data/``.
TEST_DATA = REPOSITORY / "tests" / "data"
#: The shared reference folder beside the repository (CBS boundaries, official shapes).
SHARED = REPOSITORY.parent / "shared"
#: The CBS boundary files of the shared reference folder (``../shared/geo/``).
SHARED_GEO = Path(os.environ.get("REGIOGRAAF_SHARED_GEO", SHARED / "geo"))
#: The npm assets (``npm ci``).
NODE_MODULES = REPOSITORY / "node_modules"
#: Screenshots of the browser tests.
ARTIFACTS = REPOSITORY / "test-artifacts"

#: The folders a build reads; copied by :func:`copy_project`.
SOURCE_FOLDERS = ("ontology", "shapes", "data", "queries")


@dataclass(frozen=True)
class BuiltStore:
    """A store built from the real project data."""

    settings: Settings
    result: BuildResult
    store: EmbeddedStore


@dataclass(frozen=True)
class StaticExport:
    """An export of a fixture, served at ``url`` by a plain static file server."""

    folder: Path
    url: str
    result: ExportResult


def copy_project(target: Path) -> Path:
    """Copy the sources of the project into ``target`` (a root for a separate build)."""
    root = load_settings().root
    for name in SOURCE_FOLDERS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
    return target


def build_root(settings: Settings) -> BuiltStore:
    """Build the project under ``settings.root`` into ``settings.store``; fail on any finding."""
    result = build(settings)
    if not result.ok:
        detail = result.syntax_error or render(result.report, fmt="text", lang="en")
        raise AssertionError(f"{settings.root} does not build ({result.status}):\n{detail}")
    return BuiltStore(settings, result, EmbeddedStore(settings.store))


# --------------------------------------------------------------------------- the small project

#: Data files left out of the small project (:func:`small_project_in`): the examples and the
#: registers of projects that the contribution tests do not need, so a build takes seconds.
SMALL_PROJECT_LEAVES_OUT = (
    "data/voorbeelden",
    "data/register/den-haag-delft-en-omgeving.ttl",
    "data/register/rotterdam-en-omgeving.ttl",
    "data/register/overige-gemeenten.ttl",
)


def small_project_in(target: Path) -> Path:
    """The project's ontology, shapes, queries and reference data without
    :data:`SMALL_PROJECT_LEAVES_OUT`, copied to ``target``."""
    root = copy_project(target)
    for name in SMALL_PROJECT_LEAVES_OUT:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return root


def project_settings(project: Path, folder: Path, **overrides: object) -> Settings:
    """Settings for a copy of ``project`` in ``folder``: root, store, history and tokens."""
    root = folder / "root"
    shutil.copytree(project, root)
    return load_settings(
        root=root,
        store=folder / "store",
        history=str(folder / "history"),
        tokens=str(folder / "tokens.json"),
        **overrides,
    )


# --------------------------------------------------------------------------- the query fixture

#: The canned-query fixture: a small, exactly known project (see its README.md).
CANNED_FIXTURE = TEST_DATA / "queries"


#: The Strategiescan fixture: five invented municipalities with known answers (its README.md).
SCAN_FIXTURE = TEST_DATA / "scan"


def build_canned_store(
    folder: Path, fixture: Path = CANNED_FIXTURE, *, examples: bool | None = None
) -> BuiltStore:
    """The canned-query fixture (or another ``fixture`` folder) built into ``folder`` by the
    real build.

    A project root is assembled there: the repository's ontology, shapes and queries, and the
    fixture files as its only data. The build then parses, validates (a fixture that does not
    conform fails here), infers and loads it, exactly as for the real data, so every canned
    query can be checked against a small, exactly known answer. ``examples`` is the setting
    of that name (``None``: as configured; the tests turn it on), which keeps or leaves out
    the fixture's examples (``voorbeelden.ttl``)."""
    repository = load_settings().root
    root = folder / "root"
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(repository / name, root / name)
    (root / "data").mkdir(parents=True)
    for path in sorted(fixture.glob("*.ttl")):
        shutil.copy(path, root / "data" / path.name)
    return build_root(load_settings(root=root, store=folder / "store", examples=examples))


# --------------------------------------------------------------------------- the small store

EX = "http://example.org/"
G1 = "https://w3id.org/regiograaf/graph/test/een"
G2 = "https://w3id.org/regiograaf/graph/test/twee"
#: The data version of the small store.
SMALL_VERSION = "test-version-1"
#: The two named graphs of the small store (``ex:shared ex:p ex:x`` is in both).
SMALL_GRAPHS = {
    G1: f"""@prefix ex: <{EX}> .
ex:a ex:label "één"@nl , "one"@en ; ex:n 1 .
ex:shared ex:p ex:x .
""",
    G2: f"""@prefix ex: <{EX}> .
ex:b ex:label "\u2019s-Gravenhage"@nl ; ex:n 2 .
ex:shared ex:p ex:x .
""",
}


def build_small_store(path: Path) -> Settings:
    """Settings for a store at ``path`` holding :data:`SMALL_GRAPHS` (by the store API)."""
    settings = load_settings(store=path)
    graphs = {iri: Graph().parse(data=text, format="turtle") for iri, text in SMALL_GRAPHS.items()}
    EmbeddedStore(settings.store, read_only=False).replace(graphs, SMALL_VERSION)
    return settings


# --------------------------------------------------------------------------- the hostile store

#: A hostile contribution: markup, event handlers, javascript: and data: IRIs, a very long word,
#: right-to-left text (the shapes refuse parts of it).
HOSTILE = TEST_DATA / "hostile" / "kwaadaardig.ttl"
#: Its named graph, as if it were Rotterdam's contribution.
HOSTILE_GRAPH = GRAPH_BASE + "data/contributions/gm0599/kwaadaardig.ttl"
#: The page of its project.
HOSTILE_PAGE = "/doc/project/kwaadaardig"


def build_store_with(
    built: BuiltStore, folder: Path, extra: dict[str, Graph], version: str
) -> Settings:
    """Settings for a store at ``folder``: the project of ``built`` and the ``extra`` graphs,
    written with the store API (around validation) as data version ``version``."""
    graphs = {
        iri: built.store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        ).graph()
        for iri in built.store.named_graphs()
    }
    graphs.update(extra)
    EmbeddedStore(folder, read_only=False).replace(graphs, version, built.store.metadata())
    return load_settings(store=folder)


def build_hostile_store(built: BuiltStore, folder: Path) -> Settings:
    """Settings for a store at ``folder``: the project of ``built`` and :data:`HOSTILE`, as if
    it came by a path that skipped the shapes."""
    hostile = {HOSTILE_GRAPH: Graph().parse(HOSTILE, format="turtle")}
    return build_store_with(built, folder, hostile, "hostile-" + built.result.data_version[:12])


# --------------------------------------------------------------------------- a real server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def regiograaf_command() -> list[str]:
    """The ``regiograaf`` console script next to this Python, or ``python -m server``."""
    script = Path(sys.executable).with_name("regiograaf")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server"]


def get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET (HTTP errors are returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class RunningServer:
    """A ``regiograaf serve`` process and the URL it answers on."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(
    store: Path,
    log: Path,
    *,
    workers: int = 2,
    timeout: float = 120,
    attempts: int = 3,
    build: bool = True,
    env: Mapping[str, str] | None = None,
) -> RunningServer:
    """Start ``regiograaf serve`` on a free port of 127.0.0.1 and wait until /health is ok.

    ``serve`` builds a store that is missing or older than the project's sources; with
    ``build=False`` gunicorn serves ``store`` as it is (a store made with the store API).
    ``env``: settings (``REGIOGRAAF_…``) for this server only, on top of this environment.
    A port found free can be taken by another process before gunicorn binds it (tests run in
    parallel): the server counts as started only when its own log says it listens on that port,
    and a server that could not bind is started again on another port."""
    for _ in range(attempts):
        server = _start_once(store, log, workers, timeout, build, env or {})
        if server is not None:
            return server
    raise RuntimeError(f"regiograaf serve found no free port:\n{log.read_text(errors='replace')}")


#: ``regiograaf serve`` without its build step: gunicorn on the store as it is.
_SERVE_AS_IS = """
import sys
from server.settings import load_settings
from server.web.gunicorn_app import RegiograafApplication
store, port, workers = sys.argv[1:]
settings = load_settings(store=store, host="127.0.0.1", port=int(port), workers=int(workers))
RegiograafApplication(settings).run()
"""


def _start_once(
    store: Path, log: Path, workers: int, timeout: float, build: bool, extra: Mapping[str, str]
) -> RunningServer | None:
    port = free_port()
    if build:
        command = [*regiograaf_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--store", str(store), "--workers", str(workers)]
    else:
        command = [sys.executable, "-c", _SERVE_AS_IS, str(store), str(port), str(workers)]
    # This checkout's server package, whichever checkout the virtualenv was installed from.
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    root = extra.get("REGIOGRAAF_ROOT") or str(load_settings().root)
    env = {**os.environ, **extra, "REGIOGRAAF_ROOT": root, "PYTHONPATH": path}
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = RunningServer(f"http://127.0.0.1:{port}", process, log)
    listening = f"Listening at: {server.url}".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = log.read_bytes()
        if b"Connection in use" in output or b"is already in use" in output:
            stop_server(server)
            return None
        if process.poll() is not None:
            raise RuntimeError(f"regiograaf serve exited:\n{log.read_text(errors='replace')}")
        try:
            status, _, body = get(server.url + "/health", timeout=2)
        except OSError:
            status, body = 0, b""
        if listening in output and status == 200 and json.loads(body)["status"] == "ok":
            return server
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(f"regiograaf serve did not start:\n{log.read_text(errors='replace')}")


@contextmanager
def serving(store: Path, log: Path, **options: Any) -> Iterator[RunningServer]:
    """:func:`start_server` (same arguments) for the ``with`` block, stopped after it."""
    server = start_server(store, log, **options)
    try:
        yield server
    finally:
        stop_server(server)


def stop_server(server: RunningServer) -> None:
    """Stop the server started by :func:`start_server` (its own process group only)."""
    stop_process_group(server.process)


def stop_process_group(process: subprocess.Popen[bytes], wait: float = 20) -> None:
    """Stop a process started with ``start_new_session=True`` and everything in its group:
    SIGTERM, and SIGKILL when it has not ended after ``wait`` seconds (also used by the
    benchmarks)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --------------------------------------------------------------------------- the browser tests

#: Debian's Chromium (``make browser``), never a download by ``playwright install``.
CHROMIUM = Path(os.environ.get("REGIOGRAAF_CHROMIUM", "/usr/bin/chromium"))
#: Generous, for a slow CI machine; the waits end as soon as the condition holds.
TIMEOUT_MS = 30_000
#: axe-core (npm) and the WCAG 2.1 A and AA rules it checks.
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or ``None``."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not (NODE_MODULES / "@zazuko" / "yasgui").is_dir():
        return "node_modules is missing (npm ci)"
    return None


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


def axe_violations(page: Page) -> list[tuple[str, str]]:
    """The WCAG 2.1 A/AA violations axe-core finds on ``page``: (impact, description)."""
    # Evaluated by the DevTools protocol: the page's Content-Security-Policy refuses an injected
    # <script> element (add_script_tag), and rightly so.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        (
            v["impact"],
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:160]})",
        )
        for v in result["violations"]
    ]


def horizontal_overflow(page: Page) -> int:
    """How many pixels ``page`` is wider than its window (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
