"""The documentation cannot drift from the code.

- the README's command table lists exactly the subcommands and options of
  :func:`server.cli.make_parser`, and still says ``make run`` and ``make test``;
- the settings table of ``docs/operations.md`` lists exactly :data:`server.settings.SETTINGS`,
  each with its default;
- the tables of ``docs/api.md`` list exactly the app's routes, the canned queries and the dumps;
- every repository path (``server/web/app.py``), Python name (``server.canned.running``) and
  relative link (``docs/api.md#canned-queries``) that the README and ``docs/`` name exists.

A failure says what to write.
"""

from __future__ import annotations

import argparse
import glob
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.canned.running import canned_queries
from server.cli import make_parser
from server.publish.dumps import DUMPS
from server.settings import PROJECT_ROOT, SETTINGS, Setting, load_settings
from server.web.app import create_app
from tests.support import REPOSITORY

README = REPOSITORY / "README.md"
DOCS = sorted((REPOSITORY / "docs").glob("*.md"))
OPERATIONS = REPOSITORY / "docs" / "operations.md"

#: Top-level folders whose files the docs name as paths in backquotes.
_TOP = r"(?:server|tests|docs|queries|data|shapes|ontology|benchmarks|\.github|\.ci)"
_PATH = re.compile(rf"`({_TOP}/[^`\s]*)`")
_MODULE = re.compile(r"`(server(?:\.\w+)+)(?:\(\))?`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
#: What marks a path in the docs as a pattern rather than one file.
_PLACEHOLDER = re.compile(r"<[^>]*>|\b(?:NAME|FILE|DIR|PATH|URL)\b|\.\.\.|…|\{")
#: Where files go that are not in a fresh clone: boundaries a command writes (ignored by git),
#: and the contributions of municipalities (the docs name examples of where they go).
_WRITTEN_LATER = ("data/geo/", "data/contributions/")


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows (cells, without the header and its rule) of the first table at or after
    ``heading`` (a Markdown heading, or the start of a table's header row)."""
    start = text.rfind("\n", 0, text.index(heading)) + 1
    rows: list[list[str]] = []
    for line in text[start:].splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
        elif rows:
            break
    return rows[2:]


# The command table ---------------------------------------------------------------------------


def _commands() -> dict[str, argparse.ArgumentParser]:
    """Every command line of ``regiograaf``: ``build``, ..., ``geo import``, ``geo download``."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(prefix: str, parser: argparse.ArgumentParser) -> None:
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subparsers:
            found[prefix] = parser
        for action in subparsers:
            for name, child in action.choices.items():
                walk(f"{prefix} {name}".strip(), child)

    walk("", make_parser())
    return found


def _words(parser: argparse.ArgumentParser) -> set[str]:
    """What a user types besides the command: long options, positional names, and the
    choices of every option."""
    words: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        long = [option for option in action.option_strings if option.startswith("--")]
        words.update(long[:1] or [str(action.metavar or action.dest.upper())])
        words.update(str(choice) for choice in action.choices or ())
    return words


def _documented_commands() -> dict[str, str]:
    """The README's command table: command (``geo import``) → the usage written in its first
    cell."""
    rows = _table(README.read_text(encoding="utf-8"), "| command |")
    commands: dict[str, str] = {}
    for row in rows:
        usage = row[0].strip("`").replace("\\|", "|")
        match = re.match(r"regiograaf ([a-z]+(?: (?!-)[a-z]+)?)", usage)
        assert match, f"README command table: {row[0]} does not start with `regiograaf NAME`"
        commands[match.group(1)] = usage
    return commands


def test_readme_lists_every_command():
    documented, actual = set(_documented_commands()), set(_commands())
    assert documented == actual, (
        f"README command table: missing {sorted(actual - documented)}, "
        f"no such command {sorted(documented - actual)}"
    )


@pytest.mark.parametrize("command", sorted(_commands()))
def test_readme_names_every_option(command: str):
    usage = _documented_commands().get(command, "")
    words = set(re.findall(r"--[a-z-]+|[A-Za-z](?:\w|\.(?=\w))*", usage))
    expected = _words(_commands()[command])
    missing = sorted(word for word in expected if word not in words)
    unknown = sorted(word for word in words if word.startswith("--") and word not in expected)
    usage_line = _commands()[command].format_usage().strip()
    assert not missing and not unknown, (
        f"README, `regiograaf {command}`: missing {missing}, no such option {unknown}; "
        f"the parser says: {usage_line}"
    )


def test_readme_says_the_two_commands():
    readme = README.read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme


# The settings table --------------------------------------------------------------------------


def documented_default(setting: Setting) -> str:
    """How the settings table writes a default: paths in the repository relative to it."""
    if isinstance(setting.default, bool):  # as the variable is written: true or false
        return f"`{str(setting.default).lower()}`"
    value = str(setting.default)
    if value == str(PROJECT_ROOT):
        return "the repository"
    if value.startswith(f"{PROJECT_ROOT}/"):
        return f"`{Path(value).relative_to(PROJECT_ROOT)}`"
    return f"`{value}`" if value else "(empty)"


def _documented_settings() -> dict[str, str]:
    rows = _table(OPERATIONS.read_text(encoding="utf-8"), "## Settings")
    return {row[0].strip("`"): row[1] for row in rows}


def test_operations_lists_every_setting():
    documented = _documented_settings()
    actual = {f"REGIOGRAAF_{setting.name.upper()}": setting for setting in SETTINGS}
    missing = [
        f"| `{variable}` | {documented_default(setting)} | {setting.help} |"
        for variable, setting in actual.items()
        if variable not in documented
    ]
    assert not missing, "docs/operations.md, Settings: add\n" + "\n".join(missing)
    assert not set(documented) - set(actual), (
        f"docs/operations.md lists settings the code does not have: "
        f"{sorted(set(documented) - set(actual))}"
    )


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_operations_gives_each_default(setting: Setting):
    cell = _documented_settings().get(f"REGIOGRAAF_{setting.name.upper()}", "")
    assert cell.startswith(documented_default(setting)), (
        f"docs/operations.md: the default of REGIOGRAAF_{setting.name.upper()} is "
        f"{documented_default(setting)}, not {cell}"
    )


# Paths, names and links ----------------------------------------------------------------------


def _documents() -> Iterator[tuple[Path, str]]:
    for path in [README, *DOCS]:
        yield path, path.read_text(encoding="utf-8")


def _named_paths() -> Iterator[tuple[str, str]]:
    for path, text in _documents():
        for name in _PATH.findall(text):
            yield path.name, name.rstrip(".,:;")


def test_named_paths_exist():
    stale = []
    for document, name in _named_paths():
        if name.startswith(_WRITTEN_LATER) or _PLACEHOLDER.search(name):
            continue
        if "*" in name:
            if not glob.glob(str(REPOSITORY / name), recursive=True):
                stale.append(f"{document}: {name} matches nothing")
        elif not (REPOSITORY / name).exists():
            stale.append(f"{document}: {name} does not exist")
    assert not stale, "\n".join(stale)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_named_python_names_exist():
    stale = [
        f"{path.name}: {name}"
        for path, text in _documents()
        for name in _MODULE.findall(text)
        if not _resolves(name)
    ]
    assert not stale, "no such module or name:\n" + "\n".join(stale)


def _anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_relative_links_resolve():
    broken = []
    for path, text in _documents():
        for link in _LINK.findall(text):
            if re.match(r"[a-z]+:", link):
                continue
            target, _, anchor = link.partition("#")
            file = (path.parent / target).resolve() if target else path
            if not file.exists():
                broken.append(f"{path.name}: {link} (no such file)")
            elif (
                anchor
                and file.suffix == ".md"
                and anchor not in _anchors(file.read_text(encoding="utf-8"))
            ):
                broken.append(f"{path.name}: {link} (no such heading)")
    assert not broken, "\n".join(broken)


# The reference tables of docs/api.md ---------------------------------------------------------

API = REPOSITORY / "docs" / "api.md"


def _first_cells(heading: str) -> set[str]:
    rows = _table(API.read_text(encoding="utf-8"), heading)
    return {row[0].strip("`") for row in rows}


def test_api_lists_every_route(tmp_path: Path):
    app = create_app(load_settings(store=tmp_path / "store"))  # routing needs no store
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    documented = _first_cells("## Routes")
    assert documented == routes, (
        f"docs/api.md, Routes: missing {sorted(routes - documented)}, "
        f"no such route {sorted(documented - routes)}"
    )


def test_api_lists_every_canned_query():
    names = set(canned_queries())
    documented = _first_cells("## Canned queries")
    assert documented == names, (
        f"docs/api.md, Canned queries: missing {sorted(names - documented)}, "
        f"no such query {sorted(documented - names)}"
    )


def test_api_lists_every_dump():
    names = {dump.name for dump in DUMPS}
    documented = _first_cells("### Dumps")
    assert documented == names, (
        f"docs/api.md, Dumps: missing {sorted(names - documented)}, "
        f"no such dump {sorted(documented - names)}"
    )
