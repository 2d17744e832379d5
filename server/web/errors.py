"""The app-wide error handlers (Datasette's ``handle_exception``): every error is answered as an
HTML page in the site's layout, JSON or plain text, by the same negotiation decision
(:func:`server.http.negotiation.error_media_type`).

- a :class:`~server.errors.RegiograafError` gets its own status, headers and public message;
  the details of a server error (which may name paths on the server) go to the log only;
- a werkzeug :class:`~werkzeug.exceptions.HTTPException` (404 for an unknown path, 405, ...)
  keeps its status and headers (``Allow``);
- anything else is a defect: logged with its traceback, answered with a generic 500.

Routes raise; they never build an error answer themselves. :func:`error_response` is the one
renderer, also for the rare answer that must pick its error format itself (a canned query's
parameter error follows the format the URL asked for).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Final

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import HTTPException

from server.errors import INTERNAL_ERROR, RegiograafError, StoreError, StoreMissing, UnknownIri
from server.http import negotiation
from server.http.media_types import HTML, JSON
from server.http.policy import NO_STORE

#: The heading of an error page by status code (messages, translated when shown).
TITLES: Final = {
    400: lazy_gettext("Ongeldig verzoek"),
    403: lazy_gettext("Niet toegestaan"),
    404: lazy_gettext("Niet gevonden"),
    405: lazy_gettext("Methode niet toegestaan"),
    406: lazy_gettext("Niet in dit formaat"),
    413: lazy_gettext("Verzoek te groot"),
    500: lazy_gettext("Interne fout"),
    503: lazy_gettext("Niet beschikbaar"),
}


#: werkzeug's own messages (English) in the page's language, by status code.
MESSAGES: Final = {
    404: lazy_gettext(
        "Op dit adres staat geen pagina. Controleer het adres, of zoek verder vanaf de beginpagina."
    ),
    405: lazy_gettext("Dit adres kan op deze manier (deze HTTP-methode) niet gebruikt worden."),
    413: lazy_gettext("Het verzoek is groter dan deze server aanneemt."),
}


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(RegiograafError, handle_regiograaf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)


def handle_regiograaf_error(error: RegiograafError) -> Response:
    """One of Regiograaf's own errors: its status, headers and public message."""
    if error.logged:
        current_app.logger.error(
            "%s %s: %s: %s", request.method, request.path, type(error).__name__, error
        )
    return error_response(
        error.status, error.message_in(gettext), headers=error.headers, page=_page(error)
    )


def handle_http_exception(error: HTTPException) -> Response:
    """404, 405 and friends from werkzeug, rendered like every other error."""
    headers = [
        (name, value) for name, value in error.get_headers() if name.lower() != "content-type"
    ]
    message = error.description or error.name
    if error.code in MESSAGES and message == type(error).description:  # werkzeug's own text
        message = str(MESSAGES[error.code])
    return error_response(error.code or 500, message, headers=headers)


def handle_unexpected(error: Exception) -> Response:
    """A defect: logged with its traceback, answered with a generic 500."""
    if isinstance(error, HTTPException):  # an HTTPException Flask did not route to its handler
        return handle_http_exception(error)
    current_app.logger.error(
        "Unhandled error in %s %s", request.method, request.path, exc_info=error
    )
    return error_response(500, gettext(INTERNAL_ERROR))


def error_response(
    status: int,
    message: str,
    *,
    media_type: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    fields: Mapping[str, object] | None = None,
    page: Mapping[str, object] | None = None,
) -> Response:
    """An error answer: HTML, JSON (``{"error": {"status", "message", **fields}}``) or plain
    text. ``media_type`` is HTML, JSON or plain text; by default JSON for a path that names
    it (``….json``), else the client's ``Accept`` decides. ``page`` is passed to the HTML
    template (``server/web/templates/error.html``)."""
    named_json = request.path.endswith(".json")
    negotiated = media_type is None and not named_json
    if media_type is None:
        accept = request.headers.get("Accept")
        media_type = JSON if named_json else negotiation.error_media_type(accept)
    if media_type == JSON:
        body = json.dumps({"error": {"status": status, "message": message, **(fields or {})}})
    elif media_type == HTML:
        title = str(TITLES[status]) if status in TITLES else gettext("Fout")
        body = render_template(
            "error.html", status=status, title=title, message=message, **(page or {})
        )
    else:
        body = message + "\n"
    response = Response(body, status, content_type=negotiation.content_type(media_type))
    response.headers["Cache-Control"] = NO_STORE
    if negotiated:
        response.vary.add("Accept")
    for name, value in headers:
        response.headers[name] = value
    return response


def _page(error: RegiograafError) -> dict[str, object]:
    """What the error page shows besides status and message: which explanation (``kind``)."""
    if isinstance(error, StoreMissing):
        return {"kind": "no-data"}
    if isinstance(error, StoreError):
        return {"kind": "unreadable"}
    if isinstance(error, UnknownIri):
        return {"kind": "unknown-iri", "iri": error.iri}
    return {}
