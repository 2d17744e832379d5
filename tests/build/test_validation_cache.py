"""The validation context kept on disk (server.build.validation.stored): used by the next
process, never when a file it was made of changed, rebuilt when damaged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.build.validation import Finding, clear_cache, validate_files
from server.build.validation import context as context_module
from tests.support import TEST_DATA

ROOT = TEST_DATA / "validation" / "root"
VALID = TEST_DATA / "validation" / "project-valid.ttl"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "root"
    shutil.copytree(ROOT, copy)
    clear_cache()
    yield copy
    clear_cache()


def _stored(cache: Path) -> list[Path]:
    return sorted(cache.glob("context-*.pickle"))


def _findings(root: Path, cache: Path) -> list[Finding]:
    """The findings of VALID as a fresh process sees them (nothing kept in memory)."""
    clear_cache()
    report = validate_files([VALID], root, cache=cache)
    return list(report.files[0].findings)


def test_the_next_process_reads_the_stored_context(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = _findings(root, cache)
    assert len(_stored(cache)) == 1

    def no_parsing(*_args: object) -> None:
        raise AssertionError("the context was parsed, not read from the cache")

    monkeypatch.setattr(context_module, "_parse_context", no_parsing)
    assert _findings(root, cache) == first


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        # the title may appear once: the valid project has two (nl, en)
        (
            "shapes/project.ttl",
            "sh:minCount 1 ;\n    sh:severity",
            "sh:maxCount 1 ;\n    sh:severity",
        ),
        # Rotterdam is no longer a municipality
        ("data/gemeenten.ttl", "a rg:Municipality ;", "a rg:Place ;"),
    ],
)
def test_a_changed_file_is_never_answered_from_the_cache(
    root: Path, tmp_path: Path, file: str, old: str, new: str
) -> None:
    cache = tmp_path / "cache"
    assert _findings(root, cache) == []
    before = _stored(cache)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _findings(root, cache) != []
    after = _stored(cache)
    assert len(after) == 1 and after != before  # the stale file is replaced


def test_a_damaged_cache_file_is_rebuilt(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _findings(root, cache)
    (stored,) = _stored(cache)
    stored.write_bytes(b"not a pickle")
    assert _findings(root, cache) == expected
    assert stored.read_bytes() != b"not a pickle"
    assert _findings(root, cache) == expected
