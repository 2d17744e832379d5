"""The change feed as a Linked Data Event Stream with TREE pages (server.contribute.feed)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from server.build.history import Version, version_iri
from server.contribute.feed import AS, LDES, TREE, feed_page, feed_root, page_count

SITE = "https://regiograaf.example/"
DOWNLOAD = SITE + "bijdragen/{code}/{name}/versies/{number}.ttl"


def _versions(count: int, deleted_at: int | None = None) -> list[Version]:
    out = []
    for seq in range(1, count + 1):
        deleted = seq == (deleted_at or count)
        out.append(
            Version(
                seq=seq,
                graph="https://w3id.org/regiograaf/graph/data/contributions/gm0503/x",
                path="data/contributions/gm0503/x.ttl",
                number=seq,
                sha256=None if deleted else f"{seq:064x}",
                operation="DELETE" if deleted else "PUT",
                at=f"2026-12-07T10:00:{seq:02d}Z",
                organisation="https://w3id.org/regiograaf/id/gemeente/gm0503",
                by="abc1234567",
                by_name="Team data",
                size=0 if deleted else 10,
                triples=0 if deleted else 1,
                added=1,
                removed=0,
            )
        )
    return out


def test_the_root_names_the_stream_and_leads_to_page_one() -> None:
    graph = feed_root(SITE)
    stream, root = URIRef(SITE + "feed#stroom"), URIRef(SITE + "feed")
    assert (stream, RDF.type, LDES.EventStream) in graph
    assert (stream, TREE.view, root) in graph
    assert (stream, LDES.timestampPath, PROV.generatedAtTime) in graph
    assert (stream, LDES.versionOfPath, DCTERMS.isVersionOf) in graph
    assert (stream, LDES.versionDeleteObject, AS.Delete) in graph
    (relation,) = graph.objects(root, TREE.relation)
    assert graph.value(relation, TREE.node) == URIRef(SITE + "feed/1")


def test_pages_full_ones_immutable_and_linked() -> None:
    versions = _versions(5)
    assert page_count(versions, 2) == 3
    one, two, three = (feed_page(SITE, versions, n, DOWNLOAD, size=2) for n in (1, 2, 3))
    assert feed_page(SITE, versions, 4, DOWNLOAD, size=2) is None
    assert feed_page(SITE, versions, 0, DOWNLOAD, size=2) is None
    assert one and two and three
    assert (one.immutable, two.immutable, three.immutable) == (True, True, False)
    stream = URIRef(SITE + "feed#stroom")
    members = [
        sorted(str(m) for m in p.graph.objects(stream, TREE.member)) for p in (one, two, three)
    ]
    assert members == [
        sorted(str(version_iri(v)) for v in versions[0:2]),
        sorted(str(version_iri(v)) for v in versions[2:4]),
        [str(version_iri(versions[4]))],
    ]
    node = URIRef(SITE + "feed/1")
    assert (node, LDES.immutable, Literal(True)) in one.graph
    (relation,) = one.graph.objects(node, TREE.relation)
    assert one.graph.value(relation, RDF.type) == TREE.GreaterThanOrEqualToRelation
    assert one.graph.value(relation, TREE.node) == URIRef(SITE + "feed/2")
    assert one.graph.value(relation, TREE.path) == PROV.generatedAtTime
    assert one.graph.value(relation, TREE.value) == Literal(versions[1].at, datatype=XSD.dateTime)
    assert not list(three.graph.objects(URIRef(SITE + "feed/3"), TREE.relation))


def test_members_carry_their_version_and_a_deletion_is_marked() -> None:
    versions = _versions(3)
    page = feed_page(SITE, versions, 1, DOWNLOAD)
    assert page is not None and not page.immutable
    first, last = version_iri(versions[0]), version_iri(versions[2])
    graph = page.graph
    assert graph.value(first, DCAT.downloadURL) == URIRef(SITE + "bijdragen/gm0503/x/versies/1.ttl")
    assert (last, RDF.type, AS.Delete) in graph
    assert graph.value(last, DCAT.downloadURL) is None
    assert graph.value(last, PROV.wasRevisionOf) == version_iri(versions[1])
    # a member never changes: a later deletion does not add to the version it ends
    assert graph.value(version_iri(versions[1]), PROV.invalidatedAtTime) is None


def test_a_full_page_never_changes_as_the_feed_grows() -> None:
    before = feed_page(SITE, _versions(4, deleted_at=3), 1, DOWNLOAD, size=2)
    after = feed_page(SITE, _versions(9, deleted_at=3), 1, DOWNLOAD, size=2)
    assert before is not None and after is not None
    assert before.graph.serialize(format="turtle") == after.graph.serialize(format="turtle")
