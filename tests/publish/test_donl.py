"""The catalog in DCAT-AP-DONL (``/catalog/donl``), what data.overheid.nl harvests: the real
dataset only, DONL's value lists (../shared/reference/vocab/dataoverheid-dcat-ap-donl/, the
taxonomies of github.com/dataoverheid/dcat-ap-donl), a publisher the portal knows, and the
properties the profile makes mandatory (DCAT-AP-DONL 1.1, "Dataset" and "Distribution":
github.com/dataoverheid/readthedocs-dcat-ap-donl-1.1). The profile publishes no SHACL shapes;
these checks stand in for them."""

from __future__ import annotations

import dataclasses
import os

import pytest
from flask import Flask
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from server.web.app import create_app
from tests.support import SHARED, BuiltStore

VOCAB = SHARED / "reference" / "vocab" / "dataoverheid-dcat-ap-donl"
CATALOG = URIRef("https://w3id.org/regiograaf/catalog")
DATASET = URIRef("https://w3id.org/regiograaf/id/dataset/regiograaf")
VCARD = "http://www.w3.org/2006/vcard/ns#"
ROTTERDAM_TOOI = "https://identifier.overheid.nl/tooi/id/gemeente/gm0599"
ROTTERDAM_OWMS = URIRef("http://standaarden.overheid.nl/owms/terms/Rotterdam")
#: Mandatory in DCAT-AP-DONL 1.1 (the profile's "man" properties we can give).
DATASET_MANDATORY = (
    DCTERMS.identifier,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.language,
    DCAT.theme,
    DCTERMS.modified,
    DCTERMS.publisher,
    DCAT.contactPoint,
)
DISTRIBUTION_MANDATORY = (
    DCAT.accessURL,
    DCTERMS.license,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.language,
    DCTERMS.format,
)


def value_list(name: str) -> set[URIRef]:
    """The concepts of one DONL value list (a taxonomy file of the shared folder)."""
    path = VOCAB / f"taxonomy__{name}.ttl"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"DONL value list missing: {path}")
        pytest.skip(f"DONL value list not available: {path}")
    graph = Graph().parse(path, format="turtle")
    return {node for node in graph.objects(None, SKOS.hasTopConcept) if isinstance(node, URIRef)}


@pytest.fixture(scope="module")
def donl_app(built_store: BuiltStore) -> Flask:
    settings = dataclasses.replace(
        built_store.settings,
        publisher=ROTTERDAM_TOOI,
        contact_email="open-data@example.org",
        contact_phone="+31 10 123 45 67",
    )
    return create_app(settings)


def donl(app: Flask, path: str = "/catalog/donl.ttl", fmt: str = "turtle") -> Graph:
    response = app.test_client().get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.data, format=fmt)


def test_only_the_real_dataset_is_harvested(donl_app: Flask) -> None:
    graph = donl(donl_app)
    assert set(graph.objects(CATALOG, DCAT.dataset)) == {DATASET}
    text = graph.serialize(format="nt")
    assert "regiograaf-voorbeelden" not in text and "/dumps/voorbeelden" not in text
    urls = {str(url) for url in graph.objects(None, DCAT.accessURL)}
    assert "http://localhost/dumps/regiograaf.ttl" in urls
    assert not [url for url in urls if "voorbeeld" in url]


def test_values_come_from_the_donl_value_lists(donl_app: Flask) -> None:
    graph = donl(donl_app)
    licences, rights, languages = (
        value_list("licenses"),
        value_list("access-rights"),
        value_list("languages"),
    )
    used_licences = set(graph.objects(None, DCTERMS.license))
    used_rights = set(graph.objects(None, DCTERMS.accessRights))
    used_languages = set(graph.objects(None, DCTERMS.language))
    assert used_licences and used_licences <= licences
    assert used_rights == {URIRef("https://dcat.overheid.nl/application-profile/donl/term/PUBLIEK")}
    assert used_rights <= rights
    assert used_languages and used_languages <= languages
    # Themes from OWMS's TaxonomieBeleidsagenda.
    themes = set(graph.objects(DATASET, DCAT.theme))
    assert themes and all(
        str(t).startswith("http://standaarden.overheid.nl/owms/terms/") for t in themes
    )


def test_publisher_is_a_registered_organisation_with_a_contact(donl_app: Flask) -> None:
    graph = donl(donl_app)
    for node in (CATALOG, DATASET):
        assert graph.value(node, DCTERMS.publisher) == ROTTERDAM_OWMS
        assert graph.value(node, DCTERMS.creator) == ROTTERDAM_OWMS
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert graph.value(contact, URIRef(VCARD + "fn")) is not None
    assert graph.value(contact, URIRef(VCARD + "hasEmail")) == URIRef(
        "mailto:open-data@example.org"
    )
    assert graph.value(contact, URIRef(VCARD + "hasTelephone")) == URIRef("tel:+31101234567")


def test_mandatory_properties(donl_app: Flask) -> None:
    graph = donl(donl_app)
    for predicate in DATASET_MANDATORY:
        assert graph.value(DATASET, predicate) is not None, predicate
    assert str(graph.value(DATASET, DCTERMS.modified).datatype).endswith("#date")
    distributions = list(graph.objects(DATASET, DCAT.distribution))
    assert len(distributions) >= 5
    for node in distributions:
        assert (node, RDF.type, DCAT.Distribution) in graph
        for predicate in DISTRIBUTION_MANDATORY:
            assert graph.value(node, predicate) is not None, (node, predicate)


def test_formats_hold_the_same_catalog(donl_app: Flask) -> None:
    expected = donl(donl_app)
    for path, fmt in (
        ("/catalog/donl.jsonld", "json-ld"),
        ("/catalog/donl.rdf", "xml"),
        ("/catalog/donl.nt", "nt"),
    ):
        assert isomorphic(donl(donl_app, path, fmt), expected), path
    page = donl_app.test_client().get("/catalog", headers={"Accept": "text/html"})
    assert 'href="/catalog/donl.ttl"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"publisher": ""}, "REGIOGRAAF_PUBLISHER"),
        # An organisation data.overheid.nl does not know (no OWMS IRI in the graph).
        (
            {"publisher": "https://identifier.overheid.nl/tooi/id/gemeente/gm9999"},
            "REGIOGRAAF_PUBLISHER",
        ),
        ({"publisher": ROTTERDAM_TOOI, "contact_phone": "bel maar"}, "REGIOGRAAF_CONTACT_PHONE"),
    ],
)
def test_what_is_missing_is_a_clear_503(
    built_store: BuiltStore, changes: dict[str, str], named: str
) -> None:
    app = create_app(dataclasses.replace(built_store.settings, **changes))
    response = app.test_client().get("/catalog/donl.ttl")
    assert response.status_code == 503
    assert named in response.get_data(as_text=True)
    if not changes.get("publisher"):
        # The catalog page does not link to what cannot be served.
        page = app.test_client().get("/catalog", headers={"Accept": "text/html"})
        assert "/catalog/donl" not in page.get_data(as_text=True)
