"""Progress of long work: the build, the export, the geo import, benchmark data.

A 100,000-project build takes minutes; it says what it is doing. On a terminal one line is
redrawn (a bar when the total is known); in CI and logs (not a terminal, or ``CI`` set) plain
lines are written when a stage starts, every few seconds while it runs, and when it ends::

    build: parse 1200/2003 files, 810,000 triples, 12.3 s (data/contributions/gm0599/x.ttl)
    build: parse done: 2003 files, 1,350,189 triples in 20.1 s

:meth:`Progress.quiet` reports nothing (library calls, tests).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress", "Stage"]

_BAR = 24


class Progress:
    """Reports the stages of one piece of work named ``name`` to ``out`` (default stderr)."""

    def __init__(
        self,
        name: str,
        out: TextIO | None = None,
        *,
        bar: bool | None = None,
        every: float | None = None,
    ) -> None:
        self.name = name
        self.out = out if out is not None else sys.stderr
        if bar is None:
            bar = _is_terminal(self.out) and not os.environ.get("CI")
        self.bar = bar
        #: Seconds between two reports while a stage runs.
        self.every = every if every is not None else (0.2 if bar else 5.0)
        self.enabled = True

    @classmethod
    def quiet(cls) -> Progress:
        """A progress that reports nothing."""
        progress = cls("", out=sys.stderr, bar=False)
        progress.enabled = False
        return progress

    def stage(self, label: str, total: int | None = None, unit: str = "files") -> Stage:
        """A stage of the work (a context manager): ``total`` items of ``unit`` when known."""
        return Stage(self, label, total, unit)

    def note(self, text: str) -> None:
        """One line about the work (not a stage)."""
        if self.enabled:
            print(f"{self.name}: {text}", file=self.out, flush=True)

    def write(self, line: str, *, final: bool) -> None:
        """Write a report: redraw the line on a terminal, else print it."""
        if not self.enabled:
            return
        if self.bar:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            self.out.write("\r" + line[:width].ljust(width) + ("\n" if final else ""))
            self.out.flush()
        else:
            print(line, file=self.out, flush=True)


class Stage:
    """One stage: call :meth:`step` per item (with running counts); ends with the block."""

    def __init__(self, progress: Progress, label: str, total: int | None, unit: str) -> None:
        self.progress = progress
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.counts: dict[str, int] = {}
        self.item = ""
        self.began = time.monotonic()
        self._last = time.monotonic()

    def __enter__(self) -> Stage:
        self.began = self._last = time.monotonic()
        if not self.progress.bar:
            self.progress.write(f"{self.progress.name}: {self.label} ...", final=False)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        ending = "done" if kind is None else "stopped"
        line = (
            f"{self.progress.name}: {self.label} {ending}: {self._counts()} in {self.elapsed:.1f} s"
        )
        self.progress.write(line, final=True)

    @property
    def elapsed(self) -> float:
        """Seconds since the stage began."""
        return time.monotonic() - self.began

    def step(self, n: int = 1, *, item: str | None = None, **counts: int) -> None:
        """``n`` more items done (the last one ``item``); ``counts`` are added to the running
        counts (``triples=...``). Reports at most every :attr:`Progress.every` seconds."""
        self.done += n
        for name, value in counts.items():
            self.counts[name] = self.counts.get(name, 0) + value
        if item is not None:
            self.item = item
        now = time.monotonic()
        if now - self._last >= self.progress.every:
            self._last = now
            self.progress.write(self._line(), final=False)

    def _counts(self) -> str:
        done = f"{self.done:,}" + (f"/{self.total:,}" if self.total is not None else "")
        parts = [f"{done} {self.unit}"] + [
            f"{value:,} {name}" for name, value in self.counts.items()
        ]
        return ", ".join(parts)

    def _line(self) -> str:
        head = f"{self.progress.name}: {self.label} "
        if self.progress.bar and self.total:
            filled = min(_BAR, _BAR * self.done // max(1, self.total))
            head += "[" + "#" * filled + "-" * (_BAR - filled) + "] "
        tail = f" ({self.item})" if self.item else ""
        return f"{head}{self._counts()}, {self.elapsed:.1f} s{tail}"


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
