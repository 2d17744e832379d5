"""The validation context on disk, so that a new process need not parse it again.

A stored context is one file in the cache folder, named after the project root and a key: a
SHA-256 over the root, every shapes, ontology and data file (its path, its role and the SHA-256
of its bytes), the code that parses and reads them (:data:`_CODE`) and the versions of Python,
rdflib and pyoxigraph. A changed file gives another key, so a stale file is never read; the
key is also stored in the file and compared on reading. A file that cannot be read (damaged,
written by other code, no permission) counts as absent: the context is parsed and stored
again. Files are written to a temporary name and renamed, so a reader never sees half a file;
writing a new one removes the root's older ones.

The cache folder is the ``cache`` setting (default ``cache/`` beside the store folder): files
there are unpickled, so it must be as private as the store.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
import platform
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from server.build.state import code_digest

__all__ = ["context_key", "read_stored", "store"]

log = logging.getLogger(__name__)

#: The modules (under ``server/``) whose code decides what a parsed context holds.
_CODE = (
    "build/turtle",
    "build/validation",  # the context, and the shapes compiled for the fast path
    "build/vocabulary.py",
    "build/inference.py",
    "store/syntax.py",
    "store/terms.py",
    "store/scratch.py",
)

#: What reading a damaged or foreign pickle raises.
_UNREADABLE = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    AttributeError,
    ImportError,
    IndexError,
    TypeError,
    ValueError,
)


def context_key(root: Path, files: Sequence[tuple[str, Path]]) -> str:
    """The key of the context made of ``files`` (role, path) under ``root``."""
    digest = hashlib.sha256()
    versions = [platform.python_version()]
    versions += [importlib.metadata.version(name) for name in ("rdflib", "pyoxigraph")]
    digest.update(f"{root}\n{' '.join(versions)}\n{code_digest(_CODE)}\n".encode())
    for role, path in files:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{role}\t{path}\t{content}\n".encode())
    return digest.hexdigest()


def _name(folder: Path, root: Path, key: str) -> Path:
    return folder / f"context-{_root_tag(root)}-{key[:32]}.pickle"


def _root_tag(root: Path) -> str:
    return hashlib.sha256(str(root).encode()).hexdigest()[:12]


def read_stored(folder: Path, root: Path, key: str) -> Any | None:
    """What :func:`store` stored under ``key``, or ``None`` when there is none that can be
    read."""
    path = _name(folder, root, key)
    try:
        with path.open("rb") as handle:
            stored_key, value = pickle.load(handle)
    except FileNotFoundError:
        return None
    except _UNREADABLE as exc:
        log.info("validation cache %s not used: %s", path, exc)
        return None
    return value if stored_key == key else None


def store(folder: Path, root: Path, key: str, value: object) -> None:
    """Store ``value`` under ``key`` (atomically) and remove the root's older files; a folder
    that cannot be written leaves the cache out, with a log line."""
    path = _name(folder, root, key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".context-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump((key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in folder.glob(f"context-{_root_tag(root)}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as exc:
        log.info("validation cache not written to %s: %s", folder, exc)
