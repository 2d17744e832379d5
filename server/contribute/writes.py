"""The write path: replace (PUT), merge (POST) or delete a contribution graph, all or nothing.

One write at a time (:meth:`History.lock`, across every server process), in this order:

1. finish whatever a crash interrupted (:meth:`History.sync`);
2. check ``If-Match`` / ``If-None-Match`` against the graph's current version (412);
3. make the new content: the body (PUT), the union of the current triples and the body's
   (POST, written out as Turtle), or nothing (DELETE);
4. validate exactly as ``regiograaf validate`` does, in the context of all other data, and also
   every other data file with the new content in place (a write may not break what is there):
   a syntax error is :class:`Rejected` with 400, any violation with 422, and nothing changes;
5. keep the content by its hash, note the pending version, replace the file durably
   (:func:`~server.contribute.files.write_atomic`), append the version to the log;
6. rebuild the store (``regiograaf build``, in a process of its own) and let it swap in
   atomically.

The answer comes when the new version is served (step 6 done): the write waits for the build
(seconds), and then every reader of ``/sparql`` and ``/graph-store`` sees the new data. A crash
at any moment leaves the old file or the new one (``regiograaf serve`` rebuilds a store that is
older than the files when it starts, and :meth:`History.sync` completes the log).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from server.build.history import Version
from server.build.sources import discover
from server.build.turtle import TurtleSyntaxError, parse_turtle_bytes
from server.build.validation import FileResult, ValidationReport, validate_files
from server.build.validation.context import Context, load_context
from server.build.validation.ownership import resolve_owner
from server.contribute.errors import PreconditionFailed
from server.contribute.files import remove_atomic, remove_leftovers, write_atomic
from server.contribute.graphs import ContributionGraph
from server.contribute.history import History, counts
from server.contribute.reports import relative, what_concerns
from server.errors import NotFound, StoreError
from server.messages import N_
from server.rdf.namespaces import query_prefixes
from server.settings import Settings
from server.store.embedded import EmbeddedStore

__all__ = ["Contributions", "Outcome", "Rejected", "Writer", "organisation_iri"]

#: Seconds a rebuild after a write may take.
BUILD_TIMEOUT = 600


@dataclass(frozen=True)
class Writer:
    """Who writes: the token's id and name, and its organisation's contribution folder."""

    token: str
    name: str
    organisation: str


@dataclass(frozen=True)
class Outcome:
    """A write that was accepted: ``created`` for a new graph, the version it made (or the
    current one when nothing changed) and the data version now served."""

    created: bool
    changed: bool
    version: Version | None
    data_version: str | None


class Rejected(Exception):
    """A write that validation refused: ``status`` 400 (syntax error) or 422 (violations), and
    the report (files relative to the project root)."""

    def __init__(self, status: int, report: ValidationReport) -> None:
        super().__init__(f"{status}: the contribution does not conform")
        self.status = status
        self.report = report


#: The data of the last context, merged (made again when a file changes).
_MERGED: list[tuple[Context, Graph]] = []


def _all_data(root: Path) -> Graph:
    context = load_context(root.resolve())
    for known, merged in _MERGED:
        if known is context:
            return merged
    merged = Graph()
    for graph in context.data.values():
        merged += graph
    _MERGED[:] = [(context, merged)]
    return merged


def organisation_iri(root: Path, code: str) -> str | None:
    """The IRI of the organisation whose contribution folder is ``code``, from the data under
    ``root``; ``None`` when no organisation has that code."""
    found = resolve_owner(code, _all_data(root))
    return str(found) if found is not None else None


def etag_matches(header: str, current: str | None) -> bool:
    """Whether an ``If-Match``/``If-None-Match`` value matches the version with hash
    ``current`` (``*``: any version; a tag of any representation of it counts)."""
    tags = [t.strip() for t in header.split(",") if t.strip()]
    if "*" in tags:
        return current is not None
    if current is None:
        return False
    for tag in tags:
        if tag.startswith("W/"):
            continue  # If-Match compares strongly (RFC 9110 §13.1.1)
        value = tag.strip('"')
        if value == current or value.startswith(current + "-"):
            return True
    return False


class Contributions:
    """The contribution files of the project named in ``settings``, and their history."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.root
        self.history = History(settings.history_folder, settings.root)

    def current(self, graph: ContributionGraph) -> bytes | None:
        """The content of ``graph``'s file, or ``None`` when there is none."""
        try:
            return graph.path(self.root).read_bytes()
        except FileNotFoundError:
            return None

    def organisations(self) -> dict[str, str]:
        """The organisation IRI of every contribution folder that has files or history."""
        codes = {v.code for v in self.history.versions()}
        folder = self.root / "data" / "contributions"
        if folder.is_dir():
            codes |= {p.name for p in folder.iterdir() if p.is_dir()}
        found = {code: organisation_iri(self.root, code) for code in sorted(codes)}
        return {code: iri for code, iri in found.items() if iri is not None}

    def sync(self, *, blocking: bool = True) -> None:
        """Bring the history up to date with the files (:meth:`History.sync`); without
        ``blocking``, only when no write is going on."""
        with self.history.lock(blocking=blocking) as held:
            if held:
                self.history.sync(self.organisations())

    def write(
        self,
        method: str,
        graph: ContributionGraph,
        body: bytes | None,
        writer: Writer,
        *,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> Outcome:
        """PUT, POST or DELETE ``graph`` (see the module docstring). Raises
        :class:`~server.contribute.errors.PreconditionFailed` (412),
        :class:`~server.errors.NotFound` (DELETE of a graph that does not exist) or
        :class:`Rejected` (400, 422)."""
        with self.history.lock():
            self.history.sync(self.organisations())
            remove_leftovers(self.root / "data" / "contributions")
            old = self.current(graph)
            old_sha = hashlib.sha256(old).hexdigest() if old is not None else None
            if if_match is not None and not etag_matches(if_match, old_sha):
                raise PreconditionFailed.saying(
                    N_("De graaf is intussen veranderd (If-Match); haal hem opnieuw op.")
                )
            if if_none_match is not None and etag_matches(if_none_match, old_sha):
                raise PreconditionFailed.saying(
                    N_("De graaf bestaat al in deze versie (If-None-Match).")
                )
            if method == "DELETE" and old is None:
                raise NotFound.saying(N_("Geen bijdrage onder deze naam: <%(iri)s>"), iri=graph.iri)
            new = self._new_content(method, graph, old, body)
            if new == old:
                versions = self.history.of_graph(graph)
                return Outcome(False, False, versions[-1] if versions else None, None)
            self._validate(graph, new)
            version = self._commit(graph, old, new, method, writer)
            data_version = self._publish()
        return Outcome(old is None, True, version, data_version)

    def _new_content(
        self, method: str, graph: ContributionGraph, old: bytes | None, body: bytes | None
    ) -> bytes | None:
        if method == "DELETE":
            return None
        assert body is not None
        if method == "PUT" or old is None:
            return body
        path = graph.path(self.root)
        try:
            added = parse_turtle_bytes(body, path).graph
        except TurtleSyntaxError as error:
            raise Rejected(400, self._syntax_report(path, error)) from None
        merged = parse_turtle_bytes(old, Path(str(path) + ".bestaand")).graph
        merged += added
        for prefix, namespace in query_prefixes().items():
            merged.bind(prefix, URIRef(namespace), override=False)
        return merged.serialize(format="turtle", encoding="utf-8")

    def _syntax_report(self, path: Path, error: TurtleSyntaxError) -> ValidationReport:
        return relative(ValidationReport((FileResult(path, error, ()),)), self.root)

    def _validate(self, graph: ContributionGraph, new: bytes | None) -> None:
        """Validate the new content and every other data file with it (see step 4)."""
        path = graph.path(self.root)
        others = [
            s.path
            for s in discover(self.root, with_hashes=False)
            if s.is_data and s.path.resolve() != path.resolve()
        ]
        if new is None:
            report = validate_files(others, self.root, removed=[path])
            concerns = what_concerns(report, None)
            syntax = False
        else:
            report = validate_files([path, *others], self.root, texts={path: new})
            concerns = what_concerns(report, 0)
            syntax = report.files[0].syntax_error is not None
        if not concerns.conforms:
            raise Rejected(400 if syntax else 422, relative(concerns, self.root))

    def _commit(
        self,
        graph: ContributionGraph,
        old: bytes | None,
        new: bytes | None,
        method: str,
        writer: Writer,
    ) -> Version:
        """Keep, note, write and log the new version (step 5)."""
        path = graph.path(self.root)
        triples, added, removed = counts(old, new, path)
        version = self.history.next_version(
            graph,
            sha256=self.history.keep(new) if new is not None else None,
            operation=method,
            organisation=organisation_iri(self.root, graph.code) or "",
            by=writer.token,
            by_name=writer.name,
            size=len(new) if new is not None else 0,
            triples=triples,
            added=added,
            removed=removed,
        )
        self.history.begin(version)
        if new is None:
            remove_atomic(path)
        else:
            write_atomic(path, new)
        self.history.commit(version)
        return version

    def _publish(self) -> str:
        """Rebuild the store and swap it in (step 6); the data version now served.

        The build runs as ``regiograaf build`` in a process of its own: a gunicorn worker is
        forked from a process that already used the store's database engine, whose
        background threads a fork does not copy, so writing a database in the worker itself
        would wait for them forever. A process of its own also gives its memory back."""
        package = Path(__file__).resolve().parents[2]
        env = {
            **os.environ,
            "REGIOGRAAF_ROOT": str(self.settings.root),
            "REGIOGRAAF_STORE": str(self.settings.store),
            "REGIOGRAAF_HISTORY": str(self.settings.history_folder),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(package), os.environ.get("PYTHONPATH")])
            ),
        }
        done = subprocess.run(
            [sys.executable, "-m", "server", "build"],
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise StoreError(
                f"the build after an accepted write failed ({done.returncode}): "
                f"{done.stderr[-2000:]}"
            )
        version = EmbeddedStore(self.settings.store).data_version()
        if version is None:  # pragma: no cover - a build that succeeded wrote a version
            raise StoreError("the build after an accepted write left no data version")
        return version
