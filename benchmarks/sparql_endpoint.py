"""Benchmark ``/sparql`` of Regiograaf against rdflib-endpoint (default store and Oxigraph).

The same quads are served by every server, the same query texts are sent to every server, and
the servers run one after another on the same machine, so the comparison is made within one
run (the machine may be busy with other work: compare ratios, not absolute numbers).

Servers (all bound to 127.0.0.1, stopped at the end):

- ``ours``: ``regiograaf serve`` (gunicorn, default workers and threads) on its own store;
- ``rdflib``: ``rdflib-endpoint serve FILE`` (uvicorn, rdflib's in-memory store);
- ``oxigraph``: ``rdflib-endpoint serve FILE --store Oxigraph`` (oxrdflib).

rdflib-endpoint runs from its own virtualenv (``--peer-venv``, default ``var/bench-venv``)::

    python3 -m venv var/bench-venv
    var/bench-venv/bin/pip install 'rdflib-endpoint[cli]' oxrdflib

Data sets:

- ``real``: the project itself, built with :func:`server.build.build` (validation and OWL RL
  inference included) into ``<work>/real/store``;
- ``generated``: a copy of the project (``<work>/generated/root``) plus ``--projects``
  generated projects (``benchmarks/generate_projects.py``; a sample of them is validated with
  ``regiograaf validate``) in ``data/voorbeelden/benchmark-projecten.ttl``. The full build
  (pySHACL over every project and owlrl over the whole graph) takes far too long at this size,
  so the store is loaded through the store API (:meth:`EmbeddedStore.replace`): the graphs of
  the real build (its inferred graph included), the generated file as its own named graph, and
  a meta graph with the data version of the copied root, so ``regiograaf serve`` finds the
  store up to date and does not rebuild it. No entailments are computed for the generated
  projects.

rdflib-endpoint gets every named graph of our store as one N-Quads file (``dataset.nq``,
written by our store's engine), and serves it with the union of all graphs as default graph,
as ours does; the correctness check compares the number of result rows of every query.

Load: ``--clients`` threads, each with its own keep-alive HTTP/1.1 connection, send the query
back to back for ``--duration`` seconds (after ``--warmup`` seconds not measured); requests
still running at the end are waited for (at most ``--request-timeout``). Printed per data set,
query and server: requests/s, p50 and p99 latency, and the ratio ours / best rdflib-endpoint.

    .venv/bin/python benchmarks/sparql_endpoint.py --help
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph

from server.build import META_GRAPH, build, data_version, meta_graph
from server.settings import PROJECT_ROOT, load_settings
from server.sources import discover
from server.store.embedded import EmbeddedStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_projects

WORK = PROJECT_ROOT / "var" / "bench"
PEER_VENV = PROJECT_ROOT / "var" / "bench-venv"
SOURCE_FOLDERS = ("ontology", "shapes", "data", "queries")
GENERATED_FILE = Path("data") / "voorbeelden" / "benchmark-projecten.ttl"
SERVERS = ("ours", "rdflib", "oxigraph")
PEERS = ("rdflib", "oxigraph")
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"

PREFIXES = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX dct: <http://purl.org/dc/terms/>
"""

#: The queries: name → (text with {project} and {municipality}, kind, Accept).
QUERIES: dict[str, tuple[str, str]] = {
    "lookup": (
        "SELECT ?property ?value WHERE {{ <{project}> ?property ?value }}",
        SELECT_ACCEPT,
    ),
    "aggregation": (
        PREFIXES
        + """SELECT ?stage ?status (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
  ?project a rg:Project ; rg:stage ?stage ; rg:status ?status .
}} GROUP BY ?stage ?status ORDER BY ?stage ?status""",
        SELECT_ACCEPT,
    ),
    "construct": (
        PREFIXES
        + """CONSTRUCT {{ ?project dct:title ?title ; rg:stage ?stage }} WHERE {{
  ?project rg:leadMunicipality <{municipality}> ; dct:title ?title ; rg:stage ?stage .
  FILTER(LANG(?title) = "nl")
}}""",
        GRAPH_ACCEPT,
    ),
}

