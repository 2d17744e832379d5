"""Durable, atomic file operations (server.contribute.files) and the write lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from server.contribute.files import remove_atomic, remove_leftovers, write_atomic
from server.contribute.history import History


def test_write_atomic_replaces_whole_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "a" / "x.ttl"
    write_atomic(target, b"one")
    write_atomic(target, b"two", mode=0o600)
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.ttl"]
    remove_atomic(target)
    assert not target.exists()


def test_leftovers_of_an_interrupted_write_are_not_turtle_and_are_removed(tmp_path: Path) -> None:
    (tmp_path / "gm0599").mkdir()
    leftover = tmp_path / "gm0599" / ".x.ttl.0123abcd.tmp"
    leftover.write_bytes(b"half")
    (tmp_path / "gm0599" / "x.ttl").write_bytes(b"whole")
    assert not list(tmp_path.rglob(".*.ttl"))
    assert sorted(p.name for p in tmp_path.rglob("*.ttl")) == ["x.ttl"]
    assert remove_leftovers(tmp_path) == 1
    assert not leftover.exists() and (tmp_path / "gm0599" / "x.ttl").exists()


HOLD = """
import sys, time
from pathlib import Path
from server.contribute.history import History
with History(Path(sys.argv[1]), Path(sys.argv[1])).lock():
    Path(sys.argv[2]).write_text("held")
    time.sleep(30)
"""


def test_one_writer_at_a_time_across_processes(tmp_path: Path) -> None:
    signal = tmp_path / "held"
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), str(signal)])
    try:
        deadline = time.monotonic() + 30
        while not signal.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with History(tmp_path, tmp_path).lock(blocking=False) as held:
            assert held is False
    finally:
        child.kill()
        child.wait()
    # the kernel releases the lock of a killed process
    with History(tmp_path, tmp_path).lock(blocking=False) as held:
        assert held is True
