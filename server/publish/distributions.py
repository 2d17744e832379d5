"""The distributions of the DCAT catalog: the dumps (:mod:`server.publish.dumps`) and the map
layers, each with the dataset it belongs to and the data service that serves it.

The real data's dumps are distributions of the real dataset, the examples' dumps of the
examples dataset (only when the store holds examples). The map layers mix real projects with
examples (marked) when the store holds any: they then belong to the examples dataset, so that
a portal harvesting the real dataset gets no invented data. Every distribution names a data
service (``dcat:accessService``): the RDF dumps and the projects CSV are what the SPARQL
endpoint answers, the layers what the map-layer service answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

from server.http.media_types import CSV, GZIP
from server.publish.dumps import IANA, Dump

__all__ = ["Distribution", "add_distribution", "document", "media_type", "standard", "texts"]

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
RFC_4180 = "https://www.rfc-editor.org/rfc/rfc4180"
RFC_7946 = "https://www.rfc-editor.org/rfc/rfc7946"


@dataclass(frozen=True)
class Distribution:
    """A downloadable file of a dataset: a dump or a map layer."""

    node: URIRef
    url: URIRef
    titles: tuple[str, str]
    media_type: str
    file_type: str
    standard: str
    #: The dataset it belongs to and the data service that serves it.
    dataset: URIRef
    service: URIRef
    dump: Dump | None = None


def dump_distributions(
    fragment: str, dumps: Sequence[Dump], link: object, datasets: tuple[URIRef, URIRef], base: str
) -> Iterator[Distribution]:
    """A distribution per dump; ``datasets`` is (real, examples), ``link`` makes a site URL."""
    for dump in dumps:
        yield Distribution(
            URIRef(fragment + "download-" + dump.name.replace(".", "-")),
            link("/dumps/" + dump.name),  # type: ignore[operator]
            (dump.title_nl, dump.title_en),
            dump.media_type,
            dump.file_type,
            RFC_4180 if dump.media_type == CSV else base + "def",
            datasets[1] if dump.examples else datasets[0],
            URIRef(fragment + "sparql"),
            dump,
        )


def add_distribution(
    graph: Graph,
    item: Distribution,
    shared: Sequence[tuple[URIRef, Node]],
    modified: Node | None,
    sizes: dict[str, int],
) -> None:
    """The statements of ``item``; ``shared`` are the licence, access rights and languages."""
    node = item.node
    graph.add((item.dataset, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    texts(graph, node, DCTERMS.title, *item.titles)
    graph.add((node, DCAT.accessURL, item.url))
    graph.add((node, DCAT.downloadURL, item.url))
    graph.add((node, DCAT.accessService, item.service))
    graph.add((node, DCAT.mediaType, media_type(graph, item.media_type)))
    graph.add((node, DCTERMS.format, URIRef(item.file_type)))
    graph.add((URIRef(item.file_type), RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((node, DCTERMS.conformsTo, standard(graph, URIRef(item.standard))))
    for predicate, value in shared:
        graph.add((node, predicate, value))
    if modified is not None:
        graph.add((node, DCTERMS.modified, modified))
    if item.dump is not None and item.dump.compressed:
        graph.add((node, DCAT.compressFormat, media_type(graph, GZIP)))
    if item.dump is not None and item.dump.name in sizes:
        size = Literal(sizes[item.dump.name], datatype=XSD.nonNegativeInteger)
        graph.add((node, DCAT.byteSize, size))


def texts(graph: Graph, node: Node, predicate: URIRef, nl: str, en: str) -> None:
    """``predicate`` of ``node`` in Dutch and English."""
    graph.add((node, predicate, Literal(nl, lang="nl")))
    graph.add((node, predicate, Literal(en, lang="en")))


def document(graph: Graph, url: URIRef) -> URIRef:
    """``url``, typed as a ``foaf:Document``."""
    graph.add((url, RDF.type, FOAF.Document))
    return url


def standard(graph: Graph, iri: URIRef) -> URIRef:
    """``iri``, typed as a ``dct:Standard``."""
    graph.add((iri, RDF.type, DCTERMS.Standard))
    return iri


def media_type(graph: Graph, name: str) -> URIRef:
    """The IANA IRI of media type ``name``, typed as a ``dct:MediaType``."""
    node = URIRef(IANA + name)
    graph.add((node, RDF.type, DCTERMS.MediaType))
    return node
