"""Benchmark the build at 1,000, 10,000 and 100,000 projects (issue 16), next to its peers.

For each size a copy of the project gets that many generated projects as contributions of 50
projects each (``benchmarks/generate_projects.py --contributions``), and the script measures,
printing each figure with its goal and its peer from the same run:

- **full build**: ``regiograaf build --force`` (validation and inference included) in its own
  process: wall time, peak memory (RSS) and the time of each stage (from its progress lines);
  goal ≤ 3 minutes and ≤ 3 GB at 100,000 projects;
- **one-file change**: the titles of one contribution of 50 projects changed, then
  ``regiograaf build``: the time until it is rebuilt and until a running ``regiograaf serve``
  (one worker, started before the change) answers a query for a changed title; goal ≤ 10 s;
  the peer is the full build;
- **validation of one file**: ``regiograaf validate`` of a separate 1,000-project file against
  the project (a process each), next to rdflib parsing the same file (a process too);
  goal ≤ 3x;
- **inference**: the build's rules (:func:`server.build.inferring.infer_all`) against owlrl
  (:func:`server.build.inference.infer_with_messages`) on the same triples, results compared;
  goal ≥ 20x (owlrl only up to ``--owlrl-max`` projects: it needs about 10 s per 1,000);
- **parse and load**: the engine's parser against rdflib's on every source file, and the bulk
  load of every graph into a new version (:class:`server.store.writer.VersionWriter`) against
  the store's rdflib path (:meth:`EmbeddedStore.replace`, up to ``--peer-max`` projects);
  goal ≥ 300,000 triples/s.

The machine may be busy: the load average is printed with every size; compare ratios within a
size. Generated roots are kept in ``--work`` and reused while the size and seed are the same.

    .venv/bin/python benchmarks/build.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from server.build.inference import infer_with_messages
from server.build.inferring import infer_all
from server.build.parsing import read_source
from server.build.sources import Source, discover
from server.store.embedded import EmbeddedStore
from server.store.terms import to_rdflib

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "benchmarks" / "generate_projects.py"
_STAGE = re.compile(r"^build: (?P<stage>.+?) (?:done|stopped): .* in (?P<seconds>[\d.]+) s$", re.M)
#: The wrapper that runs a command and reports its wall time and the peak RSS of its tree.
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "began = time.monotonic()\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'\\n@measure {time.monotonic() - began:.3f} {peak} {done.returncode}',\n"
    "      file=sys.stderr)\n"
)


@dataclass
class Run:
    """One measured process."""

    seconds: float
    peak_mb: float
    code: int
    out: str
    err: str
    stages: dict[str, float] = field(default_factory=dict)


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command`` in a process of its own: wall time, peak RSS, output, stage times."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    err, _, tail = done.stderr.rpartition("@measure ")
    seconds, peak, code = tail.split()
    stages = {m["stage"]: float(m["seconds"]) for m in _STAGE.finditer(err)}
    return Run(float(seconds), int(peak) / 1024, int(code), done.stdout, err, stages)


def regiograaf(*args: str) -> list[str]:
    """The command line of ``regiograaf`` in this interpreter."""
    return [
        sys.executable,
        "-c",
        "import sys; from server.cli import main; sys.exit(main())",
        *args,
    ]


def prepare(work: Path, projects: int, seed: int, per_file: int) -> Path:
    """A copy of the project with ``projects`` generated contributions (reused when there)."""
    root = work / "root"
    marker = work / "made.json"
    wanted = {"projects": projects, "seed": seed, "per_file": per_file}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return root
    shutil.rmtree(work, ignore_errors=True)
    for name in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / name, root / name)
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--count",
            str(projects),
            "--seed",
            str(seed),
            "--per-file",
            str(per_file),
            "--contributions",
            str(root / "data" / "contributions"),
            "--root",
            str(REPO),
        ],
        check=True,
    )
    probe = Path(work / "probe.ttl")
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--count",
            "1000",
            "--seed",
            str(seed + 1),
            "--out",
            str(probe),
            "--sample-size",
            "1",
            "--root",
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    probe.write_text(probe.read_text().replace("project/benchmark-", "project/probe-"))
    marker.write_text(json.dumps(wanted))
    return root


def full_build(root: Path, store: Path) -> Run:
    """``regiograaf build --force``."""
    run = measure(
        regiograaf("build", "--force", "--store", str(store)), {"REGIOGRAAF_ROOT": str(root)}
    )
    if run.code != 0:
        raise SystemExit(f"the full build failed:\n{run.err[-3000:]}")
    return run


def one_file_change(root: Path, store: Path, serve: bool) -> tuple[Run, float | None]:
    """Change the titles of the largest contribution, build, and wait for the server."""
    target = max((root / "data" / "contributions").glob("*/*.ttl"), key=lambda p: p.stat().st_size)
    text = target.read_text(encoding="utf-8")
    marker = f"changed-{int(time.time())}"
    server = _serve(root, store) if serve else None  # before the change: serve builds if stale
    try:
        changed = re.sub(r'"(?:Benchmarkproject|changed-\d+) (\d+)"@nl', rf'"{marker} \1"@nl', text)
        target.write_text(changed, encoding="utf-8")
        title = re.search(rf'"({marker} \d+)"@nl', target.read_text(encoding="utf-8"))
        assert title is not None
        began = time.monotonic()
        run = measure(regiograaf("build", "--store", str(store)), {"REGIOGRAAF_ROOT": str(root)})
        served = _wait_for(server[1], title[1], began) if server else None
    finally:
        if server:
            server[0].terminate()
            server[0].wait(timeout=30)
    if run.code != 0 or "incremental" not in run.out:
        raise SystemExit(
            f"the one-file change did not build incrementally:\n{run.out}{run.err[-2000:]}"
        )
    return run, served


def _serve(root: Path, store: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "REGIOGRAAF_ROOT": str(root), "REGIOGRAAF_MEMORY_QUADS": "0"}
    process = subprocess.Popen(
        regiograaf("serve", "--store", str(store), "--port", str(port), "--workers", "1"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/health", timeout=30).read()
            return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("regiograaf serve did not start")


def _wait_for(base: str, title: str, began: float) -> float:
    """Seconds from ``began`` until the server answers that a project has ``title``."""
    query = f'ASK {{ ?p <http://purl.org/dc/terms/title> "{title}"@nl }}'
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    while time.monotonic() - began < 900:
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        if json.loads(urllib.request.urlopen(request, timeout=60).read())["boolean"]:
            return time.monotonic() - began
        time.sleep(0.05)
    raise SystemExit("the server never showed the change")


def validate_one_file(root: Path, probe: Path) -> tuple[Run, Run]:
    """``regiograaf validate`` of the probe file, and rdflib parsing it (a process each)."""
    validated = measure(regiograaf("validate", str(probe), "--root", str(root)))
    parsed = measure(
        [sys.executable, "-c", f"from rdflib import Graph; Graph().parse({str(probe)!r})"]
    )
    return validated, parsed


def inference(root: Path, with_owlrl: bool) -> dict[str, Any]:
    """The build's rules and owlrl on the inference sources of ``root``."""
    files = [read_source(s.path, s.relpath) for s in discover(root) if s.kind != "shapes"]
    began = time.process_time()
    ours, _messages = infer_all(files)
    figures: dict[str, Any] = {"ours": time.process_time() - began, "inferred": len(ours)}
    if with_owlrl:
        graph = Graph()
        for triples in files:
            for triple in triples:
                graph.add(tuple(to_rdflib(term, normalize=False) for term in triple))
        began = time.process_time()
        expected, _ = infer_with_messages(graph)
        figures["owlrl"] = time.process_time() - began
        converted = {tuple(to_rdflib(t, normalize=False) for t in triple) for triple in ours}
        figures["same"] = converted == set(expected)
    return figures


