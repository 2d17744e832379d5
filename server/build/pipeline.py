"""Build the store: discover → parse → validate → infer → load (DESIGN.md, "Data flow").

:func:`build` is what ``regiograaf build`` and ``regiograaf serve`` (when the store is missing
or stale) run. It returns a :class:`BuildResult`; a Turtle syntax error or a SHACL violation
stops it before anything is published, so the served store never changes because of a bad file.

A build is *full* (every source parsed with the engine's parser and bulk-loaded into a new
database, :mod:`.full`) or *incremental* (the current version copied and only the changed
files redone, :mod:`.changes`), as :func:`server.build.state.plan` decides from what the
previous build kept. Both give the same store; the tests compare them graph by graph.

What is loaded (docs/model.md):

- one named graph per source file (:func:`server.build.sources.graph_iri`), shapes included;
- the useful OWL RL entailments in ``.../graph/inferred`` (:mod:`.inferring`, with owlrl,
  :mod:`.inference`, as the reference and the fallback for axioms the rules do not cover);
- build metadata in ``.../graph/meta``: per source an ``rg:SourceDocument`` (a
  ``prov:Entity``) named by its graph IRI, with ``dct:source`` (its relative path) and
  ``rg:sha256``; files under ``data/contributions/<cbs>/`` are also ``rg:Contribution`` with
  ``rg:forMunicipality``; plus the dataset node :data:`DATASET_IRI` with the data version
  (``dct:hasVersion``), ``prov:generatedAtTime`` and ``dct:hasPart`` for every graph; and the
  versions of the contributions written over the web, as PROV (:mod:`server.build.history`).

The data version is a SHA-256 over the sorted relative paths and file hashes of the sources and
the code version (:func:`code_version`): a build of unchanged sources with unchanged code does
no work, and any added, removed or changed file rebuilds. The examples (``data/voorbeelden/``)
are sources only when the ``examples`` setting is on (:func:`server.build.sources.selected`), so
switching it rebuilds too.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.metadata
import logging
from collections.abc import Iterator

from server.build import changes, full
from server.build.job import DATASET_IRI, META_GRAPH, BuildResult, Job, meta_graph
from server.build.sources import Source, check_root, discover, selected
from server.build.state import BuildState, code_digest, plan
from server.progress import Progress
from server.rdf.namespaces import INFERRED_GRAPH
from server.settings import Settings
from server.store.embedded import EmbeddedStore

__all__ = [
    "DATASET_IRI",
    "META_GRAPH",
    "BuildResult",
    "build",
    "code_version",
    "data_version",
    "meta_graph",
]

#: Modules and packages (under ``server/``) whose code decides what ends up in the store: a
#: change rebuilds.
_PIPELINE_CODE = (
    "build/pipeline.py",
    "build/job.py",
    "build/full.py",
    "build/changes.py",
    "build/state.py",
    "build/parsing.py",
    "build/rules.py",
    "build/closure.py",
    "build/inferring.py",
    "build/sources.py",
    "build/inference.py",
    "build/turtle",
    "store/embedded.py",
    "store/syntax.py",
    "store/terms.py",
    "store/versions.py",
    "store/writer.py",
)


def code_version() -> str:
    """The package version plus a short hash of the pipeline modules' code."""
    try:
        version = importlib.metadata.version("regiograaf")
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    return f"{version}+{code_digest(_PIPELINE_CODE)[:12]}"


def data_version(sources: list[Source], code: str | None = None) -> str:
    """SHA-256 over the sorted (relative path, file hash) pairs and the code version."""
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda item: item.relpath):
        digest.update(f"{source.relpath}\t{source.sha256}\n".encode())
    digest.update(f"code\t{code or code_version()}\n".encode())
    return digest.hexdigest()


def build(
    settings: Settings, *, force: bool = False, progress: Progress | None = None
) -> BuildResult:
    """Parse, validate, infer and load the sources under ``settings.root`` into
    ``settings.store``; do nothing when the store already holds this data version.

    A store whose database cannot be read (damaged, deleted) is built again, with a warning.
    Raises :class:`~server.build.sources.MissingSourcesError` (store untouched) when the root has no
    ontology or shapes."""
    progress = progress or Progress.quiet()
    check_root(settings.root)
    with progress.stage("discover") as stage:
        sources = selected(discover(settings.root), examples=settings.examples)
        stage.step(len(sources))
    code = code_version()
    version = data_version(sources, code)
    store = EmbeddedStore(settings.store, read_only=False)
    if not force:
        damage = store.damage()
        if damage is not None:
            # Nothing of the damaged version is reused, whether or not the sources changed.
            logging.getLogger(__name__).warning(
                "the store is damaged, building it again: %s", damage
            )
            force = True
        elif store.data_version() == version:
            return _up_to_date(store, version, sources)
    with store.writing(), _few_collections():
        state = None if force else BuildState.from_json(store.build_state())
        job = Job(settings, store, sources, version, code, progress, state)
        decided = plan(sources, state, code, force=force)
        if not decided.full:
            result = changes.run(job, decided)
            if result is not None:
                return result
            decided.reason = "the schema or the goals changed"
        progress.note(f"full build: {decided.reason}")
        return full.run(job, decided.reason)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cycle collector runs less often while a build writes: a build makes millions
    of objects that live until it ends (graphs, terms, sets), and every full collection walks
    them all (a quarter of the build's time at 10,000 projects). What the build drops is still
    freed at once by reference counting; only cycles wait a little longer."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _up_to_date(store: EmbeddedStore, version: str, sources: list[Source]) -> BuildResult:
    """The result of a build that had nothing to do: the counts of the stored version."""
    stamp = store.stamp() or {}
    graphs = dict(stamp.get("graphs") or {})
    return BuildResult(
        status="up-to-date",
        data_version=version,
        sources=sources,
        graphs=graphs,
        triples=int(stamp.get("triples") or 0),
        inferred=int(graphs.get(INFERRED_GRAPH, 0)),
    )
