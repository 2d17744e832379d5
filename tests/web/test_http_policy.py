"""The one HTTP policy (server/http/policy.py, server/web/policy.py): an ETag per representation,
304 on every page and API answer that has a data version (every route is either tagged or says
why not), Cache-Control, CORS and the headers every response carries (the security headers and
a strict Content-Security-Policy), the same from Flask and from the WSGI query layer of
/sparql."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server.http import negotiation
from server.http.policy import (
    CACHEABLE,
    CORS_HEADERS,
    SECURITY_HEADERS,
    Representation,
    content_security_policy,
    not_modified,
)
from server.publish.dumps import DUMPS
from server.settings import load_settings
from server.web.policy import image_sources
from tests.support import BuiltStore

HTML = "text/html"
TURTLE = "text/turtle"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SELECT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

#: Every kind of page or API answer with a data version: (path, Accept).
VERSIONED = [
    ("/", None),
    ("/?lang=en", BROWSER),
    ("/over", BROWSER),
    ("/doc/gemeente/gm0599", BROWSER),
    ("/doc/gemeente/gm0599", TURTLE),
    ("/doc/gemeente/gm0599.jsonld", None),
    ("/def/", BROWSER),
    ("/def/index.ttl", None),
    ("/def/Project", BROWSER),
    ("/shapes/", BROWSER),
    ("/shapes/Project", TURTLE),
    ("/catalog", BROWSER),
    ("/catalog.ttl", None),
    ("/.well-known/void", None),
    ("/.well-known/void.jsonld", None),
    ("/dumps/", BROWSER),
    *((f"/dumps/{dump.name}", None) for dump in DUMPS),
    ("/sitemap.xml", None),
    ("/kaart/projecten", BROWSER),
    ("/kaart/projecten?schakel=data", BROWSER),
    ("/kaart/projecten.geojson", None),
    ("/kaart/gemeenten.geojson", None),
    ("/kaart/samenwerking", BROWSER),
    ("/kaart/samenwerking.geojson", None),
    ("/waardeketen", BROWSER),
    ("/scan", BROWSER),
    ("/scan/gm0599", BROWSER),
    ("/scan/gm0599.json", None),
    ("/zoeken", BROWSER),
    ("/zoeken?q=data", BROWSER),
    ("/zoeken?q=data", "application/json"),
    ("/zoeken.json?q=data&lang=en", None),
    ("/begrippen", BROWSER),
    ("/queries", None),
    ("/queries", BROWSER),
    ("/queries/aansluitingsscore", None),
    ("/queries/aansluitingsscore.csv?gemeente=gm0599", None),
    ("/queries/aansluitingsscore", BROWSER),
    ("/openapi.json", None),
    ("/sparql", None),
    ("/sparql", BROWSER),
    (f"/sparql?query={quote(SELECT)}", None),
    (f"/sparql?query={quote(SELECT)}&format=xml", None),
]


#: The GET routes whose answers have no data version, and why (every other one is in VERSIONED).
UNTAGGED = {
    "pages.health": "a health check is never stored (no-cache)",
    "api.page": "the same page for every data version; the document it loads is tagged",
    "assets.asset": "files whose URL carries a hash of their content (tagged by the file)",
    "resources.identifier": "303 See Other to the page",
    "resources.named_graph": "303 See Other to the page",
    "resources.namespace_redirect": "303 See Other to the documentation",
    "catalog.donl": "503 until a publisher is set (tests/publish/test_donl.py sets one)",
    "bijdragen.page": "a form that may show what was pasted into it: never stored (no-store)",
    "bijdragen_history.organisation_history": "changes with every write, between builds too "
    "(no-cache)",
    "bijdragen_history.version_diff": "an accepted version never changes (max-age)",
    "bijdragen_history.version_content": "tagged by its content hash, immutable (304: "
    "tests/contribute/test_graph_store_live.py)",
    "graph_store.read": "tagged, but revalidated on every use (no-cache): a write can change "
    "a graph at any moment",
    "feed.root": "tagged by its content, revalidated (no-cache): test_the_feed_answers_304",
    "feed.page": "tagged by its content; a full page is immutable: test_the_feed_answers_304",
}


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """One test client on the real project's store for the module."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _dutch_again(client: FlaskClient) -> Iterator[None]:
    """Each test starts in Dutch: ``?lang=en`` leaves a ``lang`` cookie in the shared client."""
    yield
    client.delete_cookie("lang")


def _get(client: FlaskClient, path: str, accept: str | None, **headers: str) -> TestResponse:
    if accept:
        headers["Accept"] = accept
    return client.get(path, headers=headers)


@pytest.mark.parametrize(("path", "accept"), VERSIONED)
def test_every_versioned_answer_is_tagged_and_answers_304(
    client: FlaskClient, path: str, accept: str | None
) -> None:
    first = _get(client, path, accept)
    assert first.status_code == 200, first.get_data(as_text=True)[:500]
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["Cache-Control"] == CACHEABLE
    again = _get(client, path, accept, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == CACHEABLE
    assert again.headers.get("Vary") == first.headers.get("Vary")
    # Weak comparison (RFC 9110 §13.1.2): W/ and a list of tags match too.
    weak = _get(client, path, accept, **{"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    # Another tag gets the whole answer.
    assert _get(client, path, accept, **{"If-None-Match": '"old-version"'}).status_code == 200


def test_every_route_is_tagged_or_says_why(app: Flask) -> None:
    """A new route must join VERSIONED (and so the 304 test) or UNTAGGED."""
    adapter = app.url_map.bind("localhost")
    tested = {adapter.match(path.split("?")[0])[0] for path, _ in VERSIONED}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes - tested == set(UNTAGGED), routes - tested
    assert not tested & set(UNTAGGED)


def test_head_answers_304_too(client: FlaskClient) -> None:
    etag = client.get("/catalog.ttl").headers["ETag"]
    assert client.head("/catalog.ttl", headers={"If-None-Match": etag}).status_code == 304


def test_a_post_query_is_never_304(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": SELECT})
    etag = first.headers["ETag"]
    posted = client.post("/sparql", data={"query": SELECT}, headers={"If-None-Match": etag})
    assert posted.status_code == 200
    assert posted.data == first.data


@pytest.mark.parametrize(
    ("path", "accepts"),
    [
        ("/doc/gemeente/gm0599", [BROWSER, TURTLE, "application/ld+json", "application/n-triples"]),
        ("/def/", [BROWSER, TURTLE, "application/rdf+xml"]),
        ("/catalog", [BROWSER, TURTLE, "application/ld+json"]),
        ("/.well-known/void", [TURTLE, "application/ld+json", "application/n-triples"]),
        ("/sparql", [TURTLE, BROWSER, "application/ld+json"]),
        (
            f"/sparql?query={quote(SELECT)}",
            ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"],
        ),
        ("/queries/aansluitingsscore", ["application/sparql-results+json", "text/csv", BROWSER]),
        ("/queries", ["application/json", BROWSER]),
    ],
)
def test_each_representation_of_a_url_has_its_own_etag(
    client: FlaskClient, path: str, accepts: list[str]
) -> None:
    """RFC 9110 §8.8.1: the tag of one representation never validates another."""
    tags = {}
    for accept in accepts:
        response = _get(client, path, accept)
        assert response.status_code == 200
        assert "Accept" in response.vary
        tags[accept] = response.headers["ETag"]
    assert len(set(tags.values())) == len(accepts), tags
    for accept, tag in tags.items():
        for other in accepts:
            answer = _get(client, path, other, **{"If-None-Match": tag})
            assert answer.status_code == (304 if other == accept else 200), (accept, other)


def test_the_default_representation_is_tagged_with_the_data_version(
    client: FlaskClient, built_store: BuiltStore
) -> None:
    version = built_store.result.data_version
    assert client.get("/").headers["ETag"] == f'"{version}"'
    assert client.get("/sparql").headers["ETag"] == f'"{version}"'  # Turtle
    assert client.get("/sparql", headers={"Accept": BROWSER}).headers["ETag"] != f'"{version}"'
    turtle = client.get("/doc/gemeente/gm0599", headers={"Accept": TURTLE}).headers["ETag"]
    assert turtle.startswith(f'"{version}-')


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/health",
        "/doc/gemeente/gm0599",
        "/id/gemeente/gm0599",
        "/no-such-page",
        "/queries/bestaat-niet",
        f"/sparql?query={quote(SELECT)}",
        "/sparql?query=SELEC",
        "/assets/regiograaf/kaart.css",
    ],
)
def test_every_response_carries_the_security_and_cors_headers(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    for name, value in SECURITY_HEADERS + CORS_HEADERS:
        assert response.headers[name] == value, (path, name)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for kind in ("script-src", "style-src", "connect-src", "font-src", "form-action"):
        assert policy[kind] == ["'self'"], (path, kind)
    assert policy["img-src"][:2] == ["'self'", "data:"]


def _directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as directive → source list."""
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_the_policy_allows_no_inline_code_and_the_tiles_for_images() -> None:
    header = content_security_policy(("https://tiles.example",))
    assert "unsafe" not in header and "nonce" not in header and "sha256" not in header
    assert _directives(header)["img-src"] == ["'self'", "data:", "https://tiles.example"]
    assert _directives(content_security_policy())["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("tiles", "sources"),
    [
        ("https://service.pdok.nl/brt/{z}/{x}/{y}.png", ("https://service.pdok.nl",)),
        ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", ("https://*.tile.example.org:8443",)),
        ("", ()),
        ("javascript:alert(1)//{z}", ()),
        ("https://host;script-src *", ()),
    ],
)
def test_the_tile_server_is_an_image_source(tiles: str, sources: tuple[str, ...]) -> None:
    assert image_sources(load_settings(map_tiles=tiles)) == sources


def test_a_304_of_the_query_layer_carries_them_too(client: FlaskClient) -> None:
    etag = client.get("/sparql", query_string={"query": SELECT}).headers["ETag"]
    again = client.get("/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    for name, value in SECURITY_HEADERS + CORS_HEADERS:
        assert again.headers[name] == value
    assert "frame-ancestors 'none'" in again.headers["Content-Security-Policy"]


def test_errors_are_never_stored(client: FlaskClient) -> None:
    for path in ("/no-such-page", "/doc/gemeente/gm9999", "/sparql?query=SELEC"):
        response = client.get(path)
        assert response.status_code >= 400
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers


def test_cors_preflight_anywhere(client: FlaskClient) -> None:
    response = client.options(
        "/queries/aansluitingsscore",
        headers={
            "Origin": "https://example.net",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "if-none-match"


# --- the pure functions ----------------------------------------------------------------------


def test_entity_tags_per_representation() -> None:
    offer = negotiation.GRAPH
    turtle = Representation("v1", negotiation.TURTLE, offer)
    assert turtle.etag == "v1"
    json_ld = Representation("v1", negotiation.JSON_LD, offer)
    assert json_ld.etag.startswith("v1-") and json_ld.etag != turtle.etag
    assert Representation("v2", negotiation.JSON_LD, offer).etag.startswith("v2-")
    with_variant = Representation("v1", negotiation.TURTLE, offer, ("gemeente", "gm0599"))
    assert with_variant.etag not in (turtle.etag, json_ld.etag)
    assert (
        with_variant.etag
        == Representation("v1", negotiation.TURTLE, offer, ("gemeente", "gm0599")).etag
    )
    assert Representation("v1", negotiation.HTML).etag == "v1"


@pytest.mark.parametrize(
    ("method", "header", "expected"),
    [
        ("GET", '"v1"', True),
        ("HEAD", '"v1"', True),
        ("GET", 'W/"v1"', True),
        ("GET", '"a", "v1"', True),
        ("GET", "*", True),
        ("GET", '"v2"', False),
        ("GET", None, False),
        ("GET", "", False),
        ("POST", '"v1"', False),
        ("POST", "*", False),
    ],
)
def test_not_modified(method: str, header: str | None, expected: bool) -> None:
    assert not_modified(method, header, "v1") is expected


@pytest.mark.parametrize("path", ["/feed", "/feed/1"])
def test_the_feed_answers_304(client: FlaskClient, path: str) -> None:
    """The change feed is tagged by its content, per representation, and revalidated."""
    tags = set()
    for accept in (TURTLE, "application/ld+json"):
        first = _get(client, path, accept)
        assert first.status_code == 200, first.get_data(as_text=True)[:300]
        assert first.headers["Cache-Control"] in ("no-cache", "public, max-age=31536000, immutable")
        etag = first.headers["ETag"]
        tags.add(etag)
        again = _get(client, path, accept, **{"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
    assert len(tags) == 2