def parse_and_load(root: Path, scratch: Path, with_peer: bool) -> dict[str, Any]:
    """Parse every source with the engine (and rdflib), then bulk-load them (and through the
    rdflib path)."""
    sources = discover(root)
    began = time.process_time()
    parsed = {s.graph: read_source(s.path, s.relpath) for s in sources}
    figures: dict[str, Any] = {"parse": time.process_time() - began}
    figures["triples"] = sum(len(t) for t in parsed.values())
    figures["load"] = _bulk_load(scratch / "bulk", parsed)
    if with_peer:
        graphs = _rdflib_parse(sources, figures)
        began = time.perf_counter()
        EmbeddedStore(scratch / "rdflib", read_only=False).replace(graphs, "peer")
        figures["load_peer"] = time.perf_counter() - began
    shutil.rmtree(scratch, ignore_errors=True)
    return figures


def _bulk_load(folder: Path, parsed: dict[str, list[Any]]) -> float:
    store = EmbeddedStore(folder, read_only=False)
    began = time.perf_counter()
    with store.writing(), store.writer("bench", incremental=False) as writer:
        for graph, triples in parsed.items():
            writer.append(graph, triples)
        counts = {graph: len(triples) for graph, triples in parsed.items()}
        writer.publish(counts, 0, {}, {}, optimize=True)
    return time.perf_counter() - began


