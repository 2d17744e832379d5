"""The site's language (server/web/language.py): Dutch by default, English by ``?lang=en``,
remembered in a cookie; every interface text has its English translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from server.messages import TEXT_KEYS
from server.web.language import CATALOGS

ROOT = Path(__file__).resolve().parents[2]
#: Where the interface texts are: the sections of babel.cfg (``[method: pattern]``), read from it.
METHODS = [
    (pattern.strip(), method.strip())
    for method, pattern in re.findall(
        r"^\[(\w+):([^\]]+)\]", (ROOT / "babel.cfg").read_text(), re.M
    )
]
#: The gettext functions (pybabel's defaults, with N_ for a message only marked, and
#: Flask-Babel's lazy one).
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
#: A placeholder of a message (``%(name)s``), or a literal ``%%``.
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _found() -> dict[str, tuple[str, ...]]:
    """Every gettext message of the web app and the scan (msgid → its forms: one, or singular
    and plural), extracted the way ``pybabel extract -F babel.cfg`` does."""
    found = extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
    messages: dict[str, tuple[str, ...]] = {}
    for _, _, message, _, _ in found:
        forms = (message,) if isinstance(message, str) else tuple(message)
        messages[forms[0]] = forms
    return messages


def _messages() -> set[str]:
    return set(_found())


def _catalog() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """msgid → (its Dutch forms, its English forms)."""
    with (CATALOGS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return {
            (m.id if isinstance(m.id, str) else m.id[0]): (
                (m.id,) if isinstance(m.id, str) else tuple(m.id),
                (m.string,) if isinstance(m.string, str) else tuple(m.string),
            )
            for m in read_po(source)
            if m.id
        }


def _english() -> dict[str, str]:
    return {msgid: " ".join(english) for msgid, (_, english) in _catalog().items()}


def test_every_message_has_its_english_translation() -> None:
    messages, catalog = _found(), _catalog()
    assert len(messages) > 250  # the extraction found the templates and the scan's documents
    missing = [m for m, forms in messages.items() if not all(catalog.get(m, ((), ("",)))[1])]
    assert sorted(missing) == []
    plural = [m for m, forms in messages.items() if len(forms) != len(catalog[m][1])]
    assert plural == []  # a plural message has its plural in English, a single one none


def test_every_translation_has_the_placeholders_of_its_message() -> None:
    for msgid, (dutch, english) in _catalog().items():
        for index, form in enumerate(english):
            wanted = set(PLACEHOLDER.findall(dutch[min(index, len(dutch) - 1)]))
            given = set(PLACEHOLDER.findall(form))
            if index == 0 and len(english) > 1:  # a singular may spell the one out
                wanted.discard("num")
                given.discard("num")
            assert given == wanted, msgid


def test_no_internal_names_in_the_interface_texts() -> None:
    """No prefixed names, IRIs or query variables in text meant for people."""
    for msgid, (dutch, english) in _catalog().items():
        for text in (*dutch, *english):
            assert not re.search(r"\b(rg|skos|dct|owl|rdf|rdfs):[a-z]", text), msgid
            assert "https://w3id.org" not in text and "?gemeente " not in text, msgid


def test_the_catalog_holds_no_message_the_app_no_longer_uses() -> None:
    assert sorted(set(_english()) - _messages()) == []


def _inline_pairs(path: Path) -> list[str]:
    """Texts written as an inline Dutch/English pair instead of a gettext message: a call of
    ``t(...)`` (the old ``translator``) in a template; in Python the old helpers by name, or
    an expression that picks one of two texts by the language
    (``"Kaart" if lang == "nl" else "Map"``)."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return [f"{path.name}: t(" for _ in re.finditer(r"(?<![\w.])t\(", source)]
    found = [f"{path.name}: {name}" for name in ("translator", "TEXTS") if name in source]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.IfExp) and _is_language_test(node.test):
            texts = [_text(node.body), _text(node.orelse)]
            if all(texts) and not set(texts) <= {"nl", "en"}:
                found.append(f"{path.name}:{node.lineno}: {texts}")
    return found


def _is_language_test(test: ast.expr) -> bool:
    return isinstance(test, ast.Compare) and any(
        isinstance(side, ast.Constant) and side.value in ("nl", "en")
        for side in (test.left, *test.comparators)
    )


def _text(node: ast.expr) -> str:
    """The text of a string constant or f-string that holds a letter, else ``""``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value
    elif isinstance(node, ast.JoinedStr):
        value = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return ""
    return value if re.search(r"[A-Za-z]{2}", value) and "lang=" not in value else ""


#: The parts of the OpenAPI document (``/openapi.json``), written in the request's language.
OPENAPI_PARTS = [
    ROOT / "server" / part / "openapi.py" for part in ("canned", "scan", "search", "contribute")
]


def test_no_interface_text_is_an_inline_pair() -> None:
    places = [ROOT / "server" / "web", ROOT / "server" / "scan"]
    files = [f for place in places for f in place.rglob("*") if f.suffix in (".py", ".html")]
    assert len(files) > 60
    files += OPENAPI_PARTS
    assert [pair for f in sorted(files) for pair in _inline_pairs(f)] == []


def _unmarked_texts(path: Path) -> list[str]:
    """Texts of an OpenAPI part ("description", "summary" or "title" in a dict) written as a
    plain string, not as a gettext message: they would be in one language in both documents."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                is_text = isinstance(key, ast.Constant) and key.value in TEXT_KEYS
                if is_text and _text(value):
                    found.append(f"{path.name}:{value.lineno}: {_text(value)[:40]}")
    return found


def test_every_text_of_the_openapi_document_is_a_message() -> None:
    assert [text for part in OPENAPI_PARTS for text in _unmarked_texts(part)] == []


def test_the_unmarked_text_check_finds_one(tmp_path: Path) -> None:
    module = tmp_path / "openapi.py"
    module.write_text('A = {"description": "De lijst (the list)", "title": N_("Lijst")}\n')
    assert _unmarked_texts(module) == ["openapi.py:1: De lijst (the list)"]


#: An English phrase in brackets after the Dutch one: how error messages used to be written
#: twice ("Geen vraag 'x' (no such query)").
_ENGLISH_IN_BRACKETS = re.compile(
    r"(?<!%)\((?:no|not|the|this|a|an|is|send|name|only|writing|too|unknown|leave|takes|less|"
    r"greater|empty|contains|longer|see|version|busy|retry|unknown|all|please|try)\b"
)
#: Where errors people read are made (the SPARQL endpoint's protocol messages are the
#: engine's and the protocol's, in English, for programmers).
ERROR_PLACES = [
    "web",
    "scan",
    "canned",
    "contribute",
    "search",
    "maps",
    "linkeddata",
    "store",
    "http",
]


def _two_language_errors(path: Path) -> list[str]:
    """Texts given to an error (a call of a capitalised name) in ``path`` written in Dutch
    and English at once."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        name = node.func.id if isinstance(node.func, ast.Name) else name
        if name[:1].isupper():
            texts = [_text(argument) for argument in node.args]
            found += [f"{path.name}:{node.lineno}" for t in texts if _ENGLISH_IN_BRACKETS.search(t)]
    return found


def test_no_error_message_is_written_in_two_languages() -> None:
    places = [ROOT / "server" / place for place in ERROR_PLACES]
    files = sorted(f for place in places for f in place.rglob("*.py"))
    files += [ROOT / "server" / "errors.py"]
    assert [pair for f in files for pair in _two_language_errors(f)] == []


def test_the_two_language_error_check_finds_one(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        'raise NotFound(f"Geen vraag {name!r} (no such query)")\n'
        'raise errors.BadRequest("Leeg (empty)")\n'
        'raise NotFound.saying(N_("Geen vraag %(name)s"), name=name)\n'
    )
    assert _two_language_errors(module) == ["module.py:1", "module.py:2"]


def test_the_inline_pair_check_finds_one(tmp_path: Path) -> None:
    page, module = tmp_path / "page.html", tmp_path / "module.py"
    page.write_text('<p>{{ t("Kaart", "Map") }}</p>{{ _("Kaart") }}', encoding="utf-8")
    module.write_text('def f(lang):\n    return "Map" if lang == "en" else "Kaart"\n')
    assert _inline_pairs(page) == ["page.html: t("]
    assert _inline_pairs(module) == ["module.py:2: ['Map', 'Kaart']"]
    module.write_text('def f(lang):\n    return "?lang=en" if lang == "en" else ""\n')
    assert _inline_pairs(module) == []


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
