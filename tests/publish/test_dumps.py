"""The dumps under /dumps/: every format parses back to what the store holds."""

from __future__ import annotations

import csv
import gzip
import io
import re

from flask import Flask
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from server.publish.dumps import DUMPS
from tests.support import BuiltStore


def union(built_store: BuiltStore) -> Graph:
    return built_store.store.query("CONSTRUCT WHERE { ?s ?p ?o }").graph()


def download(app: Flask, name: str) -> bytes:
    response = app.test_client().get(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    return response.data


RG = "https://w3id.org/regiograaf/def#"
IS_EXAMPLE = URIRef(RG + "isExample")


def parse(body: bytes, fmt: str) -> Graph:
    return Graph().parse(data=body, format=fmt)


def test_real_and_example_dumps_together_hold_every_triple(
    app: Flask, built_store: BuiltStore
) -> None:
    expected = union(built_store)
    assert len(expected) > 4000
    for stem, ext, fmt in (
        ("ttl", "ttl", "turtle"),
        ("nt", "nt.gz", "nt"),
        ("jsonld", "jsonld", "json-ld"),
    ):
        real_body = download(app, f"regiograaf.{ext}")
        invented_body = download(app, f"voorbeelden.{ext}")
        if ext.endswith(".gz"):
            real_body, invented_body = gzip.decompress(real_body), gzip.decompress(invented_body)
        real, invented = parse(real_body, fmt), parse(invented_body, fmt)
        assert len(real) + len(invented) - len(real & invented) == len(expected), stem
        assert isomorphic(real + invented, expected), stem
        # Not one invented statement in the real data; every example is in the examples.
        assert not set(real.subjects(IS_EXAMPLE, None)), stem
        examples = set(expected.subjects(IS_EXAMPLE, Literal(True)))
        assert examples and examples <= set(invented.subjects(IS_EXAMPLE, None)), stem
        mentioned = {term for triple in real for term in (triple[0], triple[2])}
        assert not mentioned & examples, stem


def test_trig_dumps_keep_every_named_graph(app: Flask, built_store: BuiltStore) -> None:
    real, invented = Dataset(), Dataset()
    real.parse(data=download(app, "regiograaf.trig"), format="trig")
    invented.parse(data=download(app, "voorbeelden.trig"), format="trig")
    graphs = set(built_store.store.named_graphs())
    example_graphs = {name for name in graphs if "/graph/data/voorbeelden/" in name}
    assert example_graphs
    real_names = {str(g.identifier) for g in real.graphs() if len(g)}
    assert real_names == graphs - example_graphs
    for name in graphs:
        counted = len(real.graph(URIRef(name))) + len(invented.graph(URIRef(name)))
        assert counted == built_store.store.count(name), name
    for name in example_graphs:
        assert len(invented.graph(URIRef(name))) == built_store.store.count(name), name
    inferred = real.graph(URIRef("https://w3id.org/regiograaf/graph/inferred"))
    assert (
        URIRef("https://w3id.org/regiograaf/id/gemeente/gm0599"),
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        URIRef("http://www.w3.org/ns/org#Organization"),
    ) in inferred


def rows(app: Flask, name: str) -> list[dict[str, str]]:
    response = app.test_client().get(f"/dumps/{name}")
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_project_csvs_have_one_row_per_project_and_mark_examples(
    app: Flask, built_store: BuiltStore
) -> None:
    def projects(examples: bool) -> list[str]:
        test = "" if examples else "NOT"
        found = built_store.store.query(
            f"SELECT DISTINCT ?p WHERE {{ ?p a <{RG}Project> "
            f"FILTER {test} EXISTS {{ ?p <{RG}isExample> true }} }}"
        ).rows()
        return sorted(str(r["p"]) for r in found)

    real, invented = rows(app, "projecten.csv"), rows(app, "voorbeeldprojecten.csv")
    assert sorted(row["project"] for row in real) == projects(False)
    assert sorted(row["project"] for row in invented) == projects(True)
    assert {row["voorbeeld"] for row in real} == {"false"}
    assert {row["voorbeeld"] for row in invented} == {"true"}
    # Real records carry their sources and the date they were checked; the lead may be
    # another organisation than a municipality.
    assert all(row["sources"].startswith("http") and row["last_checked"] for row in real)
    assert "Metropoolregio Rotterdam Den Haag" in {row["lead_name"] for row in real}


def test_dumps_are_stable_and_unknown_names_404(app: Flask) -> None:
    client = app.test_client()
    for dump in DUMPS:
        first, second = client.get(f"/dumps/{dump.name}"), client.get(f"/dumps/{dump.name}")
        assert first.data == second.data
        assert first.headers["ETag"] == second.headers["ETag"]
    assert client.get("/dumps/regiograaf.xlsx").status_code == 404
    assert client.get("/dumps/../catalog").status_code == 404


def test_the_downloads_page_lists_every_file_with_its_size(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)
    rows = re.findall(
        r"<tr(?: class=\"voorbeeld-rij\")?>\s*<td><a href=\"/dumps/([^\"]+)\".*?</tr>", html, re.S
    )
    assert rows == [dump.name for dump in DUMPS]  # the tests build with examples: all of them
    for dump in DUMPS:
        row = html.split(f'href="/dumps/{dump.name}"', 1)[1].split("</tr>", 1)[0]
        assert dump.title_nl in row
        assert ("Voorbeeld" in row) == dump.examples
        exact = re.search(r'title="([0-9.]+) bytes">([^<]+)</span>', row)
        assert exact is not None
        size = int(exact.group(1).replace(".", ""))
        assert size == len(client.get(f"/dumps/{dump.name}").data)
        # for people: bytes, kB or MB with one decimal, in the page's language
        number, unit = exact.group(2).split(" ")
        scale = {"bytes": 1, "kB": 1000, "MB": 1_000_000}[unit]
        assert abs(float(number.replace(",", ".")) * scale - size) <= scale / 20
        assert ("Voorbeeld" in row) == ('class="voorbeeld-label"' in row)
    assert "regiograaf/resource.css" in html  # where the label's style is
    english = client.get("/dumps/?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r">\d+(\.\d)? MB</span>", english)