#: The project and municipality each data set's queries are about.
SUBJECTS = {
    "real": {
        "project": "https://w3id.org/regiograaf/id/project/voorbeeld-rotterdam-digital-twin-binnenstad",
        "municipality": "https://w3id.org/regiograaf/id/gemeente/gm0599",
    },
    "generated": {
        "project": "https://w3id.org/regiograaf/id/project/benchmark-050000",
        "municipality": "https://w3id.org/regiograaf/id/gemeente/gm0599",
    },
}


def log(message: str) -> None:
    """Progress on stderr, with a time stamp."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- data sets -----------------------------------------------------------------------------


@dataclass
class DataSet:
    """A data set ready to serve: our store (and its root) and the peers' N-Quads file."""

    name: str
    root: Path
    store: Path
    nquads: Path
    quads: int
    projects: int
    notes: list[str] = field(default_factory=list)


def _copy_root(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in SOURCE_FOLDERS:
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, target / name)
    return target


def _graphs_of(store: EmbeddedStore) -> dict[str, Graph]:
    """Every named graph of ``store`` as an rdflib graph (fine for the small real data)."""
    graphs: dict[str, Graph] = {}
    for iri in store.named_graphs():
        graph = Graph()
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph_uris=[iri])
        for row in result.rows():
            graph.add((row["subject"], row["predicate"], row["object"]))
        graphs[iri] = graph
    return graphs


def export_nquads(store: EmbeddedStore, target: Path) -> int:
    """Write every named graph of ``store`` to ``target`` as N-Quads (serialised by the store's
    engine as N-Triples, one graph at a time); return the number of quads."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for iri in store.named_graphs():
            result = store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph_uris=[iri]
            )
            text = result.serialize("application/n-triples").decode("utf-8")
            suffix = f" <{iri}> .\n"
            for line in text.splitlines():
                line = line.rstrip()
                if line and not line.startswith("#"):
                    assert line.endswith(" .") or line.endswith("."), line
                    out.write(line[:-1].rstrip() + suffix)
                    count += 1
    return count


def _project_count(store: EmbeddedStore) -> int:
    result = store.query(
        PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a rg:Project }"
    ).rows()
    return int(result[0]["n"])


def prepare_real(work: Path) -> DataSet:
    """Build the project's own data (full build) and export it for the peers."""
    folder = work / "real"
    folder.mkdir(parents=True, exist_ok=True)
    settings = load_settings(root=PROJECT_ROOT, store=folder / "store")
    began = time.monotonic()
    result = build(settings)
    if not result.ok:
        raise SystemExit(f"the project data does not build: {result.status}")
    log(f"real: store {result.status} in {time.monotonic() - began:.1f} s")
    store = EmbeddedStore(settings.store)
    quads = export_nquads(store, folder / "dataset.nq")
    return DataSet(
        "real",
        PROJECT_ROOT,
        settings.store,
        folder / "dataset.nq",
        quads,
        _project_count(store),
        ["full `regiograaf build` (validation, OWL RL inference)"],
    )


