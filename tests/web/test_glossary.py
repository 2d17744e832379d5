"""``/begrippen`` (server/web/glossary.py): the glossary from the graph, each word at its
anchor, definitions from the model where it has them, links to where the words are used."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from server.rdf.namespaces import RG
from server.settings import load_settings
from server.web.glossary import USED_ON

HTML = {"Accept": "text/html"}
#: The words the pages link to (issue 14, point 4), each at /begrippen#<word>.
REQUIRED = (
    "schakel",
    "randvoorwaarde",
    "opgave",
    "aansluiting",
    "bouwsteen",
    "handelingsperspectief",
    "waardeketen",
    "volwassenheid",
    "strategiescan",
    "voorbeeld",
)


def _terms(client: FlaskClient, lang: str) -> dict[str, tuple[str, str]]:
    """Anchor → (name, definition) as the page shows them."""
    html = client.get(f"/begrippen?lang={lang}", headers=HTML).get_data(as_text=True)
    found = re.findall(
        r'<dt id="([a-z]+)">([^<]+)</dt>\s*<dd>\s*<p class="utrecht-paragraph">([^<]+)</p>', html
    )
    return {anchor: (name, definition) for anchor, name, definition in found}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_required_word_has_its_anchor_and_a_definition(
    client: FlaskClient, lang: str
) -> None:
    terms = _terms(client, lang)
    assert set(REQUIRED) <= set(terms)
    assert all(len(definition) > 30 for _, definition in terms.values())
    names = [name for name, _ in terms.values()]
    assert names == sorted(names, key=str.casefold)


def test_one_language_at_a_time(client: FlaskClient) -> None:
    dutch, english = _terms(client, "nl"), _terms(client, "en")
    assert dutch["schakel"][0] == "Schakel" and english["schakel"][0] == "Stage"
    assert dutch["opgave"][0] == "Maatschappelijke opgave"
    html = client.get("/begrippen?lang=en", headers=HTML).get_data(as_text=True)
    assert '<h1 class="utrecht-heading-1">Glossary</h1>' in html and "Begrippen</h1>" not in html


def test_the_page_shows_the_models_definition(client: FlaskClient) -> None:
    ontology = Graph().parse(load_settings().root / "ontology" / "regiograaf.ttl")
    definitions = {
        value.language: str(value)
        for value in ontology.objects(URIRef(RG + "ValueChainStage"), SKOS.definition)
        if isinstance(value, Literal)
    }
    assert _terms(client, "nl")["schakel"][1] == definitions["nl"]
    assert _terms(client, "en")["schakel"][1] == definitions["en"]


def test_every_place_of_use_is_a_word_of_the_glossary_and_answers(client: FlaskClient) -> None:
    html = client.get("/begrippen", headers=HTML).get_data(as_text=True)
    assert set(USED_ON) <= set(_terms(client, "nl"))
    links = set(re.findall(r'<a href="(/[^"#]*)"', html.split('<dl class="begrippen-lijst">')[1]))
    assert "/waardeketen" in links and "/queries/bouwstenen-per-schakel" in links
    assert "/def/ValueChainStage" in links
    for link in sorted(links):
        assert client.get(link, headers=HTML).status_code == 200, link


def test_304_for_a_client_that_has_it(client: FlaskClient) -> None:
    etag = client.get("/begrippen", headers=HTML).headers["ETag"]
    assert client.get("/begrippen", headers={**HTML, "If-None-Match": etag}).status_code == 304
    english = client.get("/begrippen?lang=en", headers={**HTML, "If-None-Match": etag})
    assert english.status_code == 200
