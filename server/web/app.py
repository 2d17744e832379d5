"""The Flask application factory (no work at import time)."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from server.settings import Settings, load_settings
from server.sparql.operation import INTERNAL_ERROR, QueryOperation


def create_app(settings: Settings | None = None) -> Flask:
    """Create the Regiograaf web app serving the store named in ``settings``."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["REGIOGRAAF"] = settings
    from server.web import assets, catalog, maps, pages, queries, resources, sparql

    app.register_blueprint(assets.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(catalog.blueprint)
    app.register_blueprint(queries.blueprint)
    app.register_blueprint(maps.blueprint)
    # /sparql queries are answered in front of Flask, for speed (server/sparql/operation.py).
    app.wsgi_app = QueryOperation(app.wsgi_app, settings, app.logger)  # type: ignore[method-assign]

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        """404, 405 and friends, rendered as HTML, JSON or text like every other error."""
        response = sparql.error_response(error.code or 500, error.description or error.name)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        """Anything unexpected: logged with its traceback, answered with a generic 500."""
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.error("Unhandled error in %s", app.name, exc_info=error)
        return sparql.error_response(500, INTERNAL_ERROR)

    return app
