"""Fixtures shared by every test folder, each defined here once.

``tests/`` mirrors ``server/``: the tests of ``server/<folder>/`` are in ``tests/<folder>/``;
``tests/browser/`` holds the tests that drive Chromium (marker ``browser``), ``tests/model/``
those of the project's model files (``ontology/``, ``shapes/``, ``queries/qc/``), and
``tests/data/`` the fixtures. Helpers that are not fixtures are in :mod:`tests.support`.

The stores are built once per test session by the real build:

- ``built_store``: the project's own data; ``app`` and ``client`` serve it with Flask's test
  client, ``live_server`` with the real ``regiograaf serve`` (gunicorn);
- ``canned_store``: the canned-query fixture (``tests/data/queries/``), with ``canned_app``
  and ``canned_client``;
- ``hostile_store``: the project and a hostile contribution loaded around validation, with
  ``hostile_app`` and ``hostile_server``;
- ``small_project``: the project without its examples and larger registers (the contribution
  tests copy it, :func:`tests.support.project_settings`);
- ``scan_store``: the Strategiescan fixture (``tests/data/scan/``), with ``scan_app``,
  ``scan_client`` and ``scan_server``;
- ``maps_store``: the map fixture (``tests/data/maps/``) with the CBS boundaries of
  ``../shared/geo/``, with ``maps_app``, ``maps_client``, ``maps_server`` and its static
  export ``maps_export``;
- ``external_store``: :func:`built_store` loaded into an external store, once into the Oxigraph
  server and once into Virtuoso (:mod:`tests.store_servers`), with ``external_settings`` and
  ``external_client``.

In CI (``CI=true``) nothing may be skipped: a skipped test counts as failed there.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Generator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.cli import main
from server.publish.export import export
from server.settings import Settings, load_settings
from server.store.gsp import publish
from server.web.app import create_app
from tests.store_servers import STORE_KINDS, StoreServer, start_store_server, stop_store_server
from tests.support import (
    SCAN_FIXTURE,
    SHARED_GEO,
    TEST_DATA,
    BuiltStore,
    RunningServer,
    StaticExport,
    build_canned_store,
    build_hostile_store,
    build_root,
    copy_project,
    serving,
    small_project_in,
)

pytest_plugins = ["pytester"]  # for tests/test_ci.py

# The tests build and serve the invented examples too (the 'examples' setting, off by default
# for a public service): they check that every surface marks them. Set in the environment, so
# that the servers the tests start (gunicorn) build the same data version.
os.environ.setdefault("REGIOGRAAF_EXAMPLES", "true")

#: True in CI (``.ci/run`` runs with ``CI=true``), where every test must run.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """In CI, a skipped test is a failed test: ``make test`` there runs everything."""
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason}"
    return report


# --------------------------------------------------------------------------- the project


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The real project data, built once per test session into a temporary store.

    The project is ``REGIOGRAAF_ROOT`` when set, else the repository."""
    return build_root(load_settings(store=tmp_path_factory.mktemp("store")))


