"""Measure how ``regiograaf serve`` holds up against slow, idle and heavy clients, and print it.

Two scenarios, each against a real server on 127.0.0.1 (started here, stopped at the end, on
the project's real data built into ``<work>/store``):

``idle``
    ``--idle`` connections (500) that send half a request head and then nothing, held for
    ``--seconds`` (60): whenever the server closes one (its header timeout), another is opened
    at once, so that many are pending all the time. Meanwhile a probe asks ``/health`` and a
    cheap ``/sparql`` query in turn, one after the other; printed: their p50, p99 and maximum
    latency, errors, and how many half-open connections were open on average. Run once per
    ``--workers-classes``: ``ours`` (Regiograaf's buffered gthread worker, the default of
    ``regiograaf serve``), ``gthread`` (gunicorn's stock threaded worker) and ``gevent``
    (gunicorn's gevent worker) as peers, all with the server's other settings.

``mixed``
    ``--connections`` (50) keep-alive clients for ``--seconds`` (60): ``--expensive`` (10) of
    them send expensive queries (a join of every triple with every triple with every triple,
    counted: far more than the time limit; a join of every triple with every triple, sorted:
    gigabytes), the others cheap ones (one project's properties, an ASK, a count
    per class). Printed: answers per status (503 and 429 are the documented refusals; any other
    non-200 is counted as an error), the cheap queries' p50/p99, and the memory of each worker
    (its RSS, and the PSS of the worker with its query processes, from ``/proc``) at the start,
    at its highest during the load and 15 s after it.

    .venv/bin/python benchmarks/resilience.py --help
    .venv/bin/python benchmarks/resilience.py --scenarios idle mixed

Exit code 1 when a figure misses its goal (idle: p99 ≥ 1 s or an error; mixed: an error other
than 503/429, cheap p99 ≥ 1 s), 0 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
from tests.support import free_port, stop_process_group  # noqa: E402

WORK = REPOSITORY / "var" / "bench" / "resilience"
PAGE = os.sysconf("SC_PAGE_SIZE")

CHEAP_QUERIES = (
    "SELECT ?p ?o WHERE { <https://w3id.org/regiograaf/id/gemeente/gm0599> ?p ?o }",
    "ASK { ?s a <https://w3id.org/regiograaf/def#Project> }",
    "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
)
#: Expensive queries: one that computes for ever, one that sorts a join (memory grows fast).
EXPENSIVE_QUERIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
)
HALF_REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "

#: How each worker class is started: gunicorn options over the server's own.
WORKER_CLASSES = {
    "ours": {},
    "gthread": {"worker_class": "gthread"},
    "gevent": {"worker_class": "gevent"},
}

_SERVE = """
import json, sys
from server.settings import load_settings
from server.web.gunicorn_app import RegiograafApplication
store, port, options = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
settings = load_settings(store=store, host="127.0.0.1", port=port)
RegiograafApplication(settings, options).run()
"""


def log(message: str) -> None:
    """A progress line on standard error."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values`` (0 when empty)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --------------------------------------------------------------------------- the server


@dataclass
class Server:
    """A server process started by :func:`start`."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def build_store(work: Path) -> Path:
    """The project's real data built into ``work/store`` (reused while it is up to date)."""
    store = work / "store"
    command = [sys.executable, "-m", "server", "build", "--store", str(store)]
    subprocess.run(command, check=True, cwd=REPOSITORY, stdout=subprocess.DEVNULL)
    return store


def start(name: str, store: Path, work: Path) -> Server:
    """Start the server with worker class ``name`` and wait until it answers with its store
    in memory."""
    port = free_port()
    log_path = work / f"serve-{name}.log"
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    options = json.dumps(WORKER_CLASSES[name])
    command = [sys.executable, "-c", _SERVE, str(store), str(port), options]
    with log_path.open("wb") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = Server(name, port, process, log_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log_path.read_text(errors='replace')}")
        if request(server, "/health", timeout=2)[0] == 200 and _copies(server) >= len(
            workers(server)
        ):
            return server
        time.sleep(0.5)
    stop(server)
    raise RuntimeError(f"{name} did not start:\n{log_path.read_text(errors='replace')}")


def _copies(server: Server) -> int:
    return server.log.read_text(errors="replace").count("store in memory:")


