"""One exception hierarchy: every error Regiograaf raises on purpose says what it means in HTTP.

Each class carries the status code a web answer gets, whether its message may be shown to a
client, and whether the web app logs it. The app's error handlers
(:mod:`server.web.errors`) turn any :class:`RegiograafError` into an HTML, JSON or plain-text
answer, so a route never catches one to answer it; the WSGI query layer of ``/sparql`` hands
them to the same handlers. The CLI catches the specific classes it expects and prints them.

Messages of client errors (4xx) are written for the client. Messages of server errors (5xx)
may name server paths: the client gets :attr:`RegiograafError.public` instead and the details
go to the log. A subclass states which applies by setting ``public``.

This module imports only :mod:`server.messages` (to mark its fixed public messages for the
gettext catalog): every other module may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, Self

from server.messages import N_

#: What a client is told about an error whose details are for the log only (a gettext msgid,
#: like every fixed public message here: shown in the reader's language, :meth:`message_in`).
INTERNAL_ERROR: Final = N_("Er ging iets mis in de server; de details staan in het logboek.")


class RegiograafError(Exception):
    """Base of Regiograaf's errors: an internal error (500) unless a subclass says otherwise."""

    #: The HTTP status code of an answer caused by this error.
    status: int = 500
    #: Text shown to clients instead of ``str(error)``; ``None``: the message itself is safe.
    public: str | None = INTERNAL_ERROR
    #: Whether the web app logs the error (with its details) at ERROR level.
    logged: bool = True
    #: Extra response headers, such as ``Allow`` or ``Retry-After``.
    headers: tuple[tuple[str, str], ...] = ()

    #: The public message as a gettext msgid (Dutch) and the values of its ``%(name)s``
    #: placeholders, when it is shown in the reader's language (:meth:`saying`).
    translatable: tuple[str, Mapping[str, object]] | None = None

    @classmethod
    def saying(cls, message: str, /, **variables: object) -> Self:
        """The error whose message is ``message``, a Dutch gettext msgid (marked with
        ``N_`` where it is written), its placeholders filled from ``variables``: in the
        reader's language where it is shown (:meth:`message_in`), in Dutch elsewhere."""
        error = cls(message % variables if variables else message)
        error.translating(message, **variables)
        return error

    def translating(self, message: str, /, **variables: object) -> str:
        """Keep ``message`` (a Dutch gettext msgid) and ``variables`` for :meth:`message_in`,
        and return the message in Dutch, its placeholders filled: for an ``__init__`` that
        passes it on to ``super().__init__``."""
        self.translatable = (message, variables)
        return message % variables if variables else message

    @property
    def public_message(self) -> str:
        """What a client may be told (in Dutch; :meth:`message_in` for another language)."""
        return str(self) if self.public is None else self.public

    def message_in(self, gettext: Callable[..., str]) -> str:
        """:attr:`public_message` through ``gettext``, a gettext function of the reader's
        language: a fixed public message (it always wins: the details of a server error are
        for the log), else a message made by :meth:`saying` or :meth:`translating`."""
        if self.public is not None:
            return gettext(self.public)
        if self.translatable is not None:
            message, variables = self.translatable
            return gettext(message, **variables)
        return self.public_message


# --- 4xx: the client can fix it; the message tells how -----------------------------------------


class ClientError(RegiograafError):
    """A request that cannot be answered as it is (RFC 9110 §15.5)."""

    status = 400
    public: str | None = None
    logged = False


class BadRequest(ClientError):
    """400: a malformed request or a value that does not fit (RFC 9110 §15.5.1)."""

    status = 400


class Forbidden(ClientError):
    """403: understood, and refused (RFC 9110 §15.5.4), such as an update on a read-only
    endpoint."""

    status = 403


class NotFound(ClientError):
    """404: nothing is known under this name (RFC 9110 §15.5.5)."""

    status = 404


class NotAcceptable(ClientError):
    """406: none of the media types the client accepts can be produced (RFC 9110 §15.5.7)."""

    status = 406


class PayloadTooLarge(ClientError):
    """413: the request body is larger than the server takes (RFC 9110 §15.5.14)."""

    status = 413


class UnknownIri(NotFound):
    """An IRI that is the subject of no statement in the graph."""

    def __init__(self, iri: str) -> None:
        super().__init__(self.translating(N_("Onbekende IRI: <%(iri)s>"), iri=iri))
        self.iri = iri


class InvalidRequest(BadRequest, ValueError):
    """A request parameter is not valid, for example a graph name that is not an IRI."""


class QuerySyntaxError(BadRequest, ValueError):
    """The SPARQL text does not parse; the message is the engine's, with the position."""

    @property
    def public_message(self) -> str:
        """The engine's message, saying what it is."""
        return f"SPARQL syntax error: {self}"


class UnsupportedMediaType(NotAcceptable, ValueError):
    """The result cannot be serialised in the requested media type."""


# --- 5xx: the server cannot answer now --------------------------------------------------------


class Unavailable(RegiograafError):
    """503: the server cannot answer right now (RFC 9110 §15.6.4); the message says what is
    missing and is safe to show unless a subclass says otherwise."""

    status = 503
    public: str | None = None


class StoreError(Unavailable):
    """The store could not be read or written (the message may name paths on the server)."""

    public = N_("De gegevens zijn nu niet te lezen; probeer het later nog eens.")


class StoreMissing(StoreError):
    """No store has been built at the given path yet (run ``regiograaf build``)."""

    public = N_("Er zijn nog geen gegevens gebouwd (regiograaf build).")
    logged = False


class ConfigurationError(Unavailable):
    """A setting cannot be used; the message names the setting (``REGIOGRAAF_*``) and its
    value, which the operator needs to see and which names no server path."""


class SourceError(Unavailable):
    """A file the server reads (ontology, shapes, data, canned queries, boundaries) cannot be
    used; the message names the file, a server path, so it goes to the log only."""

    public = N_(
        "Een bronbestand van Regiograaf is niet te gebruiken; de details staan in het logboek."
    )


class ProtocolError(ClientError):
    """A request the SPARQL endpoint refuses (SPARQL 1.1 Protocol §2.1.4: 400 for a malformed
    request, 403 for an update, 405 for another method); ``status`` is the code to send."""

    def __init__(
        self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers
