"""The external store (server/store/external.py, gsp.py): the same pages and queries as on the
embedded store, on the Oxigraph server and on Virtuoso (the ``external_store`` fixture runs
every test here against each); the checks before a query reaches the store; the limits; a
store that is down; loading a new version graph by graph.

Pages are compared byte for byte with the embedded store's, ETag included. Left out: pages
that show blank node labels or list blank nodes in the engine's order (``/def/``, VoID).

Every canned query (without arguments, and with one set of values for its parameters) is
compared with the embedded store's answer through ``/queries/<name>.json``, and the Strategiescan
of two members (HTML and JSON) and the three maps (``/kaart/projecten``, ``/kaart/samenwerking``,
``/waardeketen`` and the map layers) as pages and data. Rows are compared as a bag, lists of
values in a GeoJSON document sorted, and a text (in an answer or a page) as its parts between
"; ", each as its words sorted (:func:`_words`): the engines order ties and joined values
differently. On Virtuoso also, as its known gaps (docs/operations.md, "An external store"):
coordinates at single precision, texts without their language tag, the texts of a GeoJSON
document as their parts and words, and the lines of a page sorted.
"""

from __future__ import annotations

import json
import re
import struct
from collections import Counter
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from server.canned import running
from server.canned.running import canned_queries
from server.errors import StoreError
from server.scan.compute import REGION_RESULTS
from server.settings import Settings, load_settings
from server.store.embedded import EmbeddedStore
from server.store.external import MERGE, ExternalStore
from server.store.external_http import ExternalConfig
from server.store.gsp import publish
from server.store.substitution import substituted
from server.web import scan as scan_pages
from server.web.app import create_app
from tests.canned.test_known_values import argument_sets
from tests.store_servers import StoreServer
from tests.support import BuiltStore, build_small_store, free_port

PAGES = (
    "/",
    "/catalog",
    "/dumps/",
    "/doc/organisatie/mrdh",
    "/doc/project/rotterdam-open-urban-platform",
    "/queries",
)
#: The JSON-LD a page embeds (schema.org): compared with its lists sorted, since the order of values
#: follows the engine's order of solutions.
_JSON_LD = re.compile(rb'(<script type="application/ld\+json"[^>]*>)(.*?)(</script>)', re.S)

_ORDERED = """PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?p ?label WHERE { ?p a rg:Project ; skos:prefLabel ?label FILTER(LANG(?label) = "nl") }
ORDER BY ?p LIMIT 20"""
_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_ASK = "PREFIX rg: <https://w3id.org/regiograaf/def#> ASK { ?p a rg:Project }"
_CONSTRUCT = """PREFIX rg: <https://w3id.org/regiograaf/def#>
CONSTRUCT { ?p a rg:Project ; ?q ?o } WHERE { ?p a rg:Project ; ?q ?o FILTER(isIRI(?o)) }"""
_HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CANNED_QUERIES = sorted(canned_queries(load_settings()))


def _sparql(client: FlaskClient, query: str, accept: str, **params: str):
    return client.post("/sparql", data={"query": query, **params}, headers={"Accept": accept})


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_the_embedded_stores(
    external_client: FlaskClient, client: FlaskClient, path: str
):
    ours, theirs = external_client.get(path), client.get(path)
    assert ours.status_code == theirs.status_code == 200, ours.get_data(as_text=True)[:300]
    assert ours.headers["ETag"] == theirs.headers["ETag"]
    assert _JSON_LD.sub(rb"\1\3", ours.data) == _JSON_LD.sub(rb"\1\3", theirs.data)
    embedded = [_unordered(match[1]) for match in _JSON_LD.findall(theirs.data)]
    assert [_unordered(match[1]) for match in _JSON_LD.findall(ours.data)] == embedded


def _unordered(json_ld: bytes) -> object:
    """The JSON with every list sorted (the order of values is the engine's)."""

    def sort(value: object) -> object:
        if isinstance(value, list):
            return sorted((sort(item) for item in value), key=json.dumps)
        if isinstance(value, dict):
            return {key: sort(item) for key, item in value.items()}
        return value

    return sort(json.loads(json_ld))


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (_ORDERED, "application/sparql-results+json"),
        (_ORDERED, "text/csv"),
        (_PER_GRAPH, "application/sparql-results+json"),
        (_ASK, "application/sparql-results+xml"),
    ],
    ids=["select-json", "select-csv", "graphs", "ask-xml"],
)
def test_queries_answer_as_the_embedded_store(
    external_client: FlaskClient, client: FlaskClient, query: str, accept: str
):
    ours, theirs = _sparql(external_client, query, accept), _sparql(client, query, accept)
    assert ours.status_code == 200, ours.get_data(as_text=True)
    assert ours.content_type == theirs.content_type
    assert ours.data == theirs.data


