"""The version folders of the embedded store on disk: write, swap, prune, and read ``current``.

Layout of the store folder (``settings.store``)::

    <store>/current -> versions/<name>     symlink, swapped atomically by a build
    <store>/versions/<name>/oxigraph/      the pyoxigraph database of one build
    <store>/versions/<name>/stamp.json     data version, counts and build metadata
    <store>/.lock                          held while a build writes

:func:`publish` writes a new version folder, closes its database, and then points ``current``
at it with an atomic rename, so a server reading the old version is never left with a
half-built store. Every version is immutable once ``current`` points at it. :func:`prune`
keeps the new version and the one ``current`` named before it (the last good version, which a
worker may still be reading) and removes every other folder: older versions, and what a build
that was killed left behind (a version folder never made current, a temporary link).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox
from rdflib import Graph

from server.store import StoreError
from server.store.terms import ToOxigraph

__all__ = [
    "CURRENT",
    "DATABASE",
    "MERGED_DEFAULT",
    "STAMP",
    "VERSIONS",
    "CurrentLink",
    "Version",
    "complete",
    "current_name",
    "lock",
    "make_stamp",
    "new_folder",
    "prune",
    "publish",
]

CURRENT = "current"
VERSIONS = "versions"
STAMP = "stamp.json"
#: Stamp key: this version's default graph holds the RDF merge of all its named graphs.
MERGED_DEFAULT = "default_graph_is_merge"
DATABASE = "oxigraph"


class Version(NamedTuple):
    """One complete version: the text of the ``current`` link that names it, its folder, and
    its stamp (``None`` when the stamp is not valid JSON)."""

    link: str
    folder: Path
    stamp: dict[str, Any] | None

    @property
    def quads(self) -> int:
        """The number of quads in its database, as the stamp says (0 when unknown)."""
        stamp = self.stamp or {}
        return int(stamp.get("quads") or stamp.get("triples") or 0)


class CurrentLink:
    """Reads which version ``<store>/current`` names.

    A version never changes once ``current`` points at it, so while the link text stays the
    same neither path resolution nor the stamp file need reading again. Asked on every request
    by the server; one readlink(2) is all that remains.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._link = str(root / CURRENT)
        self._seen: Version | None = None

    def read(self) -> Version | None:
        """The current version, or ``None`` when there is none (or it is not complete yet)."""
        try:
            link = os.readlink(self._link)
        except OSError:
            return None
        seen = self._seen
        if seen is not None and seen.link == link:
            return seen
        folder = (self.root / link).resolve()
        try:
            text = (folder / STAMP).read_text(encoding="utf-8")
        except OSError:
            return None  # not (yet) a complete version: nothing is cached
        try:
            stamp: dict[str, Any] | None = json.loads(text)
        except ValueError:
            stamp = None
        self._seen = Version(link, folder, stamp)
        return self._seen


@contextlib.contextmanager
def lock(root: Path) -> Iterator[None]:
    """Hold the store's write lock (one build at a time)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(
    root: Path, graphs: Mapping[str, Graph], data_version: str, metadata: Mapping[str, Any]
) -> str:
    """Write ``graphs`` into a new version folder and make it current; its name. Call it
    holding :func:`lock`. Nothing of the new version is left behind when it fails."""
    name, folder = new_folder(root, data_version)
    try:
        counts, quads = write_database(folder / DATABASE, graphs)
        complete(root, name, make_stamp(data_version, counts, quads, metadata))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return name


def new_folder(root: Path, data_version: str) -> tuple[str, Path]:
    """A new, empty version folder under ``root``: its name and path."""
    versions = root / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{data_version[:12]}-{uuid.uuid4().hex[:6]}"
    folder = versions / name
    folder.mkdir()
    return name, folder


def make_stamp(
    data_version: str, counts: Mapping[str, int], quads: int, metadata: Mapping[str, Any]
) -> dict[str, Any]:
    """The stamp of a version: data version, triples per graph, quads in the database (named
    graphs plus the merged default graph) and the build's metadata."""
    return {
        "data_version": data_version,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "graphs": dict(counts),
        "triples": sum(counts.values()),
        "quads": quads,
        MERGED_DEFAULT: True,
        "metadata": dict(metadata),
    }


def complete(root: Path, name: str, stamp: Mapping[str, Any]) -> None:
    """Write the stamp of the written version ``name`` (its database closed) and make it
    current."""
    folder = root / VERSIONS / name
    text = json.dumps(stamp, indent=2, sort_keys=True)
    (folder / STAMP).write_text(text, encoding="utf-8")
    _swap(root, name)


def write_database(database: Path, graphs: Mapping[str, Graph]) -> tuple[dict[str, int], int]:
    """Write ``graphs`` and their merge as the default graph into a new database; the triples
    per graph and the number of quads in the database."""
    convert = ToOxigraph()
    counts: dict[str, int] = {}
    db: ox.Store | None = None
    try:
        db = ox.Store(str(database))
        for iri, graph in graphs.items():
            db.bulk_extend(convert.quads(graph, iri))
            # The default graph is a set: a triple of several graphs is stored once.
            db.bulk_extend(convert.quads(graph, None))
            counts[iri] = len(graph)
        quads = len(db)
        db.flush()
        db.optimize()
    except (OSError, ValueError) as error:
        # ValueError: pyoxigraph rejects a term (an invalid IRI, language tag, ...).
        raise StoreError(f"cannot write {database}: {error}") from error
    finally:
        # Close RocksDB before anyone opens the folder read-only.
        db = None
        gc.collect()
    return counts, quads


def _swap(root: Path, name: str) -> None:
    temporary = root / f".{CURRENT}-{uuid.uuid4().hex}"
    os.symlink(f"{VERSIONS}/{name}", temporary)
    os.replace(temporary, root / CURRENT)


def current_name(root: Path) -> str | None:
    """The name of the version folder ``<root>/current`` names, or ``None``."""
    try:
        return Path(os.readlink(root / CURRENT)).name
    except OSError:
        return None


def prune(root: Path, keep: str, previous: str | None) -> None:
    """Remove every version folder but ``keep`` (the new current version) and ``previous``
    (the one current before it), and the temporary links of interrupted swaps. Call it holding
    :func:`lock`: no other build is writing a folder."""
    for path in (root / VERSIONS).iterdir():
        if path.name not in (keep, previous):
            shutil.rmtree(path, ignore_errors=True)
    for link in root.glob(f".{CURRENT}-*"):
        with contextlib.suppress(OSError):
            link.unlink()
