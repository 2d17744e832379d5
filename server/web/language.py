"""The language of the site: Dutch by default, English by a switch (Flask-Babel).

One place decides the language of a request (:func:`language`):

1. ``?lang=nl`` or ``?lang=en`` in the URL (anything else is a 400, in the page's language);
2. else the ``lang`` cookie, which the site sets whenever the URL chose a language
   (``SameSite=Lax``; ``Secure`` when the request came over https);
3. else Dutch.

The interface texts are gettext messages with the Dutch text as msgid; the English translations
live in ``server/web/translations/en/LC_MESSAGES/messages.po`` (a text file in git). The catalog
is compiled in memory when the app is made (:func:`init_language`), not by a build step: every
way of starting the app (``make run``, ``make test``, a test's ``create_app``, gunicorn workers,
the static export) then has the same translations, no binary ``.mo`` file is kept in git, and
nothing is written to the source tree at run time. Compiling takes a few milliseconds.

Dates and numbers are written in the request's language (:func:`format_date`,
:func:`format_number`) by the same functions as the Strategiescan's documents
(:mod:`server.scan.texts`, which take the language as an argument: a document may be made
outside a request).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, Response, request
from flask_babel import Babel, gettext

from server.errors import BadRequest
from server.scan import texts
from server.web.context import service_url

#: The languages of the site; the first is the default.
LANGUAGES: Final = ("nl", "en")
#: The query parameter and the cookie that choose the language.
PARAMETER: Final = "lang"
#: How long the browser remembers the choice (a year, in seconds).
COOKIE_AGE: Final = 365 * 24 * 3600
#: Where the catalogs are (``<lang>/LC_MESSAGES/messages.po``).
CATALOGS: Final = Path(__file__).parent / "translations"
_CHOSEN: Final = "regiograaf.lang"


def load_catalog(lang: str) -> Translations:
    """The translations of ``lang`` compiled in memory from its ``messages.po``."""
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def init_language(app: Flask) -> None:
    """Install Flask-Babel on ``app`` with the compiled catalogs, the language check and the
    cookie, and the template values ``lang``, ``other_lang``, ``switch_href``,
    ``page_language``, ``format_date`` and ``format_number``."""
    babel = Babel(app, locale_selector=language, default_locale="nl")
    with app.app_context():  # the domain reads the app's Babel configuration
        domain = babel.domain_instance
    domain.cache[("nl", "messages")] = Translations()  # Dutch msgids are the Dutch text
    domain.cache[("en", "messages")] = load_catalog("en")  # never read from a directory
    app.before_request(check_language)
    app.after_request(remember_language)
    app.add_template_global(language, "page_language")
    app.add_template_global(format_date, "format_date")
    app.add_template_global(format_number, "format_number")
    app.context_processor(_template_values)


def asked_language() -> str | None:
    """The language the URL asks for, ``None`` when it asks none, one the site has not, or
    more than one."""
    asked = set(request.args.getlist(PARAMETER))
    return next(iter(asked)) if len(asked) == 1 and asked <= set(LANGUAGES) else None


def language() -> str:
    """The language of this request: ``lang=`` in the URL, else the cookie, else Dutch."""
    chosen = request.environ.get(_CHOSEN)  # per request (flask.g may outlive one)
    if chosen is None:
        cookie = request.cookies.get(PARAMETER)
        chosen = asked_language() or (cookie if cookie in LANGUAGES else LANGUAGES[0])
        request.environ[_CHOSEN] = chosen
    return str(chosen)


def other_language(lang: str | None = None) -> str:
    """The language the switch offers: the one this request is not in."""
    return "nl" if (lang or language()) == "en" else "en"


def check_language() -> None:
    """400 for a ``lang=`` that is not ``nl`` or ``en`` (the error page is in the cookie's
    language, or Dutch)."""
    if any(value not in LANGUAGES for value in request.args.getlist(PARAMETER)):
        raise BadRequest(gettext("lang= is nl of en."))


def remember_language(response: Response) -> Response:
    """Set the ``lang`` cookie when the URL chose a language other than the remembered one;
    every page in HTML varies by the cookie."""
    asked = asked_language()
    if asked and asked != request.cookies.get(PARAMETER):
        response.set_cookie(
            PARAMETER,
            asked,
            max_age=COOKIE_AGE,
            path="/",
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
    return response


def switch_href(lang: str | None = None) -> str:
    """This page in the other language: its path and query with ``lang=`` set. In the static
    export (which is Dutch only: a static host cannot read ``lang=`` or a cookie) it is the
    same page on the live server (``SERVICE_URL``)."""
    arguments = [(key, value) for key, value in request.args.items(multi=True) if key != PARAMETER]
    arguments.append((PARAMETER, other_language(lang)))
    target = f"{request.path}?{urlencode(arguments)}"
    live = service_url()
    return live.rstrip("/") + target if live else target


def format_date(value: str | None) -> str:
    """An ISO date (or date-time) for people, in the request's language
    (:func:`server.scan.texts.date`)."""
    return texts.date(value, language())


def format_number(value: float | int | None) -> str:
    """A number for people in the request's language (:func:`server.scan.texts.number`:
    ``1.234`` and ``0,5`` in Dutch)."""
    return texts.number(value, language())


def _template_values() -> dict[str, object]:
    lang = language()
    return {
        "lang": lang,
        "other_lang": other_language(lang),
        "switch_href": switch_href,
    }
