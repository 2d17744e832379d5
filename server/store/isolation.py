"""Inside a query process: how it is sealed, and how it answers (:mod:`server.store.pool`).

A query process is forked from a server worker and shares the worker's in-memory copy of the
store copy-on-write. Before it answers anything it is sealed (:func:`seal`):

* every inherited file descriptor but its channel is closed (client connections, listening
  sockets: a query process holds none of them open);
* a seccomp filter (libseccomp through ``pyseccomp``) makes ``socket``, ``socketpair``,
  ``connect``, ``execve`` and ``execveat`` fail with ``ENETUNREACH``: whatever a query says
  (``SERVICE`` in any spelling), the engine cannot open a connection, resolve a host name or
  start a program. This is the guarantee against server-side request forgery; the text checks
  before it only give a clearer message earlier;
* an address-space limit (``RLIMIT_AS``) of its size at the fork plus ``query_memory``: a
  runaway query makes the allocation fail and the process end, not the machine swap;
* it ends within a second of its worker (its main thread watches for the worker's end:
  ``PR_SET_PDEATHSIG`` would fire when the worker *thread* that forked it ends).

It then serves queries one at a time, in a thread with a large stack (:data:`STACK_BYTES`; the
engine's parser and evaluator recurse), until its worker closes the channel or kills it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import pickle
import resource
import signal
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, cast

import pyoxigraph as ox

from server.errors import ClientError, QuerySyntaxError, StoreError, UnsupportedMediaType
from server.store import channel
from server.store.channel import QueryRequest
from server.store.embedded_results import write_result
from server.store.evaluation import evaluate
from server.store.versions import DATABASE

__all__ = ["STACK_BYTES", "SealError", "Snapshot", "child_main", "network_filter", "seal"]

#: Stack of the thread that runs queries: eight times a default thread stack. With the limits
#: on query text (:mod:`server.store.limits`) no query comes near it.
STACK_BYTES: Final = 64 * 1024 * 1024
#: Address space allowed above the size at the fork besides ``query_memory``: the query
#: thread's stack and the allocator's arena for it.
_HEADROOM: Final = STACK_BYTES + 128 * 1024 * 1024
#: Exit status of a query process that could not be sealed (it answered nothing).
SEAL_FAILED: Final = 86
#: The system calls a query process may not make (they fail with ENETUNREACH).
DENIED_CALLS: Final = ("socket", "socketpair", "connect", "execve", "execveat")
#: Signals whose worker handlers a query process drops (their default ends it).
_RESET_SIGNALS: Final = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2")
#: Bytes gathered before a piece goes to the worker.
PIECE_BYTES: Final = 64 * 1024


class SealError(RuntimeError):
    """The process could not be sealed (no libseccomp, no seccomp in the kernel)."""


@dataclass(frozen=True)
class Snapshot:
    """What a query process queries: one version, in the worker's memory copy (shared at the
    fork) or, when the worker has none, opened on disk by the query process itself."""

    data_version: str | None
    folder: Path
    memory: ox.Store | None
    options: dict[str, Any]

    def database(self) -> ox.Store:
        """The database to query (opened on disk in this process when there is no copy)."""
        if self.memory is not None:
            return self.memory
        try:
            return ox.Store.read_only(str(self.folder / DATABASE))
        except (OSError, RuntimeError) as error:  # RocksDB reports corruption as RuntimeError
            raise StoreError(f"cannot open {self.folder}: {error}") from error


def seal(keep: int, memory_bytes: int, rules: Any) -> None:
    """Seal this (freshly forked) process with the seccomp filter ``rules``
    (:func:`network_filter`): see the module docstring. Raises :class:`SealError` when the
    network cannot be taken away."""
    for name in _RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    os.closerange(3, keep)
    os.closerange(keep + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    _deny_network(rules)
    if memory_bytes > 0:
        limit = _address_space() + _HEADROOM + memory_bytes
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


_filters: dict[int, Any] = {}


def network_filter() -> Any:
    """The seccomp filter of :data:`DENIED_CALLS`, built once per worker (importing pyseccomp
    and libseccomp takes tens of milliseconds; a forked query process only loads it).
    Raises :class:`SealError` when it cannot be built."""
    pid = os.getpid()
    if pid not in _filters:
        try:
            import pyseccomp as seccomp

            rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
            for call in DENIED_CALLS:
                rules.add_rule(seccomp.ERRNO(errno.ENETUNREACH), call)
        except (ImportError, OSError, RuntimeError, ValueError) as error:
            raise SealError(f"cannot build the seccomp filter: {error}") from error
        _filters[pid] = rules
    return _filters[pid]


def _deny_network(rules: Any) -> None:
    try:
        rules.load()
    except (OSError, RuntimeError, ValueError) as error:
        raise SealError(f"cannot take the network away from a query process: {error}") from error


def _address_space() -> int:
    """This process's virtual size in bytes (``VmSize``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def child_main(sock: socket.socket, snapshot: Snapshot, memory_bytes: int, rules: Any) -> None:
    """The whole life of a query process (never returns: it ends with ``os._exit``);
    ``rules`` is :func:`network_filter`, or ``None`` when it could not be built."""
    code = 0
    worker = os.getppid()
    try:
        gc.disable()  # the collector would touch (and so copy) the worker's shared objects
        if rules is None:
            raise SealError("no seccomp filter")
        seal(sock.fileno(), memory_bytes, rules)
    except (SealError, OSError):
        os._exit(SEAL_FAILED)
    try:
        threading.stack_size(STACK_BYTES)
        thread = threading.Thread(target=_serve, args=(sock, snapshot), name="query")
        thread.start()
        while thread.is_alive():
            thread.join(1.0)
            if os.getppid() != worker:  # the worker is gone: nobody waits for the answer
                break
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _serve(sock: socket.socket, snapshot: Snapshot) -> None:
    database: ox.Store | None = None
    try:
        database = snapshot.database()
    except StoreError as error:
        # Each request gets the reason, as an answer: the worker may already be sending one
        # (a process that ended first would look like a crash to it).
        failure = str(error)
    requests = channel.Receiver(sock)
    while True:
        try:
            kind, payload = requests.receive()
        except (channel.ChannelClosed, OSError):
            return
        if kind != channel.REQUEST:
            return
        if database is None:
            _refuse(sock, "store", failure)
            continue
        request: QueryRequest = pickle.loads(payload)
        _answer(sock, database, snapshot, request)


