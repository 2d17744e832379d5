"""``regiograaf serve [--host H] [--port P] [--store PATH] [--workers N]``: the production server.

Builds first when the store is missing or stale (same rules as ``regiograaf build``), then runs
gunicorn with the Flask app. Defaults: 127.0.0.1:8000 (settings ``host`` and ``port``).
Exit codes: 1 when the build fails on the data, 2 on internal errors.
"""

from __future__ import annotations

import argparse
import sys

from server.build.pipeline import build
from server.build.sources import MissingSourcesError
from server.cli.build import print_result
from server.settings import load_settings
from server.store import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the graph with gunicorn (builds first when needed)",
        description="Serve Regiograaf with gunicorn; build first when the store is stale.",
    )
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
    try:
        result = build(settings)
    except (StoreError, OSError, MissingSourcesError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    code = print_result(result)
    if code:
        return code
    from server.web.gunicorn_app import RegiograafApplication

    print(f"serving http://{settings.host}:{settings.port}/", flush=True)
    RegiograafApplication(settings).run()
    return 0
