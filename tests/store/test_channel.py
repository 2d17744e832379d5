"""Frames between a worker and its query processes (server/store/channel.py): a deadline
that passes in the middle of a frame (the moment a query counts as long) must lose nothing,
or the next read starts inside a payload and the query process looks dead."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from server.store import channel


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def framed(kind: bytes, payload: bytes) -> bytes:
    """The bytes ``channel.send`` writes for one frame."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        channel.send(ours, kind, payload)
        ours.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := theirs.recv(1 << 16):
            received += chunk
    return received


def soon() -> float:
    return time.monotonic() + 0.05


def test_a_deadline_in_the_middle_of_a_frame_loses_nothing(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, theirs = pair
    first = framed(channel.DATA, b"x" * 200_000)
    second = framed(channel.END, b"")
    receiver = channel.Receiver(ours)
    for part in (first[:3], first[3:100], first[100:150_000]):  # header split, then payload
        theirs.sendall(part)
        with pytest.raises(TimeoutError):
            receiver.receive(soon())
    theirs.sendall(first[150_000:] + second)
    assert receiver.receive(soon()) == (channel.DATA, b"x" * 200_000)
    assert receiver.receive(soon()) == (channel.END, b"")
    assert ours.gettimeout() is None  # the socket blocks again between deadlines


def test_two_frames_in_one_read_come_out_one_by_one(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, theirs = pair
    theirs.sendall(framed(channel.HEAD, b'{"kind": "ask"}') + framed(channel.END, b""))
    receiver = channel.Receiver(ours)
    assert receiver.receive() == (channel.HEAD, b'{"kind": "ask"}')
    assert receiver.receive() == (channel.END, b"")


def test_a_closed_channel_and_an_oversized_frame_are_closed_channels(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, theirs = pair
    theirs.sendall(channel.DATA + (channel.MAX_FRAME + 1).to_bytes(4, "big"))
    with pytest.raises(channel.ChannelClosed, match="too large"):
        channel.Receiver(ours).receive(soon())
    other, closing = socket.socketpair()
    closing.close()
    with other, pytest.raises(channel.ChannelClosed):
        channel.Receiver(other).receive(soon())
