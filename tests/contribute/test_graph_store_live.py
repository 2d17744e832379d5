"""The graph store, the validation API, the history and the feed against the real server
(``regiograaf serve``, gunicorn, 2 workers) with tokens of Delft (gm0503) and Rotterdam
(gm0599): every status code, ownership by token and by folder, a conditional write race,
concurrent writers, and the feed read back and checked against the history.

The tests of this module share one server and run in order; the last one makes the client
wait (429), so it must stay last.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from server.contribute.feed import TREE
from server.contribute.graphs import CONTRIBUTIONS
from tests.contribute.live import WriteServer, graph_url, http, start_write_server, stop
from tests.support import TEST_DATA, RunningServer

EIGEN = (TEST_DATA / "contribute" / "delft-eigen.ttl").read_bytes()
VREEMD = (TEST_DATA / "contribute" / "delft-vreemd.ttl").read_bytes()
TURTLE = {"Content-Type": "text/turtle"}
BROKEN = EIGEN.replace(b"rg:status status:pilot ;", b"rg:status status:pilot")


@pytest.fixture(scope="module")
def server(small_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WriteServer]:
    running = start_write_server(small_project, tmp_path_factory.mktemp("graph-store"))
    try:
        yield running
    finally:
        stop(running)


def _renamed(name: str) -> bytes:
    """The own fixture with IRIs of its own (a graph per test never reuses another's)."""
    return EIGEN.replace(b"voorbeeld-delft-test-", f"voorbeeld-delft-{name}-".encode())


def test_reads(server: WriteServer) -> None:
    default = http("GET", server.url + "/graph-store?default")
    assert default.status == 200 and default.headers["content-type"].startswith("text/turtle")
    municipalities = (
        server.url
        + "/graph-store?graph="
        + quote("https://w3id.org/regiograaf/graph/data/gemeenten", safe="")
    )
    found = http("GET", municipalities, headers={"Accept": "application/n-triples"})
    assert found.status == 200 and found.headers["content-type"].startswith("application/n-triples")
    assert b"<https://w3id.org/regiograaf/id/gemeente/gm0503>" in found.body
    head = http("HEAD", municipalities, headers={"Accept": "application/n-triples"})
    assert head.status == 200 and head.body == b"" and head.headers["etag"] == found.headers["etag"]
    again = http(
        "GET",
        municipalities,
        headers={"Accept": "application/n-triples", "If-None-Match": found.headers["etag"]},
    )
    assert again.status == 304
    assert http("GET", graph_url(server, "bestaat-niet")).status == 404
    assert http("GET", server.url + "/graph-store").status == 400
    assert http("GET", server.url + "/graph-store?default&graph=urn:x").status == 400
    assert http("GET", server.url + "/graph-store?graph=relatief").status == 400


def test_refusals_change_nothing(server: WriteServer) -> None:
    url = graph_url(server, "geweigerd")
    default = http("PUT", server.url + "/graph-store?default", EIGEN, {**TURTLE, **server.bearer()})
    assert default.status == 405 and "GET" in default.headers["allow"]
    other = (
        server.url
        + "/graph-store?graph="
        + quote("https://w3id.org/regiograaf/graph/data/gemeenten", safe="")
    )
    assert http("PUT", other, EIGEN, {**TURTLE, **server.bearer()}).status == 403
    missing = http("PUT", url, EIGEN, TURTLE)
    assert missing.status == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="regiograaf"'
    wrong = http(
        "PUT", url, EIGEN, {**TURTLE, "Authorization": "Bearer rgt_0000000000_" + "A" * 43}
    )
    assert wrong.status == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]
    rotterdam = http("PUT", url, EIGEN, {**TURTLE, **server.bearer("gm0599")})
    assert rotterdam.status == 403  # a token writes only its own organisation's graphs
    bad_name = (
        server.url + "/graph-store?graph=" + quote(CONTRIBUTIONS + "gm0503/Geen Naam", safe="")
    )
    assert http("PUT", bad_name, EIGEN, {**TURTLE, **server.bearer()}).status == 400
    json_ld = {"Content-Type": "application/ld+json", **server.bearer()}
    assert http("PUT", url, b"{}", json_ld).status == 415
    too_large = http("PUT", url, b"#" * 200_001, {**TURTLE, **server.bearer()})
    assert too_large.status == 413
    assert http("DELETE", url, None, server.bearer()).status == 404
    assert http("GET", url).status == 404
    history = http("GET", server.url + "/bijdragen/gm0503.json").json()
    assert history["graphs"] == []  # type: ignore[index]