def stop(server: Server) -> None:
    """Stop the server's process group."""
    stop_process_group(server.process, wait=30)


def children(pid: int) -> list[int]:
    """The child processes of ``pid``."""
    text = ""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:  # a process forked by another thread is listed under that thread
            text += " " + (task / "children").read_text()
        except OSError:
            continue
    return [int(part) for part in text.split()]


def workers(server: Server) -> list[int]:
    """The gunicorn workers of the server (children of its master)."""
    return children(server.process.pid)


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (0 when it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size of ``pid`` in MB (shared pages split among their sharers)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return 0.0


def family_pss_mb(pid: int) -> float:
    """PSS of a worker and its query processes."""
    return pss_mb(pid) + sum(pss_mb(child) for child in children(pid))


# --------------------------------------------------------------------------- requests


def request(
    server: Server,
    path: str,
    timeout: float = 10,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, float]:
    """Status and seconds of one GET (status 0: no answer)."""
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    began = time.monotonic()
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
        conn.close()
    finally:
        if own:
            conn.close()
    return status, time.monotonic() - began


def query_path(query: str) -> str:
    """The ``/sparql`` GET path of ``query``."""
    return "/sparql?" + urlencode({"query": query})


# --------------------------------------------------------------------------- idle scenario


@dataclass
class IdleResult:
    """What the idle scenario measured for one worker class."""

    name: str
    probes: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    open_samples: list[int] = field(default_factory=list)
    reopened: int = 0

    def row(self) -> dict[str, object]:
        """The printed figures."""
        return {
            "worker class": self.name,
            "probes": self.probes,
            "errors": self.errors,
            "p50 ms": round(percentile(self.latencies, 0.5) * 1000, 1),
            "p99 ms": round(percentile(self.latencies, 0.99) * 1000, 1),
            "max ms": round(max(self.latencies, default=0) * 1000, 1),
            "half-open held (mean)": round(sum(self.open_samples) / max(1, len(self.open_samples))),
            "reopened": self.reopened,
        }


def hold_half_open(server: Server, count: int, stop_at: float, result: IdleResult) -> None:
    """Keep ``count`` half-open connections until ``stop_at``, reopening closed ones."""
    held: list[socket.socket] = []
    while time.monotonic() < stop_at:
        alive = []
        for sock in held:
            try:
                if sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    sock.close()
                    result.reopened += 1
                    continue
            except BlockingIOError:
                pass
            except OSError:
                sock.close()
                result.reopened += 1
                continue
            alive.append(sock)
        held = alive
        while len(held) < count and time.monotonic() < stop_at:
            try:
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=1)
                sock.sendall(HALF_REQUEST)
                held.append(sock)
            except OSError:
                break
        result.open_samples.append(len(held))
        time.sleep(0.2)
    for sock in held:
        sock.close()


def idle_scenario(server: Server, count: int, seconds: float) -> IdleResult:
    """Half-open connections held while a probe keeps asking (see the module docstring)."""
    result = IdleResult(server.name)
    stop_at = time.monotonic() + seconds
    holder = threading.Thread(target=hold_half_open, args=(server, count, stop_at, result))
    holder.start()
    paths = ["/health", query_path(CHEAP_QUERIES[1])]
    while time.monotonic() < stop_at:
        status, seconds_taken = request(server, paths[result.probes % 2], timeout=10)
        result.probes += 1
        result.latencies.append(seconds_taken)
        if status != 200:
            result.errors += 1
        time.sleep(0.05)
    holder.join()
    return result


# --------------------------------------------------------------------------- mixed scenario


@dataclass
class MixedResult:
    """What the mixed scenario measured."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    cheap: list[float] = field(default_factory=list)
    memory: dict[int, dict[str, float]] = field(default_factory=dict)


def client(
    server: Server, expensive: bool, stop_at: float, result: MixedResult, lock: threading.Lock
) -> None:
    """One keep-alive client sending its kind of query until ``stop_at``."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    index = 0
    while time.monotonic() < stop_at:
        queries = EXPENSIVE_QUERIES if expensive else CHEAP_QUERIES
        query = queries[index % len(queries)]
        index += 1
        status, seconds = request(server, query_path(query), connection=connection)
        with lock:
            result.statuses["expensive" if expensive else "cheap", status] += 1
            if not expensive and status == 200:
                result.cheap.append(seconds)
        if status in (0, 503, 429):
            time.sleep(0.5 if expensive else 0.05)
            if status == 0:
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.close()


