"""The DCAT catalog: official DCAT-AP 3.0.1 and DCAT-AP-NL 3.0 shapes, formats, what it lists."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from flask import Flask, Response
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH
from werkzeug.exceptions import HTTPException

from server.maps.layers import LAYERS
from server.web.app import create_app
from tests.support import SHARED, BuiltStore, build_canned_store

SHAPES = SHARED / "reference" / "shapes"
SEMIC = SHAPES / "semic-dcat-ap"
NL = SHAPES / "geonovum-dcat-ap-nl30"
VCARD = "http://www.w3.org/2006/vcard/ns#"
CATALOG = URIRef("https://w3id.org/regiograaf/catalog")
DATASET = URIRef("https://w3id.org/regiograaf/id/dataset/regiograaf")
EXAMPLES = URIRef("https://w3id.org/regiograaf/id/dataset/regiograaf-voorbeelden")
ROTTERDAM_TOOI = "https://identifier.overheid.nl/tooi/id/gemeente/gm0599"

#: The official shape sets. DCAT-AP 3.0.1 ships its SHACL in two files that refer to each
#: other (dcat-ap-SHACL.ttl and ranges.ttl); the 'html' set is the release's other packaging.
SHAPE_SETS: dict[str, tuple[Path, ...]] = {
    "DCAT-AP 3.0.1": (
        SEMIC / "3.0.1__shacl__dcat-ap-SHACL.ttl",
        SEMIC / "3.0.1__shacl__ranges.ttl",
    ),
    "DCAT-AP 3.0.1 (html release)": (
        SEMIC / "3.0.1__html__shacl__shapes.ttl",
        SEMIC / "3.0.1__html__shacl__range.ttl",
    ),
    "DCAT-AP-NL 3.0": (
        NL / "dcat-ap-nl-SHACL.ttl",
        NL / "dcat-ap-nl-SHACL-klassebereik.ttl",
        NL / "dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl",
        NL / "dcat-ap-nl-SHACL-aanbevolen.ttl",
    ),
    "DCAT-AP-NL 3.0.0": (
        NL / "300__dcat-ap-nl-SHACL.ttl",
        NL / "300__dcat-ap-nl-SHACL-klassebereik.ttl",
        NL / "300__dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl",
        NL / "300__dcat-ap-nl-SHACL-aanbevolen.ttl",
    ),
}


def shapes_graph(files: tuple[Path, ...]) -> Graph:
    """The shapes of ``files``. The DCAT-AP 3.0.1 release names a few property shapes in
    ``sh:property`` that it never defines (no ``sh:path``, no constraint); pyshacl refuses
    such a reference, so those references (which constrain nothing) are dropped."""
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"reference shapes missing: {missing}")
        pytest.skip(f"reference shapes not available: {missing}")
    graph = Graph()
    for file in files:
        graph.parse(file)
    dangling = [
        (shape, ref)
        for shape, ref in graph.subject_objects(SH.property)
        if (ref, SH.path, None) not in graph
    ]
    for shape, ref in dangling:
        graph.remove((shape, SH.property, ref))
    return graph


def catalog_turtle(app: Flask) -> Graph:
    response = app.test_client().get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


def violations(data: Graph, files: tuple[Path, ...]) -> list[str]:
    conforms, report, _ = validate(
        data, shacl_graph=shapes_graph(files), advanced=True, allow_warnings=True
    )
    found = [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
        f"{report.value(r, SH.resultMessage)}"
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    assert conforms == (not found)
    return found


@pytest.mark.parametrize("name", list(SHAPE_SETS))
def test_catalog_passes_the_official_shapes(app: Flask, name: str) -> None:
    assert violations(catalog_turtle(app), SHAPE_SETS[name]) == []


@pytest.mark.parametrize("name", list(SHAPE_SETS))
def test_the_shapes_do_find_violations(app: Flask, name: str) -> None:
    """The same shapes reject a catalog without the dataset's title, description, publisher
    and licences."""
    graph = catalog_turtle(app)
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
        graph.remove((DATASET, predicate, None))
    graph.remove((None, DCTERMS.license, None))
    assert violations(graph, SHAPE_SETS[name])


def test_formats_hold_the_same_catalog(app: Flask) -> None:
    client = app.test_client()
    expected = catalog_turtle(app)
    for path, fmt in (
        ("/catalog.ttl", "turtle"),
        ("/catalog.jsonld", "json-ld"),
        ("/catalog.nt", "nt"),
        ("/catalog.rdf", "xml"),
    ):
        assert isomorphic(Graph().parse(data=client.get(path).data, format=fmt), expected), path
    html = client.get("/catalog", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert '<link rel="alternate" type="text/turtle" href="/catalog.ttl"' in html.get_data(
        as_text=True
    )


def test_distributions_are_what_the_catalog_says(app: Flask) -> None:
    client = app.test_client()
    graph = catalog_turtle(app)
    distributions = [
        *graph.objects(DATASET, DCAT.distribution),
        *graph.objects(EXAMPLES, DCAT.distribution),
    ]
    media = {
        str(graph.value(d, DCAT.mediaType)).rsplit("media-types/", 1)[1] for d in distributions
    }
    assert {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/trig",
        "text/csv",
    } <= media
    for node in distributions:
        url = str(graph.value(node, DCAT.downloadURL))
        assert url.startswith("http://localhost/")
        response = client.get(url[len("http://localhost") :])
        assert response.status_code == 200, url
        declared = str(graph.value(node, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        compressed = graph.value(node, DCAT.compressFormat)
        if compressed is not None:
            assert response.mimetype == "application/gzip"
            assert url.endswith(".gz")
        else:
            assert response.mimetype == declared
        size = graph.value(node, DCAT.byteSize)
        if size is not None:
            assert int(size) == len(response.data)
        assert graph.value(node, DCTERMS.license) == URIRef(
            "http://creativecommons.org/licenses/by/4.0/deed.nl"
        )
        # Access rights as DCAT-AP has them (not dct:rights), and the service that serves it.
        assert graph.value(node, DCTERMS.accessRights) == graph.value(DATASET, DCTERMS.accessRights)
        assert (node, DCTERMS.rights, None) not in graph
        service = graph.value(node, DCAT.accessService)
        assert (service, RDF.type, DCAT.DataService) in graph, node


def test_map_layers_are_listed_exactly_when_the_app_serves_them(app: Flask) -> None:
    graph = catalog_turtle(app)
    # The layers show the invented examples (marked) when the store has them: they belong to
    # the examples dataset then, not to the real one.
    assert not [
        d
        for d in graph.objects(DATASET, DCAT.distribution)
        if str(graph.value(d, DCAT.mediaType)).endswith("application/geo+json")
    ]
    listed = {
        str(graph.value(d, DCAT.downloadURL))
        for d in graph.objects(EXAMPLES, DCAT.distribution)
        if str(graph.value(d, DCAT.mediaType)).endswith("application/geo+json")
    }
    adapter = app.url_map.bind("localhost")
    served = set()
    for path, _, _ in LAYERS:
        try:
            adapter.match(path, method="GET")
        except HTTPException:
            continue
        served.add("http://localhost" + path)
    assert listed == served
    for url in listed:
        response = app.test_client().get(url[len("http://localhost") :])
        assert response.status_code == 200


def test_data_services(app: Flask) -> None:
    client = app.test_client()
    graph = catalog_turtle(app)
    services = list(graph.objects(CATALOG, DCAT.service))
    sparql = URIRef(str(CATALOG) + "#sparql")
    assert sparql in services
    assert graph.value(sparql, DCAT.endpointURL) == URIRef("http://localhost/sparql")
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200
    assert "sparql-service-description" in description.get_data(as_text=True)
    assert URIRef(str(CATALOG) + "#kaartlagen") in services
    for service in services:
        assert (service, RDF.type, DCAT.DataService) in graph
        assert set(graph.objects(service, DCAT.servesDataset)) == {DATASET, EXAMPLES}
        url = str(graph.value(service, DCAT.endpointDescription))
        assert client.get(url[len("http://localhost") :]).status_code == 200


def test_default_publisher_is_the_project_and_no_email_is_invented(app: Flask) -> None:
    graph = catalog_turtle(app)
    publisher = graph.value(DATASET, DCTERMS.publisher)
    assert publisher == URIRef(str(CATALOG) + "#regiograaf")
    assert graph.value(DATASET, DCTERMS.creator) == publisher
    assert Literal("Regiograaf (open source project)", lang="en") in set(
        graph.objects(publisher, FOAF.name)
    )
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert graph.value(contact, URIRef(VCARD + "hasURL")) == URIRef("http://localhost/")
    assert graph.value(contact, URIRef(VCARD + "hasEmail")) is None
    assert "mailto:" not in graph.serialize(format="turtle")


def test_publisher_setting_uses_the_tooi_iri_and_the_graphs_facts(
    built_store: BuiltStore,
) -> None:
    settings = dataclasses.replace(
        built_store.settings,
        publisher=ROTTERDAM_TOOI,
        contact_email="open-data@example.org",
        contact_url="https://example.org/contact",
    )
    app = create_app(settings)
    graph = catalog_turtle(app)
    publisher = URIRef(ROTTERDAM_TOOI)
    assert graph.value(DATASET, DCTERMS.publisher) == publisher
    assert graph.value(CATALOG, DCTERMS.publisher) == publisher
    assert Literal("Rotterdam", lang="nl") in set(graph.objects(publisher, FOAF.name))
    assert graph.value(publisher, DCTERMS.source) is not None
    assert graph.value(publisher, DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/LocalAuthority"
    )
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert graph.value(contact, URIRef(VCARD + "hasEmail")) == URIRef(
        "mailto:open-data@example.org"
    )
    for files in SHAPE_SETS.values():
        assert violations(graph, files) == []


def test_catalog_links_void_and_the_dataset_page(app: Flask) -> None:
    graph = catalog_turtle(app)
    assert URIRef("http://localhost/.well-known/void") in set(
        graph.objects(DATASET, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"))
    )
    page = app.test_client().get("/doc/dataset/regiograaf")
    assert page.status_code == 200


def test_unknown_catalog_extension_is_404(app: Flask) -> None:
    assert app.test_client().get("/catalog.pdf").status_code == 404


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("publisher", "gemeente Rotterdam"),
        ("contact_email", "geen adres"),
        ("contact_url", "javascript:alert(1)"),
    ],
)
def test_unusable_catalog_settings_are_a_clear_503(
    built_store: BuiltStore, setting: str, value: str
) -> None:
    settings = dataclasses.replace(built_store.settings, **{setting: value})
    response = create_app(settings).test_client().get("/catalog.ttl")
    assert response.status_code == 503
    assert f"REGIOGRAAF_{setting.upper()}" in response.get_data(as_text=True)


def test_a_registered_layer_becomes_a_geojson_distribution(
    built_store: BuiltStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layer the app serves and registers in server/maps/layers.py (as the maps do)."""
    app = create_app(built_store.settings)
    app.add_url_rule(
        "/kaart/proef.geojson",
        "proeflaag",
        lambda: Response(
            '{"type": "FeatureCollection", "features": []}', mimetype="application/geo+json"
        ),
    )
    monkeypatch.setattr(
        "server.web.catalog.LAYERS",
        (("/kaart/proef.geojson", "Proeflaag", "Test layer"),),
    )
    graph = catalog_turtle(app)
    layers = [
        d
        for d in graph.objects(EXAMPLES, DCAT.distribution)
        if str(graph.value(d, DCAT.mediaType)).endswith("/application/geo+json")
    ]
    assert len(layers) == 1
    layer = layers[0]
    assert graph.value(layer, DCAT.downloadURL) == URIRef("http://localhost/kaart/proef.geojson")
    assert graph.value(layer, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/GEOJSON"
    )
    assert Literal("Test layer", lang="en") in set(graph.objects(layer, DCTERMS.title))
    for files in SHAPE_SETS.values():
        assert violations(graph, files) == []