def _refuse(sock: socket.socket, error: str, message: str, status: int = 500) -> None:
    report = {"error": error, "message": message, "status": status}
    with contextlib.suppress(OSError):
        channel.send_json(sock, channel.ERROR, report)


class _Pieces:
    """The binary file the engine serialises into: sends a piece every :data:`PIECE_BYTES`."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= PIECE_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            channel.send(self.sock, channel.DATA, bytes(self.buffer))
            self.buffer.clear()


def _answer(
    sock: socket.socket, database: ox.Store, snapshot: Snapshot, request: QueryRequest
) -> None:
    try:
        result = evaluate(database, snapshot.options, request)
        media_type = request.media_types.get(result.kind)
        head = {
            "kind": result.kind,
            "media_type": media_type,
            "variables": result.variables,
            "version": snapshot.data_version,
        }
        channel.send_json(sock, channel.HEAD, head)
        if media_type is not None:
            pieces = _Pieces(sock)
            write_result(result, media_type, cast("IO[bytes]", pieces))
            pieces.flush()
        channel.send(sock, channel.END)
    except QuerySyntaxError as error:
        _refuse(sock, "syntax", str(error))
    except UnsupportedMediaType as error:
        _refuse(sock, "unsupported", str(error))
    except StoreError as error:
        _refuse(sock, _store_failure(request), str(error))
    except ClientError as error:  # an invalid graph IRI, a bad binding: the request's fault
        _refuse(sock, "client", error.public_message, error.status)
    except MemoryError:
        _refuse(sock, "memory", "the query needed more memory than a query may use")
    except Exception as error:  # a defect: reported to the worker, which logs it (500)
        _refuse(sock, "internal", f"{type(error).__name__}: {error}")
    except BaseException as error:
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        _refuse(sock, "store", f"the engine failed reading the database: {error}"[:500])


def _store_failure(request: QueryRequest) -> str:
    """``service`` when the engine failed because it may not reach the network: the same
    query on an empty dataset fails too (nothing else in it can fail to read), else
    ``store``."""
    try:
        answer = ox.Store().query(request.sparql, base_iri=request.base_iri or None)
        if not isinstance(answer, ox.QueryBoolean):
            for _ in answer:
                pass
    except OSError:
        return "service"
    except (SyntaxError, RuntimeError, ValueError, TypeError):
        return "store"
    return "store"