def _rdflib_parse(sources: list[Source], figures: dict[str, Any]) -> dict[str, Graph]:
    began = time.process_time()
    graphs = {s.graph: Graph().parse(s.path, format="turtle") for s in sources}
    figures["parse_peer"] = time.process_time() - began
    return graphs


def report(projects: int, figures: dict[str, Any]) -> None:
    """Print the figures of one size with their goals and peers."""
    full, change, served = figures["full"], figures["change"], figures["served"]
    print(
        f"\n== {projects:,} projects"
        f"  (load average {figures['load_before']} -> {os.getloadavg()[0]:.1f})"
    )
    print(
        f"full build           {full.seconds:8.1f} s  peak {full.peak_mb:,.0f} MB"
        f"    goal at 100,000: ≤ 180 s and ≤ 3,072 MB"
    )
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in full.stages.items()))
    served_text = f", served after {served:.1f} s" if served is not None else ""
    print(
        f"one-file change      {change.seconds:8.1f} s{served_text}    goal ≤ 10 s;"
        f" full build / change: {full.seconds / change.seconds:.1f}x"
    )
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in change.stages.items()))
    validated, parsed = figures["validate"]
    print(
        f"validate 1,000       {validated.seconds:8.1f} s  rdflib parse {parsed.seconds:.1f} s:"
        f" {validated.seconds / parsed.seconds:.1f}x    goal ≤ 3x"
    )
    inf = figures["inference"]
    owl = (
        f"  owlrl {inf['owlrl']:.1f} s: {inf['owlrl'] / inf['ours']:.0f}x faster,"
        f" same result: {inf['same']}"
        if "owlrl" in inf
        else "  (owlrl not run at this size)"
    )
    print(
        f"inference            {inf['ours']:8.1f} s CPU, {inf['inferred']:,} triples{owl}"
        "    goal ≥ 20x"
    )
    load = figures["load"]
    rate = load["triples"] / load["load"]
    print(
        f"parse (engine)       {load['parse']:8.1f} s CPU"
        + (
            f"  rdflib {load['parse_peer']:.1f} s: {load['parse_peer'] / load['parse']:.0f}x"
            if "parse_peer" in load
            else ""
        )
    )
    print(
        f"bulk load            {load['load']:8.1f} s  {rate:,.0f} triples/s"
        + (
            f"  store.replace {load['triples'] / load['load_peer']:,.0f} triples/s"
            if "load_peer" in load
            else ""
        )
        + "    goal ≥ 300,000 triples/s"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="projects, comma-separated")
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench-build")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--per-file", type=int, default=50)
    parser.add_argument("--owlrl-max", type=int, default=10_000, help="largest size for owlrl")
    parser.add_argument("--peer-max", type=int, default=10_000, help="largest size for rdflib")
    parser.add_argument("--no-serve", action="store_true", help="do not start a server")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    results = {}
    for projects in (int(size) for size in args.sizes.split(",")):
        work = args.work / str(projects)
        root = prepare(work, projects, args.seed, args.per_file)
        store = work / "store"
        figures: dict[str, Any] = {"load_before": f"{os.getloadavg()[0]:.1f}"}
        figures["full"] = full_build(root, store)
        figures["change"], figures["served"] = one_file_change(root, store, not args.no_serve)
        figures["validate"] = validate_one_file(root, work / "probe.ttl")
        figures["inference"] = inference(root, projects <= args.owlrl_max)
        figures["load"] = parse_and_load(root, work / "scratch", projects <= args.peer_max)
        report(projects, figures)
        results[projects] = figures
    if args.json:
        args.json.write_text(json.dumps(results, default=lambda o: o.__dict__, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
