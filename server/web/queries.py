"""``/queries`` and ``/queries/<name>``: the canned queries over HTTP.

- ``/queries`` lists the queries (HTML for browsers, JSON ``{"queries": [...]}`` otherwise);
- ``/queries/<name>`` runs one, with its parameters from the query string (repeat a name for
  several values). The values are checked against the declared types and, for ``iri`` and
  ``concept`` parameters, against the choices in the graph; a wrong value is a 400 that names
  the parameter. The answer is HTML (:mod:`server.web.query_page`), SPARQL JSON, CSV, or
  GeoJSON for a query with a ``?geometry`` column: by extension (``.json``, ``.csv``,
  ``.geojson``, ``.html``), ``format=`` or ``Accept``
  (:data:`server.http.negotiation.CANNED_RESULT`).

Answers are cached per data version (:mod:`server.store.cache`); every answer carries an
ETag for its data version, query, arguments and format (:mod:`server.web.policy`), and a
matching ``If-None-Match`` is answered 304 without running anything. ``Regiograaf-Cache:
hit|miss`` says whether the answer came from the cache. The OpenAPI description of these
operations is :mod:`server.web.openapi`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import gettext

from server.canned.errors import MissingParameter, ParameterError
from server.canned.query import CannedQuery, Parameter
from server.canned.running import CannedResult, canned_queries, check_arguments, run_checked
from server.errors import NotAcceptable, NotFound
from server.http import negotiation
from server.http.media_types import CSV, GEOJSON, HTML, JSON, SPARQL_JSON, TEXT
from server.http.policy import CACHE_HEADER, NO_STORE
from server.messages import N_
from server.store import Store
from server.web.context import data_version, get_settings, get_store
from server.web.errors import error_response
from server.web.language import language
from server.web.openapi import api_version
from server.web.policy import answer, choose, representation
from server.web.query_page import page
from server.web.result_table import TABLE_PARAMETERS

blueprint = Blueprint("queries", __name__)

#: File extensions of ``/queries/<name>.<ext>`` and the media type each stands for.
#: Parameters of the page, not of the query: the format, the language, the table's order/page.
PAGE_PARAMETERS: Final = ("format", "lang", *TABLE_PARAMETERS)
EXTENSIONS: Final = {"json": SPARQL_JSON, "csv": CSV, "geojson": GEOJSON, "html": HTML}
#: The parameter of a query that chooses the language of the names it returns (nl or en).
NAMES_LANGUAGE: Final = "taal"


def queries() -> Mapping[str, CannedQuery]:
    """The canned queries of this app, by name."""
    return canned_queries(get_settings())


def parameter_json(parameter: Parameter) -> dict[str, Any]:
    """One parameter as ``/queries`` lists it."""
    defaults = list(parameter.default_values)
    entry: dict[str, Any] = {
        "name": parameter.name,
        "type": parameter.type,
        "required": parameter.required,
        "default": defaults if parameter.multiple else (defaults[0] if defaults else None),
        "multiple": parameter.multiple,
        "label": dict(parameter.label),
    }
    if parameter.class_iri:
        entry["class"] = parameter.class_iri
        entry["members"] = parameter.members
    if parameter.scheme:
        entry["scheme"] = parameter.scheme
    if parameter.minimum is not None:
        entry["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        entry["maximum"] = parameter.maximum
    if parameter.description:
        entry["descriptions"] = dict(parameter.description)
    return entry


def query_json(query: CannedQuery) -> dict[str, Any]:
    """One query as ``/queries`` lists it: texts in Dutch (``titles``/``descriptions`` have
    every language)."""
    return {
        "name": query.name,
        "title": query.title_in("nl"),
        "description": query.description_in("nl"),
        "titles": dict(query.title),
        "descriptions": dict(query.description),
        "url": url_for("queries.run", name=query.name),
        "view": query.view,
        "tags": list(query.tags),
        "variables": list(query.variables),
        "columns": [
            {"name": name, "label": {lang: query.column_label(name, lang) for lang in ("nl", "en")}}
            for name in query.variables
        ],
        "formats": ["html", "json", "csv"] + (["geojson"] if query.has_geometry else []),
        "parameters": [parameter_json(parameter) for parameter in query.parameters],
    }


@blueprint.get("/queries")
def index() -> Response:
    """Every canned query: JSON ``{"queries": [...]}`` or an HTML page."""
    media_type, negotiated = choose(negotiation.CANNED_LIST)
    listed = list(queries().values())
    # The list needs no data: it changes with the application (and its queries) only.
    chosen = representation(
        media_type,
        negotiation.CANNED_LIST,
        variant=tuple(query.name for query in listed),
        negotiated=negotiated,
        version=api_version(),
    )

    def render() -> Response:
        if media_type == JSON:
            body = json.dumps({"queries": [query_json(query) for query in listed]}, indent=2)
            return Response(body, content_type=JSON)
        return make_response(render_template("queries.html", queries=listed))

    return answer(chosen, render)


@blueprint.get("/queries/<name>")
def run(name: str) -> Response:
    """Run one canned query with the parameters of the query string."""
    query, media_type = _query_and_format(name)
    store = get_store()
    version = data_version()
    given = {key: request.args.getlist(key) for key in request.args if key not in PAGE_PARAMETERS}
    if media_type == HTML:
        # A form sends its empty fields too: for the page, an empty field is "not given" (the
        # API, as its OpenAPI document says, refuses an empty date, number or choice).
        given = {key: [value for value in values if value.strip()] for key, values in given.items()}
    nothing_given = not any(given.values())
    if media_type == HTML:
        given = _names_in_page_language(query, given)
    try:
        arguments = check_arguments(store, query, given)
    except ParameterError as error:
        if isinstance(error, MissingParameter) and media_type == HTML and nothing_given:
            return _form_only(query, store)
        return _parameter_error(query, store, media_type, given, error)
    chosen = representation(
        media_type,
        negotiation.CANNED_RESULT,
        variant=(query.name, arguments.key, api_version(), *_table_arguments(media_type)),
        # Vary: Accept with an extension too: the errors of every URL of the API follow it.
        negotiated=True,
        version=version,
    )

    def render() -> Response:
        result, hit = run_checked(store, query, arguments)
        response = _render(query, store, given, result, media_type)
        response.headers[CACHE_HEADER] = "hit" if hit else "miss"
        return response

    return answer(chosen, render)


def _names_in_page_language(
    query: CannedQuery, given: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """``given``, with the page's language as the language of the names (:data:`NAMES_LANGUAGE`)
    when the query has that parameter and the request gives none: an English page shows the
    English names (the API keeps the parameter's default, Dutch)."""
    chosen = dict(given)
    names = {parameter.name for parameter in query.parameters}
    if NAMES_LANGUAGE in names and not chosen.get(NAMES_LANGUAGE):
        chosen[NAMES_LANGUAGE] = [language()]
    return chosen


def _table_arguments(media_type: str) -> tuple[str, ...]:
    """How the page's table is sorted and which page it shows (only HTML has them)."""
    if media_type != HTML:
        return ()
    return tuple(request.args.get(name, "") for name in TABLE_PARAMETERS)


def _query_and_format(name: str) -> tuple[CannedQuery, str]:
    """The query ``name`` (without its extension) and the media type to answer with (by
    extension, ``format=`` or ``Accept``); 404 for an unknown query or extension, 406 for a
    format the query does not have."""
    stem, dot, extension = name.partition(".")
    query = queries().get(stem)
    if query is None or (dot and extension not in EXTENSIONS):
        raise NotFound.saying(N_("Er is geen vraag %(name)s; zie /queries."), name=repr(name))
    media_type = (
        EXTENSIONS[extension]
        if dot
        else negotiation.negotiate(
            negotiation.CANNED_RESULT,
            request.headers.get("Accept"),
            request.args.getlist("format"),
        )
    )
    if media_type is None or (media_type == GEOJSON and not query.has_geometry):
        available = "html, json, csv" + (", geojson" if query.has_geometry else "")
        raise NotAcceptable.saying(
            N_("Dit formaat kan niet voor deze vraag; wel: %(available)s."), available=available
        )
    return query, media_type


def _form_only(query: CannedQuery, store: Store) -> Response:
    """The page of a query with a required parameter, asked without any: the form to fill in
    (nothing is run; the parameter is not yet missing)."""
    response = make_response(page(query, store, {}))
    response.headers["Cache-Control"] = NO_STORE
    return response


def _parameter_error(
    query: CannedQuery,
    store: Store,
    media_type: str,
    given: Mapping[str, list[str]],
    error: ParameterError,
) -> Response:
    """400 naming the parameter, in the format the request chose: the form again (HTML),
    JSON (for SPARQL JSON and GeoJSON), or text."""
    if media_type == HTML:
        response = make_response(page(query, store, given, error=error), 400)
        response.headers["Cache-Control"] = NO_STORE
        return response
    as_json = media_type in (SPARQL_JSON, GEOJSON)
    return error_response(
        400,
        error.message_in(gettext),
        media_type=JSON if as_json else TEXT,
        fields={"parameter": error.parameter},
    )


def _render(
    query: CannedQuery,
    store: Store,
    given: Mapping[str, list[str]],
    result: CannedResult,
    media_type: str,
) -> Response:
    """The answer in ``media_type``."""
    if media_type == SPARQL_JSON:
        return Response(result.json, content_type=SPARQL_JSON)
    if media_type == CSV:
        response = Response(result.csv(), content_type=negotiation.content_type(CSV))
        response.headers["Content-Disposition"] = f'inline; filename="{query.name}.csv"'
        return response
    if media_type == GEOJSON:
        body = json.dumps(result.geojson(), ensure_ascii=False)
        return Response(body, content_type=GEOJSON)
    return make_response(page(query, store, given, result=result))
