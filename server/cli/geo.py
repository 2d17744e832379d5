"""``regiograaf geo import FILE...`` and ``regiograaf geo download``: municipal boundaries.

Both write GeoSPARQL boundaries of the municipalities in the graph to
``data/geo/gemeentegrenzen.ttl`` (or ``--output``), which the next build loads. Exit codes:
0 written, 1 the file or download cannot be used (the reason is printed), 2 usage error.
Progress (files read, municipalities found) goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.build.boundaries import (
    DEFAULT_OUTPUT,
    DEFAULT_SOURCE,
    GeoError,
    ImportResult,
    download,
    import_boundaries,
)
from server.progress import Progress
from server.settings import load_settings


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``geo`` subcommand's parser with ``import`` and ``download``."""
    parser.description = "Write municipal boundaries as GeoSPARQL into data/geo/."
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    imported = actions.add_parser("import", help="boundaries from a CBS/PDOK GeoJSON file")
    imported.add_argument(
        "files", nargs="+", type=Path, metavar="FILE.geojson", help="a later file wins"
    )
    imported.add_argument(
        "--source", default=DEFAULT_SOURCE, help="IRI named as dct:source of the boundaries"
    )
    fetched = actions.add_parser("download", help="the current CBS boundaries from PDOK")
    fetched.add_argument("--url", help="GeoJSON URL (default: REGIOGRAAF_BOUNDARIES_URL)")
    for sub in (imported, fetched):
        sub.add_argument("--output", type=Path, help=f"Turtle file (default {DEFAULT_OUTPUT})")
        sub.add_argument("--root", type=Path, help="project root (REGIOGRAAF_ROOT)")
        sub.set_defaults(handler=run)


def _report(result: ImportResult) -> None:
    print(f"{len(result.written)} gemeentegrenzen geschreven naar {result.output}")
    if result.missing:
        print(f"zonder grens (without boundary): {', '.join(result.missing)}")
    if result.unknown:
        print(f"overgeslagen, niet in de graaf (skipped, not in the graph): {len(result.unknown)}")


def run(args: argparse.Namespace) -> int:
    """Import or download; returns the exit code."""
    settings = load_settings(root=args.root)
    output = (args.output or settings.root / DEFAULT_OUTPUT).resolve()
    try:
        if args.action == "import":
            inputs: list[tuple[bytes | str, str]] = []
            for file in args.files:
                try:
                    inputs.append((file.read_bytes(), str(file)))
                except OSError as error:
                    print(
                        f"regiograaf geo import: cannot read {file}: {error.strerror}",
                        file=sys.stderr,
                    )
                    return 1
            result = import_boundaries(
                inputs, settings.root, output, args.source, Progress("geo import")
            )
        else:
            url = args.url or settings.boundaries_url
            if not url:
                print(
                    "regiograaf geo download: no URL (set REGIOGRAAF_BOUNDARIES_URL)",
                    file=sys.stderr,
                )
                return 2
            progress = Progress("geo download")
            progress.note(f"downloading {url}")
            result = import_boundaries([(download(url), url)], settings.root, output, url, progress)
    except GeoError as error:
        print(f"regiograaf geo {args.action}: {error}", file=sys.stderr)
        return 1
    _report(result)
    return 0
