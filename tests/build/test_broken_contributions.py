"""Mistakes a data officer makes, each reported at the right line with the right rule
(tests/data/contribute/broken/expected.json), by the validation that the CLI, the web page,
the graph store and the build share."""

from __future__ import annotations

import json

import pytest

from server.build.validation import validate_files
from server.settings import PROJECT_ROOT
from tests.support import TEST_DATA

BROKEN = TEST_DATA / "contribute" / "broken"
EXPECTED = json.loads((BROKEN / "expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    assert {p.name for p in BROKEN.glob("*.ttl")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reported_at_the_right_line_with_the_right_rule(name: str) -> None:
    path = PROJECT_ROOT / "data" / "contributions" / "gm0503" / name
    report = validate_files([path], PROJECT_ROOT, texts={path: (BROKEN / name).read_bytes()})
    result = report.files[0]
    assert not result.conforms
    if result.syntax_error is not None:
        found = [[result.syntax_error.line, "TurtleSyntax"]]
        assert result.syntax_error.messages["nl"] != result.syntax_error.messages["en"]
    else:
        found = sorted(
            [f.line, f.shape.rsplit("#", 1)[-1]]
            for f in result.findings
            if f.severity == "Violation"
        )
        assert all(f.messages["nl"] and f.messages["en"] for f in result.findings)
    assert found == EXPECTED[name]