def prepare_generated(work: Path, real: DataSet, projects: int, seed: int) -> DataSet:
    """Generate ``projects`` projects, validate a sample, and load them with the real graphs
    into a store through :meth:`EmbeddedStore.replace` (see the module docstring)."""
    folder = work / "generated"
    root = _copy_root(folder / "root")
    target = root / GENERATED_FILE
    began = time.monotonic()
    made = generate_projects.generate(
        projects,
        target,
        root=root,
        seed=seed,
        sample_out=folder / "sample.ttl",
        sample_size=200,
    )
    log(
        f"generated: {made.count} projects, {made.triples} triples in "
        f"{time.monotonic() - began:.1f} s"
    )
    began = time.monotonic()
    # Validate against the project itself: a root with the 100k projects as context would
    # make pySHACL check every one of them.
    checked = generate_projects.validate(folder / "sample.ttl", PROJECT_ROOT)
    if checked.returncode != 0:
        raise SystemExit(f"the generated sample does not validate:\n{checked.stdout}")
    log(
        f"generated: sample of {made.sample_count} projects valid (regiograaf validate, "
        f"{time.monotonic() - began:.1f} s)"
    )

    began = time.monotonic()
    graphs = {
        iri: g for iri, g in _graphs_of(EmbeddedStore(real.store)).items() if iri != META_GRAPH
    }
    sources = discover(root)
    generated_source = next(s for s in sources if s.path == target.resolve())
    generated = Graph()
    generated.parse(target, format="turtle")
    graphs[generated_source.graph] = generated
    missing = [s.relpath for s in sources if s.graph not in graphs]
    if missing:
        raise SystemExit(f"sources missing from the real store: {missing}")
    version = data_version(sources)
    when = datetime.now(UTC).replace(microsecond=0)
    graphs[META_GRAPH] = meta_graph(sources, version, sorted(graphs), when)
    store_path = folder / "store"
    store = EmbeddedStore(store_path, read_only=False)
    store.replace(graphs, version, {"root": str(root), "note": "loaded by the benchmark"})
    log(
        f"generated: store loaded through EmbeddedStore.replace in {time.monotonic() - began:.1f} s"
    )
    reader = EmbeddedStore(store_path)
    quads = export_nquads(reader, folder / "dataset.nq")
    return DataSet(
        "generated",
        root,
        store_path,
        folder / "dataset.nq",
        quads,
        _project_count(reader),
        [
            f"{made.count} generated projects ({made.triples} triples) + the real build; "
            f"sample of {made.sample_count} validated with `regiograaf validate`",
            "loaded with EmbeddedStore.replace (no full build: pySHACL and owlrl over "
            "100k projects are too slow); no entailments for the generated projects",
        ],
    )


def ensure_current(data: DataSet) -> None:
    """Stop when ``regiograaf serve`` would rebuild the store (sources or code changed)."""
    version = data_version(discover(data.root))
    if EmbeddedStore(data.store).data_version() != version:
        raise SystemExit(
            f"{data.name}: the store is stale (the code or sources changed since it was "
            "loaded); run the benchmark again"
        )


# --- servers -------------------------------------------------------------------------------


