"""One ``/sparql`` query run: the store's answer, negotiated, read in pieces (:class:`QueryRun`).

The store evaluates the query where it can be stopped (the server's store runs it in a query
process, :mod:`server.store.pool`) and hands on the engine's serialisation in pieces of about
64 KiB. Before it runs, the media type for each kind of result is negotiated, so the engine
serialises straight into the one the client takes; the kind the query has picks one. A small
result arrives as one last piece and goes out with a ``Content-Length``; a query that fails
before its first piece gets its error's own status; larger results stream.

The time limit is the store's: at the deadline it stops the query and raises
:class:`~server.store.QueryTimeout` (503) before the first piece, or
:class:`QueryAborted` while streaming (the response is cut off).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from server.errors import RegiograafError
from server.http import negotiation
from server.sparql.protocol import DatasetArguments
from server.store import Answer, AnsweringStore, QueryKind, QueryTimeout

__all__ = ["QueryAborted", "QueryRun", "QueryTimeout", "offer_for"]


class QueryAborted(RegiograafError, RuntimeError):
    """The query failed or was stopped after its response had started (the client sees a
    response cut off; nothing is rendered)."""


def offer_for(kind: QueryKind) -> negotiation.Offer:
    """The media types a result of ``kind`` can be sent in."""
    return negotiation.GRAPH if kind == "graph" else negotiation.RESULTS


class QueryRun:
    """One query and its answer (see the module docstring)."""

    def __init__(
        self,
        store: AnsweringStore,
        query: str,
        dataset: DatasetArguments,
        accept: str | None,
        formats: tuple[str, ...],
        deadline: float | None,
        base_iri: str | None = None,
    ) -> None:
        self._store = store
        self._query = query
        self._dataset = dataset
        self._accept = accept
        self._formats = formats
        self._base_iri = base_iri
        self.deadline = deadline
        #: The offer of the result's kind and the media type chosen from it (``None``:
        #: nothing of it is acceptable); set by :meth:`start`.
        self.offer: negotiation.Offer | None = None
        self.media_type: str | None = None
        #: The data version the answer comes from; set by :meth:`start`.
        self.data_version: str | None = None
        self._answer: Answer | None = None

    def start(self) -> QueryRun:
        """Start the query and wait for the kind of its result; raises the query's error."""
        media_types: Mapping[QueryKind, str | None] = {
            kind: negotiation.negotiate_remembered(offer_for(kind), self._accept, self._formats)
            for kind in ("select", "ask", "graph")
        }
        answer = self._store.answer(
            self._query,
            media_types=media_types,
            base_iri=self._base_iri,
            deadline=self.deadline,
            **self._dataset,
        )
        self._answer = answer
        self.offer = offer_for(answer.kind)
        self.media_type = answer.media_type
        self.data_version = answer.data_version
        return self

    def cancel(self) -> None:
        """Stop the query (when it has not finished) and free its process."""
        if self._answer is not None:
            self._answer.close()

    def next_piece(self) -> tuple[bytes, bool]:
        """The next piece of output and whether it is the last; raises
        :class:`~server.store.QueryTimeout` when the deadline passes first."""
        assert self._answer is not None, "start() first"
        return self._answer.read()

    def stream(self, first: bytes) -> Iterator[bytes]:
        """The response body: ``first`` (a piece that was not the last), then the rest as the
        engine writes it; stops the query when the client goes away."""
        try:
            piece, last = first, False
            while True:
                if piece:
                    yield piece
                if last:
                    break
                try:
                    piece, last = self.next_piece()
                except RegiograafError as error:
                    raise QueryAborted(f"query stopped while streaming: {error}") from error
        finally:
            self.cancel()
