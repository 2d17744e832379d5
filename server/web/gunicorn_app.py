"""Run the Flask app under gunicorn from Python (gunicorn's custom-application pattern).

The app is created in each worker (``preload_app`` is off), so nothing opened by the master,
such as a store handle, is shared across a fork; every worker opens the read-only store lazily.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from server.settings import Settings


class BalancedThreadWorker(ThreadWorker):
    """Gunicorn's ``gthread`` worker that leaves new connections to the other workers while
    all of its threads are busy.

    Every worker accepts from the same socket, and a keep-alive connection stays with the
    worker that accepted it. When clients open several connections at once, the worker that
    happens to be running takes most of them while the others sleep, and one process (one GIL)
    then serves them all on one core while the other cores idle (docs/performance.md: half
    the throughput in about one run in three). Such a worker stops accepting until a thread is
    free again; what it leaves waits in the listen backlog for the next free thread of any
    worker.
    """

    def init_process(self) -> None:
        """Start with no request in the thread pool."""
        self.busy = 0
        super().init_process()

    def set_accept_enabled(self, enabled: bool | None) -> None:
        """Accept only while this worker has a thread free (gunicorn asks again after every
        round of events)."""
        super().set_accept_enabled(bool(enabled) and self.busy < self.cfg.threads)

    def enqueue_req(self, conn: Any) -> None:
        """Hand a connection with a request to the thread pool."""
        self.busy += 1
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        """A request's thread is done (called on the main thread)."""
        self.busy -= 1
        super().finish_request(conn, fs)


class RegiograafApplication(BaseApplication):
    """Gunicorn application serving :func:`server.web.app.create_app` with fixed settings."""

    def __init__(self, settings: Settings, options: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.effective_workers,
            # Threads, so one slow SPARQL query holds one thread rather than a whole worker.
            "worker_class": "server.web.gunicorn_app.BalancedThreadWorker",
            "threads": settings.threads,
            # Long GET queries: the largest request line gunicorn allows short of "unlimited".
            "limit_request_line": 8190,
            "preload_app": False,
            # Off by default: writing a line per request costs a visible share of a small
            # query's time (docs/performance.md); REGIOGRAAF_ACCESS_LOG turns it on.
            "accesslog": settings.access_log or None,
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

    def load(self) -> Flask:  # type: ignore[override]  # gunicorn's stub narrows WSGI callables
        """Create the WSGI app (called in each worker), and start copying the store into
        this worker's memory (setting ``memory_quads``; the worker serves from disk until the
        copy is complete, and logs when it is)."""
        from server.sparql.operation import process_store
        from server.store.embedded import EmbeddedStore
        from server.store.pooled import PooledStore
        from server.web.app import create_app

        app = create_app(self.settings)
        store = process_store(self.settings)
        if isinstance(store, EmbeddedStore | PooledStore) and self.settings.memory_quads > 0:
            # The copy's progress goes to gunicorn's error log.
            store_log = logging.getLogger("server.store")
            store_log.setLevel(logging.INFO)
            store_log.handlers = list(logging.getLogger("gunicorn.error").handlers)
            store_log.propagate = False
            store.keep_in_memory(self.settings.memory_quads)
        return app
