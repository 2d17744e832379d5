"""The app's error handlers: 404, 405 and 500 follow the client's Accept like other errors."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.errors import StoreError
from server.messages import N_, untranslated
from server.settings import load_settings
from server.web.app import create_app


@pytest.fixture
def storeless_app(tmp_path: Path) -> Flask:
    """The app without a store, with a route ``/boom`` that fails unexpectedly."""
    app = create_app(load_settings(store=tmp_path / "nothing"))

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    return app


def test_404_is_html_for_browsers_and_json_for_json_clients(storeless_app: Flask) -> None:
    client = storeless_app.test_client()
    html = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert html.status_code == 404
    assert html.mimetype == "text/html"
    assert "404" in html.get_data(as_text=True)
    data = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert data.status_code == 404
    assert data.mimetype == "application/json"
    assert json.loads(data.data)["error"]["status"] == 404
    text = client.get("/no-such-page", headers={"Accept": "*/*"})
    assert text.status_code == 404
    assert text.mimetype == "text/plain"


def test_405_keeps_allow(storeless_app: Flask) -> None:
    response = storeless_app.test_client().post("/health", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_a_generic_logged_500(
    storeless_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    response = storeless_app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert "secret detail" not in response.get_data(as_text=True)
    assert "secret detail" in caplog.text


def test_sparql_errors_look_as_before(storeless_app: Flask) -> None:
    response = storeless_app.test_client().get("/sparql", query_string={"query": "SELEC"})
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert "regiograaf build" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", "Op dit adres staat geen pagina"), ("en", "There is no page at this address")],
)
def test_an_unknown_page_speaks_the_pages_language(
    storeless_app: Flask, lang: str, words: str
) -> None:
    """werkzeug's own English text is replaced by the site's, in the page's language."""
    client = storeless_app.test_client()
    html = client.get(f"/no-such-page?lang={lang}", headers={"Accept": "text/html"})
    page = html.get_data(as_text=True)
    assert (html.status_code, f'lang="{lang}"' in page, words in page) == (404, True, True)
    assert "requested URL" not in page
    data = client.get(f"/no-such-page.json?lang={lang}")
    assert words in json.loads(data.data)["error"]["message"]


#: Requests people can make by hand or by an old link, and what the error says in Dutch and in
#: English: one language at a time, the page's.
ERRORS_IN_ONE_LANGUAGE = [
    ("/queries/bestaat-niet", 404, "Er is geen vraag", "There is no query"),
    ("/scan/gm9999", 404, "Geen gemeente met CBS-code", "No municipality has CBS code"),
    ("/scan/gm0503?vergelijk=xx", 400, "is de CBS-code van", "is the CBS code of"),
    ("/queries/waardeketen-gaten?gemeente=gm0001", 400, "geen van de keuzes", "not one of"),
    ("/queries/waardeketen-matrix.geojson", 406, "kan niet voor deze vraag", "not available"),
    ("/kaart/samenwerking?minimum=0", 400, "is geen getal van 1 tot", "is not a number from"),
    ("/zoeken?q=data&limit=0", 400, "is een geheel getal", "is a whole number"),
    ("/bijdragen/gm9999", 404, "Geen organisatie met de code", "No organisation has the code"),
    ("/dumps/geen-bestand.nq", 404, "Geen download met de naam", "No download is called"),
    ("/catalog?format=excel", 400, "Onbekend format=excel", "Unknown format=excel"),
]


@pytest.mark.parametrize(("path", "status", "dutch", "english"), ERRORS_IN_ONE_LANGUAGE)
def test_an_error_speaks_the_language_of_the_page(
    client: FlaskClient, path: str, status: int, dutch: str, english: str
) -> None:
    for lang, said, other in (("nl", dutch, english), ("en", english, dutch)):
        separator = "&" if "?" in path else "?"
        for accept in ("text/html", "application/json"):
            response = client.get(f"{path}{separator}lang={lang}", headers={"Accept": accept})
            body = html.unescape(response.get_data(as_text=True))
            assert response.status_code == status, (path, lang, accept)
            assert said in body, (path, lang, accept)
            assert other not in body, (path, lang, accept)


def test_the_generic_500_speaks_the_language_of_the_page(storeless_app: Flask) -> None:
    client = storeless_app.test_client()
    dutch = client.get("/boom", headers={"Accept": "application/json"})
    english = client.get("/boom?lang=en", headers={"Accept": "application/json"})
    assert json.loads(dutch.data)["error"]["message"].startswith("Er ging iets mis")
    assert json.loads(english.data)["error"]["message"].startswith("Something went wrong")


def test_a_server_errors_fixed_message_wins_over_its_details() -> None:
    """The details of a 5xx (which may name server paths) never reach the client, however the
    error was made."""
    error = StoreError.saying(N_("Niet te lezen: %(path)s"), path="/srv/regiograaf/var/store")
    assert "/srv" not in error.message_in(untranslated)
    assert error.message_in(untranslated) == StoreError.public
