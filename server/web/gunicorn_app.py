"""Run the Flask app under gunicorn from Python (gunicorn's custom-application pattern), with a
worker that no slow or idle client can tie up.

The app is created in each worker (``preload_app`` is off), so nothing opened by the master,
such as a store handle, is shared across a fork; every worker opens the read-only store lazily.
The one exception is the server's in-memory copy of the store (:class:`SharingArbiter`): the
master makes it, and the workers forked after it share it copy-on-write.

The worker (:class:`BufferedThreadWorker`) is gunicorn's ``gthread`` worker with one change of
design: a request reaches a thread only once it is complete. Its main loop, which already
waits on every idle connection with one ``epoll``, also reads the request line, the headers and
a body of up to ``max_body`` bytes into a buffer; connections that send slowly or not at all
cost a few kilobytes and no thread, and are closed when ``header_timeout`` (or, for the body,
``body_timeout``) passes. A body announced larger than ``max_body`` is answered 413 from the
main loop, unread. The stock worker hands every new connection to a thread, which then blocks
until the request is complete: twelve idle connections stopped a server of three workers of
four threads (docs/operations.md has the measurements that chose this over gunicorn's gevent
worker). A thread that waits for a client that does not take its response gives up after
``send_timeout``.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import logging
import os
import pkgutil
import resource
import selectors
import socket
import time
from functools import partial
from typing import Any, Final

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

from server.http.policy import every_response
from server.settings import Settings
from server.store.memory import server_copy
from server.web.arbiter import SharingArbiter, log_store_to_gunicorn, replaced_soon

__all__ = ["BufferedThreadWorker", "RegiograafApplication", "request_end"]

#: The longest request head buffered; a longer one goes to gunicorn's parser, which refuses it
#: by its own limits (``limit_request_line``, ``limit_request_fields``).
MAX_HEAD: Final = 64 * 1024
#: The most bytes read from a connection at a time in the main loop.
READ_SIZE: Final = 64 * 1024


def _chunked_end(buffer: bytes, start: int) -> int | None:
    """The end of a chunked body (RFC 9112 §7.1) that starts at ``start``, or ``None`` while it
    is incomplete. Raises :class:`ValueError` for a malformed one."""
    index = start
    while True:
        line_end = buffer.find(b"\r\n", index)
        if line_end < 0:
            return None
        size = int(buffer[index:line_end].split(b";", 1)[0].strip() or b"x", 16)
        index = line_end + 2
        if size == 0:
            break
        index += size + 2
        if index > len(buffer):
            return None
    while True:  # trailer fields, then an empty line
        line_end = buffer.find(b"\r\n", index)
        if line_end < 0:
            return None
        if line_end == index:
            return line_end + 2
        index = line_end + 2


def request_end(buffer: bytes) -> tuple[int | None, int | None]:
    """Where the first request in ``buffer`` ends, and its announced body length.

    (``None``, ``None``) while the head is incomplete; (``None``, length) while the body is;
    (end, length) once complete (length ``None`` for a chunked body). A malformed head or
    chunk counts as complete: gunicorn's parser refuses it."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return (len(buffer), None) if len(buffer) > MAX_HEAD else (None, None)
    body_start = head_end + 4
    length, chunked = 0, False
    for line in buffer[:head_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip()) if value.strip().isdigit() else 0
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        try:
            return _chunked_end(buffer, body_start), None
        except ValueError:
            return len(buffer), None
    end = body_start + length
    return (end if len(buffer) >= end else None), length


