"""The change feed: the accepted versions of the contributions as a Linked Data Event Stream.

Follows the SEMIC LDES specification (https://w3id.org/ldes/specification) with TREE
pagination (https://w3id.org/tree/specification):

- the event stream ``<site>/feed#stroom`` (``ldes:EventStream``) orders its members by
  ``prov:generatedAtTime`` (``ldes:timestampPath``), names the contribution graph a member is a
  version of with ``dct:isVersionOf`` (``ldes:versionOfPath``) and marks a deletion with the
  type ``as:Delete`` (``ldes:versionDeleteObject``);
- the root node ``<site>/feed`` (its ``tree:view``) links to page 1; page ``n``
  (``<site>/feed/<n>``) holds the versions ``(n-1)*size+1 .. n*size`` in the order they were
  accepted, and a ``tree:GreaterThanOrEqualToRelation`` on ``prov:generatedAtTime`` to page
  ``n+1`` once it is full. A full page never changes again (``ldes:immutable true``; the web
  layer sends ``Cache-Control: immutable``); the last page grows until it is full, and then a
  new, empty last page appears;
- every member is the version's PROV description (:func:`server.build.history.prov_graph`)
  with a link to its content (``dcat:downloadURL``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from server.build.history import Version, prov_graph, version_iri
from server.rdf.namespaces import RG

__all__ = ["AS", "LDES", "PAGE_SIZE", "TREE", "FeedPage", "feed_page", "feed_root", "page_count"]

LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
#: Versions per page.
PAGE_SIZE = 50
#: Seconds a client may wait before it looks for new versions (``ldes:pollingInterval``).
POLLING_INTERVAL = 60


@dataclass(frozen=True)
class FeedPage:
    """One page of the feed: its graph and whether it can still change."""

    number: int
    graph: Graph
    immutable: bool


def page_count(versions: list[Version], size: int = PAGE_SIZE) -> int:
    """The number of pages: the full ones and the last one (which may be empty)."""
    return len(versions) // size + 1


def _bind(graph: Graph) -> Graph:
    for prefix, namespace in (
        ("ldes", LDES),
        ("tree", TREE),
        ("as", AS),
        ("prov", PROV),
        ("dct", DCTERMS),
        ("dcat", DCAT),
        ("rg", Namespace(RG)),
    ):
        graph.bind(prefix, namespace)
    return graph


def _stream(site: str) -> URIRef:
    return URIRef(f"{site}feed#stroom")


def feed_root(site: str) -> Graph:
    """The root node ``<site>feed`` with the event stream's context (``site`` ends in ``/``)."""
    graph = _bind(Graph())
    stream, root = _stream(site), URIRef(f"{site}feed")
    graph.add((stream, RDF.type, LDES.EventStream))
    for text, lang in (
        ("Wijzigingen in de bijdragen aan Regiograaf", "nl"),
        ("Changes to the contributions to Regiograaf", "en"),
    ):
        graph.add((stream, DCTERMS.title, Literal(text, lang=lang)))
    graph.add((stream, LDES.timestampPath, PROV.generatedAtTime))
    graph.add((stream, LDES.versionOfPath, DCTERMS.isVersionOf))
    graph.add((stream, LDES.versionDeletePath, RDF.type))
    graph.add((stream, LDES.versionDeleteObject, AS.Delete))
    graph.add((stream, LDES.pollingInterval, Literal(POLLING_INTERVAL, datatype=XSD.integer)))
    graph.add((stream, TREE.view, root))
    graph.add((root, RDF.type, TREE.Node))
    relation = BNode("naar-pagina-1")  # stable labels: the same page is the same bytes
    graph.add((root, TREE.relation, relation))
    graph.add((relation, RDF.type, TREE.Relation))
    graph.add((relation, TREE.node, URIRef(f"{site}feed/1")))
    return graph


def feed_page(
    site: str,
    versions: list[Version],
    number: int,
    download: str,
    size: int = PAGE_SIZE,
) -> FeedPage | None:
    """Page ``number`` of the feed (``None`` when there is no such page). ``download`` is the
    URL template of a version's content, with ``{code}``, ``{name}`` and ``{number}``."""
    if not 1 <= number <= page_count(versions, size):
        return None
    graph = _bind(Graph())
    stream, node = _stream(site), URIRef(f"{site}feed/{number}")
    members = versions[(number - 1) * size : number * size]
    full = len(members) == size
    graph.add((node, RDF.type, TREE.Node))
    if full:
        graph.add((node, LDES.immutable, Literal(True)))
        relation = BNode(f"naar-pagina-{number + 1}")
        graph.add((node, TREE.relation, relation))
        graph.add((relation, RDF.type, TREE.GreaterThanOrEqualToRelation))
        graph.add((relation, TREE.node, URIRef(f"{site}feed/{number + 1}")))
        graph.add((relation, TREE.path, PROV.generatedAtTime))
        graph.add((relation, TREE.value, Literal(members[-1].at, datatype=XSD.dateTime)))
    history = prov_graph(versions[: number * size])
    for version in members:
        member = version_iri(version)
        graph.add((stream, TREE.member, member))
        _describe(graph, history, member)
        if version.deleted:
            graph.add((member, RDF.type, AS.Delete))
        else:
            url = download.format(code=version.code, name=version.name, number=version.number)
            graph.add((member, DCAT.downloadURL, URIRef(url)))
    return FeedPage(number, graph, full)


def _describe(graph: Graph, history: Graph, node: URIRef) -> None:
    """Copy what ``history`` says about ``node`` and the agents it names; not when a later
    version ended it (``prov:invalidatedAtTime``): a member never changes, and the deletion
    is a member of its own."""
    for predicate, obj in history.predicate_objects(node):
        if predicate == PROV.invalidatedAtTime:
            continue
        graph.add((node, predicate, obj))
        if predicate == PROV.wasAttributedTo:
            for triple in history.triples((obj, None, None)):
                graph.add(triple)
