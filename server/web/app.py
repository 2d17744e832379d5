"""The Flask application factory (no work at import time)."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from server.rdf.iris import link_target
from server.settings import Settings, load_settings
from server.sparql.operation import QueryOperation
from server.web.consistency import answer_on_one_version
from server.web.context import SETTINGS_KEY, forget_store
from server.web.errors import register_error_handlers
from server.web.language import init_language
from server.web.policy import register_policy
from server.web.word_links import link_words


class RegiograafFlask(Flask):
    """Flask, answering each request from one data version: a view whose data version changed
    under it runs again (:func:`server.web.consistency.answer_on_one_version`)."""

    def dispatch_request(self) -> Any:
        """The view's return value, made on one data version. Only a safe request (GET, HEAD)
        is answered again: a write (/graph-store) must never run twice."""
        if request.method not in ("GET", "HEAD"):
            return super().dispatch_request()
        return answer_on_one_version(super().dispatch_request, forget_store)


def create_app(settings: Settings | None = None) -> Flask:
    """Create the Regiograaf web app serving the store named in ``settings``."""
    settings = settings or load_settings()
    # No /static/ route: browser files are served from an allow-list (server/web/assets.py).
    app = RegiograafFlask(__name__, static_folder=None)
    app.config[SETTINGS_KEY] = settings
    # The one check of every link a template makes (templates/_label.html, macro ``link``).
    app.add_template_filter(link_target, "link")
    app.add_template_filter(link_words, "begrippen")
    from server.web import (
        assets,
        bijdragen,
        bijdragen_history,
        catalog,
        feed,
        glossary,
        graph_store,
        maps,
        openapi,
        pages,
        queries,
        resources,
        scan,
        search,
        sparql,
    )

    for module in (assets, pages, sparql, resources, catalog, queries, openapi, maps, scan):
        app.register_blueprint(module.blueprint)
    for module in (bijdragen, bijdragen_history, graph_store, feed, search, glossary):
        app.register_blueprint(module.blueprint)
    init_language(app)
    register_error_handlers(app)
    register_policy(app)
    # /sparql queries are answered in front of Flask, for speed (server/sparql/operation.py).
    # Replacing wsgi_app is Flask's documented way to add middleware; mypy sees a method.
    app.wsgi_app = QueryOperation(app.wsgi_app, settings)  # type: ignore[method-assign]
    return app
