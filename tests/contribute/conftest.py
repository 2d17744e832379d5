"""Fixtures of the contribution tests: a copy of the small project (``small_project`` in
tests/conftest.py) with its own store, history and tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.build.pipeline import build
from server.settings import Settings
from tests.support import project_settings


@pytest.fixture
def settings(small_project: Path, tmp_path: Path) -> Settings:
    """Settings for a fresh copy of the small project (nothing built)."""
    return project_settings(small_project, tmp_path)


@pytest.fixture(scope="module")
def built(small_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the small project with its store built, shared by a module's tests."""
    settings = project_settings(small_project, tmp_path_factory.mktemp("built"))
    result = build(settings)
    assert result.ok, result.status
    return settings
