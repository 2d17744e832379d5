"""Small parts: no module in ``server/`` over 400 lines, no function over 50.

A longer one is allowed only with its reason written next to it: a comment ``# long: <reason>``
at the end of the ``def`` line or on the line above the ``def`` (above its decorators, if any);
for a module, a line ``# long: <reason>`` before its first statement after the docstring.
A function counts from its ``def`` line to its last line, docstring and comments included.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.support import REPOSITORY

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
#: A reason: ``# long:`` followed by at least one word.
_REASON = re.compile(r"#\s*long:\s*\w")
MODULES = sorted((REPOSITORY / "server").rglob("*.py"))


def _has_reason(line: str) -> bool:
    return bool(_REASON.search(line))


def _module_reason(lines: list[str], tree: ast.Module) -> bool:
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    header = lines[: body[0].lineno - 1] if body else lines
    return any(_has_reason(line) for line in header if line.lstrip().startswith("#"))


def _function_reason(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
    above = lines[first - 2] if first >= 2 else ""
    return _has_reason(lines[node.lineno - 1]) or _has_reason(above)


def oversized(source: str, name: str = "<module>") -> list[str]:
    """What in ``source`` is too long without a written reason, one line each."""
    lines = source.splitlines()
    tree = ast.parse(source)
    found = []
    if len(lines) > MAX_MODULE_LINES and not _module_reason(lines, tree):
        found.append(f"{name}: {len(lines)} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not _function_reason(lines, node):
                found.append(
                    f"{name}:{node.lineno}: {node.name}() has {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(REPOSITORY)))
def test_parts_are_small(path: Path) -> None:
    name = str(path.relative_to(REPOSITORY))
    found = oversized(path.read_text(encoding="utf-8"), name)
    assert not found, "split it, or write '# long: <reason>' next to it:\n" + "\n".join(found)


def _function(lines: int, comment: str = "", trailing: str = "") -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(lines - 1))
    return f"{comment}\ndef f():{trailing}\n{body}"


def test_a_long_function_is_reported() -> None:
    assert oversized(_function(MAX_FUNCTION_LINES)) == []
    assert oversized(_function(MAX_FUNCTION_LINES + 1)) == [
        f"<module>:2: f() has {MAX_FUNCTION_LINES + 1} lines (at most {MAX_FUNCTION_LINES})"
    ]


def test_a_reason_allows_it() -> None:
    assert oversized(_function(60, comment="# long: one table of cases")) == []
    assert oversized(_function(60, trailing="  # long: one table of cases")) == []
    decorated = "# long: one table of cases\n@decorator\n" + _function(60).lstrip("\n")
    assert oversized(decorated) == []


def test_a_reason_must_say_something() -> None:
    assert oversized(_function(60, comment="# long:"))
    assert oversized(_function(60, comment="# too long, sorry"))


def test_a_long_module_is_reported() -> None:
    module = '"""A module."""\n' + "x = 1\n" * MAX_MODULE_LINES
    assert oversized(module) == [
        f"<module>: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})"
    ]
    allowed = '"""A module."""\n# long: generated tables\n' + "x = 1\n" * MAX_MODULE_LINES
    assert oversized(allowed) == []
