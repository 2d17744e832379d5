"""The Strategiescan pages (issue 14): ``/scan`` (choose a municipality), ``/scan/<cbs>`` (the
scan of a current MRDH member; ``?vergelijk=<cbs>`` puts two side by side), and its
downloads ``/scan/<cbs>.json``, ``.pdf`` and ``.docx``.

Thin routes: :mod:`server.scan` computes the scan and writes the JSON, PDF and Word
documents. The page's language comes from :func:`scan_language` (Dutch unless ``?lang=en``).
A former member gets a 404 page that names its successor.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, Final

from flask import (
    Blueprint,
    Flask,
    Response,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_translations, gettext, ngettext
from werkzeug.wrappers import Response as BaseResponse

from server.canned.running import canned_queries
from server.errors import BadRequest, NotFound, RegiograafError
from server.http.media_types import DOCX, HTML, JSON, PDF
from server.http.policy import NO_STORE
from server.messages import N_
from server.scan import texts
from server.scan.compute import (
    CBS_CODE,
    QUERIES,
    FormerMember,
    UnknownMunicipality,
    compute_scan,
    current_members,
    find_municipality,
)
from server.scan.compute import warm_up as compute_warm_up
from server.scan.document import scan_document
from server.scan.model import Scan
from server.scan.pdf import pdf_bytes
from server.scan.scale import step
from server.scan.word import docx_bytes
from server.store.slots import one_at_a_time
from server.web.assets import STATIC
from server.web.context import get_settings, get_store, iri_map, site_url
from server.web.language import language
from server.web.policy import answer, representation

blueprint = Blueprint("scan", __name__)

#: The downloads, by file extension.
DOWNLOADS: Final = {"json": JSON, "pdf": PDF, "docx": DOCX}
#: How many downloads this process keeps (a PDF takes a second or more to make).
MADE_ENTRIES: Final = 64
#: The downloads made, by (data version, CBS code, language, extension); oldest first.
_made: dict[tuple[str, str, str, str], bytes] = {}
_made_lock = threading.Lock()


def scan_language() -> str:
    """The language of the scan: the site's (:func:`server.web.language.language`: ``lang=``,
    else the cookie, else Dutch; a bad ``lang=`` is refused before any view runs)."""
    return language()


def _helpers(lang: str) -> dict[str, Any]:
    """What the scan templates use besides the site's ``_``, ``format_date`` and
    ``format_number``: the words picked by a code, links and the colour scale."""
    pages = iri_map()
    queries = canned_queries(get_settings())

    def link(iri: str | None) -> str | None:
        if not iri:
            return None
        return pages.page(iri) or texts.web_link(iri)

    return {
        "lang": lang,
        "query": "?lang=en" if lang == "en" else "",
        "levels": texts.LEVELS,
        "roles": texts.ROLES,
        "serves": texts.SERVES,
        "stage_kinds": texts.STAGE_KINDS,
        "link": link,
        "web_link": texts.web_link,
        "source_names": texts.source_names,
        "scale": lambda value, top: f"schaal-{step(value, top)}",
        "contribute": texts.CONTRIBUTE_PATH,
        "strategy_summary": lambda strategy, name: texts.strategy_summary(
            strategy, name, gettext, ngettext
        ),
        "region_ranking": lambda section, name: texts.region_ranking(section, name, lang, gettext),
        "scan_queries": [(name, queries[name].title_in(lang)) for name in QUERIES],
    }


def _scan(cbs: str, lang: str) -> Scan:
    return compute_scan(get_store(), get_settings(), cbs, lang)


def warm_up(app: Flask) -> threading.Thread:
    """Compute and cache the scan's region-wide answers in a background thread of this
    process (:func:`server.scan.compute.warm_up`); a store that cannot answer yet is logged,
    not raised: the first visitor then computes them."""

    def run() -> None:
        # One worker at a time: each runs the long region-wide queries, and a visitor's long
        # query should still find one of the server's long-query slots free.
        with app.app_context(), one_at_a_time("scan-warm-up"):
            try:
                compute_warm_up(get_store(), get_settings())
            except RegiograafError as error:
                app.logger.warning("the scan's warm-up stopped: %s", error)

    thread = threading.Thread(target=run, name="scan-warm-up", daemon=True)
    thread.start()
    return thread


@blueprint.get("/scan")
@blueprint.get("/scan/")
def index() -> Response:
    """Every current member, each a link to its scan."""
    lang = scan_language()

    def render() -> Response:
        members = current_members(get_store(), get_settings(), lang)
        html = render_template("scan_index.html", members=members, **_helpers(lang))
        return make_response(html)

    return answer(representation(HTML, variant=("index", lang)), render)


@blueprint.get("/scan/<name>")
def scan(name: str) -> BaseResponse:
    """The scan of one current member (HTML), or a download of it by extension."""
    stem, dot, extension = name.partition(".")
    cbs = stem.lower()
    if not CBS_CODE.fullmatch(cbs) or (dot and extension not in DOWNLOADS):
        raise NotFound.saying(N_("Niet gevonden: %(path)s"), path=request.path)
    if cbs != stem:
        query = request.query_string.decode("latin-1")
        target = url_for("scan.scan", name=cbs + dot + extension) + (f"?{query}" if query else "")
        return redirect(target, 308)
    lang = scan_language()
    if dot:
        return _download(cbs, extension, lang)
    other = (request.args.get("vergelijk") or "").strip().lower()
    if other and other != cbs:
        return _comparison(cbs, other, lang)
    chosen = representation(HTML, variant=(cbs, lang))
    return answer(chosen, lambda: make_response(scan_page(_scan(cbs, lang), lang)))


def scan_page(scan: Scan, lang: str) -> str:
    """The scan page of ``scan`` in ``lang`` (HTML), with the other members to compare with."""
    members = current_members(get_store(), get_settings(), lang)
    return render_template(
        "scan.html",
        scan=scan,
        others=[m for m in members if m.cbs != scan.municipality.cbs],
        **_helpers(lang),
    )


def _comparison(cbs: str, other: str, lang: str) -> Response:
    if not CBS_CODE.fullmatch(other):
        raise BadRequest.saying(
            N_("vergelijk= is de CBS-code van een MRDH-gemeente, zoals gm0599.")
        )
    try:
        find_municipality(get_store(), get_settings(), other, lang)
    except (UnknownMunicipality, FormerMember) as error:
        raise BadRequest(f"vergelijk={other[:12]}: {error.message_in(gettext)}") from None

    def render() -> Response:
        first, second = _scan(cbs, lang), _scan(other, lang)
        rows = {row.stage: row for row in second.value_chain.rows}
        pairs = [(row, rows[row.stage]) for row in first.value_chain.rows if row.stage in rows]
        html = render_template(
            "scan_compare.html", first=first, second=second, pairs=pairs, **_helpers(lang)
        )
        return make_response(html)

    return answer(representation(HTML, variant=(cbs, lang, other)), render)


def _download(cbs: str, extension: str, lang: str) -> Response:
    media_type = DOWNLOADS[extension]
    renderers: dict[str, Callable[[Scan], bytes]] = {
        "json": lambda scan: json.dumps(
            scan_document(scan, site_url()), ensure_ascii=False, indent=1
        ).encode("utf-8"),
        "pdf": lambda scan: pdf_bytes(_print_page(scan, lang), STATIC / "scan.css"),
        "docx": lambda scan: docx_bytes(scan, site_url(), get_translations()),
    }

    def render() -> Response:
        key = (get_store().data_version() or "", cbs, lang, extension)
        body = _made.get(key)
        if body is None:
            body = renderers[extension](_scan(cbs, lang))
            with _made_lock:
                while len(_made) >= MADE_ENTRIES:
                    del _made[next(iter(_made))]
                _made[key] = body
        response = Response(body, content_type=media_type)
        if extension != "json":
            filename = f"strategiescan-{cbs}-{lang}.{extension}"
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return answer(representation(media_type, variant=(cbs, lang)), render)


def _print_page(scan: Scan, lang: str) -> str:
    """The scan as a document for print (no navigation, every part open)."""
    return render_template("scan_print.html", scan=scan, **_helpers(lang))


@blueprint.errorhandler(FormerMember)
def former_member(error: FormerMember) -> Response:
    """A former member: 404, with a page that points to its successor."""
    lang = scan_language()
    html = render_template("scan_former.html", municipality=error.municipality, **_helpers(lang))
    response = make_response(html, 404)
    response.headers["Cache-Control"] = NO_STORE
    return response