def test_real_data_and_examples_are_separate_datasets(app: Flask) -> None:
    """A portal that harvests the real dataset gets no invented data: the example dumps are
    the distributions of a dataset of their own, which says what it is."""
    graph = catalog_turtle(app)
    assert set(graph.objects(CATALOG, DCAT.dataset)) == {DATASET, EXAMPLES}
    real = {
        str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(DATASET, DCAT.distribution)
    }
    assert not [url for url in real if "voorbeeld" in url]
    invented = {
        str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(EXAMPLES, DCAT.distribution)
    }
    assert "http://localhost/dumps/voorbeelden.ttl" in invented
    assert "http://localhost/dumps/voorbeeldprojecten.csv" in invented
    assert Literal("Regiograaf: invented examples (not real data)", lang="en") in set(
        graph.objects(EXAMPLES, DCTERMS.title)
    )
    page = app.test_client().get("/catalog", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="distributions-voorbeelden"' in page
    assert 'href="/dumps/voorbeelden.ttl"' in page.split('id="distributions-voorbeelden"', 1)[1]


def test_without_examples_there_is_no_examples_dataset(tmp_path: Path) -> None:
    built = build_canned_store(tmp_path / "real-only", examples=False)
    graph = catalog_turtle(create_app(built.settings))
    assert set(graph.objects(CATALOG, DCAT.dataset)) == {DATASET}
    assert (EXAMPLES, None, None) not in graph
    urls = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert urls and not [url for url in urls if "voorbeeld" in url]
    client = create_app(built.settings).test_client()
    assert client.get("/dumps/voorbeelden.ttl").status_code == 404
    for files in SHAPE_SETS.values():
        assert violations(graph, files) == []


@pytest.mark.parametrize("name", list(SHAPE_SETS))
def test_no_recommendation_is_left_out(app: Flask, name: str) -> None:
    """The official shapes' warnings (recommended properties, such as a distribution's
    dcat:accessService) are met too."""
    _, report, _ = validate(
        catalog_turtle(app), shacl_graph=shapes_graph(SHAPE_SETS[name]), advanced=True
    )
    warnings = [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}"
        for r in report.subjects(SH.resultSeverity, SH.Warning)
    ]
    assert warnings == []
