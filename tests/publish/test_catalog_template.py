"""The DCAT catalog's fixed statements come from Turtle templates (server/publish/*.ttl)."""

from __future__ import annotations

import dataclasses
import tomllib
from fnmatch import fnmatch

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from server.linkeddata.describe import IriMap
from server.publish.catalog import (
    EXAMPLES_TEMPLATE,
    FEED_TEMPLATE,
    MAP_LAYERS_TEMPLATE,
    PROJECT_PUBLISHER_TEMPLATE,
    QUERY_API_TEMPLATE,
    SERVICE_PATHS,
    TEMPLATE,
    Layer,
    Site,
    catalog_graph,
    catalog_iri,
    dataset_iri,
    licence,
    template,
)
from server.publish.donl import DONL_TEMPLATE
from server.publish.void import void_graph
from tests.support import REPOSITORY, BuiltStore

TEMPLATES = (
    TEMPLATE,
    QUERY_API_TEMPLATE,
    FEED_TEMPLATE,
    PROJECT_PUBLISHER_TEMPLATE,
    MAP_LAYERS_TEMPLATE,
    EXAMPLES_TEMPLATE,
    DONL_TEMPLATE,
)
OTHER_BASE = "https://data.example.org/regio/"
SITE = Site("https://site.example.org/", (), query_api=True)


def catalog(built: BuiltStore, site: Site = SITE, **settings: str) -> Graph:
    return catalog_graph(built.store, dataclasses.replace(built.settings, **settings), site, {})


def test_templates_are_package_data() -> None:
    """Every template is in the package data that pyproject.toml ships."""
    root = REPOSITORY
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["server"]
    for name in TEMPLATES:
        assert (root / "server" / "publish" / name).is_file()
        assert any(fnmatch(f"publish/{name}", pattern) for pattern in patterns), name


@pytest.mark.parametrize("name", TEMPLATES)
def test_relative_iris_follow_the_base(name: str) -> None:
    graph = template(name, OTHER_BASE)
    assert len(graph) > 0
    ours = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    assert not {iri for iri in ours if iri.startswith("https://w3id.org/regiograaf/")}
    assert {iri for iri in ours if iri.startswith(OTHER_BASE)}


def test_every_fixed_statement_is_in_the_catalog(built_store: BuiltStore) -> None:
    """... of a site with map layers and a store with examples (the DONL rendering's template
    is test_donl.py's)."""
    base = IriMap.for_base(built_store.settings.base_iri).base
    layer = Layer("/kaart/projecten.geojson", "Projecten", "Projects")
    graph = catalog(built_store, site=dataclasses.replace(SITE, layers=(layer,)))
    for name in TEMPLATES:
        if name != DONL_TEMPLATE:
            missing = [triple for triple in template(name, base) if triple not in graph]
            assert missing == [], name


def test_a_publisher_setting_replaces_the_project(built_store: BuiltStore) -> None:
    base = IriMap.for_base(built_store.settings.base_iri).base
    tooi = "https://identifier.overheid.nl/tooi/id/gemeente/gm0599"
    graph = catalog(built_store, publisher=tooi)
    project = set(template(PROJECT_PUBLISHER_TEMPLATE, base))
    assert project and not any(triple in graph for triple in project)
    for node in (catalog_iri(IriMap(base)), dataset_iri(IriMap(base))):
        assert graph.value(node, DCTERMS.publisher) == URIRef(tooi)


def test_the_query_api_only_when_served(built_store: BuiltStore) -> None:
    base = IriMap.for_base(built_store.settings.base_iri).base
    graph = catalog(built_store, site=dataclasses.replace(SITE, query_api=False))
    api = template(QUERY_API_TEMPLATE, base)
    assert not any(triple in graph for triple in api)
    services = set(graph.objects(catalog_iri(IriMap(base)), DCAT.service))
    assert services == {URIRef(f"{base}catalog#sparql")}


def test_every_service_answers_somewhere(built_store: BuiltStore) -> None:
    """Each data service of the templates has its endpoint on the live server."""
    base = IriMap.for_base(built_store.settings.base_iri).base
    graph = catalog(built_store, site=dataclasses.replace(SITE, service_url="https://live.example"))
    services = list(graph.objects(catalog_iri(IriMap(base)), DCAT.service))
    # The site serves no map layers: no map-layer service.
    assert len(services) == len(SERVICE_PATHS) - 1 == 3
    for service in services:
        endpoint, _ = SERVICE_PATHS[str(service).rsplit("#", 1)[1]]
        assert graph.value(service, DCAT.endpointURL) == URIRef("https://live.example" + endpoint)
        assert graph.value(service, DCTERMS.identifier) == Literal(str(service))


def test_distributions_share_the_templates_licence_rights_and_languages(
    built_store: BuiltStore,
) -> None:
    base = IriMap(IriMap.for_base(built_store.settings.base_iri).base)
    graph = catalog(built_store)
    fixed = template(TEMPLATE, base.base)
    catalog_node, dataset = catalog_iri(base), dataset_iri(base)
    languages = set(fixed.objects(catalog_node, DCTERMS.language))
    assert len(languages) == 2
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert distributions
    for node in distributions:
        assert graph.value(node, DCTERMS.license) == licence(base)
        assert graph.value(node, DCTERMS.accessRights) == fixed.value(dataset, DCTERMS.accessRights)
        assert set(graph.objects(node, DCTERMS.language)) == languages


def test_void_names_the_catalogs_licence(built_store: BuiltStore) -> None:
    base = IriMap.for_base(built_store.settings.base_iri)
    void = void_graph(built_store.store, base, SITE)
    graph = catalog(built_store)
    assert void.value(dataset_iri(base), DCTERMS.license) == licence(base)
    assert graph.value(catalog_iri(base), DCTERMS.license) == licence(base)
    assert licence(base) == URIRef("http://creativecommons.org/licenses/by/4.0/deed.nl")