def test_syntax_error_400_and_violations_422_with_the_report(server: WriteServer) -> None:
    url = graph_url(server, "rapport")
    syntax = http("PUT", url, BROKEN, {**TURTLE, **server.bearer()})
    assert syntax.status == 400 and syntax.headers["content-type"] == "application/json"
    error = syntax.json()["files"][0]["syntax_error"]  # type: ignore[index]
    assert (error["line"], error["column"]) == (26, 27)
    assert error["message"].startswith("aan het eind van deze regel ontbreekt een puntkomma")
    foreign = http("PUT", url, VREEMD, {**TURTLE, **server.bearer()})
    assert foreign.status == 422
    report = foreign.json()
    assert report["version"] == 1 and report["conforms"] is False  # type: ignore[index]
    (result,) = report["files"]  # type: ignore[index]
    assert result["file"] == "data/contributions/gm0503/rapport.ttl"
    lines = [f["line"] for f in result["findings"] if f["shape"].endswith("#Ownership")]
    assert lines == [20, 26, 33, 38, 45]
    text = http(
        "PUT", url + "&lang=en", VREEMD, {**TURTLE, **server.bearer(), "Accept": "text/plain"}
    )
    assert text.status == 422 and text.headers["content-type"].startswith("text/plain")
    assert b"This contribution of" in text.body and b"rapport.ttl:20:" in text.body
    sarif = http(
        "PUT", url, VREEMD, {**TURTLE, **server.bearer(), "Accept": "application/sarif+json"}
    )
    assert sarif.status == 422 and sarif.json()["version"] == "2.1.0"  # type: ignore[index]
    assert http("GET", url).status == 404


def test_validation_api_is_the_cli_report(server: WriteServer) -> None:
    answer = http("POST", server.url + "/bijdragen/valideren?gemeente=gm0503", VREEMD, TURTLE)
    assert answer.status == 200
    report = answer.json()
    assert report["conforms"] is False  # type: ignore[index]
    lines = [f["line"] for f in report["files"][0]["findings"] if f["shape"].endswith("#Ownership")]  # type: ignore[index]
    assert lines == [20, 26, 33, 38, 45]
    plain = http("POST", server.url + "/bijdragen/valideren", EIGEN, TURTLE)
    assert plain.json()["conforms"] is True  # type: ignore[index]
    assert (
        http("POST", server.url + "/bijdragen/valideren?gemeente=gm9999", EIGEN, TURTLE).status
        == 400
    )
    assert (
        http(
            "POST", server.url + "/bijdragen/valideren", EIGEN, {"Content-Type": "image/png"}
        ).status
        == 415
    )


