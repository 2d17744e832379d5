"""An in-memory copy of one version of the embedded store, for a serving process.

pyoxigraph's in-memory store evaluates joins several times faster than RocksDB
(docs/performance.md). The copy is loaded in a background thread; until it is complete the
on-disk database answers. Both hold the same quads, blank node labels included, so answers only
differ in the order of solutions that a query leaves unordered. A copy belongs to one version
folder and one process (a forked worker makes its own).

:func:`copy_database` makes a copy while this process's other threads go on answering: a
process of its own reads the database (most of the work) and writes N-Quads into a pipe, read
into the new store here (2.7 M quads: 34 s of CPU with the GIL held throughout before; now
16 s in the writer and 10 s here, in parallel, with the GIL handed on every few milliseconds;
docs/performance.md, "Lean serving").
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from server.errors import StoreError
from server.store.versions import DATABASE, Version

__all__ = ["MemoryCopy", "copy_database"]

log = logging.getLogger(__name__)

#: The program that writes the quads of the database named by its argument as N-Quads to its
#: standard output (run in a process of its own by :func:`copy_database`).
_DUMP: Final = (
    "import sys, pyoxigraph as ox; "
    "ox.Store.read_only(sys.argv[1]).dump(sys.stdout.buffer, ox.RdfFormat.N_QUADS)"
)


def copy_database(folder: Path) -> ox.Store:
    """A new in-memory store with the quads of the version in ``folder``, blank node labels
    included.

    A process of its own opens the on-disk database and writes its quads as N-Quads into a
    pipe (reading RocksDB is most of the work); here the engine's parser reads the pipe through
    its path in ``/proc`` and the quads go into the new store. The two sides run in parallel,
    and RocksDB is never opened in this process. The parser keeps blank node labels (the
    engine's ``load`` would rename them). The quads pass through a Python generator so that
    the interpreter hands the GIL to this process's other threads every few milliseconds: they
    go on answering while the copy is made. Raises :class:`StoreError` when it cannot be
    made."""
    command = [sys.executable, "-I", "-c", _DUMP, str(folder / DATABASE)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as dumper:
        assert dumper.stdout is not None and dumper.stderr is not None
        memory = ox.Store()
        try:
            quads = ox.parse(
                path=f"/proc/self/fd/{dumper.stdout.fileno()}",
                format=ox.RdfFormat.N_QUADS,
                lenient=True,  # written by the engine: already valid
            )
            memory.bulk_extend(quad for quad in quads)
        except (OSError, SyntaxError) as error:
            dumper.kill()
            raise StoreError(f"cannot copy {folder} into memory: {error}") from error
        finally:
            dumper.stdout.close()
        problem = dumper.stderr.read().decode(errors="replace").strip()
    if dumper.returncode != 0:
        last = problem.splitlines()[-1] if problem else f"exit status {dumper.returncode}"
        raise StoreError(f"cannot copy {folder} into memory: {last}")
    return memory


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
            memory = copy_database(folder)
            quads = len(memory)
        except (StoreError, MemoryError) as error:
            # A damaged database, say: the disk answers (or reports).
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
