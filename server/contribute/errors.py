"""The refusals of the write path, each with its HTTP status (:mod:`server.errors`)."""

from __future__ import annotations

from server.errors import ClientError
from server.messages import N_

__all__ = [
    "ContentTypeNotSupported",
    "PreconditionFailed",
    "TooManyAttempts",
    "Unauthorized",
    "WritesOff",
]

#: The challenge of a Bearer token (RFC 6750 §3).
REALM = 'Bearer realm="regiograaf"'


class Unauthorized(ClientError):
    """401: no token, or one that is not valid (RFC 6750 §3: with ``WWW-Authenticate``)."""

    status = 401

    def __init__(self, message: str, *, invalid: bool) -> None:
        """``message`` is a gettext msgid (Dutch), shown in the reader's language."""
        super().__init__(self.translating(message))
        challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
        self.headers = (("WWW-Authenticate", challenge),)


class PreconditionFailed(ClientError):
    """412: ``If-Match`` (or ``If-None-Match: *``) does not hold (RFC 9110 §13.1)."""

    status = 412


class ContentTypeNotSupported(ClientError):
    """415: a body in a format the graph store does not read (RFC 9110 §15.5.16)."""

    status = 415


class TooManyAttempts(ClientError):
    """429: too many failed attempts from this client; ``Retry-After`` says when to try again
    (RFC 6585 §4)."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        message = N_("Te veel mislukte pogingen; probeer het over %(seconds)s seconden opnieuw.")
        super().__init__(self.translating(message, seconds=retry_after))
        self.retry_after = retry_after
        self.headers = (("Retry-After", str(retry_after)),)


class WritesOff(ClientError):
    """405: this server has no write tokens, so it takes no writes (``Allow`` lists what it
    does take)."""

    status = 405
    headers = (("Allow", "GET, HEAD, OPTIONS"),)
