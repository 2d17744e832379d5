"""``regiograaf export DIR [--store PATH] [--site-url URL] [--service-url URL]``: the static site.

Builds the store first when it is missing or stale (like ``serve``), then writes every page,
the ontology documentation, the dumps, the DCAT catalog, VoID and the sitemap into DIR
(:mod:`server.publish.export`), with progress on stderr. Exit codes: 0 written; 1 the build
failed or some internal link could not be exported (each is listed); 2 an internal error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.build.pipeline import build
from server.build.sources import MissingSourcesError
from server.cli.build import print_result
from server.progress import Progress
from server.publish.export import ExportError, export
from server.settings import load_settings
from server.store import StoreError
from server.web.app import create_app


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``export`` subcommand's parser."""
    parser.description = (
        "Write every page, the dumps, the DCAT catalog and VoID as static files "
        "that any web host can publish."
    )
    parser.add_argument("directory", metavar="DIR", type=Path, help="folder to write (emptied)")
    parser.add_argument("--store", metavar="PATH", help="folder of the store (REGIOGRAAF_STORE)")
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="where the files will be published (download URLs in the catalog); "
        "default: the base IRI",
    )
    parser.add_argument(
        "--service-url",
        metavar="URL",
        help="the live server for what a static site cannot do (SPARQL); default: the base IRI",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build when needed, then export; see the module docstring for exit codes."""
    settings = load_settings(store=args.store)
    try:
        built = build(settings, progress=Progress("build"))
    except (MissingSourcesError, StoreError, OSError) as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 2
    if print_result(built, out=sys.stderr) != 0:
        return 1
    site_url = args.site_url or settings.base_iri
    service_url = args.service_url or settings.base_iri
    try:
        result = export(
            create_app(settings), args.directory, site_url, service_url, Progress("export")
        )
    except (ExportError, OSError) as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 2
    for path, (status, origin) in sorted(result.broken.items()):
        print(f"not exported: {path} ({status}, linked from {origin})", file=sys.stderr)
    print(f"exported {len(result.files)} files to {args.directory}")
    return 0 if result.ok else 1
