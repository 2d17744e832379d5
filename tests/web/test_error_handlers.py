"""The one exception hierarchy (server/errors.py) and the app-wide handlers that render it
(server/web/errors.py): HTML in the site's layout, JSON or plain text by the client's Accept,
the status of the error, and never a server path in what the client sees."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from server import errors
from server.build.sources import MissingSourcesError
from server.build.turtle import TurtleSyntaxError
from server.canned.headers import CannedQueryError, ParameterError
from server.canned.running import UnknownQuery
from server.http.negotiation import UnknownFormat
from server.maps.filters import FilterError
from server.publish.catalog import CatalogSettingError
from server.settings import PROJECT_ROOT, SettingsError, load_settings
from server.sparql.protocol import ProtocolError
from server.sparql.runs import QueryTimeout
from server.store import QuerySyntaxError, StoreError, StoreMissing
from server.store.embedded import EmbeddedStore
from server.web.app import create_app

SECRET = "/srv/regiograaf/secret/versions/v1"

#: Error raised by a test route → (status, what the client is told).
RAISED: dict[str, tuple[Exception, int, str]] = {
    "bad-request": (errors.BadRequest("Dat kan zo niet."), 400, "Dat kan zo niet."),
    "not-found": (errors.NotFound("Geen idee."), 404, "Geen idee."),
    "not-acceptable": (errors.NotAcceptable("Alleen CSV."), 406, "Alleen CSV."),
    "too-large": (errors.PayloadTooLarge("Te groot."), 413, "Te groot."),
    "store": (StoreError(f"cannot open {SECRET}"), 503, StoreError.public or ""),
    "source": (
        CannedQueryError(Path(SECRET) / "x.rq", 3, "bad header"),
        503,
        errors.SourceError.public or "",
    ),
    "internal": (errors.RegiograafError(f"broke at {SECRET}"), 500, errors.INTERNAL_ERROR),
    "defect": (RuntimeError(f"defect at {SECRET}"), 500, errors.INTERNAL_ERROR),
}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(load_settings(store=tmp_path / "nothing"))

    @app.get("/raise/<name>")
    def raise_(name: str) -> str:
        raise RAISED[name][0]

    @app.get("/refuse")
    def refuse() -> str:
        raise ProtocolError(405, "Not like this.", (("Allow", "GET"),))

    return app


@pytest.mark.parametrize("name", sorted(RAISED))
def test_one_handler_renders_html_json_and_text(
    app: Flask, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    _, status, message = RAISED[name]
    client = app.test_client()
    html = client.get(f"/raise/{name}", headers={"Accept": "text/html"})
    assert html.status_code == status
    assert html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    assert '<nav class="site"' in page  # the site's layout
    assert str(status) in page or "Gegevens tijdelijk niet leesbaar" in page
    as_json = client.get(f"/raise/{name}", headers={"Accept": "application/json"})
    assert as_json.status_code == status
    assert as_json.mimetype == "application/json"
    assert json.loads(as_json.data) == {"error": {"status": status, "message": message}}
    text = client.get(f"/raise/{name}")
    assert text.status_code == status
    assert text.mimetype == "text/plain"
    assert text.get_data(as_text=True) == message + "\n"
    for response in (html, as_json, text):
        assert SECRET not in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        assert "Accept" in response.vary
    if status >= 500:
        assert SECRET in caplog.text  # the details are in the log


def test_an_error_keeps_its_headers(app: Flask) -> None:
    response = app.test_client().get("/refuse", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert json.loads(response.data)["error"]["message"] == "Not like this."


def test_a_timeout_says_when_to_try_again(app: Flask) -> None:
    @app.get("/slow")
    def slow() -> str:
        raise QueryTimeout("The query was stopped.")

    response = app.test_client().get("/slow")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"


def test_the_error_page_explains_a_missing_store(app: Flask) -> None:
    response = app.test_client().get("/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "regiograaf build" in response.get_data(as_text=True)


#: One page of every kind, and the /sparql paths the WSGI layer hands to the handlers.
PAGES = [
    "/",
    "/health",
    "/doc/gemeente/gm0599",
    "/id/gemeente/gm0599",
    "/def/",
    "/def/Project",
    "/shapes/",
    "/catalog",
    "/catalog.ttl",
    "/.well-known/void",
    "/dumps/regiograaf.ttl",
    "/sitemap.xml",
    "/kaart/projecten",
    "/kaart/projecten.geojson",
    "/kaart/samenwerking",
    "/waardeketen",
    "/queries/aansluitingsscore",
    "/openapi.json",
    "/sparql",
    f"/sparql?query={quote('SELECT * WHERE { ?s ?p ?o }')}",
]
ACCEPTS = [None, "text/html,*/*;q=0.8", "application/json"]


@pytest.mark.parametrize("path", PAGES)
def test_no_store_is_503_without_server_paths(tmp_path: Path, path: str) -> None:
    client = create_app(load_settings(store=tmp_path / "nothing")).test_client()
    for accept in ACCEPTS:
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.status_code == 503, (path, accept)
        body = response.get_data(as_text=True)
        assert str(tmp_path) not in body and str(PROJECT_ROOT) not in body, (path, accept)


@pytest.mark.parametrize("path", PAGES)
def test_unreadable_store_is_503_without_server_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    def broken(self: EmbeddedStore, *args: object, **kwargs: object) -> object:
        raise StoreError(f"cannot open {self.path}/versions/x: Permission denied")

    for method in ("query", "named_graphs", "count", "data_version"):
        monkeypatch.setattr(EmbeddedStore, method, broken)
    settings = load_settings(store=tmp_path / "store")
    client = create_app(settings).test_client()
    for accept in ACCEPTS:
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.status_code == 503, (path, accept)
        body = response.get_data(as_text=True)
        assert str(settings.store) not in body and "Permission denied" not in body


def test_health_names_no_path(tmp_path: Path) -> None:
    client = create_app(load_settings(store=tmp_path / "nothing")).test_client()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert str(tmp_path) not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status", "shown"),
    [
        (StoreMissing("no store at /x"), 503, False),
        (StoreError("/x is broken"), 503, False),
        (QuerySyntaxError("expected WHERE"), 400, True),
        (ParameterError("gemeente", "onbekend"), 400, True),
        (FilterError("schakel: 'x' names nothing on this map"), 400, True),
        (UnknownFormat("excel"), 400, True),
        (UnknownQuery("bestaat-niet"), 503, True),
        (ProtocolError(403, "read-only"), 403, True),
        (QueryTimeout("stopped"), 503, True),
        (SettingsError("REGIOGRAAF_PORT must be 1..65535"), 503, True),
        (CatalogSettingError("REGIOGRAAF_PUBLISHER must be an IRI"), 503, True),
        (MissingSourcesError("no ontology in /x"), 503, False),
        (TurtleSyntaxError(Path("/x/a.ttl"), 1, 2, "bad"), 503, False),
    ],
)
def test_the_package_errors_are_one_hierarchy(
    error: errors.RegiograafError, status: int, shown: bool
) -> None:
    assert isinstance(error, errors.RegiograafError)
    assert error.status == status
    assert (str(error) in error.public_message) is shown
    if not shown:
        assert "/x" not in error.public_message


def test_the_store_and_the_errors_share_their_classes() -> None:
    assert StoreError is errors.StoreError
    assert StoreMissing is errors.StoreMissing
    assert QuerySyntaxError is errors.QuerySyntaxError
    assert QuerySyntaxError("x").public_message == "SPARQL syntax error: x"
