"""``regiograaf validate FILE... [--format F] [--lang L] [--output FILE]``.

Exit codes (as pySHACL's CLI): 0 every file conforms (warnings allowed), 1 some file does not
conform (syntax errors included), 2 usage or internal error (e.g. a file that does not exist or
cannot be read, or a root without ontology/ or shapes/). A folder argument stands for every
``.ttl`` file under it, recursively.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.build.reports import FORMATS, render
from server.build.sources import MissingSourcesError, check_root
from server.build.turtle import TurtleSyntaxError
from server.build.validation import validate_files
from server.settings import SettingsError, load_settings

__all__ = ["configure", "expand", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Configure the ``validate`` subcommand's parser to ``subparsers``."""
    parser.description = (
        "Validate Turtle files against the Regiograaf shapes and ontology. Exit 0: all "
        "conform (warnings allowed); 1: a file does not conform; 2: usage or internal error."
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="Turtle file(s); a folder stands for all its .ttl files (recursively)",
    )
    parser.add_argument(
        "--format", "-f", choices=tuple(FORMATS), default="text", help="report format"
    )
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="message language")
    parser.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    parser.add_argument(
        "--root", type=Path, default=None, help="project root with ontology/, shapes/, data/"
    )
    parser.set_defaults(handler=run)


def expand(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to validate: each FILE as given, each folder as its ``*.ttl`` files (recursively,
    sorted). Returns the files and the problems (missing paths, folders without ``.ttl`` files)."""
    files: list[Path] = []
    problems: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.ttl") if p.is_file())
            if not found:
                problems.append(f"folder without .ttl files: {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"no such file: {path}")
    return files, problems


def run(args: argparse.Namespace) -> int:
    """Validate ``args.files``, write the report, and return the exit code (0, 1 or 2)."""
    files, problems = expand(args.files)
    if problems:
        for problem in problems:
            print(f"regiograaf validate: {problem}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(root=args.root)
        check_root(settings.root)
        report = validate_files(files, root=settings.root, cache=settings.cache_folder)
        output = render(report, args.format, args.lang)
    except (MissingSourcesError, SettingsError) as exc:
        print(f"regiograaf validate: {exc}", file=sys.stderr)
        return 2
    except TurtleSyntaxError as exc:
        print(f"regiograaf validate: broken project file: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        name = exc.filename if exc.filename is not None else "a file"
        reason = exc.strerror or str(exc)
        print(f"regiograaf validate: cannot read {name}: {reason}", file=sys.stderr)
        return 2
    except Exception as exc:  # exit code 2 for any internal error, as documented
        print(f"regiograaf validate: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.output is not None:
        try:
            Path(args.output).write_text(output, encoding="utf-8")
        except OSError as exc:
            print(f"regiograaf validate: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(output)
    return 0 if report.conforms else 1
