"""``regiograaf build [--store PATH] [--force]``: parse, validate, infer and load the store.

Only the files changed since the last build are redone when that gives the same store
(:mod:`server.build.pipeline`); ``--force`` builds everything. With an external store
(setting ``store_query``) the built version is then loaded into it, graph by graph
(:mod:`server.store.gsp`). Progress goes to stderr: a bar
on a terminal, plain lines in CI and logs. Exit codes: 0 built or already up to date; 1 a
syntax error or SHACL violations (the report is printed); 2 an internal error.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from server.build.pipeline import BuildResult, build
from server.build.reports import render
from server.build.sources import MissingSourcesError
from server.errors import ConfigurationError
from server.progress import Progress
from server.settings import Settings, load_settings
from server.store import StoreError
from server.store.embedded import EmbeddedStore
from server.store.external_http import ExternalConfig
from server.store.gsp import publish


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``build`` subcommand's parser."""
    parser.description = "Parse, validate, infer and load all sources into the store."
    parser.add_argument("--store", metavar="PATH", help="folder of the store (REGIOGRAAF_STORE)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="build everything, even when the store is up to date",
    )
    parser.set_defaults(handler=run)


def print_result(result: BuildResult, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print what a build did (to ``out``/``err``, default stdout/stderr) and return the exit
    code for it."""
    out = out or sys.stdout
    err = err or sys.stderr
    if result.status == "syntax-error":
        print(f"build stopped: syntax error\n{result.syntax_error}", file=err)
        return 1
    if result.status == "invalid":
        if result.report is not None:
            print(render(result.report, fmt="text", lang="nl"), file=err)
        print("build stopped: the data does not conform to the shapes", file=err)
        return 1
    if result.status == "up-to-date":
        print(f"up to date: data version {result.data_version[:16]}", file=out)
        print(f"  {len(result.graphs)} graphs, {result.triples} triples", file=out)
        return 0
    print(f"built data version {result.data_version[:16]}", file=out)
    if result.mode == "incremental":
        print(f"  incremental: {result.redone} changed files redone", file=out)
    elif result.mode == "full":
        print(f"  full build ({result.reason})", file=out)
    print(f"  {len(result.sources)} sources, {len(result.graphs)} graphs", file=out)
    print(f"  {result.triples} triples, of which {result.inferred} inferred", file=out)
    for warning in result.warnings:
        print(f"  warning: {warning}", file=err)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the build named by ``args``; see the module docstring for exit codes."""
    settings = load_settings(store=args.store)
    try:
        result = build(settings, force=args.force, progress=Progress("build"))
    except MissingSourcesError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    except (StoreError, OSError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    return print_result(result) or publish_external(settings)


def publish_external(settings: Settings) -> int:
    """Load the built version into the external store the settings name (if any); the exit
    code: 0 loaded or up to date (or no external store), 2 when the store failed."""
    external = ExternalConfig.from_settings(settings)
    if external is None:
        return 0
    try:
        done = publish(
            EmbeddedStore(settings.store),
            external,
            log=lambda line: print(f"  {line}", file=sys.stderr, flush=True),
        )
    except (StoreError, ConfigurationError) as error:
        print(f"loading the external store failed: {error}", file=sys.stderr)
        return 2
    if done.up_to_date:
        print(f"external store {external.query}: up to date", flush=True)
    else:
        print(
            f"external store {external.query}: data version {done.data_version[:16]} "
            f"({len(done.uploaded)} graphs loaded, {len(done.kept)} unchanged, "
            f"{len(done.dropped)} removed)",
            flush=True,
        )
    return 0
