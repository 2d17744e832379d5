"""Frames between a server worker and one of its query processes (:mod:`server.store.pool`).

A frame is one byte of kind, four bytes of length (network order) and the payload, over one
end of a ``socketpair``. The worker sends a pickled :class:`QueryRequest` (the worker is the
trusted side); the query process answers with JSON and raw bytes only, never a pickle:

* ``H`` the head of an answer: JSON ``{"kind", "media_type", "variables", "version"}``;
* ``D`` a piece of the serialised result;
* ``E`` the end of the answer;
* ``X`` an error instead of (the rest of) the answer: JSON ``{"error", "message"}``.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from rdflib.term import Identifier

from server.store import QueryKind, QueryOptions

__all__ = [
    "DATA",
    "END",
    "ERROR",
    "HEAD",
    "REQUEST",
    "ChannelClosed",
    "QueryRequest",
    "Receiver",
    "receive_json",
    "send",
    "send_json",
]

REQUEST: Final = b"Q"
HEAD: Final = b"H"
DATA: Final = b"D"
END: Final = b"E"
ERROR: Final = b"X"

_HEADER: Final = struct.Struct("!cI")
#: The largest frame a side accepts (a query process writes pieces of 64 KiB).
MAX_FRAME: Final = 16 * 1024 * 1024


class ChannelClosed(EOFError):
    """The other side closed the channel (a query process that died, or its worker)."""


@dataclass(frozen=True)
class QueryRequest:
    """One query for a query process: the text, its dataset and bindings, and the media type
    to serialise each kind of result in (``None``: no serialisation, only the head)."""

    sparql: str
    media_types: Mapping[QueryKind, str | None]
    default_graph_uris: Sequence[str] | None = None
    named_graph_uris: Sequence[str] | None = None
    base_iri: str | None = None
    bindings: Mapping[str, Identifier] = field(default_factory=dict)

    @classmethod
    def of(
        cls, sparql: str, media_types: Mapping[QueryKind, str | None], options: QueryOptions
    ) -> QueryRequest:
        """The request for ``sparql`` with the dataset and base IRI of ``options``; the engine
        substitutes its ``known_values`` and its ``bindings`` alike (a binding wins)."""
        return cls(
            sparql,
            media_types,
            options.get("default_graph_uris"),
            options.get("named_graph_uris"),
            options.get("base_iri"),
            {**(options.get("known_values") or {}), **(options.get("bindings") or {})},
        )


def send(sock: socket.socket, kind: bytes, payload: bytes = b"") -> None:
    """Send one frame (blocking)."""
    sock.sendall(_HEADER.pack(kind, len(payload)) + payload)


def send_json(sock: socket.socket, kind: bytes, value: Mapping[str, Any]) -> None:
    """Send one frame whose payload is ``value`` as JSON."""
    send(sock, kind, json.dumps(value).encode("utf-8"))


class Receiver:
    """Reads the frames that arrive on ``sock``. A deadline that passes in the middle of a
    frame loses nothing: the bytes read so far wait in the buffer for the next call."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = bytearray()

    def receive(self, deadline: float | None = None) -> tuple[bytes, bytes]:
        """The next frame: (kind, payload). Raises :class:`TimeoutError` when ``deadline``
        (``time.monotonic()``) passes first and :class:`ChannelClosed` when the other side is
        gone."""
        try:
            while True:
                frame = self._take()
                if frame is not None:
                    return frame
                self._fill(deadline)
        finally:
            if deadline is not None:
                self.sock.settimeout(None)

    def _take(self) -> tuple[bytes, bytes] | None:
        """The first whole frame in the buffer (taken out of it), or ``None``."""
        if len(self._buffer) < _HEADER.size:
            return None
        kind, length = _HEADER.unpack_from(self._buffer)
        if length > MAX_FRAME:
            raise ChannelClosed(f"a frame of {length} bytes is too large")
        end = _HEADER.size + length
        if len(self._buffer) < end:
            return None
        payload = bytes(self._buffer[_HEADER.size : end])
        del self._buffer[:end]
        return kind, payload

    def _fill(self, deadline: float | None) -> None:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from the query process in time")
            self.sock.settimeout(remaining)
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ChannelClosed("the query process closed its channel")
        self._buffer += chunk


def receive_json(payload: bytes) -> dict[str, Any]:
    """A JSON payload as a dict (``{}`` for anything else)."""
    try:
        value = json.loads(payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