@pytest.fixture(scope="session")
def app(built_store: BuiltStore) -> Flask:
    """The Flask app on :func:`built_store`."""
    return create_app(built_store.settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client of :func:`app`."""
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(
    built_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The real ``regiograaf serve`` (gunicorn, 2 workers) on :func:`built_store`, without
    base tiles (offline: the browser tests fail on any request that leaves the site)."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    offline = {"REGIOGRAAF_MAP_TILES": ""}
    with serving(built_store.settings.store, log, env=offline) as server:
        yield server


# --------------------------------------------------------------------------- the hostile store


@pytest.fixture(scope="session")
def hostile_store(built_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project with a hostile contribution loaded around validation
    (:func:`tests.support.build_hostile_store`)."""
    return build_hostile_store(built_store, tmp_path_factory.mktemp("hostile-store"))


@pytest.fixture(scope="session")
def hostile_app(hostile_store: Settings) -> Flask:
    """The Flask app on :func:`hostile_store`."""
    return create_app(hostile_store)


@pytest.fixture(scope="session")
def hostile_server(
    hostile_store: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The real server (gunicorn) on :func:`hostile_store`, served as it is (no build), without
    base tiles (offline)."""
    log = tmp_path_factory.mktemp("hostile-serve") / "serve.log"
    offline = {"REGIOGRAAF_MAP_TILES": ""}
    with serving(hostile_store.store, log, build=False, env=offline) as server:
        yield server


@pytest.fixture(scope="session")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project, made once; copy it before changing it
    (:func:`tests.support.project_settings`)."""
    return small_project_in(tmp_path_factory.mktemp("small-project") / "root")


# --------------------------------------------------------------------------- the query fixture


@pytest.fixture(scope="session")
def canned_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The canned-query fixture (``tests/data/queries/``, see its README.md), built once."""
    return build_canned_store(tmp_path_factory.mktemp("canned-fixture"))


@pytest.fixture(scope="session")
def canned_app(canned_store: BuiltStore) -> Flask:
    """The Flask app on :func:`canned_store`."""
    return create_app(canned_store.settings)


@pytest.fixture
def canned_client(canned_app: Flask) -> FlaskClient:
    """Flask's test client of :func:`canned_app`."""
    return canned_app.test_client()


# --------------------------------------------------------------------------- the scan fixture


@pytest.fixture(scope="session")
def scan_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The Strategiescan fixture (``tests/data/scan/``, see its README.md), built once."""
    return build_canned_store(tmp_path_factory.mktemp("scan-fixture"), SCAN_FIXTURE)


@pytest.fixture(scope="session")
def scan_app(scan_store: BuiltStore) -> Flask:
    """The Flask app on :func:`scan_store`."""
    return create_app(scan_store.settings)


@pytest.fixture
def scan_client(scan_app: Flask) -> FlaskClient:
    """Flask's test client of :func:`scan_app`."""
    return scan_app.test_client()


@pytest.fixture(scope="session")
def scan_server(
    scan_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """``regiograaf serve`` (gunicorn) on :func:`scan_store`."""
    log = tmp_path_factory.mktemp("scan-serve") / "serve.log"
    env = {"REGIOGRAAF_ROOT": str(scan_store.settings.root)}
    with serving(scan_store.settings.store, log, env=env) as server:
        yield server


# --------------------------------------------------------------------------- the map fixture


@pytest.fixture(scope="session")
def maps_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The project with the map fixture's projects (``tests/data/maps/projecten.ttl``) instead
    of the example projects and contributions and the real municipal projects, and the CBS
    boundaries of 2021 and 2025 imported with ``regiograaf geo import``."""
    boundaries = sorted(SHARED_GEO.glob("mrdh-gemeenten-*.geojson"))
    if not boundaries:
        pytest.skip(f"no boundary files in {SHARED_GEO}")
    root = copy_project(tmp_path_factory.mktemp("maps-root"))
    shutil.rmtree(root / "data" / "contributions")
    # The real register's municipal projects out too; the national, regional and provincial
    # file stays (the goals the fixture contributes to; its projects have no municipal lead).
    for path in (root / "data" / "register").glob("*.ttl"):
        if path.name != "rijk-mrdh-provincie.ttl":
            path.unlink()
    (root / "data" / "voorbeelden" / "bijdrage-haven-en-kades.ttl").unlink()
    shutil.copyfile(
        TEST_DATA / "maps" / "projecten.ttl", root / "data" / "voorbeelden" / "projecten.ttl"
    )
    assert main(["geo", "import", *map(str, boundaries), "--root", str(root)]) == 0
    return build_root(load_settings(root=root, store=tmp_path_factory.mktemp("maps-store")))


@pytest.fixture(scope="session")
def maps_app(maps_store: BuiltStore) -> Flask:
    """The Flask app on :func:`maps_store`."""
    return create_app(maps_store.settings)


@pytest.fixture
def maps_client(maps_app: Flask) -> FlaskClient:
    """Flask's test client of :func:`maps_app`."""
    return maps_app.test_client()


@pytest.fixture(scope="session")
def maps_server(
    maps_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """``regiograaf serve`` on :func:`maps_store`, without base tiles (offline)."""
    log = tmp_path_factory.mktemp("maps-serve") / "serve.log"
    env = {"REGIOGRAAF_ROOT": str(maps_store.settings.root), "REGIOGRAAF_MAP_TILES": ""}
    with serving(maps_store.settings.store, log, env=env) as server:
        yield server


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="session")
def maps_export(
    maps_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StaticExport]:
    """``regiograaf export`` of :func:`maps_store` (without base tiles), served by a plain
    static file server (which ignores query strings)."""
    folder = tmp_path_factory.mktemp("maps-export") / "site"
    files = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(folder))
    )
    url = f"http://127.0.0.1:{files.server_address[1]}/"
    settings = replace(maps_store.settings, map_tiles="")
    threading.Thread(target=files.serve_forever, daemon=True).start()
    try:
        result = export(create_app(settings), folder, url, "https://example.org/regiograaf/")
        yield StaticExport(folder, url, result)
    finally:
        files.shutdown()
        files.server_close()


# --------------------------------------------------------------------------- external stores


@pytest.fixture(scope="session", params=STORE_KINDS)
def external_store(
    request: pytest.FixtureRequest,
    built_store: BuiltStore,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StoreServer]:
    """An external store (each of :data:`tests.store_servers.STORE_KINDS` in turn: the Oxigraph
    server and Virtuoso) loaded with :func:`built_store` by ``regiograaf build``'s loader."""
    server = start_store_server(request.param, tmp_path_factory.mktemp(request.param))
    try:
        publish(built_store.store, server.config)
        yield server
    finally:
        stop_store_server(server)


@pytest.fixture(scope="session")
def external_settings(built_store: BuiltStore, external_store: StoreServer) -> Settings:
    """The settings of :func:`built_store` with :func:`external_store` serving."""
    names = ("store_query", "store_update", "store_gsp", "store_user")
    given = {name: external_store.env.get(f"REGIOGRAAF_{name.upper()}", "") for name in names}
    return replace(built_store.settings, **given)


@pytest.fixture
def external_client(external_settings: Settings) -> FlaskClient:
    """Flask's test client of the app on :func:`external_store`."""
    return create_app(external_settings).test_client()
