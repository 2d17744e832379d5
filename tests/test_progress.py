"""Progress of long work (server.progress): plain lines in logs, one redrawn line on a terminal."""

from __future__ import annotations

import io

import pytest

from server.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_name_the_stage_counts_item_and_time() -> None:
    out = io.StringIO()
    progress = Progress("build", out, every=0)
    with progress.stage("parse", total=3) as stage:
        stage.step(item="data/a.ttl", triples=10)
        stage.step(2, item="data/b.ttl", triples=5)
    lines = out.getvalue().splitlines()
    assert lines[0] == "build: parse ..."
    assert lines[1].startswith("build: parse 1/3 files, 10 triples, ")
    assert lines[1].endswith(" s (data/a.ttl)")
    assert lines[-1].startswith("build: parse done: 3/3 files, 15 triples in ")
    assert "\r" not in out.getvalue()


def test_plain_lines_are_spaced_out() -> None:
    out = io.StringIO()
    with Progress("build", out).stage("parse", total=1000) as stage:
        for _ in range(1000):
            stage.step()
    assert len(out.getvalue().splitlines()) == 2  # the start and the end


def test_a_terminal_gets_one_redrawn_line_with_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    progress = Progress("build", out, every=0)
    assert progress.bar
    with progress.stage("load", total=4, unit="graphs") as stage:
        stage.step(2)
    text = out.getvalue()
    assert text.startswith("\rbuild: load [############------------] 2/4 graphs")
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "load done: 2/4 graphs in" in text


def test_ci_gets_plain_lines_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert not Progress("build", Terminal()).bar


def test_a_failed_stage_says_so() -> None:
    out = io.StringIO()
    with pytest.raises(ValueError), Progress("export", out).stage("write") as stage:
        stage.step()
        raise ValueError
    assert "export: write stopped: 1 files in" in out.getvalue()


def test_quiet_reports_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress.quiet()
    with progress.stage("parse", total=1) as stage:
        stage.step()
    progress.note("hello")
    assert capsys.readouterr() == ("", "")
