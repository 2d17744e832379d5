"""The ``regiograaf`` command: one module per subcommand, each with ``register(subparsers)``.

Exit codes follow pySHACL's CLI: 0 success / conforms, 1 does not conform, 2 usage or internal
error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from server.settings import SettingsError

#: Subcommand modules under ``server.cli``, in the order ``--help`` lists them.
COMMANDS = ("build", "serve", "validate", "query", "export", "geo", "token")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="regiograaf",
        description="Regiograaf: the knowledge graph of the MRDH digital strategy.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"server.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse's usage errors exit 2)."""
    args = make_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except SettingsError as exc:
        print(f"regiograaf {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
