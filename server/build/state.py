"""What a build keeps for the next one, per source file by content hash (DESIGN.md, "Data flow").

Next to every version of the store the build writes its state (:mod:`server.store.writer`):
for each source its SHA-256, its number of triples, the part of it that other files' inference
depends on (its schema triples and context facts, :mod:`server.build.rules`), owlrl's messages
about its literals, and the validation key it passed with. A later build compares the sources
with it (:func:`plan`): a file whose hash is the same needs no parsing, no validation whose
inputs are the same (:func:`validation_keys`), and no inference when the schema and the
context are the same (``context_hash``); only the changed files are redone. Any doubt (another
code version, no state, a state of another format) means a full build.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from server.build.sources import Source

__all__ = [
    "BuildState",
    "Plan",
    "SourceState",
    "code_digest",
    "context_hash",
    "plan",
    "validation_keys",
]

FORMAT = 1
#: The code whose change changes what validation finds (besides the shapes).
_VALIDATION_CODE = ("build/validation", "build/turtle", "build/vocabulary.py")


@dataclass
class SourceState:
    """What the build kept of one source file."""

    sha256: str
    graph: str
    kind: str
    triples: int
    schema: str = ""
    context: str = ""
    messages: list[str] = field(default_factory=list)
    validation: str = ""


@dataclass
class BuildState:
    """What the build of one version kept (see the module docstring)."""

    code_version: str
    context_hash: str
    merged: int
    sources: dict[str, SourceState]
    format: int = FORMAT

    def to_json(self) -> dict[str, Any]:
        """The state as JSON data (empty fields left out)."""
        data = asdict(self)
        data["sources"] = {
            path: {key: value for key, value in entry.items() if value not in ("", [])}
            for path, entry in data["sources"].items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> BuildState | None:
        """The state in ``data``, or ``None`` when it is missing or of another format."""
        if not data or data.get("format") != FORMAT:
            return None
        try:
            sources = {path: SourceState(**entry) for path, entry in data["sources"].items()}
            return cls(data["code_version"], data["context_hash"], int(data["merged"]), sources)
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class Plan:
    """What a build does: everything (``full``, with the reason) or only ``changed`` (new or
    changed files) and ``removed`` (relative paths) on top of the current version."""

    full: bool
    reason: str = ""
    changed: list[Source] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


#: Above this share of the bytes changed, a full build is faster than changing the store.
_FULL_SHARE = 0.25


def plan(sources: list[Source], state: BuildState | None, code: str, *, force: bool) -> Plan:
    """A full build, or the files to redo on top of the version whose state is ``state``."""
    if force:
        return Plan(True, "asked for (--force)")
    if state is None:
        return Plan(True, "no earlier build to start from")
    if state.code_version != code:
        return Plan(True, "the code changed")
    current = {source.relpath for source in sources}
    changed = [
        s
        for s in sources
        if (old := state.sources.get(s.relpath)) is None or old.sha256 != s.sha256
    ]
    removed = sorted(set(state.sources) - current)
    total = sum(_size(source.path) for source in sources) or 1
    if sum(_size(source.path) for source in changed) > _FULL_SHARE * total:
        return Plan(True, "most of the data changed")
    return Plan(False, "", changed, removed)


def validation_keys(sources: list[Source]) -> dict[str, str]:
    """For each data file, the key of what its validation depends on: the file, its context
    and the validation code. Validation runs pySHACL over all data at once, so today the
    context of every file is every other source: any change anywhere validates everything
    again, exactly as a full build would. A validation that knows a narrower context only has
    to change this function."""
    digest = hashlib.sha256(code_digest(_VALIDATION_CODE).encode())
    for source in sorted(sources, key=lambda item: item.relpath):
        digest.update(f"{source.relpath}\t{source.sha256}\n".encode())
    everything = digest.hexdigest()
    return {
        source.relpath: hashlib.sha256(f"{everything}\t{source.sha256}".encode()).hexdigest()
        for source in sources
        if source.is_data
    }


def context_hash(entries: dict[str, SourceState]) -> str:
    """A hash of the schema triples and context facts of all sources: while it stays the same,
    the closure of an unchanged file stays the same."""
    digest = hashlib.sha256()
    for relpath in sorted(entries):
        entry = entries[relpath]
        if entry.schema or entry.context:
            digest.update(f"{relpath}\n{entry.schema}\n{entry.context}\n".encode())
    return digest.hexdigest()


def code_digest(names: tuple[str, ...]) -> str:
    """A SHA-256 over the code of the modules and packages ``names`` (under ``server/``)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for name in names:
        path = package / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
