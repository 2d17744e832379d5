"""``regiograaf serve [--host H] [--port P] [--store PATH] [--workers N]``: the production server.

Builds first when the store is missing or stale (same rules as ``regiograaf build``), then runs
gunicorn with the Flask app. Defaults: 127.0.0.1:8000 (settings ``host`` and ``port``).

With an external store (setting ``store_query``, :mod:`server.store.external`) nothing is built
here: the server is stateless and serves what the store holds, so several servers can stand
behind one load balancer; ``regiograaf build`` loads the store. Start-up problems are one
line: the port in use (and the setting to change), an external store that cannot be reached or
holds no data. Exit codes: 1 when the build fails on the data, 2 on internal errors and
start-up problems.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys

from server.build.pipeline import build
from server.build.sources import MissingSourcesError
from server.cli.build import print_result
from server.settings import Settings, load_settings
from server.store import StoreError
from server.store.external import ExternalStore
from server.store.external_http import ExternalConfig


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``serve`` subcommand's parser."""
    parser.description = "Serve Regiograaf with gunicorn; build first when the store is stale."
    parser.add_argument("--host", help="address to bind to (REGIOGRAAF_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (REGIOGRAAF_PORT, 8000)")
    parser.add_argument("--store", metavar="PATH", help="folder of the store (REGIOGRAAF_STORE)")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (REGIOGRAAF_WORKERS; 0: cores + 1)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build when needed, then serve until interrupted."""
    settings = load_settings(host=args.host, port=args.port, store=args.store, workers=args.workers)
    problem = port_problem(settings.host, settings.port)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    code = _ready(settings)
    if code:
        return code
    from server.web.gunicorn_app import RegiograafApplication

    print(f"serving http://{settings.host}:{settings.port}/", flush=True)
    RegiograafApplication(settings).run()
    return 0


def _ready(settings: Settings) -> int:
    """Build the on-disk store when needed, or check the external store; the exit code."""
    external = ExternalConfig.from_settings(settings)
    if external is not None:
        problem = ExternalStore(external).check()
        if problem is not None:
            print(f"cannot serve: {problem}", file=sys.stderr)
            return 2
        print(f"serving the external store at {external.query}", flush=True)
        return 0
    try:
        result = build(settings)
    except (StoreError, OSError, MissingSourcesError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    return print_result(result)


def port_problem(host: str, port: int) -> str | None:
    """Why the server cannot listen on ``host:port``, in one line, or ``None``. The port is
    bound once (as gunicorn binds it, with ``SO_REUSEADDR``) and released at once."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        return (
            f"cannot serve on {host}: {error.strerror or error} (setting REGIOGRAAF_HOST, --host)"
        )
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use: stop what uses it, or choose "
                    "another port with --port or REGIOGRAAF_PORT"
                )
            return (
                f"cannot listen on {host}:{port}: {error.strerror or error} "
                "(settings REGIOGRAAF_HOST and REGIOGRAAF_PORT, --host and --port)"
            )
    return None
