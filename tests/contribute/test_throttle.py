"""Slowing down wrong tokens (server.contribute.throttle)."""

from __future__ import annotations

from pathlib import Path

from server.contribute.throttle import FIRST_WAIT, LIMIT, LONGEST_WAIT, WINDOW, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_waits_grow_after_the_limit_and_a_success_clears(tmp_path: Path) -> None:
    clock = Clock()
    throttle = Throttle(tmp_path / "failures.json", clock=clock)
    assert throttle.wait("a") == 0
    for _ in range(LIMIT - 1):
        assert throttle.failed("a") == 0
    assert throttle.failed("a") == FIRST_WAIT
    assert throttle.wait("a") == FIRST_WAIT
    assert throttle.wait("b") == 0  # per client
    clock.now += FIRST_WAIT / 2
    assert throttle.wait("a") == FIRST_WAIT / 2
    clock.now += FIRST_WAIT / 2 + 1
    assert throttle.wait("a") == 0
    assert throttle.failed("a") == 2 * FIRST_WAIT
    throttle.succeeded("a")
    assert throttle.wait("a") == 0


def test_shared_between_processes_through_the_file(tmp_path: Path) -> None:
    clock = Clock()
    one = Throttle(tmp_path / "failures.json", clock=clock)
    two = Throttle(tmp_path / "failures.json", clock=clock)
    for _ in range(LIMIT):
        one.failed("a")
    assert two.wait("a") == FIRST_WAIT


def test_failures_expire_and_waits_are_capped(tmp_path: Path) -> None:
    clock = Clock()
    throttle = Throttle(tmp_path / "failures.json", clock=clock)
    for _ in range(LIMIT + 20):
        waited = throttle.failed("a")
    assert waited == LONGEST_WAIT
    clock.now += WINDOW + 1
    assert throttle.wait("a") == 0
    assert throttle.failed("a") == 0
