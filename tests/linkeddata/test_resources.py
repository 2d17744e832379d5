"""Dereferenceable IRIs: /id → 303 → /doc, content negotiation, the resource and term pages."""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from server.build.pipeline import build
from server.rdf.iris import IriMap
from server.settings import load_settings
from server.web.app import create_app
from tests.build.generated import add_contributions
from tests.support import BuiltStore, RunningServer, copy_project

BASE = "https://w3id.org/regiograaf/"
ROTTERDAM = BASE + "id/gemeente/gm0599"
EXAMPLE_PROJECT = BASE + "id/project/voorbeeld-rotterdam-schaduwstudie-bouwplannen"
FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}
SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s"


def subjects_under_base(built_store: BuiltStore) -> list[str]:
    rows = built_store.store.query(SUBJECTS).rows()
    return [str(row["s"]) for row in rows if str(row["s"]).startswith(BASE)]


def parse(body: bytes, rdflib_format: str) -> Graph:
    return Graph().parse(data=body, format=rdflib_format)


def describe(built_store: BuiltStore, iri: str) -> Graph:
    return built_store.store.query("DESCRIBE ?x", bindings={"x": URIRef(iri)}).graph()


def test_every_subject_iri_dereferences(app: Flask, built_store: BuiltStore) -> None:
    client = app.test_client()
    iri_map = IriMap.for_base(BASE)
    subjects = subjects_under_base(built_store)
    assert len(subjects) > 300
    for iri in subjects:
        page = iri_map.page(iri)
        assert page is not None, iri
        rest = iri[len(BASE) :]
        if rest.startswith(("id/", "graph/")):
            redirect = client.get("/" + rest)
            assert redirect.status_code == 303, iri
            assert redirect.headers["Location"] == page
        path = page.split("#")[0]
        html = client.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 200, iri
        assert html.mimetype == "text/html"
        turtle = client.get(path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200, iri
        assert (URIRef(iri), None, None) in parse(turtle.data, "turtle"), iri


@pytest.mark.parametrize(
    "iri",
    [
        ROTTERDAM,
        EXAMPLE_PROJECT,
        BASE + "def#contributesIndirectlyTo",  # an RDF list (blank nodes)
        BASE + "shapes#Project",
        BASE + "graph/data/gemeenten",
    ],
)
def test_each_format_parses_back_to_the_same_triples(
    app: Flask, built_store: BuiltStore, iri: str
) -> None:
    client = app.test_client()
    path = IriMap.for_base(BASE).page(iri)
    expected = describe(built_store, iri)
    assert len(expected) > 3
    for ext, (media_type, rdflib_format) in FORMATS.items():
        by_extension = client.get(f"{path}.{ext}")
        assert by_extension.status_code == 200
        assert by_extension.mimetype == media_type
        assert isomorphic(parse(by_extension.data, rdflib_format), expected), ext
        by_accept = client.get(path, headers={"Accept": media_type})
        assert by_accept.mimetype == media_type
        assert "Accept" in by_accept.headers["Vary"]
        assert isomorphic(parse(by_accept.data, rdflib_format), expected), ext


def test_browsers_get_html_and_the_etag_is_the_data_version(
    app: Flask, built_store: BuiltStore
) -> None:
    client = app.test_client()
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/doc/gemeente/gm0599", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    version = built_store.result.data_version
    assert response.headers["ETag"] == f'"{version}"'
    again = client.get(
        "/doc/gemeente/gm0599", headers={"Accept": accept, "If-None-Match": f'"{version}"'}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/id/gemeente/gm9999",
        "/doc/gemeente/gm9999",
        "/doc/project/bestaat-niet.ttl",
        "/def/Nothing",
        "/shapes/Nothing",
        "/graph/data/bestaat-niet",
        "/doc/gemeente/a%3Cb",
        "/id/x%20y",
        "/def/a%22b",
        "/shapes/%7Bx%7D",
        "/doc/a%5Cb.ttl",
    ],
)
def test_unknown_iri_is_a_404_page(app: Flask, path: str) -> None:
    client = app.test_client()
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 404
    assert html.mimetype == "text/html"
    assert "Niet gevonden" in html.get_data(as_text=True)
    text = client.get(path, headers={"Accept": "text/turtle"})
    assert text.status_code == 404
    assert "Onbekende IRI" in text.get_data(as_text=True)
    english = client.get(f"{path}?lang=en", headers={"Accept": "text/turtle"})
    assert "Unknown IRI" in english.get_data(as_text=True)


