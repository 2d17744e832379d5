"""Shared fixtures: the real project built once into a temporary store, and a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from server.build import build
from server.settings import load_settings
from server.store.embedded import EmbeddedStore
from tests.support import BuiltStore, RunningServer, start_server, stop_server


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
    from server.app import create_app

    return create_app(built_store.settings)
