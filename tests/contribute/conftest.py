"""Fixtures of the contribution tests: a small project (the repository's ontology, shapes,
queries and reference data, without the examples and the larger registers, so a build takes
seconds) with its own store, history and tokens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.build.pipeline import build
from server.settings import Settings, load_settings
from tests.support import copy_project

#: Data files left out of the small project: the examples and the registers of projects that
#: the contribution fixtures do not need.
LEFT_OUT = (
    "data/voorbeelden",
    "data/register/den-haag-delft-en-omgeving.ttl",
    "data/register/rotterdam-en-omgeving.ttl",
    "data/register/overige-gemeenten.ttl",
)


@pytest.fixture(scope="session")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project, made once (copy it before changing it: :func:`project_settings`)."""
    root = copy_project(tmp_path_factory.mktemp("small-project") / "root")
    for name in LEFT_OUT:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return root


def project_settings(small_project: Path, folder: Path, **overrides: object) -> Settings:
    """Settings for a copy of the small project in ``folder`` (root, store, history, tokens)."""
    root = folder / "root"
    shutil.copytree(small_project, root)
    return load_settings(
        root=root,
        store=folder / "store",
        history=str(folder / "history"),
        tokens=str(folder / "tokens.json"),
        **overrides,
    )


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
