"""Import rules of the lower layers, read from the source (imports inside functions count):
``server/store`` imports nothing above it, ``server/rdf`` only settings and errors; and the
Regiograaf base IRI is spelled once, in server/rdf/namespaces.py, not in the code of the
folders that import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent.parent / "server"
BASE = "https://w3id.org/regiograaf/"
BOTTOM = ("server.settings", "server.errors")


def _modules(folder: str) -> list[Path]:
    return sorted((SERVER / folder).rglob("*.py"))


def _imported(path: Path, root: Path = SERVER.parent) -> set[str]:
    """Every ``server.*`` module that ``path`` (under ``root``) imports, absolute or relative."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
    return {name for name in found if name == "server" or name.startswith("server.")}


@pytest.mark.parametrize(
    ("folder", "allowed"),
    [
        (
            "store",
            ("server.store", "server.rdf", "server.http", "server.settings", "server.errors"),
        ),
        ("rdf", ("server.rdf", "server.settings", "server.errors")),
    ],
)
def test_a_lower_folder_imports_nothing_above_it(folder: str, allowed: tuple[str, ...]) -> None:
    assert _modules(folder)
    wrong = {
        f"{path.relative_to(SERVER.parent)}: {name}"
        for path in _modules(folder)
        for name in _imported(path)
        if not any(name == ok or name.startswith(ok + ".") for ok in allowed)
    }
    assert not wrong, sorted(wrong)


def test_the_import_reader_sees_an_upward_import(tmp_path: Path) -> None:
    # The check above can fail: a store module importing the canned queries is caught.
    module = SERVER / "store" / "remote.py"
    assert "server.store.results" in _imported(module)
    fake = tmp_path / "server" / "store" / "bad.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from ..canned import formats\n")
    assert _imported(fake, tmp_path) == {"server.canned"}


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize("folder", ["build", "canned", "linkeddata", "maps", "rdf", "store"])
def test_the_base_iri_is_written_once(folder: str) -> None:
    spelled = [
        f"{path.relative_to(SERVER.parent)}:{line}"
        for path in _modules(folder)
        if path != SERVER / "rdf" / "namespaces.py"
        for line, text in _string_constants(path)
        if BASE in text
    ]
    assert not spelled, spelled
