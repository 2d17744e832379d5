"""In CI (``CI=true``) a skipped test fails: ``make test`` there runs every test."""

from __future__ import annotations

import os

import pytest

from tests.support import REPOSITORY

SKIPPING = """
import pytest

def test_needs_something_missing():
    pytest.skip("something is missing")

@pytest.mark.xfail(reason="a known defect")
def test_known_defect():
    assert False
"""


@pytest.mark.parametrize(("ci", "outcomes"), [("true", {"failed": 1}), ("", {"skipped": 1})])
def test_a_skip_fails_only_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str, outcomes: dict[str, int]
) -> None:
    monkeypatch.setenv("CI", ci)
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    pytester.makepyfile(SKIPPING)
    result = pytester.runpytest_subprocess("-p", "tests.conftest", "-p", "no:cacheprovider")
    result.assert_outcomes(**outcomes, xfailed=1)
