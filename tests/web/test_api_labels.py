"""Swagger UI's labels on the API page (server/web/api_labels.py): Dutch on the Dutch page,
Swagger UI's own English on the English page (tests/browser/test_queries.py shows them)."""

from __future__ import annotations

import html
import json
import re

from flask.testing import FlaskClient

from server.web.api_labels import LABELS


def _labels(client: FlaskClient, url: str) -> dict[str, str]:
    page = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(r"data-labels='([^']*)'", page)
    assert found is not None
    return dict(json.loads(html.unescape(found.group(1))))


def test_the_dutch_page_passes_every_label_that_is_not_the_same(client: FlaskClient) -> None:
    labels = _labels(client, "/api")
    assert labels["Try it out"] == "Uitproberen" and labels["Execute"] == "Versturen"
    assert labels["Controls"] == "Stelt de" and labels["required"] == "verplicht"
    assert labels["Copy path to clipboard"] == "Pad naar het klembord kopiëren"
    assert labels["Schemas"] == "Schema's"  # its quote stays inside the attribute
    assert set(labels) == set(LABELS)  # none of the listed ones is the same in Dutch


def test_the_english_page_keeps_swagger_uis_own(client: FlaskClient) -> None:
    """The catalog's English of each label is Swagger UI's text, so there is nothing to pass."""
    assert _labels(client, "/api?lang=en") == {}


def test_a_label_never_reads_as_another_one(client: FlaskClient) -> None:
    """Translating is done once: no label's text is again one of Swagger UI's (no chain, no
    loop between the page's script and Swagger UI)."""
    labels = _labels(client, "/api")
    assert labels and not set(labels.values()) & set(LABELS)