def test_bad_format_and_unacceptable_accept_are_client_errors(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/doc/gemeente/gm0599?format=pdfje").status_code == 400
    assert client.get("/doc/gemeente/gm0599", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/doc/gemeente/gm0599?format=ttl").mimetype == "text/turtle"


def row_of(html: str, curie: str, value_text: str) -> str:
    """The table row of the statement with ``curie`` whose value shows ``value_text``."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        if curie in row and value_text in row:
            return row
    raise AssertionError(f"no row for {curie} {value_text}")


def test_municipality_page(app: Flask, built_store: BuiltStore) -> None:
    html = app.test_client().get("/doc/gemeente/gm0599").get_data(as_text=True)
    assert re.search(r'<h1[^>]*><span class="label" lang="nl">Rotterdam</span></h1>', html)
    assert 'id="voorbeeld"' not in html
    # for people first: its scan, its projects on the map, and its relations, each once
    assert '<a class="utrecht-link" href="/scan/gm0599">' in html
    assert 'href="/kaart/projecten?gemeente=gm0599"' in html
    people = html.split('<details class="technisch">', 1)[0]
    assert "rg:" not in people and "/graph/" not in people
    assert people.count("Schaduw- en hittestudie voor bouwplannen") == 1
    # asserted, from its source file, with a link to that file's page
    asserted = row_of(html, "rg:cbsCode", "GM0599")
    assert 'class="inferred"' not in asserted
    assert '<a href="/doc/graph/data/gemeenten"><code>data/gemeenten.ttl</code></a>' in asserted
    # inferred (inverse of rg:leadMunicipality), marked as such
    title = "Voorbeeld: Schaduw- en hittestudie voor bouwplannen"
    inferred = row_of(html, "rg:leadsProject", title)
    assert 'class="inferred"' in inferred
    assert "afgeleid" in inferred
    # values link to their local pages
    assert f'href="{IriMap.for_base(BASE).page(EXAMPLE_PROJECT)}"' in inferred
    # incoming links: the membership in MRDH points here
    incoming = html.split('id="incoming"', 1)[1]
    assert 'href="/doc/lidmaatschap/gm0599-mrdh"' in incoming
    # the small map with the point of the geometry
    wkt = built_store.store.query(
        "SELECT ?x ?w WHERE { ?x <http://www.opengis.net/ont/geosparql#hasGeometry>/"
        "<http://www.opengis.net/ont/geosparql#asWKT> ?w FILTER(STRSTARTS(STR(?w), 'POINT')) }",
        bindings={"x": URIRef(ROTTERDAM)},
    ).rows()[0]["w"]
    lon, lat = re.findall(r"-?\d+\.\d+", str(wkt))
    points = json.loads(
        re.search(r'data-points="([^"]+)"', html).group(1).replace("&#34;", '"')  # type: ignore[union-attr]
    )
    assert points == [[float(lon), float(lat)]]
    assert "/assets/leaflet/leaflet.js" in html
    # embedded schema.org
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S).group(1)  # type: ignore[union-attr]
    )
    assert data["@type"] == "GovernmentOrganization"
    assert data["@id"] == ROTTERDAM
    assert {"@value": "Rotterdam", "@language": "nl"} in data["name"]
    assert data["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": float(lat),
        "longitude": float(lon),
    }
    # machine-readable alternates in the head
    for ext, (media_type, _) in FORMATS.items():
        assert (
            f'<link rel="alternate" type="{media_type}" href="/doc/gemeente/gm0599.{ext}"' in html
        )


def _people(html: str) -> str:
    """What a person reads first: the page's main part before the folded technical table."""
    return html.split("<main", 1)[1].split('<details class="technisch">', 1)[0]


def _groups(html: str) -> list[tuple[str, str]]:
    """The relation groups for people: (name, the text of its values)."""
    people = _people(html)
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", people, re.S)
    return [
        (name.strip(), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", v)).strip()) for name, v in found
    ]


def test_relations_in_plain_words_one_group_each(app: Flask) -> None:
    """Issue 14 point 4: relations named in plain words, one group per name; no technical
    kinds; dates for people; things without a label named by what they are."""
    client = app.test_client()
    project = client.get("/doc/project/delft-open-data-platform").get_data(as_text=True)
    names = [name for name, _ in _groups(project)]
    assert len(names) == len(set(names)) and "overig" not in names
    groups = dict(_groups(project))
    assert "Strategie Open Delft" in groups["hoort bij"]
    assert "Emerce" in groups["bronnen"]
    assert groups["startdatum"] == "28 februari 2017"
    assert "brengt in de praktijk" in groups and "is voorbeeld van" not in names
    assert re.search(r'<p class="soort">\s*<a[^>]*><span[^>]*>project</span></a>\s*</p>', project)
    assert "Activity" not in _people(project)
    municipality = client.get("/doc/gemeente/gm0503").get_data(as_text=True)
    people = _people(municipality)
    assert "Feature" not in people and "Organization" not in people
    groups = dict(_groups(municipality))
    assert groups["lidmaatschappen"] == "Lidmaatschap van Metropoolregio Rotterdam Den Haag"
    assert "Volwassenheidsmeting Data, 2026" in groups["volwassenheidsmetingen"]
    assert not [name for name in groups if name.endswith(" van")]
    assert "gm0503-mrdh" not in " ".join(groups.values())
    english = client.get("/doc/project/delft-open-data-platform?lang=en").get_data(as_text=True)
    groups = dict(_groups(english))
    assert "other" not in groups and "part of" in groups and "sources" in groups
    assert groups["start date"] == "28 February 2017"
    membership = dict(_groups(client.get("/doc/gemeente/gm0503?lang=en").get_data(as_text=True)))
    assert membership["memberships"] == "Membership of Rotterdam The Hague Metropolitan Area"


def test_example_project_says_it_is_an_example(app: Flask) -> None:
    html = app.test_client().get("/doc/project/voorbeeld-rotterdam-schaduwstudie-bouwplannen")
    text = html.get_data(as_text=True)
    assert 'id="voorbeeld"' in text
    assert "Voorbeeld" in text and "geen echt project" in text
    assert '"@type": "Project"' in text
    english = app.test_client().get(
        "/doc/project/voorbeeld-rotterdam-schaduwstudie-bouwplannen?lang=en"
    )
    assert "not a real project" in english.get_data(as_text=True)


def test_labels_one_language_at_a_time(app: Flask) -> None:
    client = app.test_client()
    dutch = client.get("/doc/opgave/energietransitie").get_data(as_text=True)
    assert 'href="/doc/opgave/energietransitie?lang=en"' in dutch  # the switch is a link
    assert (
        '<h1 class="utrecht-heading-1"><span class="label" lang="nl">Energietransitie</span></h1>'
        in dutch
    )
    english = client.get("/doc/opgave/energietransitie?lang=en").get_data(as_text=True)
    assert '<span class="label" lang="en">Energy transition</span></h1>' in english
    assert "Energietransitie</span></h1>" not in english
    # a label that is the same in both languages still shows in English
    mrdh = client.get("/doc/organisatie/mrdh?lang=en").get_data(as_text=True)
    assert re.search(r'<h1[^>]*><span class="label" lang="(en|nl)">[^<]+</span></h1>', mrdh)


def test_ontology_documentation(app: Flask, built_store: BuiltStore) -> None:
    client = app.test_client()
    redirect = client.get("/def")
    assert redirect.status_code == 303 and redirect.headers["Location"] == "/def/"
    html = client.get("/def/").get_data(as_text=True)
    ontology = parse(client.get("/def/", headers={"Accept": "text/turtle"}).data, "turtle")
    assert (URIRef(BASE + "def"), RDF.type, OWL.Ontology) in ontology
    classes = {s for s in ontology.subjects(RDF.type, OWL.Class) if str(s).startswith(BASE)}
    assert len(classes) >= 15
    for cls in classes:
        name = str(cls).split("#")[1]
        assert f'id="{name}"' in html, name
    municipalities = built_store.store.query(
        "PREFIX rg: <https://w3id.org/regiograaf/def#> "
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Municipality }"
    ).rows()[0]["n"]
    section = html.split('id="Municipality"', 1)[1].split("</article>", 1)[0]
    assert f'<dd class="count">{int(municipalities)}</dd>' in section
    project = html.split('id="Project"', 1)[1].split("</article>", 1)[0]
    assert "rgsh:Project-leadMunicipality" in project
    assert "rgsh:EndDateNotBeforeStartDate" in project  # a SPARQL-based shape
    assert "rg:leadMunicipality" in project
    assert "<svg" in html and 'role="figure" aria-labelledby="diagram-title"' in html
    lead = html.split('id="leadMunicipality"', 1)[1].split("</article>", 1)[0]
    assert 'href="/def/Project"' in lead and 'href="/def/Municipality"' in lead
    for ext, (_, rdflib_format) in FORMATS.items():
        assert isomorphic(parse(client.get(f"/def/index.{ext}").data, rdflib_format), ontology)


def test_term_page(app: Flask) -> None:
    html = app.test_client().get("/def/Project").get_data(as_text=True)
    assert '<code id="iri">https://w3id.org/regiograaf/def#Project</code>' in html
    assert "ontology/regiograaf.ttl" in html
    # the shape that targets the class links here
    assert 'href="/shapes/Project"' in html


def test_literals_keep_language_and_datatype(app: Flask, built_store: BuiltStore) -> None:
    graph = parse(app.test_client().get("/doc/gemeente/gm0599.ttl").data, "turtle")
    assert (URIRef(ROTTERDAM), URIRef(BASE + "def#cbsCode"), Literal("GM0599")) in graph


def test_live_server_answers_303_then_turtle(live_server: RunningServer) -> None:
    url = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request("GET", "/id/gemeente/gm0599", headers={"Accept": "text/turtle"})
        response = connection.getresponse()
        response.read()
        assert response.status == 303
        assert response.getheader("Location") == "/doc/gemeente/gm0599"
        connection.request("GET", "/doc/gemeente/gm0599", headers={"Accept": "text/turtle"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/turtle; charset=utf-8"
    assert (URIRef(ROTTERDAM), None, None) in parse(body, "turtle")


def test_shapes_index_lists_every_node_shape(app: Flask, built_store: BuiltStore) -> None:
    client = app.test_client()
    assert client.get("/shapes").headers["Location"] == "/shapes/"
    html = client.get("/shapes/").get_data(as_text=True)
    rows = built_store.store.query(
        "SELECT DISTINCT ?s WHERE { ?s a <http://www.w3.org/ns/shacl#NodeShape> FILTER(isIRI(?s)) }"
    ).rows()
    assert len(rows) > 5
    members = html.split('id="leden"', 1)[1].split("</section>", 1)[0]
    for row in rows:
        name = str(row["s"]).split("#", 1)[1]
        assert f'<a href="/shapes/{name}"><code>rgsh:{name}</code></a>' in members
    shapes = Graph().parse(data=client.get("/shapes/index.ttl").data, format="turtle")
    assert len(shapes) == sum(
        built_store.store.count(g)
        for g in built_store.store.named_graphs()
        if "/graph/shapes/" in g
    )


def test_a_contribution_with_a_space_in_its_name(tmp_path: Path) -> None:
    """A contribution's statements name it as their source (tagged as a contribution), and
    its graph dereferences, also with a space in the file name."""
    root = copy_project(tmp_path / "project")
    (generated,) = add_contributions(root, 1)
    renamed = generated.with_name("met spatie " + generated.name)
    generated.rename(renamed)
    code = renamed.parent.name
    settings = load_settings(root=root, store=tmp_path / "store")
    assert build(settings).ok
    client = create_app(settings).test_client()
    name = "met%20spatie%20" + generated.name.removesuffix(".ttl")
    redirect = client.get(f"/graph/data/contributions/{code}/{name}")
    assert redirect.status_code == 303
    assert redirect.headers["Location"] == f"/doc/graph/data/contributions/{code}/{name}"
    page = client.get(redirect.headers["Location"])
    assert page.status_code == 200
    path = f"data/contributions/{code}/met spatie {generated.name}"
    assert path in page.get_data(as_text=True)
    # A project of the contribution: its statements name the file, tagged as a contribution.
    project = re.search(r"^(\S+) a rg:Project", renamed.read_text(encoding="utf-8"), re.M)
    assert project, "the generated contribution has a project"
    html = client.get(_project_page(renamed, project.group(1))).get_data(as_text=True)
    assert f'<code>{path}</code></a> <span class="contribution">bijdrage' in html


def _project_page(turtle: Path, name: str) -> str:
    """The local page of the resource ``name`` (a prefixed name or an IRI) of ``turtle``."""
    graph = Graph().parse(turtle)
    iri = name[1:-1] if name.startswith("<") else str(graph.namespace_manager.expand_curie(name))
    return IriMap.for_base(BASE).page(iri)


def test_every_link_to_an_invented_example_is_marked(app: Flask) -> None:
    """A real municipality's page names the invented projects that point at it: each of those
    links carries the example label; links to real resources do not."""
    client = app.test_client()
    html = client.get("/doc/gemeente/gm0599", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    links = re.findall(r'<a href="(/doc/project/[^"]+)">(.*?)</a>(.{0,40})', html, re.S)
    examples = [(href, after) for href, _, after in links if "/project/voorbeeld-" in href]
    real = [(href, after) for href, _, after in links if "/project/voorbeeld-" not in href]
    assert examples and real
    assert all('class="voorbeeld-label"' in after for _, after in examples)
    assert not any('class="voorbeeld-label"' in after for _, after in real)
    # The example's own page says it is invented.
    page = client.get(examples[0][0], headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="voorbeeld"' in page


@pytest.mark.parametrize(
    ("lang", "words", "not_shown"),
    [
        ("nl", ["transitief", "ketenaxioma", "objectrelatie", "klasse: "], ["transitive", "class"]),
        ("en", ["transitive", "property chain", "object property", "class: "], ["transitief"]),
    ],
)
def test_ontology_page_speaks_one_language(
    app: Flask, lang: str, words: list[str], not_shown: list[str]
) -> None:
    """The kinds, axioms and value constraints of the model page in the page's language only
    (they were printed twice: 'transitief (transitive)')."""
    html = app.test_client().get(f"/def/?lang={lang}").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", html)
    assert [word for word in words if word not in text] == []
    assert [word for word in not_shown if f"({word})" in text or f" {word} (" in text] == []