def test_graphs_and_datasets_as_the_embedded_store(
    external_client: FlaskClient, client: FlaskClient, built_store: BuiltStore
):
    ours = _sparql(external_client, _CONSTRUCT, "text/turtle")
    theirs = _sparql(client, _CONSTRUCT, "text/turtle")
    assert ours.status_code == 200
    assert isomorphic(Graph().parse(data=ours.data), Graph().parse(data=theirs.data))
    graph = sorted(built_store.store.named_graphs())[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    json_type = "application/sparql-results+json"
    given = {"default-graph-uri": graph}
    assert _sparql(external_client, count, json_type, **given).data == (
        _sparql(client, count, json_type, **given).data
    )
    inline = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    assert (
        _sparql(external_client, inline, json_type).data == _sparql(client, inline, json_type).data
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "define input:default-graph-uri <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p }",
    ],
    ids=["service", "store-dialect", "syntax"],
)
def test_refused_before_the_store_as_on_the_embedded_store(
    external_client: FlaskClient, client: FlaskClient, query: str
):
    ours = _sparql(external_client, query, "application/sparql-results+json")
    theirs = _sparql(client, query, "application/sparql-results+json")
    assert ours.status_code == theirs.status_code == 400
    assert ours.data == theirs.data


def test_a_query_past_its_time_limit_is_503(external_settings: Settings):
    client = create_app(replace(external_settings, query_timeout=1.0)).test_client()
    answer = _sparql(client, _HEAVY, "application/sparql-results+json")
    assert answer.status_code == 503
    assert "Retry-After" in answer.headers


def test_the_data_version_comes_from_the_store(
    external_store: StoreServer, built_store: BuiltStore
):
    store = ExternalStore(external_store.config)
    assert store.data_version() == built_store.store.data_version()
    assert store.named_graphs() == built_store.store.named_graphs()
    assert MERGE not in store.named_graphs()
    assert store.count() == built_store.store.count()


