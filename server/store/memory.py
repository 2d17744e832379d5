"""An in-memory copy of one version of the embedded store, for a serving process.

pyoxigraph's in-memory store evaluates joins several times faster than RocksDB
(docs/performance.md). The copy is loaded in a background thread; until it is complete the
on-disk database answers. Both hold the same quads, blank node labels included, so answers only
differ in the order of solutions that a query leaves unordered. A copy belongs to one version
folder and one process (a forked worker makes its own), except for the server's copy.

The server's copy (:class:`ServerCopy`): for a large version a gunicorn master makes one copy
for the whole server; every worker forked after it is complete, and every query process of
those, queries it, shared copy-on-write (:func:`server_copy`). The master then replaces the
workers forked before (server/web/gunicorn_app.py). A small version each worker copies itself.

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
from server.store.versions import DATABASE, CurrentLink, Version

__all__ = ["MemoryCopy", "ServerCopy", "copy_database", "server_copy"]

log = logging.getLogger(__name__)

#: The server's copy: (version folder, complete copy), made by this process or inherited from
#: the process that forked it (see :class:`ServerCopy`); set and cleared as a whole.
_server_copy: tuple[str, ox.Store] | None = None


def server_copy(folder: Path | None = None) -> ox.Store | None:
    """The server's complete copy (of ``folder``, when given), or ``None``."""
    shared = _server_copy
    if shared is None or (folder is not None and shared[0] != str(folder)):
        return None
    return shared[1]


#: The program that writes the quads of the database named by its argument as N-Quads to its
#: standard output (run in a process of its own by :func:`copy_database`).
_DUMP: Final = (
    "import sys, pyoxigraph as ox; "
    "ox.Store.read_only(sys.argv[1]).dump(sys.stdout.buffer, ox.RdfFormat.N_QUADS)"
)


def copy_database(version: Version) -> ox.Store:
    """A new in-memory store with the quads of ``version``, blank node labels included.

    A process of its own opens the on-disk database and writes its quads as N-Quads into a
    pipe (reading RocksDB is most of the work); here the engine's parser reads the pipe through
    its path in ``/proc`` and the quads go into the new store. The two sides run in parallel,
    and RocksDB is never opened in this process. The parser keeps blank node labels (the
    engine's ``load`` would rename them). The quads pass through a Python generator so that
    the interpreter hands the GIL to this process's other threads every few milliseconds: they
    go on answering while the copy is made. The copy must hold as many quads as the stamp
    says (the gunicorn master reaps every child, so the writer's exit status can be lost).
    Raises :class:`StoreError` when it cannot be made."""
    folder = version.folder
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
    if version.quads and len(memory) != version.quads:
        raise StoreError(
            f"cannot copy {folder} into memory: {len(memory)} quads read, {version.quads} stored"
        )
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
        """The complete copy of ``folder`` made by process ``pid``, else the server's copy of
        it, or ``None``. An own copy of another version, or the parent process's, is let go."""
        with self._lock:
            copy = self._copy
            if copy is not None and copy[:2] == (str(folder), pid):
                return copy[2]
            self._copy = None
        return server_copy(folder)

    def holds(self, folder: Path, pid: int) -> bool:
        """Whether a complete copy of ``folder`` for process ``pid`` is there (its own or the
        server's)."""
        copy = self._copy
        own = copy is not None and copy[:2] == (str(folder), pid)
        return own or server_copy(folder) is not None

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
            args=(version, pid),
            name="store-memory-copy",
            daemon=True,
        ).start()

    def drop(self) -> None:
        """Forget the copy and any copy under way (its result is thrown away)."""
        with self._lock:
            self._copy = None
            self._copying = None

    def _load(self, version: Version, pid: int) -> None:
        began = time.monotonic()
        folder = version.folder
        try:
            memory = copy_database(version)
            quads = len(memory)
        except Exception as error:  # a thread's last stop: log it, go on on disk
            # A damaged database, say, or no process to copy with: the disk answers (or
            # reports), and a later start() may try again.
            log.warning("no in-memory copy of %s: %s; querying it on disk", folder, error)
            with self._lock:
                if self._copying == (str(folder), pid):
                    self._copying = None
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


class ServerCopy:
    """The server's one in-memory copy of the current version, made in the gunicorn master.

    :meth:`watch` starts a thread that watches the ``current`` link and copies each version of
    more than ``min_quads`` and at most ``max_quads`` quads (a smaller one each worker copies
    itself, cheaply, with no worker replaced after a build; a larger one is queried on disk).
    :attr:`fork_lock` is held while a copy is made: the master forks no worker then, so no
    worker inherits a half-made store or a lock the copying thread holds. :attr:`generation`
    counts the changes of :func:`server_copy`; a worker forked at an older one holds an old copy
    or none, and is replaced."""

    def __init__(self, path: Path, min_quads: int, max_quads: int, poll: float = 1.0) -> None:
        self.min_quads = min_quads
        self.max_quads = max_quads
        self.poll = poll
        self.fork_lock = threading.Lock()
        self.generation = 0
        self._link = CurrentLink(path)
        self._seen: str | None = None
        self._thread: threading.Thread | None = None

    def watch(self) -> None:
        """Start the thread that copies the current version and each new one (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="server-copy", daemon=True)
            self._thread.start()

    def busy(self) -> bool:
        """Whether a copy is being made now."""
        return self.fork_lock.locked()

    def _watch(self) -> None:
        while True:
            try:
                self.refresh()
            except Exception:  # the watcher must outlive any one failure
                log.exception("the server's copy of the store: the watcher failed; it goes on")
            time.sleep(self.poll)

    def refresh(self) -> None:
        """Copy the current version if it is new (or drop the copy when it is too large)."""
        global _server_copy
        current = self._link.read()
        if current is None or current.link == self._seen:
            return
        self._seen = current.link
        # The old version's copy goes now; the workers that hold it are replaced once the new
        # one is complete (until then they query the new version on disk), or at once when
        # there will be none.
        had, _server_copy = _server_copy is not None, None
        if not self.min_quads < current.quads <= self.max_quads:
            self.generation += had
            return
        began = time.monotonic()
        try:
            with self.fork_lock:
                memory = copy_database(current)
        except (StoreError, MemoryError, OSError) as error:
            log.warning("no in-memory copy of %s: %s; querying it on disk", current.folder, error)
            self.generation += had
            return
        if self._link.read() != current:
            # A build made another version current meanwhile: this copy would be out of date
            # at once (and replacing every worker for it wasted); the next look copies that one.
            self._seen = None
            self.generation += had
            return
        _server_copy = (str(current.folder), memory)
        self.generation += 1
        log.info(
            "server's copy of the store: %d quads of %s copied in %.1f s",
            current.quads,
            current.folder.name,
            time.monotonic() - began,
        )
