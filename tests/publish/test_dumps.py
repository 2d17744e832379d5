"""The dumps under /dumps/: every format parses back to what the store holds."""

from __future__ import annotations

import csv
import gzip
import io

from flask import Flask
from rdflib import Dataset, Graph, URIRef
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


def test_whole_graph_dumps_hold_every_triple(app: Flask, built_store: BuiltStore) -> None:
    expected = union(built_store)
    assert len(expected) > 4000
    bodies = {
        "turtle": download(app, "regiograaf.ttl"),
        "nt": gzip.decompress(download(app, "regiograaf.nt.gz")),
        "json-ld": download(app, "regiograaf.jsonld"),
    }
    for fmt, body in bodies.items():
        parsed = Graph().parse(data=body, format=fmt)
        assert len(parsed) == len(expected), fmt
        assert isomorphic(parsed, expected), fmt


def test_trig_dump_keeps_every_named_graph(app: Flask, built_store: BuiltStore) -> None:
    parsed = Dataset()
    parsed.parse(data=download(app, "regiograaf.trig"), format="trig")
    names = {str(g.identifier) for g in parsed.graphs() if len(g)}
    assert names == set(built_store.store.named_graphs())
    for name in names:
        graph = parsed.graph(URIRef(name))
        assert len(graph) == built_store.store.count(name), name
    inferred = parsed.graph(URIRef("https://w3id.org/regiograaf/graph/inferred"))
    assert (
        URIRef("https://w3id.org/regiograaf/id/gemeente/gm0599"),
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        URIRef("http://www.w3.org/ns/org#Organization"),
    ) in inferred


def test_projects_csv_has_one_row_per_project(app: Flask, built_store: BuiltStore) -> None:
    response = app.test_client().get("/dumps/projecten.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    projects = built_store.store.query(
        "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/regiograaf/def#Project> }"
    ).rows()
    assert sorted(row["project"] for row in rows) == sorted(str(r["p"]) for r in projects)
    twin = next(
        r for r in rows if r["project"].endswith("voorbeeld-rotterdam-digital-twin-binnenstad")
    )
    assert twin["title_nl"] == "Digitale tweeling binnenstad Rotterdam"
    assert twin["lead_name"] == "Rotterdam"
    assert twin["is_example"] == "true"
    assert twin["wkt"].startswith("POINT(")


def test_dumps_are_stable_and_unknown_names_404(app: Flask) -> None:
    client = app.test_client()
    for dump in DUMPS:
        first, second = client.get(f"/dumps/{dump.name}"), client.get(f"/dumps/{dump.name}")
        assert first.data == second.data
        assert first.headers["ETag"] == second.headers["ETag"]
    assert client.get("/dumps/regiograaf.xlsx").status_code == 404
    assert client.get("/dumps/../catalog").status_code == 404
