"""Keeping the history of the contributions: content by hash, the version log, recovery.

The layout of the history folder (setting ``history``; the log format is
:mod:`server.build.history`)::

    <history>/log.jsonl              one line per accepted version, appended and fsynced
    <history>/objects/<sha256>.ttl   the content of every version (written once, never changed)
    <history>/pending.json           the version being written right now (see below)
    <history>/write.lock             held by whoever writes a contribution (one at a time)

A write (:mod:`.writes`) keeps the content first, then writes :data:`PENDING` (the version it is
about to make), then replaces the contribution file, then appends the version to the log and
removes :data:`PENDING`. :meth:`History.sync` (run under the write lock before every write, and
when a server process first reads the history) finishes what a crash interrupted: a pending
version whose content is in the file is appended to the log (the write happened), one whose
content is not is dropped (it did not). It also records every contribution file whose content
differs from the log's last version of it, with operation ``"file"`` (a merged pull request, a
file edited on the server): so the log always ends with what the files hold.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_isomorphic

from server.build.history import LOG, OBJECTS, Version, read_log
from server.build.turtle import TurtleSyntaxError, parse_turtle_bytes
from server.contribute.files import locked, remove_atomic, write_atomic
from server.contribute.graphs import ContributionGraph

__all__ = ["PENDING", "History", "counts", "now"]

log = logging.getLogger(__name__)

PENDING = "pending.json"
LOCK = "write.lock"


def now() -> str:
    """The current time in UTC, to the second, as ``xsd:dateTime`` (``...Z``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _triples(data: bytes | None, path: Path) -> Graph:
    """The triples of a version (none for a deletion or a file that does not parse), with
    canonical blank nodes so two versions compare triple by triple."""
    if data is None:
        return Graph()
    try:
        return to_isomorphic(parse_turtle_bytes(data, path).graph)
    except TurtleSyntaxError:
        return Graph()


def counts(old: bytes | None, new: bytes | None, path: Path) -> tuple[int, int, int]:
    """The triples of ``new`` and how many were added and removed since ``old``."""
    before, after = _triples(old, path), _triples(new, path)
    return len(after), len(after - before), len(before - after)


class History:
    """The history folder ``folder`` of the project under ``root``."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = Path(folder)
        self.root = Path(root)

    # reading

    def versions(self) -> list[Version]:
        """Every version, in the order they were accepted."""
        return read_log(self.folder)

    def of_graph(self, graph: ContributionGraph) -> list[Version]:
        """The versions of ``graph``, oldest first."""
        return [v for v in self.versions() if v.graph == graph.iri]

    def content(self, sha256: str) -> bytes:
        """The content of the version with hash ``sha256`` (:class:`FileNotFoundError`)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise FileNotFoundError(sha256)
        return (self.folder / OBJECTS / f"{sha256}.ttl").read_bytes()

    # writing (under :meth:`lock`)

    @contextlib.contextmanager
    def lock(self, *, blocking: bool = True) -> Iterator[bool]:
        """Hold the write lock; yields ``False`` (without it) when ``blocking`` is off and
        another process holds it."""
        if blocking:
            with locked(self.folder / LOCK):
                yield True
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / LOCK).open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def keep(self, data: bytes) -> str:
        """Keep ``data`` by its hash (once); the hash."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.folder / OBJECTS / f"{sha}.ttl"
        if not target.exists():
            write_atomic(target, data)
        return sha

    def begin(self, version: Version) -> None:
        """Say which version is about to be written (:data:`PENDING`)."""
        write_atomic(self.folder / PENDING, version.to_json().encode("utf-8"))

    def commit(self, version: Version) -> None:
        """Append ``version`` to the log (durably) and clear :data:`PENDING`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.folder / LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, (version.to_json() + "\n").encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        with contextlib.suppress(FileNotFoundError):
            remove_atomic(self.folder / PENDING)

    def next_version(self, graph: ContributionGraph, **fields: object) -> Version:
        """The version after the last one of ``graph`` (and of the log), with ``fields``."""
        versions = self.versions()
        mine = [v for v in versions if v.graph == graph.iri]
        last_time = versions[-1].at if versions else ""
        return Version(
            seq=(versions[-1].seq if versions else 0) + 1,
            graph=graph.iri,
            path=graph.relpath,
            number=(mine[-1].number if mine else 0) + 1,
            at=max(now(), last_time),  # the feed's timestamps never go back
            **fields,  # type: ignore[arg-type]
        )

    def sync(self, organisation_of: dict[str, str]) -> list[Version]:
        """Finish an interrupted write and record the files that differ from the log (see the
        module docstring); the versions added. ``organisation_of`` maps a folder to the IRI of
        its organisation. Call it holding :meth:`lock`."""
        added = []
        pending = self._pending()
        latest = {v.graph: v for v in self.versions()}
        if pending is not None:
            graph = ContributionGraph.from_relpath(pending.path)
            on_disk = self._file_hash(graph) if graph else None
            if graph is not None and on_disk == pending.sha256:
                last = latest.get(pending.graph)
                if last is None or last.sha256 != pending.sha256 or last.seq < pending.seq:
                    fixed = self.next_version(graph, **_fields(pending))
                    self.commit(fixed)
                    added.append(fixed)
                    latest[fixed.graph] = fixed
            with contextlib.suppress(FileNotFoundError):
                remove_atomic(self.folder / PENDING)
        added += self._record_files(latest, organisation_of)
        return added

    def _pending(self) -> Version | None:
        try:
            data = json.loads((self.folder / PENDING).read_text(encoding="utf-8"))
            return Version(**data)
        except FileNotFoundError:
            return None
        except (ValueError, TypeError):
            log.warning("%s is not a version; ignored", self.folder / PENDING)
            return None

    def _file_hash(self, graph: ContributionGraph) -> str | None:
        try:
            return hashlib.sha256(graph.path(self.root).read_bytes()).hexdigest()
        except FileNotFoundError:
            return None

    def _record_files(
        self, latest: dict[str, Version], organisation_of: dict[str, str]
    ) -> list[Version]:
        """A ``"file"`` version for every contribution file (or removed file) that differs
        from its last version in the log."""
        on_disk = {}
        folder = self.root / "data" / "contributions"
        for path in sorted(folder.glob("*/*.ttl")) if folder.is_dir() else []:
            graph = ContributionGraph.from_relpath(path.relative_to(self.root).as_posix())
            if graph is not None:
                on_disk[graph.iri] = graph
        added = []
        for iri in sorted(set(on_disk) | set(latest)):
            last = latest.get(iri)
            graph = on_disk.get(iri) or ContributionGraph.from_iri(iri)
            assert graph is not None
            data = graph.path(self.root).read_bytes() if iri in on_disk else None
            sha = hashlib.sha256(data).hexdigest() if data is not None else None
            if (last.sha256 if last else None) == sha:
                continue
            if sha is not None:
                self.keep(data)  # type: ignore[arg-type]
            old = self.content(last.sha256) if last and last.sha256 else None
            triples, plus, minus = counts(old, data, graph.path(self.root))
            version = self.next_version(
                graph,
                sha256=sha,
                operation="file",
                organisation=organisation_of.get(graph.code, ""),
                by=None,
                by_name=None,
                size=len(data) if data is not None else 0,
                triples=triples,
                added=plus,
                removed=minus,
            )
            self.commit(version)
            added.append(version)
        return added


def _fields(version: Version) -> dict[str, object]:
    """The fields of ``version`` that :meth:`History.next_version` does not set itself."""
    numbering = ("seq", "graph", "path", "number", "at")
    return {k: v for k, v in asdict(version).items() if k not in numbering}
