"""The query UI at /sparql (HTML for browsers), its prefixes, and /assets/ (allow-list only)."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from server.rdf.namespaces import VOCABULARIES, query_prefixes
from server.settings import load_settings
from server.web.assets import ASSETS, MAX_AGE, missing_assets

HTML = "text/html"


def test_vocabulary_prefixes_match_the_ontology() -> None:
    ontology = (load_settings().root / "ontology" / "regiograaf.ttl").read_text(encoding="utf-8")
    declared = dict(re.findall(r"^@prefix\s+(\w*):\s*<([^>]*)>", ontology, re.MULTILINE))
    for prefix, iri in VOCABULARIES.items():
        assert declared.get(prefix, iri) == iri, prefix
    prefixes = query_prefixes("https://w3id.org/regiograaf/")
    assert prefixes["rg"] == declared["rg"]
    assert prefixes["gemeente"] == "https://w3id.org/regiograaf/id/gemeente/"
    assert {"skos", "dct", "org", "geo", "prov", "xsd", "rdfs", "rdf", "owl"} <= set(prefixes)


def test_browser_gets_the_query_ui(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.mimetype == HTML
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert 'id="yasgui"' in page
    for name in ("projecten-per-gemeente", "waardeketen-matrix"):
        assert f'data-example="{name}"' in page
    config = json.loads(
        re.search(
            r'<script type="application/json" id="sparql-ui-config">(.*?)</script>', page, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["rg"] == "https://w3id.org/regiograaf/def#"
    assert {example["name"] for example in config["examples"]} >= {"indirecte-bijdragen"}
    # Every script and stylesheet comes from this server (no CDN).
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not re.match(r"(?:https?:)?//", url), url
    assert "/assets/yasgui/yasgui.min.js?v=" in page


@pytest.mark.skipif(bool(missing_assets()), reason="node_modules is missing (npm ci)")
@pytest.mark.parametrize("name", sorted(ASSETS))
def test_allow_listed_assets_are_served_with_a_long_cache(client: FlaskClient, name: str) -> None:
    response = client.get(f"/assets/{name}")
    assert response.status_code == 200
    assert response.mimetype == ASSETS[name].mimetype
    assert f"max-age={MAX_AGE}" in response.headers["Cache-Control"]
    assert response.data == ASSETS[name].path.read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/assets/",
        "/assets/package.json",
        "/assets/../package.json",
        "/assets/yasgui/../../package.json",
        "/assets/%2e%2e/%2e%2e/pyproject.toml",
        "/assets/yasgui/yasgui.esm.js",
        "/assets/@zazuko/yasgui/build/yasgui.min.js",
        "/assets//etc/passwd",
    ],
)
def test_anything_else_under_assets_is_404(client: FlaskClient, path: str) -> None:
    assert client.get(path, follow_redirects=True).status_code == 404
