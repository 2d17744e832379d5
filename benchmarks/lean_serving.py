"""Measure how ``regiograaf serve`` starts on a large store and what memory it then holds, and
print it (issue 16, "Lean serving"; docs/performance.md).

For each ``--tree`` (a checkout of this project: this one by default; an export of an older
commit is the peer, e.g. ``git archive main | tar -x -C /tmp/main``), gunicorn is started from
that tree on ``--store`` as it is (no build, whatever ``--root`` holds), with the default
settings, on a free port of 127.0.0.1. Printed per tree:

* **first answer**: seconds from the start until an ASK query is answered (polled every 0.2 s);
* **copied**: seconds until ``--workers`` workers say that they query an in-memory copy
  (``store in memory:`` in the log; 0 workers: do not wait);
* **PSS / RSS** of the whole server then (summed over its processes from
  ``/proc/<pid>/smaps_rollup``: PSS counts a shared page once, RSS once per process);
* once the server is quiet (its processes use less than a tenth of a core over 3 s: the
  Strategiescan's warm-up is done; at most ``--settle`` seconds), the median of ``--lookups``
  lookups of different projects and of ``--aggregations`` aggregations (the queries of
  ``benchmarks/sparql_endpoint.py``), one after the other, and the PSS after them; every
  aggregation with a comment of its own, so that none is answered from the answer cache;
* then **heavy load**: ``--heavy-clients`` clients that send such aggregations for
  ``--heavy-seconds``: the answers, how many were 503 (busy), and the highest PSS of the whole
  server, read every 0.2 s (each long query may copy much of the store: issue 16).

The trees run one after the other, never side by side (2 cores). Exit status 1 when the last
tree misses a goal of issue 16 (first answer ≤ 5 s, PSS after the copy ≤ 1.5 GB).

    .venv/bin/python benchmarks/lean_serving.py --store var/bench/generated/store \\
        --root var/bench/generated/root --tree . --tree /tmp/main
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.support
from sparql_endpoint import QUERIES, wait_until_idle

from tests.support import free_port, stop_process_group

GOALS = {"first answer s": 5.0, "PSS GB": 1.5}
_SERVE = """
import sys
from server.settings import load_settings
from server.web.gunicorn_app import RegiograafApplication
store, port = sys.argv[1:]
RegiograafApplication(load_settings(store=store, host="127.0.0.1", port=int(port))).run()
"""
_PROJECTS = "SELECT ?p WHERE {{ ?p a <https://w3id.org/regiograaf/def#Project> }} LIMIT {n}"


def _ask(url: str, query: str, timeout: float = 60) -> tuple[int, float, bytes]:
    """Status, seconds and body of one GET of ``query``."""
    request = urllib.request.Request(
        f"{url}/sparql?query={urllib.parse.quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, time.perf_counter() - began, response.read()
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - began, error.read()
    except OSError:
        return 0, time.perf_counter() - began, b""


def _memory(group: int) -> tuple[float, float]:
    """(PSS, RSS) in GB, summed over the processes of process group ``group``."""
    pss = rss = 0
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or os.getpgid(int(entry.name)) != group:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("Pss", "Rss"):
                    kilobytes = int(value.split()[0])
                    pss += kilobytes if name == "Pss" else 0
                    rss += kilobytes if name == "Rss" else 0
        except (OSError, ValueError):
            continue  # a process that ended meanwhile
    return pss / 2**20, rss / 2**20


def _median_ms(url: str, queries: list[str]) -> str:
    times = [seconds for status, seconds, _ in (_ask(url, q) for q in queries) if status == 200]
    if not times:
        return "no answer"
    return f"{statistics.median(times) * 1000:.1f} ms ({len(times)}/{len(queries)} answered)"


def _aggregation(number: int) -> str:
    """The aggregation with a comment of its own (the same work, another text)."""
    return QUERIES["aggregation"][0].format() + f"\n# {number}"


def heavy_load(url: str, group: int, clients: int, seconds: float) -> str:
    """``clients`` threads sending aggregations for ``seconds``; what they got and the
    highest PSS of process group ``group`` meanwhile."""
    statuses: list[int] = []
    numbers = itertools.count(1_000_000)
    end = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < end:
            statuses.append(_ask(url, _aggregation(next(numbers)))[0])

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    highest = 0.0
    while any(thread.is_alive() for thread in threads):
        highest = max(highest, _memory(group)[0])
        time.sleep(0.2)
    answered, busy = statuses.count(200), statuses.count(503)
    return (
        f"heavy load, {clients} clients for {seconds:g} s: {answered} answers, {busy} busy "
        f"(503), {len(statuses) - answered - busy} other; highest PSS {highest:.2f} GB"
    )


def measure(tree: Path, args: argparse.Namespace) -> dict[str, float]:
    """Start the server of ``tree``, print its figures, stop it; the figures of the goals."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = args.work / f"lean-serving-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(tree), "REGIOGRAAF_ROOT": str(args.root)}
    began = time.monotonic()
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(args.store), str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tree,
            start_new_session=True,
        )
    try:
        while _ask(url, "ASK { ?s ?p ?o }", timeout=5)[0] != 200:
            if time.monotonic() - began > args.timeout or process.poll() is not None:
                raise SystemExit(f"{tree}: no answer; see {log}")
            time.sleep(0.2)
        first = time.monotonic() - began
        while log.read_text(errors="replace").count("store in memory:") < args.workers:
            if time.monotonic() - began > args.timeout:
                raise SystemExit(f"{tree}: the copies did not complete; see {log}")
            time.sleep(0.5)
        copied = time.monotonic() - began
        pss, rss = _memory(process.pid)
        print(
            f"{tree}: first answer {first:.1f} s; copied {copied:.1f} s; "
            f"PSS {pss:.2f} GB, RSS {rss:.2f} GB",
            flush=True,
        )
        quiet = wait_until_idle(process.pid, args.settle, interval=3.0, share=0.1)
        status, _, body = _ask(url, _PROJECTS.format(n=args.lookups))
        if status != 200:
            raise SystemExit(f"{tree}: the project list was answered {status} {body!r}; see {log}")
        rows = json.loads(body)["results"]["bindings"]
        lookups = [QUERIES["lookup"][0].format(project=row["p"]["value"]) for row in rows]
        aggregations = [_aggregation(number) for number in range(args.aggregations)]
        print(
            f"  after {quiet:.0f} s: lookups: {_median_ms(url, lookups)}; "
            f"aggregation: {_median_ms(url, aggregations)}; "
            f"PSS after {_memory(process.pid)[0]:.2f} GB",
            flush=True,
        )
        print(f"  {heavy_load(url, process.pid, args.heavy_clients, args.heavy_seconds)}")
        return {"first answer s": first, "PSS GB": pss}
    finally:
        stop_process_group(process, wait=30)


def main() -> int:
    """Measure every tree (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a built store, served as is")
    parser.add_argument("--root", type=Path, required=True, help="REGIOGRAAF_ROOT for it")
    parser.add_argument("--tree", type=Path, action="append", help="checkouts (default: this)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--settle", type=float, default=300, help="most seconds to wait")
    parser.add_argument("--lookups", type=int, default=400)
    parser.add_argument("--aggregations", type=int, default=12)
    parser.add_argument("--heavy-clients", type=int, default=8)
    parser.add_argument("--heavy-seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--work", type=Path, default=Path("/tmp"), help="where the logs go")
    args = parser.parse_args()
    args.store, args.root = args.store.resolve(), args.root.resolve()
    trees = [tree.resolve() for tree in args.tree or [Path(__file__).resolve().parent.parent]]
    figures = {}
    for tree in trees:
        figures = measure(tree, args)
    missed = [name for name, goal in GOALS.items() if figures[name] > goal]
    print(
        f"goals (last tree): {', '.join(f'{n} ≤ {g}' for n, g in GOALS.items())}; "
        f"missed: {', '.join(missed) or 'none'}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
