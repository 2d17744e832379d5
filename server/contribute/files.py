"""Durable file operations: a file is replaced whole or not at all, and survives a crash.

:func:`write_atomic` writes to a temporary file in the same folder, flushes and fsyncs it,
renames it over the target (atomic on POSIX) and fsyncs the folder, so after a crash at any
moment the target holds the old or the new content, never part of either. The temporary name
starts with a dot and ends in ``.tmp``, so nothing that reads ``*.ttl`` ever sees it;
:func:`remove_leftovers` clears those a crash left behind. :func:`locked` is an exclusive lock
between processes (``flock``), released by the kernel when a process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = ["locked", "remove_atomic", "remove_leftovers", "write_atomic"]

_SUFFIX = ".tmp"


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` by ``data``, durably and atomically (see the module docstring)."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{path.name}.{uuid.uuid4().hex}{_SUFFIX}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_folder(folder)


def remove_atomic(path: Path) -> None:
    """Remove ``path`` (gone or there, never half) and make that durable."""
    path.unlink()
    _fsync_folder(path.parent)


def remove_leftovers(folder: Path) -> int:
    """Remove the temporary files that an interrupted :func:`write_atomic` left under
    ``folder``; how many there were."""
    count = 0
    if not folder.is_dir():
        return 0
    for leftover in folder.rglob(f".*{_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            count += 1
    return count


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock ``path`` (created when missing) for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
