"""The versions of the contributions as PROV-O for the meta graph (server.build.history)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from server.build.history import Version, agent_iri, prov_graph, version_iri

RG = "https://w3id.org/regiograaf/def#"
GRAPH = "https://w3id.org/regiograaf/graph/data/contributions/gm0503/x"
ORG = "https://w3id.org/regiograaf/id/gemeente/gm0503"


def _version(seq: int, number: int, sha: str | None, **fields: object) -> Version:
    values: dict[str, object] = {
        "seq": seq,
        "graph": GRAPH,
        "path": "data/contributions/gm0503/x.ttl",
        "number": number,
        "sha256": sha,
        "operation": "PUT",
        "at": f"2026-12-0{seq}T10:00:00Z",
        "organisation": ORG,
        "by": "abc1234567",
        "by_name": "Team data",
        "size": 10,
        "triples": 3,
        "added": 3,
        "removed": 0,
    }
    values.update(fields)
    return Version(**values)  # type: ignore[arg-type]


def test_versions_revisions_agents_and_a_deletion() -> None:
    one = _version(1, 1, "a" * 64, operation="file", by=None, by_name=None)
    two = _version(2, 2, "b" * 64, added=1, removed=1)
    gone = _version(3, 3, None, operation="DELETE", size=0, triples=0, added=0, removed=3)
    graph = prov_graph([one, two, gone])
    v1, v2, v3 = (version_iri(v) for v in (one, two, gone))
    assert v2 == URIRef("https://w3id.org/regiograaf/id/bijdrage/gm0503/x/versie/2")
    assert (v2, RDF.type, URIRef(RG + "ContributionVersion")) in graph
    assert (v2, DCTERMS.isVersionOf, URIRef(GRAPH)) in graph
    assert (v2, PROV.wasRevisionOf, v1) in graph and (v3, PROV.wasRevisionOf, v2) in graph
    assert (v1, PROV.wasRevisionOf, None) not in graph
    when = Literal("2026-12-02T10:00:00Z", datatype=XSD.dateTime)
    assert (v2, PROV.generatedAtTime, when) in graph
    assert (v2, PROV.wasAttributedTo, URIRef(ORG)) in graph
    agent = agent_iri("abc1234567")
    assert (v2, PROV.wasAttributedTo, agent) in graph
    assert (agent, RDFS.label, Literal("Team data")) in graph
    assert (agent, PROV.actedOnBehalfOf, URIRef(ORG)) in graph
    assert (v1, PROV.wasAttributedTo, agent) not in graph  # a file change has no token
    assert (v2, URIRef(RG + "sha256"), Literal("b" * 64)) in graph
    assert (v3, URIRef(RG + "sha256"), None) not in graph
    assert (
        v2,
        PROV.invalidatedAtTime,
        Literal("2026-12-03T10:00:00Z", datatype=XSD.dateTime),
    ) in graph
    removed = Literal(1, datatype=XSD.nonNegativeInteger)
    assert (v2, URIRef(RG + "triplesRemoved"), removed) in graph
