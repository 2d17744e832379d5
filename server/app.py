"""The Flask application factory (no work at import time)."""

from __future__ import annotations

from flask import Flask

from server.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    """Create the Regiograaf web app serving the store named in ``settings``."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["REGIOGRAAF"] = settings
    from server.web import assets, pages, sparql

    app.register_blueprint(assets.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(sparql.blueprint)
    return app
