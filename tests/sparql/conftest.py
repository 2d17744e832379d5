"""The small store of the SPARQL tests: two named graphs with known content
(:data:`tests.support.SMALL_GRAPHS`), so every answer can be checked exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.settings import Settings
from server.web.app import create_app
from tests.support import RunningServer, build_small_store, serving


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose store holds the two graphs of the small store."""
    return build_small_store(tmp_path_factory.mktemp("small-store") / "store")


@pytest.fixture(scope="session")
def small_app(small_settings: Settings) -> Flask:
    """The Flask app on the small store."""
    return create_app(small_settings)


@pytest.fixture
def small_client(small_app: Flask) -> FlaskClient:
    """Flask's test client of :func:`small_app`."""
    return small_app.test_client()


@pytest.fixture(scope="session")
def small_server(
    small_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """gunicorn (2 workers) with the real app on the small store, served as it is."""
    log = tmp_path_factory.mktemp("small-serve") / "serve.log"
    with serving(small_settings.store, log, build=False) as server:
        yield server