@dataclass
class Server:
    """A running server process in its own process group."""

    name: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    endpoint: str = "/sparql"
    startup: float = 0.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(host: str, port: int, path: str) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def start_server(
    name: str, data: DataSet, work: Path, peer_venv: Path, workers: int | None, timeout: float
) -> Server:
    """Start ``name`` on ``data`` and wait until it answers (at most ``timeout`` seconds)."""
    port = free_port()
    log_path = work / f"{data.name}-{name}.log"
    env = dict(os.environ)
    if name == "ours":
        ensure_current(data)
        script = Path(sys.executable).with_name("regiograaf")
        command = [
            str(script),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(data.store),
        ]
        if workers:
            command += ["--workers", str(workers)]
        env["REGIOGRAAF_ROOT"] = str(data.root)
        ready = "/health"
    else:
        command = [
            str(peer_venv / "bin" / "rdflib-endpoint"),
            "serve",
            str(data.nquads),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        if name == "oxigraph":
            command += ["--store", "Oxigraph"]
        # rdflib-endpoint's CLI serves the SPARQL endpoint at "/".
        ready = "/?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
    endpoint = "/sparql" if name == "ours" else "/"
    began = time.monotonic()
    with log_path.open("wb") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = Server(name, "127.0.0.1", port, process, log_path, endpoint)
    deadline = began + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        if _status(server.host, port, ready) == 200:
            server.startup = time.monotonic() - began
            return server
        time.sleep(0.5)
    stop_server(server)
    raise RuntimeError(f"{name} did not start within {timeout:.0f} s (see {log_path})")


def stop_server(server: Server) -> None:
    """Stop the server's own process group (SIGTERM, then SIGKILL)."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


# --- load ----------------------------------------------------------------------------------


@dataclass
class Measurement:
    """The result of one load run of one query against one server."""

    data_set: str
    query: str
    server: str
    rows: int
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float


def count_rows(body: bytes, accept: str) -> int:
    """Result rows: SELECT solutions (JSON) or CONSTRUCT triples (N-Triples lines)."""
    if accept == SELECT_ACCEPT:
        return len(json.loads(body)["results"]["bindings"])
    return sum(
        1 for line in body.decode("utf-8").splitlines() if line.strip() and not line.startswith("#")
    )


def fetch(host: str, port: int, path: str, accept: str, timeout: float) -> tuple[int, bytes]:
    """One GET on a fresh connection: status and body."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank) of ``values``; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def load(
    host: str,
    port: int,
    path: str,
    accept: str,
    *,
    clients: int,
    duration: float,
    max_requests: int,
    timeout: float,
) -> tuple[list[float], int, float]:
    """Run ``clients`` keep-alive clients for ``duration`` seconds (and at most
    ``max_requests`` requests in all); return the latencies in seconds of the successful
    requests, the number of failed ones, and the elapsed seconds until the last answer."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    lock = threading.Lock()
    began = time.monotonic()
    stop_at = began + duration

    def client() -> None:
        nonlocal errors, issued
        connection: http.client.HTTPConnection | None = None
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            with lock:
                if issued >= max_requests:
                    break
                issued += 1
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=timeout)
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": accept})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = None
            if ok:
                mine.append(time.perf_counter() - start)
            else:
                failed += 1
        if connection is not None:
            connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + timeout + 10)
    return latencies, errors, time.monotonic() - began


def measure(
    server: Server, data: DataSet, args: argparse.Namespace, expected: dict[str, int]
) -> list[Measurement]:
    """Check every query's row count, then load the server with each query."""
    results = []
    for name in args.queries:
        text, accept = QUERIES[name]
        sparql = text.format(**SUBJECTS[data.name])
        path = server.endpoint + "?query=" + urllib.parse.quote(sparql)
        status, body = fetch(server.host, server.port, path, accept, args.request_timeout)
        if status != 200:
            raise RuntimeError(f"{server.name} {name}: HTTP {status}: {body[:500]!r}")
        rows = count_rows(body, accept)
        expected.setdefault(name, rows)
        if rows != expected[name]:
            log(
                f"MISMATCH {data.name} {name}: {server.name} returned {rows} rows, "
                f"{expected[name]} expected"
            )
        if args.warmup > 0:
            load(
                server.host,
                server.port,
                path,
                accept,
                clients=args.clients,
                duration=args.warmup,
                max_requests=args.max_requests,
                timeout=args.request_timeout,
            )
        latencies, errors, seconds = load(
            server.host,
            server.port,
            path,
            accept,
            clients=args.clients,
            duration=args.duration,
            max_requests=args.max_requests,
            timeout=args.request_timeout,
        )
        measurement = Measurement(
            data.name,
            name,
            server.name,
            rows,
            len(latencies),
            errors,
            round(seconds, 2),
            round(len(latencies) / seconds, 2) if seconds else 0.0,
            round(percentile(latencies, 0.50) * 1000, 2),
            round(percentile(latencies, 0.99) * 1000, 2),
        )
        log(
            f"{data.name} {name} {server.name}: {measurement.per_second} req/s, "
            f"p50 {measurement.p50_ms} ms, p99 {measurement.p99_ms} ms, "
            f"{measurement.requests} ok, {errors} errors, {rows} rows"
        )
        results.append(measurement)
    return results


# --- report --------------------------------------------------------------------------------


def ratios(results: list[Measurement]) -> list[dict[str, Any]]:
    """Per data set and query: ours / best peer for requests/s, best peer / ours for p50."""
    table = []
    keys = sorted(
        {(m.data_set, m.query) for m in results}, key=lambda k: (k[0], list(QUERIES).index(k[1]))
    )
    for data_set, query in keys:
        group = {m.server: m for m in results if (m.data_set, m.query) == (data_set, query)}
        ours = group.get("ours")
        peers = [group[p] for p in PEERS if p in group and group[p].requests]
        if ours is None or not peers:
            continue
        best = max(peers, key=lambda m: m.per_second)
        table.append(
            {
                "data_set": data_set,
                "query": query,
                "best_peer": best.server,
                "throughput_ratio": round(ours.per_second / best.per_second, 1),
                "p50_ratio": round(best.p50_ms / ours.p50_ms, 1) if ours.p50_ms else None,
                "rows_agree": len({m.rows for m in group.values()}) == 1,
            }
        )
    return table


