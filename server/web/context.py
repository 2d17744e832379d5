"""What a request of the web app works with, got in one place (flaskr's ``get_db``): the
settings, the store of this worker, the data version, the IRI map and the site's URL.

The store is opened lazily, once per worker process (:func:`server.sparql.operation.process_store`,
shared with the WSGI query layer), never at import time; it follows a rebuild on disk without a
restart. A request sees it through a :class:`~server.web.consistency.RequestStore`: one data
version for the whole answer.
"""

from __future__ import annotations

from flask import current_app, g, request

from server.errors import StoreMissing
from server.rdf.iris import IriMap
from server.settings import Settings
from server.sparql.operation import process_store
from server.web.consistency import RequestStore

#: The key of the settings in the app's config (set by :func:`server.web.app.create_app`).
SETTINGS_KEY = "REGIOGRAAF"


def get_settings() -> Settings:
    """The settings of the running app."""
    settings = current_app.config[SETTINGS_KEY]
    if not isinstance(settings, Settings):
        raise TypeError(f"app.config[{SETTINGS_KEY!r}] holds no Settings")
    return settings


#: Where a request keeps its view of the store (on :data:`flask.g`).
_REQUEST_STORE = "regiograaf_store"


def get_store() -> RequestStore:
    """The read-only store of this worker (opened on first use), as this request sees it: at
    the data version it had when the request first asked (:mod:`server.web.consistency`)."""
    store: RequestStore | None = g.get(_REQUEST_STORE)
    if store is None:
        store = RequestStore(process_store(get_settings()))
        setattr(g, _REQUEST_STORE, store)
    return store


def forget_store() -> None:
    """Drop this request's view of the store: the next :func:`get_store` reads the data
    version again (the request is answered again on a new version)."""
    g.pop(_REQUEST_STORE, None)


def data_version() -> str:
    """The version of the data the store serves; :class:`~server.errors.StoreMissing` (503)
    when nothing is built."""
    version = get_store().data_version()
    if version is None:
        raise StoreMissing("no data version: nothing is built")
    return version


def iri_map() -> IriMap:
    """The IRI ↔ page map for the ``base_iri`` setting."""
    return IriMap.for_base(get_settings().base_iri)


def site_url() -> str:
    """The URL of the site, ending in ``/``: ``SITE_URL`` in the app config (the static export
    sets it to where the files will be published), else the URL this request came to."""
    configured = current_app.config.get("SITE_URL")
    return str(configured) if configured else request.url_root


def service_url() -> str | None:
    """The live server for what a static copy cannot answer (``SERVICE_URL`` in the app
    config, set by the static export), or ``None``: this site."""
    configured = current_app.config.get("SERVICE_URL")
    return str(configured) if configured else None
