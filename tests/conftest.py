"""Shared fixtures: the real project built once into a temporary store, and a real server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.build.pipeline import build
from server.settings import load_settings
from server.store.embedded import EmbeddedStore
from tests.support import BuiltStore, RunningServer, copy_project, start_server, stop_server


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The real project data, built once per test session into a temporary store.

    The project is ``REGIOGRAAF_ROOT`` when set, else the repository."""
    settings = load_settings(store=tmp_path_factory.mktemp("store"))
    result = build(settings)
    assert result.ok, f"the project data does not build: {result.status}"
    return BuiltStore(settings, result, EmbeddedStore(settings.store))


@pytest.fixture(scope="session")
def live_server(
    built_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The real ``regiograaf serve`` (gunicorn, 2 workers) on the built store."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    server = start_server(built_store.settings.store, log)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def site_app(built_store: BuiltStore) -> Flask:
    """The Flask app (test client via ``site_app.test_client()``) on the built store."""
    from server.web.app import create_app

    return create_app(built_store.settings)


#: The CBS boundary files of the shared reference folder (``../shared/geo/``).
SHARED_GEO = Path(
    os.environ.get("REGIOGRAAF_SHARED_GEO", load_settings().root.parent / "shared" / "geo")
)
#: The map views' test projects (known collaboration lines).
MAPS_FIXTURE = Path(__file__).resolve().parent / "data" / "maps" / "projecten.ttl"


@pytest.fixture(scope="session")
def maps_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The project with the map fixture's projects instead of the examples and contributions,
    and the CBS boundaries of 2021 and 2025 imported with ``regiograaf geo import``."""
    from server.cli import main

    boundaries = sorted(SHARED_GEO.glob("mrdh-gemeenten-*.geojson"))
    if not boundaries:
        pytest.skip(f"no boundary files in {SHARED_GEO}")
    root = copy_project(tmp_path_factory.mktemp("maps-root"))
    shutil.rmtree(root / "data" / "contributions")
    shutil.copyfile(MAPS_FIXTURE, root / "data" / "voorbeelden" / "projecten.ttl")
    assert main(["geo", "import", *map(str, boundaries), "--root", str(root)]) == 0
    settings = load_settings(root=root, store=tmp_path_factory.mktemp("maps-store"))
    result = build(settings)
    assert result.ok, f"the map fixture does not build: {result.status}"
    return BuiltStore(settings, result, EmbeddedStore(settings.store))


@pytest.fixture(scope="session")
def maps_server(
    maps_store: BuiltStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """``regiograaf serve`` on :func:`maps_store`, without base tiles (offline)."""
    log = tmp_path_factory.mktemp("maps-serve") / "serve.log"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGIOGRAAF_ROOT", str(maps_store.settings.root))
        patch.setenv("REGIOGRAAF_MAP_TILES", "")
        server = start_server(maps_store.settings.store, log)
    try:
        yield server
    finally:
        stop_server(server)
