"""HTTP to an external store (:mod:`server.store.external`): its settings, one request with a
deadline and a size cap, and the store's failures as Regiograaf's errors.

The URLs come only from settings (``store_query``, ``store_update``, ``store_gsp``), never from a
request: the server fetches no URL a client chose. The password comes only from the environment
(``REGIOGRAAF_STORE_PASSWORD``); it is kept out of every ``repr`` and message.
"""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from server.errors import QuerySyntaxError, StoreError
from server.messages import N_
from server.store import QueryOutOfMemory, QueryTimeout
from server.store.limits import QueryLimits

if TYPE_CHECKING:
    from server.settings import Settings

__all__ = ["PASSWORD_VARIABLE", "ExternalConfig", "StoreUnreachable", "send"]

#: The environment variable of the external store's password (never a setting: never shown).
PASSWORD_VARIABLE: Final = "REGIOGRAAF_STORE_PASSWORD"
#: Virtuoso's SQL state of an answer cut short at its ``MaxQueryExecutionTime`` ("anytime
#: query"): partial results with status 200, never passed on as the answer.
_PARTIAL: Final = "S1TAT"
#: Bytes read from the store at a time.
_PIECE: Final = 64 * 1024


class StoreUnreachable(StoreError):
    """503: the external store does not answer (down, refused, or too slow to connect)."""

    public = N_("De gegevensopslag is nu niet bereikbaar; probeer het later nog eens.")
    logged = False
    headers = (("Retry-After", "10"),)


@dataclass(frozen=True)
class ExternalConfig:
    """Where the external store is and how it is used (hashable: one store per process)."""

    query: str
    update: str = ""
    gsp: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    #: Load each graph in place instead of staging graphs moved in at once (not atomic).
    in_place: bool = False
    #: Seconds a query may take (0: no limit), and for the data version, a status request.
    timeout: float = 30.0
    #: The largest answer read from the store, in bytes (larger: 503, as a query out of memory).
    max_bytes: int = 1024 * 1024 * 1024
    #: Seconds the data version read from the store is trusted.
    recheck: float = 1.0
    limits: QueryLimits = field(default_factory=QueryLimits)

    @classmethod
    def from_settings(cls, settings: Settings) -> ExternalConfig | None:
        """The external store the settings name, or ``None`` (the on-disk store serves)."""
        if not settings.store_query:
            return None
        return cls(
            query=settings.store_query,
            update=settings.store_update or settings.store_query,
            gsp=settings.store_gsp,
            user=settings.store_user,
            password=os.environ.get(PASSWORD_VARIABLE, ""),
            in_place=settings.store_in_place,
            timeout=settings.query_timeout,
            max_bytes=settings.query_memory * 1024 * 1024,
            recheck=settings.store_recheck,
            limits=QueryLimits(
                settings.max_query_chars, settings.max_query_depth, settings.max_query_parts
            ),
        )

    def opener(self) -> urllib.request.OpenerDirector:
        """An opener that answers the store's basic or digest challenge with the credentials,
        and follows no redirect (a store's redirect must not make the server fetch elsewhere)."""
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if self.user:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.query, self.update, self.gsp} - {""}:
                passwords.add_password(None, url, self.user, self.password)
            handlers += [
                urllib.request.HTTPBasicAuthHandler(passwords),
                urllib.request.HTTPDigestAuthHandler(passwords),
            ]
        return urllib.request.build_opener(*handlers)


def authorize(config: ExternalConfig, request: urllib.request.Request) -> None:
    """Give ``request`` its digest ``Authorization`` at once, from the challenge of a request
    without a body to the same URL. Needed for a large body: a store that answers the first
    attempt with 401 (Virtuoso) may close the connection before the body is sent, which the
    client sees as a reset. Nothing happens without credentials or without a digest
    challenge (the request then authenticates the usual way)."""
    if not config.user:
        return
    probe = urllib.request.Request(request.full_url, method="GET")
    try:
        with urllib.request.build_opener(_NoRedirect()).open(probe, timeout=30):
            return  # no challenge: nothing to add
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "")
    except (urllib.error.URLError, OSError):
        return  # the request itself will say what is wrong
    if not challenge.lower().startswith("digest "):
        return
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, config.user, config.password)
    digest = urllib.request.HTTPDigestAuthHandler(passwords)
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
    answer = digest.get_authorization(request, fields)
    if answer:
        request.add_unredirected_header("Authorization", f"Digest {answer}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Refuse every redirect."""
        return None


def form(fields: Mapping[str, str | Sequence[str]]) -> bytes:
    """An ``application/x-www-form-urlencoded`` body (lists give one field per value)."""
    return urllib.parse.urlencode(
        [
            (name, value)
            for name, values in fields.items()
            for value in ([values] if isinstance(values, str) else values)
        ]
    ).encode()


def send(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    *,
    deadline: float | None,
    max_bytes: int,
) -> tuple[str, bytes]:
    """Send ``request``; the answer's media type and body. Raises :class:`QueryTimeout` at
    ``deadline`` (a ``time.monotonic()`` value), :class:`QueryOutOfMemory` past ``max_bytes``,
    :class:`StoreUnreachable` when the store does not answer, :class:`QuerySyntaxError` for
    the store's 400 and :class:`StoreError` for its other refusals."""
    where = request.full_url.split("?", 1)[0]
    try:
        with opener.open(request, timeout=_remaining(deadline)) as response:
            if response.headers.get("X-SQL-State") == _PARTIAL:
                raise QueryTimeout("the store stopped the query at its own time limit")
            media_type = response.headers.get_content_type()
            return media_type, _read(response, deadline, max_bytes)
    except urllib.error.HTTPError as error:
        message = _first_line(error.read(4096))
        if error.code == 400:
            raise QuerySyntaxError(f"the store refused the query: {message}") from None
        if error.code in (401, 403):
            raise StoreError(
                f"{where} refused the credentials (REGIOGRAAF_STORE_USER, "
                f"{PASSWORD_VARIABLE}): HTTP {error.code}"
            ) from None
        if deadline is not None and time.monotonic() >= deadline - 0.5:
            raise QueryTimeout("the query passed its time limit in the store") from None
        raise StoreError(f"{where} answered HTTP {error.code}: {message}") from None
    except TimeoutError:
        raise QueryTimeout("the query passed its time limit") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        raise StoreUnreachable(f"the store at {where} cannot be reached: {reason}") from None


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryTimeout("the query passed its time limit")
    return left


def _read(response: http.client.HTTPResponse, deadline: float | None, max_bytes: int) -> bytes:
    pieces: list[bytes] = []
    size = 0
    while True:
        _remaining(deadline)
        piece = response.read(_PIECE)
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if max_bytes and size > max_bytes:
            raise QueryOutOfMemory(
                f"the answer is larger than {max_bytes:,} bytes (setting query_memory)"
            )
        pieces.append(piece)


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return (text.splitlines() or [""])[0][:300]
