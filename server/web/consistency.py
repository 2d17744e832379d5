"""One data version per answer: the ETag and the body of an answer come from the same version,
also while a build swaps in a new one (issue 12).

A request sees the store through a :class:`RequestStore`, made when the request first asks for
the store (:func:`server.web.context.get_store`). It reads the data version once, and every
later read (the data version again, a query, a count) checks that the store still serves that
version; when a build swapped in another one meanwhile, the read raises
:class:`VersionChanged`. So does :func:`server.web.policy.answer` once the body is made. The
app then answers the request again, from the start, on the new version
(:func:`answer_on_one_version`); after :data:`ATTEMPTS` swaps in a row it answers 503 with
``Retry-After``.

Why a check after the read is enough: the store's ``current`` link only moves forward (every
build makes a new version), so a read made between two looks that both saw version *v* read
*v*. Caches keyed by the data version (canned answers, allowed values, the OpenAPI document,
dumps) are filled by reads that passed this check, so they never hold another version's data
under *v*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, Unpack

from rdflib import Graph

from server.errors import Unavailable
from server.messages import N_
from server.store import QueryOptions, QueryResult, Store

#: How many times a request is answered again when the data version changes under it.
ATTEMPTS: Final = 3

T = TypeVar("T")


class VersionChanged(Unavailable):
    """A build swapped in a new data version while a request was being answered (503 when it
    keeps happening; normally the request is answered again at once)."""

    public = N_("De gegevens veranderden terwijl het antwoord werd gemaakt; probeer het nog eens.")
    logged = False
    headers = (("Retry-After", "1"),)


class RequestStore:
    """The store as one request sees it: one data version (see the module's docstring).
    Implements :class:`server.store.Store` for reading; it never writes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.version = store.data_version()

    def check(self) -> None:
        """Raise :class:`VersionChanged` unless the store still serves :attr:`version`."""
        if self.store.data_version() != self.version:
            raise VersionChanged(f"the data version changed from {self.version}")

    def _checked(self, value: T) -> T:
        self.check()
        return value

    def data_version(self) -> str | None:
        """The data version of this request."""
        return self._checked(self.version)

    def metadata(self) -> dict[str, Any]:
        """What the build recorded next to the data of this version."""
        return self._checked(self.store.metadata())

    def exists(self) -> bool:
        """Whether a built content is there."""
        return self._checked(self.store.exists())

    def named_graphs(self) -> list[str]:
        """The named graphs of this version."""
        return self._checked(self.store.named_graphs())

    def count(self, graph: str | None = None) -> int:
        """A triple count of this version."""
        return self._checked(self.store.count(graph))

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> QueryResult:
        """A query on this version (the engine picks the version when it is called)."""
        return self._checked(self.store.query(sparql, **options))

    def replace(
        self,
        graphs: Mapping[str, Graph],
        data_version: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Not for requests: the web app only reads."""
        raise TypeError("a request does not write the store")


def answer_on_one_version(dispatch: Callable[[], T], forget: Callable[[], None]) -> T:
    """``dispatch()`` (a request's view), again after ``forget()`` (drop the request's
    :class:`RequestStore`) when the data version changed under it; :class:`VersionChanged`
    after :data:`ATTEMPTS` tries."""
    for _ in range(ATTEMPTS - 1):
        try:
            return dispatch()
        except VersionChanged:
            forget()
    return dispatch()