def test_put_get_post_delete(server: WriteServer) -> None:
    url = graph_url(server, "cyclus")
    body = _renamed("cyclus")
    created = http("PUT", url, body, {**TURTLE, **server.bearer()})
    assert created.status == 201, created.body
    sha = hashlib.sha256(body).hexdigest()
    assert created.headers["etag"] == f'"{sha}"'
    assert created.headers["location"].startswith("/graph-store?graph=")
    assert created.json()["version"] == 1  # type: ignore[index]
    read = http("GET", url)
    assert read.status == 200 and read.headers["etag"] == f'"{sha}"'
    assert len(Graph().parse(data=read.body, format="turtle")) == len(
        Graph().parse(data=body, format="turtle")
    )
    query = "ASK { <https://w3id.org/regiograaf/id/project/voorbeeld-delft-cyclus-sensoren> ?p ?o }"
    asked = http(
        "GET",
        server.url + "/sparql?query=" + quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(asked.body)["boolean"] is True
    extra = body.split(b"\n\n")[0] + (
        b'\n\nproject:voorbeeld-delft-cyclus-sensoren rg:endDate "2026-12-31"^^xsd:date .\n'
    )
    merged = http("POST", url, extra, {**TURTLE, **server.bearer()})
    assert merged.status == 200 and merged.json()["version"] == 2  # type: ignore[index]
    deleted = http("DELETE", url, None, server.bearer())
    assert deleted.status == 200 and deleted.json()["deleted"] is True  # type: ignore[index]
    assert http("GET", url).status == 404
    graphs = http("GET", server.url + "/bijdragen/gm0503.json").json()["graphs"]  # type: ignore[index]
    (cyclus,) = [g for g in graphs if g["name"] == "cyclus"]
    counts = [(v["version"], v["operation"], v["added"], v["removed"]) for v in cyclus["versions"]]
    triples = len(Graph().parse(data=body, format="turtle"))
    assert counts == [(3, "DELETE", 0, triples + 1), (2, "POST", 1, 0), (1, "PUT", triples, 0)]
    page = http("GET", server.url + "/bijdragen/gm0503")
    assert page.status == 200 and b"cyclus.ttl" in page.body and b"Team gm0503" in page.body
    diff = http("GET", server.url + "/bijdragen/gm0503/cyclus/versies/2")
    assert diff.status == 200 and b"2026-12-31" in diff.body
    content = http("GET", server.url + "/bijdragen/gm0503/cyclus/versies/1.ttl")
    assert content.body == body and "immutable" in content.headers["cache-control"]
    again = http(
        "GET",
        server.url + "/bijdragen/gm0503/cyclus/versies/1.ttl",
        headers={"If-None-Match": content.headers["etag"]},
    )
    assert again.status == 304 and again.body == b""


def test_a_conditional_write_race_has_one_winner(server: WriteServer) -> None:
    url = graph_url(server, "wedloop")
    first = http("PUT", url, _renamed("wedloop"), {**TURTLE, **server.bearer()})
    assert first.status == 201
    tag = http("GET", url).headers["etag"]
    statuses: list[int] = []

    def write(title: str) -> None:
        body = _renamed("wedloop").replace(b"sensoren in de binnenstad", title.encode())
        answer = http("PUT", url, body, {**TURTLE, **server.bearer(), "If-Match": tag})
        statuses.append(answer.status)

    threads = [threading.Thread(target=write, args=(f"versie {i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    graphs = http("GET", server.url + "/bijdragen/gm0503.json").json()["graphs"]  # type: ignore[index]
    versions = next(g for g in graphs if g["name"] == "wedloop")["versions"]
    assert len(versions) == 2


def test_concurrent_writers_lose_nothing(server: WriteServer) -> None:
    names = ["samen-1", "samen-2", "samen-3"]
    statuses: dict[str, int] = {}

    def write(name: str) -> None:
        answer = http("PUT", graph_url(server, name), _renamed(name), {**TURTLE, **server.bearer()})
        statuses[name] = answer.status

    threads = [threading.Thread(target=write, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == dict.fromkeys(names, 201)
    for name in names:
        assert http("GET", graph_url(server, name)).status == 200
        path = server.settings.root / "data" / "contributions" / "gm0503" / f"{name}.ttl"
        assert path.read_bytes() == _renamed(name)


def test_a_rotterdam_token_writes_rotterdams_graph(server: WriteServer) -> None:
    text = (
        EIGEN.decode()
        .replace("gemeente:gm0503", "gemeente:gm0599")
        .replace('"GM0503"', '"GM0599"')
        .replace("voorbeeld-delft-test-", "voorbeeld-rotterdam-token-")
    )
    url = graph_url(server, "eigen", code="gm0599")
    assert http("PUT", url, text.encode(), {**TURTLE, **server.bearer()}).status == 403
    assert http("PUT", url, text.encode(), {**TURTLE, **server.bearer("gm0599")}).status == 201


def _feed(server: WriteServer) -> tuple[list[str], list[dict[str, str]]]:
    """The members of the feed, read as a client does: root, then relation after relation."""
    root = Graph().parse(data=http("GET", server.url + "/feed").body, format="turtle")
    (relation,) = root.objects(URIRef(server.url + "/feed"), TREE.relation)
    queue, seen, members, caching = [str(root.value(relation, TREE.node))], set(), [], []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        answer = http("GET", url)
        assert answer.status == 200 and answer.headers["etag"]
        caching.append({"url": url, "cache": answer.headers["cache-control"]})
        again = http("GET", url, headers={"If-None-Match": answer.headers["etag"]})
        assert again.status == 304
        page = Graph().parse(data=answer.body, format="turtle")
        stream = URIRef(server.url + "/feed#stroom")
        ordered = sorted(
            page.objects(stream, TREE.member),
            key=lambda m: str(page.value(m, PROV.generatedAtTime)),
        )
        for member in ordered:
            version = page.value(member, DCTERMS.isVersionOf)
            members.append(f"{version} {str(member).rsplit('/', 1)[1]}")
            assert (member, RDF.type, PROV.Entity) in page
        for node in page.objects(URIRef(url), TREE.relation):
            queue.append(str(page.value(node, TREE.node)))
    return members, caching


def test_the_feed_matches_the_history(server: WriteServer) -> None:
    members, caching = _feed(server)
    expected = []
    for code in ("gm0503", "gm0599"):
        for graph in http("GET", server.url + f"/bijdragen/{code}.json").json()["graphs"]:  # type: ignore[index]
            for version in graph["versions"]:
                expected.append((version["seq"], f"{graph['graph']} {version['version']}"))
    assert members == [text for _, text in sorted(expected)]
    assert len(members) >= 8
    assert caching[-1]["cache"] == "no-cache"  # the last page still grows
    catalog = http("GET", server.url + "/catalog", headers={"Accept": "text/turtle"})
    assert b"https://w3id.org/ldes/specification" in catalog.body


def test_no_token_is_ever_logged(server: WriteServer) -> None:
    logs = b"".join(path.read_bytes() for path in server.log.parent.glob("*.log") if path.is_file())
    assert b"/graph-store" in logs  # the access log is on
    for token in server.tokens.values():
        assert token.encode() not in logs
        secret = token.split("_", 2)[2]  # rgt_<id>_<secret>; the secret may hold "_" too
        assert len(secret) == 43 and secret.encode() not in logs


def test_repeated_wrong_tokens_are_slowed_down(server: WriteServer) -> None:
    url = graph_url(server, "raden")
    wrong = {**TURTLE, "Authorization": "Bearer rgt_0000000000_" + "B" * 43}
    statuses = [http("PUT", url, EIGEN, wrong).status for _ in range(6)]
    assert 429 in statuses and statuses[0] == 401
    blocked = http("PUT", url, EIGEN, {**TURTLE, **server.bearer()})
    assert blocked.status == 429 and int(blocked.headers["retry-after"]) > 0


def test_without_tokens_the_write_path_is_off(live_server: RunningServer) -> None:
    answer = http("PUT", graph_url(live_server, "x"), EIGEN, TURTLE)
    assert answer.status == 405 and answer.headers["allow"] == "GET, HEAD, OPTIONS"
