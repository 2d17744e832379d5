"""An in-memory copy of one version of the embedded store, for a serving process.

pyoxigraph's in-memory store evaluates joins several times faster than RocksDB
(docs/performance.md). The copy is loaded in a background thread; until it is complete the
on-disk database answers. Both hold the same quads, blank node labels included, so answers only
differ in the order of solutions that a query leaves unordered. A copy belongs to one version
folder and one process (a forked worker makes its own).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from server.store.versions import DATABASE, Version

__all__ = ["MemoryCopy"]

log = logging.getLogger(__name__)


class MemoryCopy:
    """The in-memory copy of at most one version (see the module docstring)."""

    def __init__(self) -> None:
        #: The largest version (in quads) to copy; 0: never copy.
        self.max_quads = 0
        self._lock = threading.Lock()
        # The (version folder, process) being copied, and the copy once complete.
        self._copying: tuple[str, int] | None = None
        self._copy: tuple[str, int, ox.Store] | None = None

    def get(self, folder: Path, pid: int) -> ox.Store | None:
        """The complete copy of ``folder`` made by process ``pid``, or ``None``. A copy of
        another version, or the parent process's, is let go."""
        with self._lock:
            copy = self._copy
            if copy is None:
                return None
            if copy[:2] == (str(folder), pid):
                return copy[2]
            self._copy = None
            return None

    def holds(self, folder: Path, pid: int) -> bool:
        """Whether the complete copy of ``folder`` for process ``pid`` is there."""
        copy = self._copy
        return copy is not None and copy[:2] == (str(folder), pid)

    def start(self, version: Version, pid: int) -> None:
        """Start copying ``version`` in a background thread, unless it is larger than
        :attr:`max_quads` or already being copied."""
        with self._lock:
            wanted = self.max_quads > 0 and version.quads <= self.max_quads
            if not wanted or self._copying == (str(version.folder), pid):
                return
            self._copying = (str(version.folder), pid)
        threading.Thread(
            target=self._load,
            args=(version.folder, pid),
            name="store-memory-copy",
            daemon=True,
        ).start()

    def drop(self) -> None:
        """Forget the copy and any copy under way (its result is thrown away)."""
        with self._lock:
            self._copy = None
            self._copying = None

    def _load(self, folder: Path, pid: int) -> None:
        began = time.monotonic()
        try:
            disk = ox.Store.read_only(str(folder / DATABASE))
            memory = ox.Store()
            memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            quads = len(memory)
            del disk
        except (OSError, ValueError, RuntimeError, MemoryError) as error:
            # RuntimeError: RocksDB finds the database damaged; the disk answers (or reports).
            log.warning("no in-memory copy of %s: %s; querying it on disk", folder, error)
            return
        with self._lock:
            if self._copying != (str(folder), pid):
                return  # a newer version came, or the copy was dropped
            self._copy = (str(folder), pid, memory)
        log.info(
            "store in memory: %d quads of %s copied in %.1f s (pid %d)",
            quads,
            folder.name,
            time.monotonic() - began,
            pid,
        )