@pytest.mark.parametrize("in_place", [False, True], ids=["staged", "in-place"])
def test_a_new_version_replaces_only_what_changed(
    external_store: StoreServer, built_store: BuiltStore, tmp_path, in_place: bool
):
    graphs = sorted(built_store.store.named_graphs())
    changed, removed = graphs[0], graphs[1]
    content = {
        iri: built_store.store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph_uris=[iri]
        ).graph()
        for iri in graphs
        if iri != removed
    }
    content[changed].add((URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o")))
    local = EmbeddedStore(tmp_path / "store", read_only=False)
    local.replace(content, "test-version", {"note": "changed"})
    try:
        done = publish(local, replace(external_store.config, in_place=in_place))
        assert done.uploaded == [changed, MERGE]  # the merge changes with every version
        assert done.dropped == [removed]
        assert len(done.kept) == len(graphs) - 2
        store = ExternalStore(external_store.config)
        assert store.data_version() == "test-version"
        assert store.metadata() == {"note": "changed"}
        assert store.named_graphs() == sorted(content)
        assert store.count() == local.count()
        assert store.query("ASK { <urn:x:s> <urn:x:p> <urn:x:o> }").boolean()
    finally:
        publish(built_store.store, external_store.config)
    assert ExternalStore(external_store.config).data_version() == built_store.store.data_version()


def test_a_store_that_is_down_is_one_line_503(external_settings: Settings):
    down = f"http://127.0.0.1:{free_port()}/query"
    client = create_app(replace(external_settings, store_query=down)).test_client()
    answer = client.get("/")
    assert answer.status_code == 503
    assert answer.get_data(as_text=True).strip().count("\n") == 0
    assert client.get("/health").status_code == 503
    assert ExternalStore(ExternalConfig(query=down)).check() is not None


def test_credentials_are_never_shown(
    external_store: StoreServer, built_store: BuiltStore, tmp_path
):
    """Virtuoso refuses a wrong password: the message names the settings, not the password.
    The Oxigraph server asks for none: the credentials are never sent, nor shown."""
    secret = "not-the-password-9f3b"
    wrong = replace(external_store.config, user="someone", password=secret)
    assert secret not in repr(wrong)
    local = EmbeddedStore(build_small_store(tmp_path / "store").store)
    lines: list[str] = []
    try:
        if external_store.kind == "virtuoso":
            with pytest.raises(StoreError) as refused:
                publish(local, wrong, log=lines.append)
            assert "REGIOGRAAF_STORE_USER" in str(refused.value)
            assert secret not in str(refused.value)
        else:
            assert publish(local, wrong, log=lines.append).uploaded
        assert lines == [] or not any(secret in line for line in lines)
    finally:
        publish(built_store.store, external_store.config)


def test_regiograaf_build_loads_the_external_store(
    external_store: StoreServer, built_store: BuiltStore, monkeypatch, capsys
):
    from server.cli import main

    for name, value in external_store.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REGIOGRAAF_ROOT", str(built_store.settings.root))
    assert main(["build", "--store", str(built_store.settings.store)]) == 0
    out = capsys.readouterr().out
    assert f"external store {external_store.config.query}: up to date" in out


def test_bindings_are_written_where_a_term_can_stand():
    this = {"this": URIRef("urn:x:a")}
    text = substituted(
        "SELECT DISTINCT ?this ?x WHERE { { BIND(?this AS ?x) } UNION { ?this ?p ?x } }", this
    )
    assert "SELECT DISTINCT ?this ?x" in text  # the projection keeps the variable
    assert "BIND(<urn:x:a> AS ?x)" in text and "{ <urn:x:a> ?p ?x }" in text
    assert "VALUES ?this { <urn:x:a> }" in text  # and binds it in the results
    assert substituted("DESCRIBE ?this", this) == "DESCRIBE <urn:x:a>"
    assert substituted("SELECT ?y WHERE { ?y ?p ?o }", {}) == "SELECT ?y WHERE { ?y ?p ?o }"


# ------------------------------------------------------------ canned queries, the scan, the maps

#: A number in a WKT literal or a GeoJSON coordinate.
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def _single(value: float) -> float:
    """``value`` at single precision: Virtuoso keeps coordinates so (docs/operations.md)."""
    return struct.unpack("f", struct.pack("f", value))[0]


#: What separates the words of a text (parentheses too: a list inside them may end in another
#: title).
_SEPARATORS = r"[\s,()]+"


def _words(text: str) -> tuple[tuple[str, ...], ...]:
    """``text`` as its parts between "; " (sorted), each part as its words (sorted): the values
    a GROUP_CONCAT joins come in the engine's order, but a value listed under another part
    (the projects of the other municipality in ``samenwerkingskansen``'s ``reden``) shows."""
    parts = (
        tuple(sorted(word for word in re.split(_SEPARATORS, part) if word))
        for part in text.split("; ")
    )
    return tuple(sorted(parts))


def _term(binding: dict[str, str], kind: str) -> tuple:
    """A SPARQL JSON term to compare across engines: the words of a text as a sorted list
    (GROUP_CONCAT joins values in the engine's order); on Virtuoso a geometry as its
    numbers at single precision and a text without its language tag (known gaps)."""
    datatype = binding.get("datatype", "")
    if kind == "virtuoso" and datatype.endswith(("#wktLiteral", "#Geometry")):
        return ("geometry", tuple(_single(float(n)) for n in _NUMBER.findall(binding["value"])))
    if binding["type"] == "literal" and not datatype:
        parts = _words(binding["value"])
        return ("text", parts, None if kind == "virtuoso" else binding.get("xml:lang"))
    return (binding["type"], binding["value"], datatype)


def _rows(answer: bytes, kind: str) -> tuple[list[str], Counter]:
    """The variables and the rows (as a bag: the engines order ties differently) of an answer."""
    data = json.loads(answer)
    rows = Counter(
        tuple(sorted((name, _term(value, kind)) for name, value in row.items()))
        for row in data["results"]["bindings"]
    )
    return data["head"]["vars"], rows


def _fresh_get(client: FlaskClient, url: str):
    """``client``'s answer to ``url`` computed now: the answers this process keeps per data
    version (canned results, choices, the scan's answers and documents) are dropped first, as
    the embedded and the external store have the same data version."""
    for cache in (running.RESULTS, REGION_RESULTS, running._choices, scan_pages._made):
        cache.clear()
    return client.get(url)


def _query_urls(name: str, built_store: BuiltStore) -> list[str]:
    """The query without arguments (unless one is required), and with one set of values for
    its parameters."""
    query = canned_queries(built_store.settings)[name]
    sets = [given for given in argument_sets(query, built_store) if given]
    needed = [p for p in query.parameters if p.required and not p.default_values]
    urls = [] if needed else [f"/queries/{name}.json"]
    if sets:
        urls.append(f"/queries/{name}.json?{urlencode(sets[len(sets) // 2])}")
    return urls


@pytest.mark.parametrize("name", CANNED_QUERIES)
def test_canned_queries_answer_as_on_the_embedded_store(
    external_store: StoreServer,
    external_client: FlaskClient,
    client: FlaskClient,
    built_store: BuiltStore,
    name: str,
):
    for url in _query_urls(name, built_store):
        ours, theirs = _fresh_get(external_client, url), _fresh_get(client, url)
        assert ours.status_code == theirs.status_code == 200, (url, ours.get_data(as_text=True))
        (our_names, our_rows), (names, rows) = (
            _rows(answer.data, external_store.kind) for answer in (ours, theirs)
        )
        assert our_names == names
        assert (our_rows - rows, rows - our_rows) == (Counter(), Counter()), url


def _geojson(body: bytes, kind: str) -> object:
    """A GeoJSON document with its lists sorted (the engines order features differently) and,
    on Virtuoso, its coordinates at single precision."""

    def plain(value: object) -> object:
        if isinstance(value, list):
            return sorted((plain(item) for item in value), key=json.dumps)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, float) and kind == "virtuoso":
            return _single(value)
        if isinstance(value, str) and kind == "virtuoso":
            return _words(value)
        return value

    return plain(json.loads(body))


@pytest.mark.parametrize(
    "path",
    ["/scan/gm0503", "/scan/gm0599", "/kaart/projecten", "/kaart/samenwerking", "/waardeketen"],
)
def test_scan_and_map_pages_are_the_embedded_stores(
    external_store: StoreServer,
    external_client: FlaskClient,
    client: FlaskClient,
    path: str,
):
    ours, theirs = _both(external_store, external_client, client, path)
    assert _page(ours.data, external_store.kind) == _page(theirs.data, external_store.kind)


def _both(
    external_store: StoreServer,
    external_client: FlaskClient,
    client: FlaskClient,
    path: str,
):
    """``path`` on the external store and on the embedded one, both 200."""
    ours, theirs = _fresh_get(external_client, path), _fresh_get(client, path)
    assert ours.status_code == theirs.status_code == 200, ours.get_data(as_text=True)[:300]
    return ours, theirs


#: A text of a page that lists values separated by ', ' or '; ' (in the engine's order).
_LISTED = re.compile(rb">([^<>]*[;,] [^<>]*)<")


#: A link in a page.
_LINK = re.compile(rb"<a [^>]*>[^<]*</a>")


def _page(body: bytes, kind: str) -> list[bytes]:
    """The lines of a page, each list of values and of links in it sorted; on Virtuoso the
    lines sorted too (it sorts texts in another collation, so rows of a table come in another
    order)."""
    lines = [
        b" ".join([_LINK.sub(b"", line), *sorted(_LINK.findall(line))])
        for line in _LISTED.sub(
            lambda match: b">" + repr(_words(match[1].decode())).encode() + b"<", body
        ).splitlines()
    ]
    return sorted(lines) if kind == "virtuoso" else lines


@pytest.mark.parametrize(
    "path",
    [
        "/scan/gm0503.json",
        "/scan/gm0599.json",
        "/kaart/projecten.geojson",
        "/kaart/gemeenten.geojson",
        "/kaart/samenwerking.geojson",
    ],
)
def test_scan_and_map_data_are_the_embedded_stores(
    external_store: StoreServer,
    external_client: FlaskClient,
    client: FlaskClient,
    path: str,
):
    ours, theirs = _both(external_store, external_client, client, path)
    kind = external_store.kind
    assert _geojson(ours.data, kind) == _geojson(theirs.data, kind)
