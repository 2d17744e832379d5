"""Who may write a contribution graph: a Bearer token of the organisation that owns it.

:meth:`Access.check` decides in this order: no tokens at all → the write path is off (405);
a client that must wait after wrong tokens → 429 with ``Retry-After``; no token → 401; a
wrong token → 401 (``error="invalid_token"``) and counted (:mod:`.throttle`); a token of
another organisation → 403. A token is never logged, nor shown in any message.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from server.contribute.errors import TooManyAttempts, Unauthorized, WritesOff
from server.contribute.throttle import Throttle
from server.contribute.tokens import Token, TokenFile
from server.contribute.writes import Contributions
from server.errors import Forbidden
from server.messages import N_
from server.settings import Settings

__all__ = ["Access", "Services", "services"]

_BEARER = "bearer "


@dataclass(frozen=True)
class Access:
    """The tokens and the failure counts of one server."""

    tokens: TokenFile
    throttle: Throttle

    def check(self, authorization: str | None, client: str, code: str) -> Token:
        """The token in the ``Authorization`` header, if it may write the graphs of
        contribution folder ``code``; raises why not (see the module docstring)."""
        return self.authorise(self.authenticate(authorization, client), code)

    def authenticate(self, authorization: str | None, client: str) -> Token:
        """The valid token in the ``Authorization`` header, whatever it may write; raises
        why there is none (405, 429, 401)."""
        if not self.tokens.active():
            raise WritesOff.saying(
                N_("Deze server neemt geen bijdragen aan: er zijn geen schrijfsleutels ingesteld.")
            )
        wait = self.throttle.wait(client)
        if wait:
            raise TooManyAttempts(wait)
        if not authorization or not authorization.lower().startswith(_BEARER):
            raise Unauthorized(
                N_("Schrijven vraagt om een sleutel: Authorization: Bearer <sleutel>."),
                invalid=False,
            )
        token = self.tokens.verify(authorization[len(_BEARER) :])
        if token is None:
            wait = self.throttle.failed(client)
            if wait:
                raise TooManyAttempts(wait)
            raise Unauthorized(N_("Deze sleutel is niet geldig."), invalid=True)
        self.throttle.succeeded(client)
        return token

    @staticmethod
    def authorise(token: Token, code: str) -> Token:
        """``token`` when it may write the graphs of contribution folder ``code``; else 403."""
        if token.organisation != code:
            raise Forbidden.saying(
                N_(
                    "Deze sleutel is van %(owner)s en mag alleen de bijdragen van %(owner)s "
                    "schrijven, niet die in %(code)s."
                ),
                owner=token.organisation,
                code=code,
            )
        return token


@dataclass(frozen=True)
class Services:
    """What the web layer of one server uses for contributions."""

    access: Access
    contributions: Contributions


@functools.lru_cache(maxsize=8)
def services(settings: Settings) -> Services:
    """The services for ``settings``, made once per process."""
    throttle = Throttle(settings.history_folder / "auth-failures.json")
    return Services(Access(TokenFile(settings.tokens_file), throttle), Contributions(settings))
