"""Build the store: discover → parse → validate → infer → load (DESIGN.md, "Data flow").

:func:`build` is what ``regiograaf build`` and ``regiograaf serve`` (when the store is missing
or stale) run. It returns a :class:`BuildResult`; a Turtle syntax error or a SHACL violation
stops it before anything is written, so the served store never changes because of a bad file.

What is loaded (docs/model.md):

- one named graph per source file (:func:`server.build.sources.graph_iri`), shapes included;
- the useful OWL RL entailments in ``.../graph/inferred`` (:mod:`server.build.inference`);
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

import hashlib
import importlib.metadata
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from rdflib import Graph, Namespace, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import DCTERMS, PROV, RDF, VOID, XSD

from server.build import vocabulary
from server.build.history import prov_graph, read_log
from server.build.inference import infer_with_messages, union
from server.build.sources import (
    Source,
    check_root,
    discover,
    inference_sources,
    selected,
)
from server.build.turtle import TurtleSyntaxError, parse_turtle
from server.build.validation import ValidationReport, validate_files
from server.rdf.namespaces import GRAPH_BASE, ID_BASE, INFERRED_GRAPH
from server.settings import Settings
from server.store.embedded import EmbeddedStore

RG = Namespace(vocabulary.RG)
#: The named graph with build metadata.
META_GRAPH = GRAPH_BASE + "meta"
#: The node in the meta graph that describes the loaded dataset as a whole.
DATASET_IRI = ID_BASE + "dataset/regiograaf"

#: Modules and packages (under ``server/``) whose code decides what ends up in the store: a
#: change rebuilds.
_PIPELINE_CODE = (
    "build/pipeline.py",
    "build/sources.py",
    "build/inference.py",
    "build/turtle",
    "store/embedded.py",
    "store/syntax.py",
    "store/terms.py",
    "store/versions.py",
)

Status = Literal["built", "up-to-date", "syntax-error", "invalid"]


@dataclass
class BuildResult:
    """What a build did: ``status`` and, for a build, the counts; for a failure, the reason."""

    status: Status
    data_version: str
    sources: list[Source] = field(default_factory=list)
    graphs: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    inferred: int = 0
    syntax_error: TurtleSyntaxError | None = None
    report: ValidationReport | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the store holds the current sources (built now or already up to date)."""
        return self.status in ("built", "up-to-date")


def code_version() -> str:
    """The package version plus a short hash of the pipeline modules' code."""
    try:
        version = importlib.metadata.version("regiograaf")
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for name in _PIPELINE_CODE:
        path = package / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


def data_version(sources: list[Source], code: str | None = None) -> str:
    """SHA-256 over the sorted (relative path, file hash) pairs and the code version."""
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda item: item.relpath):
        digest.update(f"{source.relpath}\t{source.sha256}\n".encode())
    digest.update(f"code\t{code or code_version()}\n".encode())
    return digest.hexdigest()


def meta_graph(sources: list[Source], version: str, graphs: list[str], when: datetime) -> Graph:
    """The build metadata graph (see the module docstring)."""
    meta = Graph()
    meta.bind("rg", RG)
    meta.bind("dct", DCTERMS)
    meta.bind("prov", PROV)
    dataset = URIRef(DATASET_IRI)
    meta.add((dataset, RDF.type, PROV.Entity))
    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, DCTERMS.hasVersion, RDFLiteral(version)))
    meta.add((dataset, PROV.generatedAtTime, RDFLiteral(when.isoformat(), datatype=XSD.dateTime)))
    for graph in graphs:
        meta.add((dataset, DCTERMS.hasPart, URIRef(graph)))
    for source in sources:
        node = URIRef(source.graph)
        meta.add((node, RDF.type, RG.SourceDocument))
        meta.add((node, RDF.type, PROV.Entity))
        meta.add((node, DCTERMS.source, RDFLiteral(source.relpath)))
        meta.add((node, RG.sha256, RDFLiteral(source.sha256)))
        if source.kind == "example":
            meta.add((node, RG.isExample, RDFLiteral(True)))
        municipality = source.municipality
        if municipality is not None:
            meta.add((node, RDF.type, RG.Contribution))
            meta.add((node, RG.forMunicipality, URIRef(municipality)))
    return meta


def build(settings: Settings, *, force: bool = False) -> BuildResult:
    """Parse, validate, infer and load the sources under ``settings.root`` into
    ``settings.store``; do nothing when the store already holds this data version.

    A store whose database cannot be read (damaged, deleted) is built again, with a warning.
    Raises :class:`~server.build.sources.MissingSourcesError` (store untouched) when the root has no
    ontology or shapes."""
    check_root(settings.root)
    sources = selected(discover(settings.root), examples=settings.examples)
    version = data_version(sources)
    store = EmbeddedStore(settings.store, read_only=False)
    if not force and store.data_version() == version:
        damage = store.damage()
        if damage is None:
            return _up_to_date(store, version, sources)
        logging.getLogger(__name__).warning("the store is damaged, building it again: %s", damage)

    # 1. parse: a syntax error stops the build.
    try:
        parsed = {source.graph: parse_turtle(source.path).graph for source in sources}
    except TurtleSyntaxError as error:
        return BuildResult(
            status="syntax-error", data_version=version, sources=sources, syntax_error=error
        )

    # 2. validate the data with the shapes: a violation stops the build.
    report = validate_files([source.path for source in sources if source.is_data], settings.root)
    if not report.conforms:
        return BuildResult(status="invalid", data_version=version, sources=sources, report=report)
    return _load(store, settings, sources, version, parsed)


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


def _load(
    store: EmbeddedStore,
    settings: Settings,
    sources: list[Source],
    version: str,
    parsed: dict[str, Graph],
) -> BuildResult:
    """Infer over the parsed sources and load everything into ``store`` (steps 3 and 4)."""
    # 3. infer over ontology + data (not the shapes).
    inferred, messages = infer_with_messages(
        union(parsed[source.graph] for source in inference_sources(sources))
    )
    # 4. load: one graph per source, the inferred graph, the meta graph; swap atomically.
    graphs: dict[str, Graph] = dict(parsed)
    graphs[INFERRED_GRAPH] = inferred
    when = datetime.now(UTC).replace(microsecond=0)
    graphs[META_GRAPH] = meta_graph(sources, version, [*parsed, INFERRED_GRAPH], when)
    # The versions of the contributions written over the web (server/build/history.py).
    graphs[META_GRAPH] += prov_graph(read_log(settings.history_folder))
    metadata: dict[str, Any] = {
        "code_version": code_version(),
        "generated_at": when.isoformat(),
        "root": str(settings.root),
        "examples": settings.examples,
        "sources": [
            {"path": s.relpath, "graph": s.graph, "kind": s.kind, "sha256": s.sha256}
            for s in sources
        ],
        "warnings": messages,
    }
    store.replace(graphs, version, metadata)
    counts = {iri: len(graph) for iri, graph in graphs.items()}
    return BuildResult(
        status="built",
        data_version=version,
        sources=sources,
        graphs=counts,
        triples=sum(counts.values()),
        inferred=len(inferred),
        warnings=messages,
    )