def sample_memory(server: Server, result: MixedResult, key: str) -> None:
    """Record each worker's memory under ``key`` (``max`` keeps the highest)."""
    for pid in workers(server):
        entry = result.memory.setdefault(pid, {})
        rss, family = rss_mb(pid), family_pss_mb(pid)
        if key == "max":
            entry["max rss"] = max(entry.get("max rss", 0.0), rss)
            entry["max pss"] = max(entry.get("max pss", 0.0), family)
        else:
            entry[f"{key} rss"], entry[f"{key} pss"] = rss, family


def mixed_scenario(server: Server, connections: int, expensive: int, seconds: float) -> MixedResult:
    """The mixed load (see the module docstring)."""
    result = MixedResult()
    sample_memory(server, result, "start")
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(server, n < expensive, stop_at, result, lock))
        for n in range(connections)
    ]
    for thread in threads:
        thread.start()
    while time.monotonic() < stop_at:
        sample_memory(server, result, "max")
        time.sleep(1)
    for thread in threads:
        thread.join()
    time.sleep(15)
    sample_memory(server, result, "after")
    return result


# --------------------------------------------------------------------------- main


def table(rows: list[dict[str, object]]) -> str:
    """A Markdown table of ``rows``."""
    if not rows:
        return ""
    names = list(rows[0])
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(str(row[name]) for name in names) + " |" for row in rows]
    return "\n".join(lines)


def report_mixed(result: MixedResult) -> tuple[str, bool]:
    """The printed figures of the mixed scenario, and whether they meet the goals."""
    errors = sum(
        count for (_, status), count in result.statuses.items() if status not in (200, 503, 429)
    )
    p99 = percentile(result.cheap, 0.99)
    lines = ["answers per kind and status:"]
    lines += [
        f"  {kind} {status}: {count}" for (kind, status), count in sorted(result.statuses.items())
    ]
    lines.append(f"errors other than 503/429: {errors}")
    lines.append(
        f"cheap queries answered 200: {len(result.cheap)}, p50 "
        f"{percentile(result.cheap, 0.5) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
    )
    rows = [
        {"worker": pid, **{name: round(value, 1) for name, value in sorted(entry.items())}}
        for pid, entry in sorted(result.memory.items())
    ]
    lines += ["memory per worker (MB; PSS: the worker and its query processes):", table(rows)]
    return "\n".join(lines), errors == 0 and p99 < 1.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenarios", nargs="+", choices=("idle", "mixed"), default=["idle", "mixed"]
    )
    parser.add_argument(
        "--worker-classes", nargs="+", choices=tuple(WORKER_CLASSES), default=list(WORKER_CLASSES)
    )
    parser.add_argument("--idle", type=int, default=500, help="half-open connections (500)")
    parser.add_argument("--connections", type=int, default=50, help="mixed clients (50)")
    parser.add_argument("--expensive", type=int, default=10, help="of which expensive (10)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each load (60)")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scenarios and print their figures."""
    args = parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    log("building the real data")
    store = build_store(args.work)
    ok = True
    if "idle" in args.scenarios:
        rows = []
        for name in args.worker_classes:
            log(f"idle scenario: {name}")
            server = start(name, store, args.work)
            try:
                result = idle_scenario(server, args.idle, args.seconds)
            finally:
                stop(server)
            rows.append(result.row())
            if name == "ours":
                ok = ok and result.errors == 0 and percentile(result.latencies, 0.99) < 1.0
        print(f"## {args.idle} half-open connections held for {args.seconds:g} s\n")
        print(table(rows) + "\n", flush=True)
    if "mixed" in args.scenarios:
        log("mixed scenario")
        server = start("ours", store, args.work)
        try:
            mixed = mixed_scenario(server, args.connections, args.expensive, args.seconds)
        finally:
            stop(server)
        text, mixed_ok = report_mixed(mixed)
        print(
            f"## {args.connections} connections ({args.expensive} expensive) for "
            f"{args.seconds:g} s\n\n{text}\n",
            flush=True,
        )
        ok = ok and mixed_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