def markdown(results: list[Measurement], summary: list[dict[str, Any]]) -> str:
    """The figures and the ratios as Markdown tables."""
    lines = [
        "| data set | query | server | rows | requests | errors | req/s | p50 ms | p99 ms |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for m in results:
        lines.append(
            f"| {m.data_set} | {m.query} | {m.server} | {m.rows} | {m.requests} | "
            f"{m.errors} | {m.per_second:g} | {m.p50_ms:g} | {m.p99_ms:g} |"
        )
    lines += [
        "",
        "| data set | query | best rdflib-endpoint store | req/s ours / best | "
        "p50 best / ours | rows agree |",
        "|---|---|---|--:|--:|---|",
    ]
    for row in summary:
        lines.append(
            f"| {row['data_set']} | {row['query']} | {row['best_peer']} | "
            f"{row['throughput_ratio']}x | {row['p50_ratio']}x | "
            f"{'yes' if row['rows_agree'] else 'NO'} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": os.getloadavg(),
    }


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (see ``--help``)."""
    parser = argparse.ArgumentParser(
        description="Benchmark Regiograaf's /sparql against rdflib-endpoint "
        "(default store and Oxigraph) on the same data and queries.",
    )
    parser.add_argument(
        "--data-sets", nargs="+", choices=("real", "generated"), default=["real", "generated"]
    )
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    parser.add_argument("--queries", nargs="+", choices=tuple(QUERIES), default=list(QUERIES))
    parser.add_argument(
        "--projects", type=int, default=100_000, help="generated projects (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="seed of the generator")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load per query and server (10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of unmeasured load before each run (2)"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=200_000,
        help="most requests per run, all clients together (200000)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=180.0,
        help="seconds a single request may take (180)",
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=900.0,
        help="seconds a server may take to load its data and start (900)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers for ours (default: the server's setting)",
    )
    parser.add_argument(
        "--peer-venv",
        type=Path,
        default=PEER_VENV,
        help="virtualenv with rdflib-endpoint[cli] and oxrdflib",
    )
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder (var/bench)")
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the results as JSON here"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the data sets, run every server on each, print the tables; exit 1 when the
    servers disagree on a row count or a run had errors."""
    args = parse_args(argv)
    if any(s in PEERS for s in args.servers):
        peer = args.peer_venv / "bin" / "rdflib-endpoint"
        if not peer.exists():
            raise SystemExit(f"{peer} is missing: see --help and the module docstring")
    args.work.mkdir(parents=True, exist_ok=True)
    real = prepare_real(args.work)
    data_sets: list[DataSet] = []
    if "real" in args.data_sets:
        data_sets.append(real)
    if "generated" in args.data_sets:
        data_sets.append(prepare_generated(args.work, real, args.projects, args.seed))
    for data in data_sets:
        log(f"{data.name}: {data.quads} quads, {data.projects} projects")

    results: list[Measurement] = []
    startups: dict[str, float] = {}
    mismatch = False
    for data in data_sets:
        expected: dict[str, int] = {}
        for name in args.servers:
            log(f"{data.name}: starting {name}")
            server = start_server(
                name, data, args.work, args.peer_venv, args.workers, args.start_timeout
            )
            startups[f"{data.name}/{name}"] = round(server.startup, 1)
            log(f"{data.name}: {name} ready in {server.startup:.1f} s on port {server.port}")
            try:
                got = measure(server, data, args, expected)
            finally:
                stop_server(server)
            results.extend(got)
            mismatch |= any(m.rows != expected[m.query] for m in got)

    summary = ratios(results)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "data_sets": [
            {"name": d.name, "quads": d.quads, "projects": d.projects, "notes": d.notes}
            for d in data_sets
        ],
        "startup_seconds": startups,
        "results": [asdict(m) for m in results],
        "ratios": summary,
    }
    print(markdown(results, summary))
    print()
    for row in summary:
        goal = {"lookup": 2, "aggregation": 10}.get(row["query"])
        if goal is not None:
            verdict = "met" if row["throughput_ratio"] >= goal else "NOT met"
            print(
                f"goal {row['data_set']} {row['query']}: ≥ {goal}x → "
                f"{row['throughput_ratio']}x ({verdict})"
            )
    print(f"startup seconds: {startups}")
    print(f"machine: {report['machine']}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    errors = any(m.errors for m in results)
    return 1 if mismatch or errors else 0


if __name__ == "__main__":
    sys.exit(main())
