"""The code version in the data version covers the modules that decide what is stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import server
from server.build.pipeline import code_version

SERVER = Path(server.__file__).resolve().parent


def test_code_version_hashes_the_pipeline_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parser, inference, sources, the pipeline and the store's writer are all read (a module
    moved or split in a regroup must not silently drop out of the hash)."""
    read: list[Path] = []
    original = Path.read_bytes

    def spy(path: Path) -> bytes:
        read.append(path.resolve())
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", spy)
    version = code_version()
    assert re.fullmatch(r".+\+[0-9a-f]{12}", version)
    hashed = {path.relative_to(SERVER).as_posix() for path in read if path.is_relative_to(SERVER)}
    turtle = {p.relative_to(SERVER).as_posix() for p in (SERVER / "build" / "turtle").glob("*.py")}
    assert turtle and turtle <= hashed
    assert {
        "build/pipeline.py",
        "build/sources.py",
        "build/inference.py",
        "store/embedded.py",
        "store/versions.py",
        "store/terms.py",
        "store/syntax.py",
    } <= hashed


def test_code_version_is_stable() -> None:
    assert code_version() == code_version()
