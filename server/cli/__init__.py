"""The ``regiograaf`` command: one module per subcommand, each with ``configure(parser)`` and
``run(args)``.

A command imports only its own module (:func:`main`): ``regiograaf validate`` does not load the
web layer, the store or the reasoner that other commands need. The main help lists each command
with its line in :data:`COMMANDS`, which needs none of the modules.

Exit codes follow pySHACL's CLI: 0 success / conforms, 1 does not conform, 2 usage or internal
error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from server.settings import SettingsError

#: The subcommands (modules under ``server.cli``) in the order ``--help`` lists them, each with
#: the line the main help shows for it.
COMMANDS = {
    "build": "parse, validate, infer and load the store",
    "serve": "serve the graph with gunicorn (builds first when needed)",
    "validate": "validate Turtle files (syntax, SHACL shapes, vocabulary)",
    "query": "run a canned query (queries/NAME.rq) and print the answer",
    "export": "write the site as static files (pages, dumps, catalog)",
    "geo": "add municipal boundaries (CBS) to the data",
    "token": "make, list and revoke the write tokens of /graph-store",
}


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand configured, or only ``command`` (the others
    by name and help line only, which is all the main help shows of them)."""
    parser = argparse.ArgumentParser(
        prog="regiograaf",
        description="Regiograaf: the knowledge graph of the MRDH digital strategy.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=summary)
        if command is None or name == command:
            importlib.import_module(f"server.cli.{name}").configure(subparser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse's usage errors exit 2)."""
    words = sys.argv[1:] if argv is None else argv
    # The command is the first word that is not an option (the main parser has only --help).
    command = next((word for word in words if not word.startswith("-")), "")
    args = make_parser(command if command in COMMANDS else "").parse_args(words)
    try:
        return int(args.handler(args) or 0)
    except SettingsError as exc:
        print(f"regiograaf {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
