"""The Flask application factory (no work at import time)."""

from __future__ import annotations

from flask import Flask

from server.settings import Settings, load_settings
from server.sparql.operation import QueryOperation
from server.web.context import SETTINGS_KEY
from server.web.errors import register_error_handlers
from server.web.policy import register_policy


def create_app(settings: Settings | None = None) -> Flask:
    """Create the Regiograaf web app serving the store named in ``settings``."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config[SETTINGS_KEY] = settings
    from server.web import assets, catalog, maps, openapi, pages, queries, resources, scan, sparql

    for module in (assets, pages, sparql, resources, catalog, queries, openapi, maps, scan):
        app.register_blueprint(module.blueprint)
    register_error_handlers(app)
    register_policy(app)
    # /sparql queries are answered in front of Flask, for speed (server/sparql/operation.py).
    app.wsgi_app = QueryOperation(app.wsgi_app, settings)  # type: ignore[method-assign]
    return app
