"""The canned-query fixture: ``tests/data/queries/*.ttl`` built into a store by the real build.

A project root is assembled in a temporary folder: the repository's ontology, shapes and
queries, and the fixture files as its only data. :func:`server.build.pipeline.build` then parses,
validates (a fixture that does not conform fails here), infers and loads it, exactly as for
the real data, so every canned query can be checked against a small, exactly known answer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.build.pipeline import build
from server.build.reports import render
from server.settings import load_settings
from tests.support import BuiltStore, EmbeddedStore

FIXTURE = Path(__file__).resolve().parent / "data" / "queries"


def build_fixture_store(folder: Path) -> BuiltStore:
    """Build the fixture into ``folder`` (a root and a store under it)."""
    repository = load_settings().root
    root = folder / "root"
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(repository / name, root / name)
    (root / "data").mkdir(parents=True)
    for path in sorted(FIXTURE.glob("*.ttl")):
        shutil.copy(path, root / "data" / path.name)
    settings = load_settings(root=root, store=folder / "store")
    result = build(settings)
    if not result.ok:
        detail = result.syntax_error or render(result.report, fmt="text", lang="en")
        raise AssertionError(f"the query fixture does not build ({result.status}):\n{detail}")
    return BuiltStore(settings, result, EmbeddedStore(settings.store))


_built: dict[str, BuiltStore] = {}


def query_fixture_store(factory: pytest.TempPathFactory) -> BuiltStore:
    """The fixture store, built once per test session (the modules that use it share it)."""
    key = str(factory.getbasetemp())
    if key not in _built:
        _built[key] = build_fixture_store(factory.mktemp("query-fixture"))
    return _built[key]