class _TimedSocket(socket.socket):
    """A client socket whose blocking calls in a worker thread give up after ``io_timeout``
    seconds, as a client that went away: a read returns end of file, a write raises
    ``EPIPE`` (both of which gunicorn handles quietly)."""

    io_timeout = 30.0

    def setblocking(self, flag: bool) -> None:
        """Blocking mode is blocking with the time limit."""
        if flag:
            self.settimeout(self.io_timeout)
        else:
            super().setblocking(False)

    def recv(self, size: int, flags: int = 0) -> bytes:
        """Data, or ``b""`` when none came in time."""
        try:
            return super().recv(size, flags)
        except TimeoutError:
            return b""

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send everything, or raise ``EPIPE`` when the client does not take it in time."""
        try:
            super().sendall(data, flags)
        except TimeoutError:
            raise BrokenPipeError(errno.EPIPE, "the client did not take the response") from None


class _Waiting:
    """A connection whose request is not complete yet: what came, and until when it may."""

    def __init__(self, buffer: bytes, deadline: float) -> None:
        self.buffer = bytearray(buffer)
        self.deadline = deadline
        self.head_done = False


class BufferedThreadWorker(ThreadWorker):
    """Gunicorn's ``gthread`` worker that hands a connection to a thread only with a complete
    request (see the module docstring), and that leaves new connections to the other workers
    while all of its threads are busy: every worker accepts from the same socket, and a
    worker that took more connections than it has threads would serve them one after another
    on one core while the other cores idle (docs/performance.md)."""

    settings: Settings

    def init_process(self) -> None:
        """Start with no request in the thread pool, and room for many open connections."""
        self.busy = 0
        self.waiting: dict[TConn, _Waiting] = {}
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = self.cfg.worker_connections + 256
        if soft < wanted and (hard == resource.RLIM_INFINITY or hard >= wanted):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        _TimedSocket.io_timeout = self.settings.send_timeout
        super().init_process()

    def set_accept_enabled(self, enabled: bool | None) -> None:
        """Accept only while this worker has a thread free (gunicorn asks again after every
        round of events)."""
        super().set_accept_enabled(bool(enabled) and self.busy < self.cfg.threads)

    def enqueue_req(self, conn: Any) -> None:
        """Hand a connection with a complete request to the thread pool."""
        self.busy += 1
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def accept(self, listener: Any) -> None:
        """Accept a connection and wait for its request in the main loop."""
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        timed = _TimedSocket(fileno=client.detach())
        self._wait(TConn(self.cfg, timed, address, listener.getsockname()), b"")

    def on_client_socket_readable(self, conn: Any, client: Any) -> None:
        """A kept-alive connection sends again: wait for its whole request."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._wait(conn, b"")

    def finish_request(self, conn: Any, fs: Any) -> None:
        """A request's thread is done (on the main thread). Bytes the client already sent of
        its next request are buffered like any other, not handed to a thread half-read."""
        self.busy -= 1
        keep = (
            self.alive
            and not fs.cancelled()
            and fs.exception() is None
            and fs.result() is True
            and conn.parser is not None
            and conn.parser.unreader.buf.getvalue()
        )
        if keep:
            self._wait(conn, conn.parser.unreader.take_buffered())
            return
        super().finish_request(conn, fs)

    def _wait(self, conn: Any, buffer: bytes) -> None:
        """Buffer the request of ``conn`` in the main loop (``buffer``: what came already)."""
        conn.sock.setblocking(False)
        waiting = _Waiting(buffer, time.monotonic() + self.settings.header_timeout)
        self.waiting[conn] = waiting
        if buffer and self._progress(conn, waiting):
            return
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))

    def _readable(self, conn: Any, sock: Any) -> None:
        waiting = self.waiting.get(conn)
        if waiting is None:
            return
        try:
            data = conn.sock.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(conn)
            return
        waiting.buffer += data
        self._progress(conn, waiting)

    def _progress(self, conn: Any, waiting: _Waiting) -> bool:
        """Whether the request left the main loop: complete (to a thread) or refused."""
        end, length = request_end(bytes(waiting.buffer))
        too_large = False
        if length is not None and not waiting.head_done:
            waiting.head_done = True
            waiting.deadline = time.monotonic() + self.settings.body_timeout
            too_large = length > self.settings.max_body
        elif end is None:  # a chunked body past the limit
            too_large = len(waiting.buffer) > MAX_HEAD + self.settings.max_body
        if too_large:
            self._leave(conn)
            self._refuse_body(conn)
            return True
        if end is None:
            return False
        self._leave(conn)
        conn.prebuffer = bytes(waiting.buffer)
        self.enqueue_req(conn)
        return True

    def _leave(self, conn: Any) -> None:
        """Stop waiting for ``conn`` in the main loop."""
        self.waiting.pop(conn, None)
        # KeyError: not registered (its request came with the previous one).
        with contextlib.suppress(KeyError, ValueError):
            self.poller.unregister(conn.sock)

    def _refuse_body(self, conn: Any) -> None:
        """Answer 413 (the body is larger than ``max_body``) and close, without reading it."""
        text = f"The request body is larger than {self.settings.max_body:,} bytes.\n".encode()
        lines = [
            "HTTP/1.1 413 Content Too Large",
            "Content-Type: text/plain; charset=utf-8",
            f"Content-Length: {len(text)}",
            "Connection: close",
            *(f"{name}: {value}" for name, value in every_response()),
        ]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        with contextlib.suppress(OSError):
            conn.sock.send(head + text)  # non-blocking: what fits, the rest is dropped
        self.nr_conns -= 1
        conn.close()

    def _close(self, conn: Any) -> None:
        self._leave(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Close the connections whose request did not come in time (called every second).

        What already waits in a connection's socket is read first: when this worker was
        slow to look (a loaded machine), the request may have come in time all the same."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [conn for conn, waiting in self.waiting.items() if waiting.deadline < now]:
            self._readable(conn, conn.sock)
            if conn in self.waiting:
                self._close(conn)

    def run(self) -> None:
        """Serve until told to stop; a worker that shares the server's copy of the store then
        ends at once, without the interpreter's teardown: freeing the copy writes to the pages
        it shares with the master, which copies them (1.4 s of CPU for the 100,000-project
        store in a forked process)."""
        super().run()
        if server_copy() is not None:
            self.log.info("Worker exiting (pid: %s)", self.pid)
            logging.shutdown()
            os._exit(0)

    def handle(self, conn: Any) -> Any:
        """Serve the buffered request in a thread: gunicorn's parser reads it from the buffer."""
        prebuffer = getattr(conn, "prebuffer", None)
        if prebuffer is not None:
            conn.prebuffer = None
            conn.data_ready = True
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(prebuffer)
        return super().handle(conn)


class RegiograafApplication(BaseApplication):
    """Gunicorn application serving :func:`server.web.app.create_app` with fixed settings."""

    def __init__(self, settings: Settings, options: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.effective_workers,
            # Threads, so one slow request holds one thread rather than a whole worker; only
            # complete requests reach them (BufferedThreadWorker).
            "worker_class": "server.web.gunicorn_app.BufferedThreadWorker",
            # A thread per query process, and two for pages and queries waiting for one.
            "threads": max(settings.threads, settings.query_processes + 2),
            # Long GET queries: the largest request line gunicorn allows short of "unlimited".
            "limit_request_line": 8190,
            # Kept-alive connections wait in the main loop, not in a thread.
            "keepalive": 5,
            "preload_app": False,
            # Off by default: writing a line per request costs a visible share of a small
            # query's time (docs/performance.md); REGIOGRAAF_ACCESS_LOG turns it on.
            "accesslog": settings.access_log or None,
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "proc_name": "regiograaf",
            # No shared ~/.gunicorn/gunicorn.ctl: parallel servers would fight over it.
            "control_socket_disable": True,
            **(options or {}),
        }
        super().__init__()

    def load_config(self) -> None:
        """Copy :attr:`options` into gunicorn's configuration."""
        assert self.cfg is not None
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key.lower(), value)
        BufferedThreadWorker.settings = self.settings

    def run(self) -> None:
        """Run the master (:class:`SharingArbiter`) until it stops. The modules of
        :mod:`server.web` are imported here first, so that the workers forked after start
        without importing them (about a second of CPU each); the app itself is still created
        in each worker."""
        package = importlib.import_module("server.web")
        for module in pkgutil.iter_modules(package.__path__, "server.web."):
            importlib.import_module(module.name)
        try:
            SharingArbiter(self).run()
        except RuntimeError as error:  # as gunicorn's own run(): one line, exit status 1
            raise SystemExit(f"\nError: {error}\n") from None

    def load(self) -> Flask:  # type: ignore[override]  # gunicorn's stub narrows WSGI callables
        """Create the WSGI app (called in each worker); query the server's in-memory copy of a
        large store (:class:`SharingArbiter`), or copy a small one into this worker's memory
        (setting ``memory_quads_per_worker``; the disk answers until the copy is complete, and
        the log says when it is); and start computing the Strategiescan's region-wide answers
        (:func:`server.web.scan.warm_up`), unless this worker answers from disk only until the
        server's copy is complete (the work would be lost with it, and slow the copy down)."""
        from server.sparql.operation import process_store
        from server.store.pooled import PooledStore
        from server.web.app import create_app
        from server.web.scan import warm_up

        app = create_app(self.settings)
        if self.settings.memory_quads > 0:
            store_log = log_store_to_gunicorn()
            if server_copy() is not None:
                store_log.info("store in memory: the server's copy, shared (pid %d)", os.getpid())
            store = process_store(self.settings)
            if isinstance(store, PooledStore):
                limit = min(self.settings.memory_quads, self.settings.memory_quads_per_worker)
                store.keep_in_memory(limit)
        if not replaced_soon(self.settings):
            warm_up(app)
        return app
