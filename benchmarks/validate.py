"""Benchmark ``regiograaf validate`` of one generated file against rdflib parsing it (issue 16).

Goal: validating one file of ``--projects`` generated projects (default 1,000) against the
project takes at most 3x the time rdflib needs to parse it. Each round runs, one after the
other, each in a process of its own:

- **parse**: ``rdflib.Graph().parse(FILE)`` (the peer);
- **validate**: ``regiograaf validate FILE`` (the fast path: compiled shapes on the file's
  focus nodes, :mod:`server.build.validation.engine`);
- **reference**: :func:`~server.build.validation.validate_files` with ``reference=True``
  (pySHACL over the union of all data, as before), with ``--reference`` only: it is slow.

Printed per round: wall and CPU seconds (user + system, from the child's resource usage) of
each, and the ratios validate / parse; then the medians. The machine may be busy (the load
average is printed): compare the ratios within a round, CPU ratios first. Also printed: the
stages of one validation in one process (import, context, first validation, the same again
with the context and the parsed file cached), which is what the contribution page and the
graph store pay per upload. One untimed ``regiograaf validate`` first fills the context
cache on disk (setting ``cache``), which every later run reads instead of parsing the context.

    .venv/bin/python benchmarks/validate.py --projects 1000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "benchmarks" / "generate_projects.py"

_PARSE = "import sys; from rdflib import Graph; Graph().parse(sys.argv[1])"
_VALIDATE = "import sys; from server.cli import main; sys.exit(main())"
_REFERENCE = (
    "import sys; from pathlib import Path; from server.build.validation import validate_files; "
    "r = validate_files([Path(sys.argv[1])], Path(sys.argv[2]), reference=True); "
    "sys.exit(0 if r.conforms else 1)"
)
_STAGES = """
import json, sys, tempfile, time
from pathlib import Path
began = time.process_time()
from server.build.validation import clear_cache, validate_files
from server.build.validation.context import load_context
imported = time.process_time()
root = Path(sys.argv[2]).resolve()
cache = Path(tempfile.mkdtemp())
load_context(root, cache=cache)
parsed = time.process_time()
clear_cache()
stored = time.process_time()
load_context(root, cache=cache)
context = time.process_time()
validate_files([Path(sys.argv[1])], root)
first = time.process_time()
validate_files([Path(sys.argv[1])], root)
again = time.process_time()
print(json.dumps({"import": imported - began, "context parsed": parsed - imported,
                  "context from the disk cache": context - stored,
                  "first validation": first - context, "again (cached)": again - first}))
"""


def run(code: str, *args: str) -> tuple[float, float, int]:
    """Wall and CPU seconds of ``python -c code args`` in a process of its own, and its exit
    code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{code[:40]}... failed:\n{done.stderr.decode()[-2000:]}")
    return wall, cpu, done.returncode


def generate(projects: int, target: Path, seed: int) -> None:
    """``projects`` generated projects in ``target`` (reused when there)."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(GENERATOR), "--count", str(projects), "--seed", str(seed)]
    subprocess.run(
        [*command, "--out", str(target), "--sample-size", "1", "--root", str(REPO)],
        check=True,
        capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Measure, print the figures; exit 1 when validation does not conform or the goal is
    missed in CPU time (median)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--root", type=Path, default=REPO, help="project root (context)")
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench-validate")
    parser.add_argument("--reference", action="store_true", help="also time pySHACL's path")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    probe = args.work / f"projects-{args.projects}-{args.seed}.ttl"
    generate(args.projects, probe, args.seed)
    size = probe.stat().st_size
    print(f"file: {probe} ({args.projects} projects, {size:,} bytes); root {args.root}")
    # Untimed: fills the context cache on disk (REGIOGRAAF_CACHE), as the first validation
    # after a change to shapes, ontology or data does.
    run(_VALIDATE, "validate", str(probe), "--root", str(args.root))
    rows: list[dict[str, Any]] = []
    for number in range(1, args.rounds + 1):
        load = os.getloadavg()[0]
        parse = run(_PARSE, str(probe))
        validate = run(_VALIDATE, "validate", str(probe), "--root", str(args.root))
        row = {"round": number, "load": load, "parse": parse[:2], "validate": validate[:2]}
        row["conforms"] = validate[2] == 0
        if args.reference:
            row["reference"] = run(_REFERENCE, str(probe), str(args.root))[:2]
        rows.append(row)
        print(_line(row))
    stages = subprocess.run(
        [sys.executable, "-c", _STAGES, str(probe), str(args.root)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        check=True,
        text=True,
    )
    in_process = json.loads(stages.stdout)
    cpu_ratio = statistics.median(r["validate"][1] / r["parse"][1] for r in rows)
    wall_ratio = statistics.median(r["validate"][0] / r["parse"][0] for r in rows)
    print(
        f"median ratio validate / parse: CPU {cpu_ratio:.2f}x, wall {wall_ratio:.2f}x (goal ≤ 3x)"
    )
    print("one process, CPU s: " + ", ".join(f"{k} {v:.2f}" for k, v in in_process.items()))
    if args.json:
        args.json.write_text(json.dumps({"rounds": rows, "stages": in_process}, indent=1))
    return 0 if all(r["conforms"] for r in rows) and cpu_ratio <= 3 else 1


def _line(row: dict[str, Any]) -> str:
    parse, validate = row["parse"], row["validate"]
    assert isinstance(parse, tuple) and isinstance(validate, tuple)
    text = (
        f"round {row['round']} (load {row['load']:.1f}): parse {parse[0]:.2f} s wall / "
        f"{parse[1]:.2f} s CPU; validate {validate[0]:.2f} / {validate[1]:.2f} "
        f"({validate[0] / parse[0]:.1f}x / {validate[1] / parse[1]:.1f}x)"
    )
    reference = row.get("reference")
    if isinstance(reference, tuple):
        text += f"; reference (pySHACL) {reference[0]:.2f} / {reference[1]:.2f}"
    return text + ("" if row["conforms"] else "; DOES NOT CONFORM")


if __name__ == "__main__":
    sys.exit(main())
