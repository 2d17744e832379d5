"""No internal names on the canned-query pages (issue 14 point 4): the list ``/queries`` and the
page of every query, in Dutch and in English, show no prefixed name (``rg:contributesTo``,
``gemeente:gm0489``), no IRI of Regiograaf's own (a named graph such as ``.../graph/inferred``,
or a list of instances joined into one text: the table shows their names) and no camelCase name
of a property or of a query's variable in the text people read. The SPARQL text, folded away
under "De vraag in SPARQL", is shown on purpose and is left out; the attributes people read
(``title``, ``aria-label``, ``alt``, ``placeholder``) are read too."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from server.canned.running import canned_queries
from server.rdf.namespaces import EXTRA_PREFIXES, query_prefixes
from server.settings import load_settings
from tests.canned.test_examples import arguments
from tests.support import BuiltStore

QUERIES = canned_queries(load_settings())
PREFIXES = sorted({*query_prefixes(), *EXTRA_PREFIXES}, key=len, reverse=True)
#: A prefixed name: a known prefix, a colon and a letter (``rg:observes``, ``gemeente:gm0489``).
PREFIXED = re.compile(r"(?<![\w/.-])(?:" + "|".join(map(re.escape, PREFIXES)) + r"):[A-Za-z]")
#: A named graph's IRI (``.../graph/inferred``) or any other IRI of Regiograaf's own, such as a
#: list of instances joined into one text.
GRAPH = re.compile(r"/graph/|w3id\.org/regiograaf/")
#: The attributes whose text people read (a tooltip, a screen reader's name, an alternative).
READ_ATTRIBUTES = frozenset({"title", "aria-label", "alt", "placeholder"})
#: Elements whose content nobody reads as text.
UNREAD = frozenset({"script", "style", "template"})


def _camel_names() -> frozenset[str]:
    """The camelCase names people must not see: the properties and classes of the ontology
    written in camelCase (``contributesTo``) and the queries' variables (``schakelNaam``)."""
    ontology = (load_settings().root / "ontology" / "regiograaf.ttl").read_text(encoding="utf-8")
    names = set(re.findall(r"\brg:([a-z]+[A-Z]\w*)", ontology))
    names |= {name for query in QUERIES.values() for name in query.variables}
    names |= {parameter.name for query in QUERIES.values() for parameter in query.parameters}
    return frozenset(name for name in names if re.fullmatch(r"[a-z]+[A-Z0-9]\w*", name))


CAMEL = _camel_names()
CAMEL_WORD = re.compile(r"\b(?:" + "|".join(sorted(CAMEL, key=len, reverse=True)) + r")\b")


class _VisibleText(HTMLParser):
    """The text of a page that people read: its text nodes (but not scripts, styles or the
    folded-away SPARQL text) and the attributes of :data:`READ_ATTRIBUTES`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []  # the open elements whose content is left out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._skipping or tag in UNREAD or (tag == "details" and "sparql-text" in classes):
            if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
                self._skipping.append(tag)
            return
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """What people read on ``page`` (HTML), its parts joined by spaces."""
    parser = _VisibleText()
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def internal_names(page: str) -> list[str]:
    """The internal names in what people read on ``page``, each with some text around it."""
    text = visible_text(page)
    found = []
    for pattern in (PREFIXED, GRAPH, CAMEL_WORD):
        found += [text[max(0, m.start() - 40) : m.end() + 40] for m in pattern.finditer(text)]
    return found


def test_the_check_finds_each_kind_of_internal_name() -> None:
    page = (
        "<html><head><title>Vragen</title><style>p{x:y}</style></head><body>"
        "<p>Rechtstreeks (rg:contributesTo).</p><td><a href='/id/gemeente/gm0489'>"
        "gemeente:gm0489</a></td><p>In de graaf https://w3id.org/regiograaf/graph/inferred.</p>"
        "<th>schakelNaam</th><span title='via rg:alignsWith'>x</span>"
        "<details class='sparql-text'><pre>?schakel rg:stage ?x . GRAPH &lt;/graph/x&gt;"
        "</pre></details><script>var schakelNaam = 'rg:x';</script></body></html>"
    )
    found = " | ".join(internal_names(page))
    for name in ("rg:contributesTo", "gemeente:gm0489", "/graph/", "schakelNaam", "rg:alignsWith"):
        assert name in found, name
    # Neither the folded-away SPARQL text nor a script is read.
    assert "rg:stage" not in found and "'rg:x'" not in found
    # What a person reads is not an internal name: a time, a web address, words.
    assert internal_names("<p>Om 10:30 op https://example.org/a:b; status: actief</p>") == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_list_of_queries_uses_plain_words(canned_client: FlaskClient, lang: str) -> None:
    response = canned_client.get(f"/queries?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert internal_names(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_page_uses_plain_words(
    canned_client: FlaskClient, canned_store: BuiltStore, name: str, lang: str
) -> None:
    given = {key: str(value) for key, value in arguments(QUERIES[name], canned_store).items()}
    response = canned_client.get(
        f"/queries/{name}", query_string={**given, "lang": lang}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="antwoord"' in page  # the answer's table is there, and read too
    assert internal_names(page) == []
