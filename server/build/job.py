"""One build: its inputs, its result, and what the full and the incremental build share.

The meta graph (:func:`meta_graph`, see :mod:`server.build.pipeline`), the validation with its
cache (:meth:`Job.validate`), the metadata of the stamp and the :class:`BuildResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from rdflib import Graph, Namespace, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import DCTERMS, PROV, RDF, VOID, XSD

from server.build import vocabulary
from server.build.history import prov_graph, read_log
from server.build.sources import Source
from server.build.state import BuildState, validation_keys
from server.build.turtle import TurtleSyntaxError
from server.build.validation import ValidationReport, clear_cache, validate_files
from server.progress import Progress
from server.rdf.namespaces import GRAPH_BASE, ID_BASE, INFERRED_GRAPH
from server.settings import Settings
from server.store.embedded import EmbeddedStore

__all__ = ["DATASET_IRI", "META_GRAPH", "BuildResult", "Job", "Status", "meta_graph"]

RG = Namespace(vocabulary.RG)
#: The named graph with build metadata.
META_GRAPH = GRAPH_BASE + "meta"
#: The node in the meta graph that describes the loaded dataset as a whole.
DATASET_IRI = ID_BASE + "dataset/regiograaf"

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
    #: ``full`` or ``incremental`` (with the files redone) for a build; why a build was full.
    mode: str = ""
    redone: int = 0
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the store holds the current sources (built now or already up to date)."""
        return self.status in ("built", "up-to-date")


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


@dataclass
class Job:
    """One build: its inputs, and what the runners (:mod:`.full`, :mod:`.changes`) share."""

    settings: Settings
    store: EmbeddedStore
    sources: list[Source]
    version: str
    code: str
    progress: Progress
    state: BuildState | None
    when: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def failed(self, error: TurtleSyntaxError) -> BuildResult:
        """The result of a build stopped by a syntax error."""
        return BuildResult(
            status="syntax-error",
            data_version=self.version,
            sources=self.sources,
            syntax_error=error,
        )

    def validate(self) -> tuple[BuildResult | None, dict[str, str]]:
        """Validate the data files whose validation key changed (:func:`validation_keys`):
        the result of a build stopped by findings (``None``: none) and every file's key."""
        keys = validation_keys(self.sources)
        kept = self.state.sources if self.state is not None else {}
        todo = [
            s
            for s in self.sources
            if s.is_data
            and (s.relpath not in kept or kept[s.relpath].validation != keys[s.relpath])
        ]
        if not todo:
            return None, keys
        with self.progress.stage("validate", total=len(todo)) as stage:
            report = validate_files([source.path for source in todo], self.settings.root)
            # The parsed context (rdflib graphs of every data file: about 2 GB at 100,000
            # projects) is not needed for inference and loading; whoever validates next
            # parses or reads it again.
            clear_cache()
            stage.step(len(todo))
        if report.conforms:
            return None, keys
        result = BuildResult(
            status="invalid", data_version=self.version, sources=self.sources, report=report
        )
        return result, keys

    def meta(self) -> Graph:
        """The meta graph of this build."""
        graphs = [source.graph for source in self.sources] + [INFERRED_GRAPH]
        meta = meta_graph(self.sources, self.version, graphs, self.when)
        # The versions of the contributions written over the web (server/build/history.py).
        meta += prov_graph(read_log(self.settings.history_folder))
        return meta

    def metadata(self, messages: list[str]) -> dict[str, Any]:
        """What the stamp records next to the data."""
        return {
            "code_version": self.code,
            "generated_at": self.when.isoformat(),
            "root": str(self.settings.root),
            "examples": self.settings.examples,
            "sources": [
                {"path": s.relpath, "graph": s.graph, "kind": s.kind, "sha256": s.sha256}
                for s in self.sources
            ],
            "warnings": messages,
        }

    def built(
        self, counts: dict[str, int], messages: list[str], mode: str, redone: int
    ) -> BuildResult:
        """The result of a published build."""
        return BuildResult(
            status="built",
            data_version=self.version,
            sources=self.sources,
            graphs=counts,
            triples=sum(counts.values()),
            inferred=counts.get(INFERRED_GRAPH, 0),
            warnings=messages,
            mode=mode,
            redone=redone,
        )
