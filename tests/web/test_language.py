"""The site's language (server/web/language.py): Dutch by default, English by ``?lang=en``,
remembered in a cookie; every interface text has its English translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from server.web.language import CATALOGS

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("server/web/**.py", "python"), ("server/web/templates/**.html", "jinja2")]


def _messages() -> set[str]:
    """Every gettext message of the web app, extracted the way ``pybabel extract`` does."""
    keywords = {"_": None, "gettext": None, "lazy_gettext": None}
    found = extract_from_dir(str(ROOT), METHODS, keywords=keywords)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def _english() -> dict[str, str]:
    with (CATALOGS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return {m.id: m.string for m in read_po(source) if m.id and isinstance(m.id, str)}


def test_every_message_has_its_english_translation() -> None:
    messages, english = _messages(), _english()
    assert len(messages) > 50  # the extraction found the templates
    assert sorted(m for m in messages if not english.get(m)) == []


def test_the_catalog_holds_no_message_the_app_no_longer_uses() -> None:
    assert sorted(set(_english()) - _messages()) == []


def test_dutch_by_default_and_english_by_the_switch(client: FlaskClient) -> None:
    dutch = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="nl">' in dutch and "Kies uw gemeente" in dutch
    assert 'href="/?lang=en"' in dutch and "Choose your municipality" not in dutch
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Choose your municipality" in english
    assert "Kies uw gemeente" not in english and 'href="/?lang=nl"' in english


def test_the_choice_is_remembered_in_a_cookie(app: Flask) -> None:
    browser = app.test_client()
    first = browser.get("/over?lang=en")
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = {"Accept": "text/html"}
    assert "About the data" in browser.get("/queries", headers=page).get_data(as_text=True)
    assert "Over de data" in browser.get("/queries?lang=nl", headers=page).get_data(as_text=True)
    assert "Over de data" in browser.get("/", headers=page).get_data(as_text=True)  # remembered


def test_the_cookie_is_secure_over_https(app: Flask) -> None:
    cookie = app.test_client().get("/?lang=en", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_the_switch_keeps_the_query(client: FlaskClient) -> None:
    html = client.get(
        "/queries/waardeketen-gaten?lang=nl&pagina=1", headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    assert 'href="/queries/waardeketen-gaten?pagina=1&amp;lang=en"' in html


@pytest.mark.parametrize("value", ["de", "", "EN", "nl&lang=fr"])
def test_another_language_is_a_bad_request(app: Flask, value: str) -> None:
    browser = app.test_client()
    answer = browser.get(f"/?lang={value}", headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert "lang= is nl of en." in answer.get_data(as_text=True)
    browser.set_cookie("lang", "en")
    english = browser.get(f"/?lang={value}", headers={"Accept": "text/html"})
    assert english.status_code == 400 and "lang= is nl or en." in english.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_english_and_dutch_pages_have_their_own_etag(app: Flask) -> None:
    browser = app.test_client()
    dutch = browser.get("/", headers={"Accept": "text/html"})
    browser.set_cookie("lang", "en")
    english = browser.get("/", headers={"Accept": "text/html"})
    assert dutch.headers["ETag"] != english.headers["ETag"]
    assert "Cookie" in dutch.headers["Vary"] and "Cookie" in english.headers["Vary"]
    again = browser.get("/", headers={"If-None-Match": english.headers["ETag"]})
    assert again.status_code == 304 and "Cookie" in again.headers["Vary"]
    assert browser.get("/", headers={"If-None-Match": dutch.headers["ETag"]}).status_code == 200


def test_dates_and_numbers_in_the_page_language(client: FlaskClient) -> None:
    dutch = client.get("/over").get_data(as_text=True)
    english = client.get("/over?lang=en").get_data(as_text=True)
    assert "Gebouwd" in dutch and "Built" in english
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus")
    months += ("september", "oktober", "november", "december")
    built = dutch.split("<dt>Gebouwd</dt>", 1)[1].split("</dd>", 1)[0]
    assert any(month in built for month in months), built
