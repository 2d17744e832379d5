"""The Regiograaf base IRI is spelled once, in server/rdf/namespaces.py: every module that
needs it imports the constants (docstrings and comments may mention it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent.parent.parent / "server"
BASE = "https://w3id.org/regiograaf/"
FOLDERS = sorted(path.name for path in SERVER.iterdir() if (path / "__init__.py").exists())


def _modules(folder: str) -> list[Path]:
    return sorted((SERVER / folder).rglob("*.py"))


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


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_base_iri_is_written_once(folder: str) -> None:
    spelled = [
        f"{path.relative_to(SERVER.parent)}:{line}"
        for path in _modules(folder)
        if path != SERVER / "rdf" / "namespaces.py"
        for line, text in _string_constants(path)
        if BASE in text
    ]
    assert not spelled, spelled
