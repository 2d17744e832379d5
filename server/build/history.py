"""The history of the contributions, as the build reads it: the version log and its PROV.

Every accepted version of a contribution graph (:mod:`server.contribute.history` writes them)
is one line of ``<history>/log.jsonl`` (setting ``history``): a JSON object with the fields of
:class:`Version`. The log is append-only; a torn last line (a write cut off by a crash) is
ignored. The content of each version is kept by its SHA-256 in ``<history>/objects/``.

:func:`prov_graph` turns the log into PROV-O for the build's meta graph, so the history can be
queried: each version is a ``rg:ContributionVersion`` (a ``prov:Entity``) with
``dct:isVersionOf`` and ``prov:specializationOf`` its contribution graph,
``prov:wasRevisionOf`` the version before, ``prov:generatedAtTime``, ``prov:wasAttributedTo``
the organisation and the token (a ``prov:Agent`` named by the token's name, acting on behalf of
the organisation), its hash, size and triple counts; a deletion is a version without content
whose predecessor has ``prov:invalidatedAtTime``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from server.rdf.namespaces import GRAPH_BASE, ID_BASE, RG

__all__ = [
    "LOG",
    "OBJECTS",
    "Version",
    "agent_iri",
    "prov_graph",
    "read_log",
    "version_iri",
]

log = logging.getLogger(__name__)

#: The log of versions, one JSON object a line, and the folder of their contents.
LOG = "log.jsonl"
OBJECTS = "objects"
#: Where the graph of a contribution file lives: ``<GRAPH_BASE>data/contributions/<code>/<name>``.
CONTRIBUTIONS = GRAPH_BASE + "data/contributions/"


@dataclass(frozen=True)
class Version:
    """One accepted version of one contribution graph.

    ``seq`` numbers every version of every graph in the order they were accepted (1, 2, ...);
    ``number`` the versions of this graph. ``sha256`` names the content (``None``: the graph
    was deleted). ``operation`` is the HTTP method that made it, or ``"file"`` for a change
    found on disk (a merged pull request, an interrupted write that is recovered). ``by`` is
    the token's id and ``by_name`` its name; ``organisation`` the IRI of the organisation whose
    contribution it is (the one its folder names). ``added`` and ``removed`` count the triples that
    differ from the version before."""

    seq: int
    graph: str
    path: str
    number: int
    sha256: str | None
    operation: str
    at: str
    organisation: str
    by: str | None
    by_name: str | None
    size: int
    triples: int
    added: int
    removed: int

    @property
    def deleted(self) -> bool:
        """Whether this version removed the graph."""
        return self.sha256 is None

    @property
    def code(self) -> str:
        """The contribution folder (``gm0599``)."""
        return self.path.split("/")[2]

    @property
    def name(self) -> str:
        """The graph's name within its folder (the file name without ``.ttl``)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".ttl")

    def to_json(self) -> str:
        """One line of the log."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


_FIELDS = {f.name for f in fields(Version)}


def read_log(folder: Path) -> list[Version]:
    """The versions in ``folder``'s log, in order (none when there is no log)."""
    try:
        text = (folder / LOG).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    versions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            versions.append(Version(**{k: v for k, v in data.items() if k in _FIELDS}))
        except (ValueError, TypeError):
            # a line cut off by a crash (only ever the last one): not a version
            log.warning("%s line %d is not a version; ignored", folder / LOG, number)
    return versions


def version_iri(version: Version) -> URIRef:
    """``<ID_BASE>bijdrage/<code>/<name>/versie/<number>``."""
    return URIRef(f"{ID_BASE}bijdrage/{version.code}/{version.name}/versie/{version.number}")


def agent_iri(token_id: str) -> URIRef:
    """The agent that wrote with the token ``token_id``."""
    return URIRef(f"{ID_BASE}bijdrage-token/{token_id}")


def prov_graph(versions: list[Version]) -> Graph:
    """The PROV-O description of ``versions`` (see the module docstring)."""
    graph = Graph()
    rg = RG
    previous: dict[str, Version] = {}
    for version in versions:
        node = version_iri(version)
        contribution = URIRef(version.graph)
        organisation = URIRef(version.organisation)
        graph.add((node, RDF.type, URIRef(rg + "ContributionVersion")))
        graph.add((node, RDF.type, PROV.Entity))
        graph.add((node, DCTERMS.isVersionOf, contribution))
        graph.add((node, PROV.specializationOf, contribution))
        when = Literal(version.at, datatype=XSD.dateTime)
        graph.add((node, PROV.generatedAtTime, when))
        graph.add((node, PROV.wasAttributedTo, organisation))
        if version.by is not None:
            agent = agent_iri(version.by)
            graph.add((node, PROV.wasAttributedTo, agent))
            graph.add((agent, RDF.type, PROV.Agent))
            graph.add((agent, PROV.actedOnBehalfOf, organisation))
            if version.by_name:
                graph.add((agent, RDFS.label, Literal(version.by_name)))
        before = previous.get(version.graph)
        if before is not None:
            graph.add((node, PROV.wasRevisionOf, version_iri(before)))
            if version.deleted:
                graph.add((version_iri(before), PROV.invalidatedAtTime, when))
        if not version.deleted:
            graph.add((node, URIRef(rg + "sha256"), Literal(version.sha256)))
            size = Literal(version.size, datatype=XSD.nonNegativeInteger)
            graph.add((node, DCAT.byteSize, size))
        for name, value in (("triplesAdded", version.added), ("triplesRemoved", version.removed)):
            graph.add((node, URIRef(rg + name), Literal(value, datatype=XSD.nonNegativeInteger)))
        graph.add((contribution, RDF.type, URIRef(rg + "Contribution")))
        graph.add((contribution, RDF.type, PROV.Entity))
        previous[version.graph] = version
    return graph
