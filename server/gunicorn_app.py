"""Run the Flask app under gunicorn from Python (gunicorn's custom-application pattern).

The app is created in each worker (``preload_app`` is off), so nothing opened by the master,
such as a store handle, is shared across a fork; every worker opens the read-only store lazily.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from server.settings import Settings


class RegiograafApplication(BaseApplication):
    """Gunicorn application serving :func:`server.app.create_app` with fixed settings."""

    def __init__(self, settings: Settings, options: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.effective_workers,
            # Threads, so one slow SPARQL query holds one thread rather than a whole worker.
            "worker_class": "gthread",
            "threads": settings.threads,
            # Long GET queries: the largest request line gunicorn allows short of "unlimited".
            "limit_request_line": 8190,
            "preload_app": False,
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "proc_name": "regiograaf",
            # No shared ~/.gunicorn/gunicorn.ctl: parallel servers would fight over it.
            "control_socket_disable": True,
            **(options or {}),
        }
        super().__init__()

    def load_config(self) -> None:
        """Copy :attr:`options` into gunicorn's configuration."""
        assert self.cfg is not None
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key.lower(), value)

    def load(self) -> Flask:
        """Create the WSGI app (called in each worker)."""
        from server.app import create_app

        return create_app(self.settings)
