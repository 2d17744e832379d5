"""``/openapi.json`` and ``/api``: the OpenAPI 3.1 description of the canned queries
(:mod:`server.canned.openapi`) and the interactive page for it (Swagger UI from
``node_modules``, no CDN, no inline script).

The document lists the allowed values of parameters from the graph, so it belongs to a data
version (and to the application's version); it is made once per pair and language and tagged
with all three. Like every page it is in one language, the request's
(:func:`server.web.language.language`: ``?lang=``, else the cookie, else Dutch): the queries'
own texts from their headers, the fixed texts of the four parts as gettext messages.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json

from flask import Blueprint, Response, make_response, render_template, url_for
from flask_babel import gettext

from server.canned.openapi import openapi_document
from server.canned.running import canned_queries, parameter_choices
from server.contribute import openapi as contribution_openapi
from server.http.media_types import JSON
from server.scan.compute import current_members
from server.scan.openapi import scan_paths, scan_schemas
from server.search import openapi as search_openapi
from server.store import Store
from server.web.api_labels import swagger_ui_labels
from server.web.bijdragen import organisations
from server.web.context import get_settings, get_store
from server.web.language import asked_language, language
from server.web.policy import answer, representation

blueprint = Blueprint("api", __name__)

#: The OpenAPI document per (data version, API version, language).
_documents: dict[tuple[str, str, str], bytes] = {}


@functools.lru_cache(maxsize=1)
def api_version() -> str:
    """The package version: the ``info.version`` of the OpenAPI document."""
    try:
        return importlib.metadata.version("regiograaf")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def openapi_bytes(store: Store, version: str) -> bytes:
    """The OpenAPI document for data ``version`` of ``store`` in the request's language (made
    once per version and language)."""
    lang = language()
    key = (version, api_version(), lang)
    body = _documents.get(key)
    if body is None:
        document = openapi_document(
            canned_queries(get_settings()).values(),
            lambda parameter: parameter_choices(store, parameter),
            api_version=api_version(),
            data_version=version,
            lang=lang,
            gettext=gettext,
        )
        # The write path and the validation API (server/contribute/openapi.py).
        codes = [code for code, _ in organisations("nl")]
        document["paths"].update(contribution_openapi.paths(codes, gettext))
        document["components"]["schemas"].update(contribution_openapi.schemas(gettext))
        document["components"]["securitySchemes"] = contribution_openapi.security(gettext)
        document["tags"].append({"name": contribution_openapi.TAG})
        members = current_members(store, get_settings(), "nl")
        document["paths"].update(scan_paths([member.cbs for member in members], gettext))
        document["components"]["schemas"].update(scan_schemas(gettext))
        if {"name": "scan"} not in document["tags"]:
            document["tags"].append({"name": "scan"})
        document["paths"].update(search_openapi.search_paths(gettext))
        document["components"]["schemas"].update(search_openapi.search_schemas(gettext))
        document["tags"].append({"name": search_openapi.TAG})
        body = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
        if len(_documents) > 8:
            _documents.clear()
        _documents[key] = body
    return body


@blueprint.get("/openapi.json")
def document() -> Response:
    """The OpenAPI 3.1 description of the API, in the request's language (its own ETag per
    language; ``Vary: Cookie`` when the cookie, not ``?lang=``, chose it)."""
    chosen = representation(JSON, variant=(api_version(), "lang", language()))
    response = answer(
        chosen, lambda: Response(openapi_bytes(get_store(), chosen.version), content_type=JSON)
    )
    if asked_language() is None:
        response.vary.add("Cookie")
    return response


@blueprint.get("/api")
def page() -> Response:
    """The interactive API page (Swagger UI served by this app), which shows the description
    in the page's language (the spec URL carries ``?lang=``), and Swagger UI's own labels too
    (:func:`server.web.api_labels.swagger_ui_labels`)."""
    spec_url = url_for("api.document", lang=language())
    return make_response(render_template("api.html", spec_url=spec_url, labels=swagger_ui_labels()))
