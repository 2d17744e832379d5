"""``/zoeken``: search projects, goals, strategies, building blocks, action perspectives,
challenges, value-chain stages and municipalities (:mod:`server.search`), as a page (Dutch by
default, ``?lang=en``) or as JSON (``/zoeken.json``, or ``Accept: application/json`` /
``format=json`` on ``/zoeken``).

Parameters: ``q`` (the words, all must be found; at most 100 characters, no control
characters), ``soort`` (only one kind, a code of :data:`server.search.kinds.KINDS`),
``limit`` (1 to 100 hits, default 50) and ``lang`` (``nl`` or ``en``). A search that cannot be
made is a clear 400 (on the page: the form with the reason); a search without words is the
form with help. Each hit links to its page: a current municipality to its Strategiescan, the
rest to its resource page (``/doc/...``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode

from flask import Blueprint, Response, make_response, render_template, request
from flask_babel import gettext

from server.errors import BadRequest
from server.http import negotiation
from server.http.media_types import HTML, JSON
from server.messages import N_
from server.search.kinds import KINDS
from server.search.query import MAX_RESULTS, Hit, SearchResult, search, stage_names
from server.search.text import MAX_CHARACTERS, SearchText, parse
from server.web.context import get_settings, get_store, iri_map, site_url
from server.web.errors import error_response
from server.web.language import language
from server.web.policy import answer, choose, representation

blueprint = Blueprint("search", __name__)

#: ``/zoeken``: the page for browsers (also for ``*/*``), JSON for API clients.
OFFER: Final = negotiation.Offer(media_types=(HTML, JSON), formats={"html": HTML, "json": JSON})
#: Hits on a page, and in JSON unless ``limit`` says otherwise.
DEFAULT_LIMIT: Final = 50


def _arguments() -> tuple[str | None, int]:
    """``soort`` and ``limit``, checked: 400 when given and they do not fit (also empty)."""
    kind = request.args.get("soort")
    if kind is not None and kind not in KINDS:
        raise BadRequest.saying(N_("soort= is een van: %(kinds)s"), kinds=", ".join(KINDS))
    given = request.args.get("limit")
    if given is None:
        return kind, DEFAULT_LIMIT
    if not given.isascii() or not given.isdigit() or not 1 <= int(given) <= MAX_RESULTS:
        raise BadRequest.saying(
            N_("limit= is een geheel getal van 1 tot en met %(most)s."), most=MAX_RESULTS
        )
    return kind, int(given)


def page_of(hit: Hit) -> str | None:
    """The path of a hit's page: a current municipality's Strategiescan, else its resource
    page (``None`` when it has none on this site)."""
    if hit.kind == "gemeente" and hit.cbs and not hit.former:
        return f"/scan/{hit.cbs}"
    return iri_map().page(hit.iri)


def _run(text: SearchText, lang: str, kind: str | None, limit: int) -> SearchResult:
    return search(get_store(), text, lang, kind=kind, limit=limit, examples=get_settings().examples)


def document(result: SearchResult, lang: str) -> dict[str, Any]:
    """The JSON answer of a search (described in the OpenAPI document as ``SearchResult``)."""
    root = site_url()
    results = []
    for hit in result.hits:
        page = page_of(hit)
        results.append(
            {
                "iri": hit.iri,
                "kind": hit.kind,
                "kind_label": hit.kind_label,
                "label": hit.label,
                "description": hit.description,
                "url": root + page[1:] if page else None,
                "example": hit.example,
                "former": hit.former,
                "cbs": hit.cbs,
                "rank": hit.rank,
            }
        )
    return {
        "q": result.text.given,
        "lang": lang,
        "words": [word.text for word in result.text.words],
        "dropped_words": result.text.dropped,
        "kind": result.kind,
        "total": result.total,
        "more": result.more,
        "counts": dict(result.counts),
        "kinds": dict(result.kind_labels),
        "results": results,
    }


def _suggestions(text: SearchText) -> list[str]:
    """Other searches to try when nothing was found: without the last word, and a word with
    a hyphen as its parts (``e-dienstverlening`` → ``dienstverlening``)."""
    words = [word.text for word in text.words]
    found: list[str] = []
    if len(words) > 1:
        found.append(" ".join(words[:-1]))
    for word in words:
        parts = [part for part in word.split() if len(part) > 1]
        if len(parts) < len(word.split()) or len(parts) > 1:
            found.append(" ".join(parts))
    return [suggestion for suggestion in dict.fromkeys(found) if suggestion]


def _page(
    lang: str,
    text: SearchText | None,
    result: SearchResult | None,
    *,
    refused: str | None = None,
    status: int = 200,
) -> Response:
    html = render_template(
        "zoeken.html",
        lang=lang,
        text=text,
        given=request.args.get("q", "")[: MAX_CHARACTERS * 2],
        result=result,
        refused=refused,
        max_characters=MAX_CHARACTERS,
        kinds=KINDS,
        page_of=page_of,
        suggestions=_suggestions(text) if text and result and not result.hits else [],
        stages=stage_names(get_store(), lang),
        query_for=lambda **changes: _query(lang, changes),
    )
    return make_response(html, status)


def _query(lang: str, changes: Mapping[str, object]) -> str:
    """The query string of ``/zoeken`` with ``changes`` (``None`` leaves a parameter out)."""
    values: dict[str, object] = {"q": request.args.get("q", "")}
    if request.args.get("soort"):
        values["soort"] = request.args["soort"]
    if lang == "en":
        values["lang"] = "en"
    values.update(changes)
    return "?" + urlencode({key: value for key, value in values.items() if value is not None})


@blueprint.get("/zoeken")
def page() -> Response:
    """The search page (HTML), or its JSON answer by ``Accept`` or ``format=``."""
    media_type, _ = choose(OFFER)
    if media_type == JSON:
        return _json(negotiated=True)
    given = request.args.get("q")
    try:
        lang = language()
        kind, limit = _arguments()
        text = parse(given)
    except BadRequest as refused:
        # The form again, with the reason (in Dutch and English: the language may be the fault).
        return _page(language(), None, None, refused=refused.message_in(gettext), status=400)
    chosen = representation(
        HTML, OFFER, variant=("zoeken", given, lang, kind, limit), negotiated=True
    )
    if text.empty:
        return answer(chosen, lambda: _page(lang, text if given else None, None))
    return answer(chosen, lambda: _page(lang, text, _run(text, lang, kind, limit)))


@blueprint.get("/zoeken.json")
def api() -> Response:
    """The search as JSON (``q`` is required)."""
    return _json(negotiated=False)


def _json(*, negotiated: bool) -> Response:
    try:
        lang = language()
        kind, limit = _arguments()
        given = request.args.get("q")
        if given is None:
            raise BadRequest.saying(N_("q= is nodig: de zoekwoorden."))
        text = parse(given)
    except BadRequest as error:
        return error_response(error.status, error.message_in(gettext), media_type=JSON)
    chosen = representation(
        JSON, OFFER, variant=("zoeken", given, lang, kind, limit), negotiated=negotiated
    )

    def render() -> Response:
        body = json.dumps(document(_run(text, lang, kind, limit), lang), ensure_ascii=False)
        return Response(body, content_type=JSON)

    return answer(chosen, render)
