"""What the catalog page (``/catalog`` as HTML) shows, read back from the DCAT catalog graph
(:func:`server.publish.catalog.catalog_graph`), so the page and the RDF never disagree."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS
from rdflib.term import Node

from server.publish.catalog import VCARD, catalog_iri, dataset_iri, examples_dataset_iri
from server.rdf.iris import IriMap


def catalog_view(graph: Graph, base: IriMap, site_url: str) -> dict[str, object]:
    """The catalog page's data: titles and descriptions in Dutch and English, publisher,
    licence, themes, contact, distributions and services (links made local to ``site_url``)."""
    dataset = dataset_iri(base)
    catalog = catalog_iri(base)
    publisher = graph.value(dataset, DCTERMS.publisher)
    contact = graph.value(dataset, DCAT.contactPoint)
    return {
        "catalog": _pair(graph, catalog, DCTERMS.title),
        "dataset_iri": str(dataset),
        "dataset_href": base.page(str(dataset)),
        "title": _pair(graph, dataset, DCTERMS.title),
        "description": _pair(graph, dataset, DCTERMS.description),
        "publisher": str(publisher),
        "publisher_names": [str(name) for name in graph.objects(publisher, FOAF.name)],
        "licence": str(graph.value(catalog, DCTERMS.license)),
        "themes": [
            {"iri": str(theme), **_pair(graph, theme, SKOS.prefLabel)}
            for theme in sorted(graph.objects(dataset, DCAT.theme), key=str)
        ],
        "contact_url": str(graph.value(contact, VCARD.hasURL)),
        "distributions": _distributions(graph, dataset, site_url),
        "services": _services(graph, catalog, site_url),
        "examples": _examples(graph, base, site_url),
    }


def _examples(graph: Graph, base: IriMap, site_url: str) -> dict[str, object] | None:
    """The dataset of the invented examples, when the catalog has one."""
    examples = examples_dataset_iri(base)
    if (None, DCAT.dataset, examples) not in graph:
        return None
    return {
        "iri": str(examples),
        "title": _pair(graph, examples, DCTERMS.title),
        "description": _pair(graph, examples, DCTERMS.description),
        "distributions": _distributions(graph, examples, site_url),
    }


def _distributions(graph: Graph, dataset: Node, site_url: str) -> list[dict[str, Any]]:
    """The dataset's distributions, sorted by IRI."""
    distributions = []
    for node in sorted(graph.objects(dataset, DCAT.distribution), key=str):
        size = graph.value(node, DCAT.byteSize)
        distributions.append(
            {
                "title": _pair(graph, node, DCTERMS.title),
                "href": _local(graph.value(node, DCAT.downloadURL), site_url),
                "media": str(graph.value(node, DCAT.mediaType)).rsplit("media-types/", 1)[-1],
                "size": int(size) if isinstance(size, Literal) else None,
            }
        )
    return distributions


def _services(graph: Graph, catalog: Node, site_url: str) -> list[dict[str, Any]]:
    """The catalog's data services, sorted by IRI."""
    return [
        {
            "title": _pair(graph, node, DCTERMS.title),
            "description": _pair(graph, node, DCTERMS.description),
            "endpoint": _local(graph.value(node, DCAT.endpointURL), site_url),
            "description_url": _local(graph.value(node, DCAT.endpointDescription), site_url),
        }
        for node in sorted(graph.objects(catalog, DCAT.service), key=str)
    ]


def _pair(graph: Graph, node: Node | None, predicate: Node) -> dict[str, str]:
    """The Dutch and English value of ``predicate`` on ``node`` (empty when missing)."""
    return {"nl": _text(graph, node, predicate, "nl"), "en": _text(graph, node, predicate, "en")}


def _text(graph: Graph, node: Node | None, predicate: Node, language: str) -> str:
    for value in graph.objects(node, predicate):
        if getattr(value, "language", None) == language:
            return str(value)
    return ""


def _local(url: Node | None, site_url: str) -> str:
    """``url`` without the site's own URL (a link on this site stays a path)."""
    return str(url).replace(site_url.rstrip("/"), "", 1)
