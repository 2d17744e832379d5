"""Benchmark ``/sparql`` of Regiograaf against rdflib-endpoint (default store and Oxigraph).

The same quads are served by every server, the same query texts are sent to every server, and
every comparison is made within one round on the same machine: all three servers of a data set
run side by side (idle while another is measured), and in each round every query is sent to
each server in turn, back to back. The machine may be busy with other work: compare ratios
within a round, and run several rounds (``--rounds``) to see the spread.

Servers (all bound to 127.0.0.1, stopped at the end):

- ``ours``: ``regiograaf serve`` (gunicorn, the server's default workers, threads and
  settings) on its own store;
- ``ours-uncached``: the same with its answer cache off (``REGIOGRAAF_ANSWER_CACHE=0``), so that
  every request reaches a query process, as every request to a peer reaches its engine;
- ``rdflib``: ``rdflib-endpoint serve FILE`` (uvicorn, rdflib's in-memory store);
- ``oxigraph``: ``rdflib-endpoint serve FILE --store Oxigraph`` (oxrdflib);
- ``oxigraph-server``: the Oxigraph server (``oxigraph serve``, PyPI ``oxigraph``, Rust);
- ``virtuoso``: Virtuoso 7 (Debian ``virtuoso-opensource``); these two load the N-Quads file
  with their own bulk loaders and answer on the union of all graphs as default graph, as ours
  does (``benchmarks/store_peers.py``).

Queries: ``lookup`` (one project's properties), ``lookups`` (the same with another project's
IRI in every request, all projects in turn: a fixed query flatters any cache), ``aggregation``
and ``construct``.

rdflib-endpoint runs from its own virtualenv (``--peer-venv``, default ``var/bench-venv``)::

    python3 -m venv var/bench-venv
    var/bench-venv/bin/pip install 'rdflib-endpoint[cli]' oxrdflib

Load generator: `wrk <https://github.com/wg/wrk>`_ (C, event loop; ``apt-get install wrk``),
``--clients`` keep-alive connections on 2 threads, for a fixed time per query and server. The
benchmark stops when wrk is missing. ``--load-generator python`` uses threads in this process
instead: a fallback only, since on a small machine the Python client takes CPU time the
servers need and flattens the differences between them.

Data sets:

- ``real``: the project itself, built with :func:`server.build.pipeline.build` (validation and
OWL RL
  inference included) into ``<work>/real/store``;
- ``generated``: a copy of the project (``<work>/generated/root``) plus ``--projects``
  generated projects (``benchmarks/generate_projects.py``; a sample of them is validated with
  ``regiograaf validate``) in ``data/voorbeelden/benchmark-projecten.ttl``. The full build
  (pySHACL over every project and owlrl over the whole graph) takes far too long at this size,
  so the store is loaded through the store API (:meth:`EmbeddedStore.replace`): the graphs of
  the real build (its inferred graph included), the generated file as its own named graph, and
  a meta graph with the data version of the copied root, so ``regiograaf serve`` finds the
  store up to date and does not rebuild it. No entailments are computed for the generated
  projects. The generated store is reused by the next run while the project, the code, the
  generator, ``--projects`` and ``--seed`` are unchanged (``--fresh`` makes it anew).

rdflib-endpoint gets every named graph of our store as one N-Quads file (``dataset.nq``,
written by our store's engine), and serves it with the union of all graphs as default graph,
as ours does; before measuring, every server answers every query once and the numbers of
result rows are compared.

Each measurement: ``--warmup`` seconds of unmeasured load (skipped for a query that takes more
than half a second alone), then ``--duration`` seconds of load, stretched for slow queries to
at least ``--min-answers`` times the time the query took alone (at most ``--max-duration``),
so even the slowest server answers enough requests for a rate; then the benchmark waits
until the server is idle again (a server may still be working on requests whose clients have
gone). Printed per round, data set, query and server: requests/s (answers / seconds), p50 and
p99 latency, the server's CPU time per answer (all its processes, from /proc), and the ratio
ours / best rdflib-endpoint store; at the end the ratios of every round and their spread.

    .venv/bin/python benchmarks/sparql_endpoint.py --help
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rdflib import Graph

from server.build.pipeline import META_GRAPH, build, data_version, meta_graph
from server.build.sources import discover, selected
from server.settings import PROJECT_ROOT, load_settings
from server.store.embedded import EmbeddedStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.support
import generate_projects
from store_peers import STORE_PEERS, project_iris, start_store_peer, wrk_script

from tests.support import free_port, stop_process_group

WORK = PROJECT_ROOT / "var" / "bench"
PEER_VENV = PROJECT_ROOT / "var" / "bench-venv"
SOURCE_FOLDERS = ("ontology", "shapes", "data", "queries")
GENERATED_FILE = Path("data") / "voorbeelden" / "benchmark-projecten.ttl"
#: Ours as it serves (``ours``) and with its answer cache off (``ours-uncached``: every request
#: reaches the engine, as a peer's does; the wrk rounds repeat one query text).
OURS = ("ours", "ours-uncached")
SERVERS = (*OURS, "rdflib", "oxigraph", *STORE_PEERS)
PEERS = ("rdflib", "oxigraph", *STORE_PEERS)
#: The peers that run from rdflib-endpoint's virtualenv.
RDFLIB_PEERS = ("rdflib", "oxigraph")
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
#: The goals of issue 3: ours / best rdflib-endpoint store, in requests per second.
GOALS = {"lookup": 2.0, "aggregation": 10.0}
WRK_INSTALL = "sudo apt-get install wrk   (Debian/Ubuntu; or build it from its sources)"

PREFIXES = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX dct: <http://purl.org/dc/terms/>
"""

#: The queries: name → (text with {project} and {municipality}, Accept).
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
    # The lookup with another project's IRI in every request (all projects in turn).
    "lookups": (
        "SELECT ?property ?value WHERE {{ <{project}> ?property ?value }}",
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
    #: Whether ours serves it with the ``examples`` setting on (the generated projects are
    #: invented, in ``data/voorbeelden/``).
    examples: bool = False

    @functools.cached_property
    def project_iris(self) -> list[str]:
        """The IRIs the ``lookups`` workload asks for in turn."""
        return project_iris(self.store)


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
    """Build the project's own data (full build) from a snapshot of its sources (so edits
    made while the benchmark runs do not change what it serves) and export it for the peers."""
    folder = work / "real"
    folder.mkdir(parents=True, exist_ok=True)
    root = _copy_root(folder / "root")
    settings = load_settings(root=root, store=folder / "store")
    began = time.monotonic()
    result = build(settings)
    if not result.ok:
        raise SystemExit(f"the project data does not build: {result.status}")
    log(f"real: store {result.status} in {time.monotonic() - began:.1f} s")
    store = EmbeddedStore(settings.store)
    quads = export_nquads(store, folder / "dataset.nq")
    return DataSet(
        "real",
        root,
        settings.store,
        folder / "dataset.nq",
        quads,
        _project_count(store),
        ["full `regiograaf build` (validation, OWL RL inference) of the project's sources"],
    )


def _generated_key(projects: int, seed: int) -> str:
    """What the generated store depends on: the project's sources and code (its data
    version), the generator's code, the number of projects and the seed."""
    digest = hashlib.sha256()
    digest.update(data_version(discover(PROJECT_ROOT)).encode())
    digest.update(Path(generate_projects.__file__).read_bytes())
    digest.update(f"{projects}/{seed}".encode())
    return digest.hexdigest()


def _reusable(folder: Path, key: str) -> DataSet | None:
    """The generated data set of an earlier run, when it was made from the same things and
    ``regiograaf serve`` would not rebuild it."""
    reader = EmbeddedStore(folder / "store")
    root = folder / "root"
    try:
        made = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if made.get("key") != key or reader.metadata().get("benchmark_key") != key:
        return None
    if not (folder / "dataset.nq").is_file() or not root.is_dir():
        return None
    if reader.data_version() != _served_version(root, examples=True):
        return None  # the code changed: serve would rebuild the store
    return DataSet(
        "generated",
        root,
        folder / "store",
        folder / "dataset.nq",
        int(made["quads"]),
        int(made["projects"]),
        [*made["notes"], "reused from an earlier run of the benchmark (same sources and code)"],
        examples=True,
    )


def prepare_generated(
    work: Path, real: DataSet, projects: int, seed: int, *, fresh: bool = False
) -> DataSet:
    """Generate ``projects`` projects, validate a sample, and load them with the real graphs
    into a store through :meth:`EmbeddedStore.replace` (see the module docstring); or reuse
    the data set of an earlier run made from the same things."""
    folder = work / "generated"
    key = _generated_key(projects, seed)
    if not fresh and (reused := _reusable(folder, key)) is not None:
        log(f"generated: reusing {folder} ({reused.quads} quads)")
        return reused
    root = _copy_root(folder / "root")
    # The real build leaves the invented examples out; served with the examples on (for the
    # generated file), the root must hold no other example than the generated one.
    shutil.rmtree(root / GENERATED_FILE.parent)
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
    # The sources the real build took and the generated file, the only example in the root.
    sources = selected(discover(root), examples=True)
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
    notes = [
        f"{made.count} generated projects ({made.triples} triples) + the real build; "
        f"sample of {made.sample_count} validated with `regiograaf validate`",
        "loaded with EmbeddedStore.replace (no full build: pySHACL and owlrl over "
        "100k projects are too slow); no entailments for the generated projects",
    ]
    store = EmbeddedStore(store_path, read_only=False)
    (folder / "dataset.json").unlink(missing_ok=True)
    store.replace(
        graphs,
        version,
        {"root": str(root), "note": "loaded by the benchmark", "benchmark_key": key},
    )
    log(
        f"generated: store loaded through EmbeddedStore.replace in {time.monotonic() - began:.1f} s"
    )
    reader = EmbeddedStore(store_path)
    quads = export_nquads(reader, folder / "dataset.nq")
    data = DataSet(
        "generated",
        root,
        store_path,
        folder / "dataset.nq",
        quads,
        _project_count(reader),
        notes,
        examples=True,
    )
    # What the data set was made from, for the next run (see _reusable).
    (folder / "dataset.json").write_text(
        json.dumps({"key": key, "quads": quads, "projects": data.projects, "notes": notes}),
        encoding="utf-8",
    )
    return data


def _served_version(root: Path, examples: bool) -> str:
    """The data version ``regiograaf serve`` expects of the store of ``root`` with the
    ``examples`` setting as given."""
    return data_version(selected(discover(root), examples=examples))


def ensure_current(data: DataSet) -> None:
    """Stop when ``regiograaf serve`` would rebuild the store (sources or code changed)."""
    if EmbeddedStore(data.store).data_version() != _served_version(data.root, data.examples):
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


def launch_server(
    name: str, data: DataSet, work: Path, peer_venv: Path, workers: int | None
) -> Server:
    """Start ``name`` on ``data`` (without waiting for it)."""
    port = free_port()
    log_path = work / f"{data.name}-{name}.log"
    env = dict(os.environ)
    if name in STORE_PEERS:
        peer, endpoint = start_store_peer(name, data.nquads, work / f"{data.name}-{name}")
        address = urllib.parse.urlsplit(peer.config.query)
        assert address.port is not None
        return Server(name, "127.0.0.1", address.port, peer.process, peer.log, endpoint)
    if name in OURS:
        ensure_current(data)  # else serve would rebuild it first
        script = Path(sys.executable).with_name("regiograaf")
        command = [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--store", str(data.store)]
        if workers:
            command += ["--workers", str(workers)]
        env["REGIOGRAAF_ROOT"] = str(data.root)
        env["REGIOGRAAF_EXAMPLES"] = "1" if data.examples else "0"
        if name == "ours-uncached":
            env["REGIOGRAAF_ANSWER_CACHE"] = "0"
    else:
        command = [str(peer_venv / "bin" / "rdflib-endpoint"), "serve", str(data.nquads)]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        if name == "oxigraph":
            command += ["--store", "Oxigraph"]
    # rdflib-endpoint's CLI serves the SPARQL endpoint at "/".
    endpoint = "/sparql" if name in OURS else "/"
    with log_path.open("wb") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return Server(name, "127.0.0.1", port, process, log_path, endpoint)


def _memory_copies(server: Server) -> int:
    """How many workers of ours have logged that their in-memory copy of the store is
    complete (see ``server/store/embedded.py``)."""
    try:
        text = server.log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    return text.count("store in memory:")


def wait_ready(server: Server, data: DataSet, began: float, timeout: float, copies: int) -> None:
    """Wait until ``server`` answers, and for ours until ``copies`` workers have their
    in-memory copy of the store (their steady state; until then they query on disk)."""
    ready = "/health" if server.name in OURS else query_path(server, "ASK { ?s ?p ?o }")
    deadline = began + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            text = server.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{server.name} exited:\n{text}")
        if _status(server.host, server.port, ready) == 200 and (
            server.name not in OURS or _memory_copies(server) >= copies
        ):
            server.startup = time.monotonic() - began
            return
        time.sleep(0.5)
    raise RuntimeError(
        f"{data.name} {server.name} was not ready within {timeout:.0f} s (see {server.log_path})"
    )


def stop_server(server: Server) -> None:
    """Stop the server's own process group (SIGTERM, then SIGKILL)."""
    stop_process_group(server.process)


def _ticks_per_second() -> int:
    try:
        return os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError):
        return 100


def cpu_seconds(server: Server) -> float:
    """CPU time (user + system) used so far by the server's processes (its process group)."""
    return group_cpu_seconds(server.process.pid)


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the live processes of process group
    ``group``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp ... utime (14th field) stime (15th).
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / _ticks_per_second()


def wait_idle(server: Server, limit: float = 600.0) -> float:
    """Wait until the server uses less than 5 % of a core over half a second (it may still be
    answering requests whose clients have gone); return the seconds waited."""
    return wait_until_idle(server.process.pid, limit, interval=0.5, share=0.05)


def wait_until_idle(group: int, limit: float, *, interval: float, share: float) -> float:
    """Wait (at most ``limit`` seconds) until process group ``group`` uses less than ``share``
    of a core over ``interval`` seconds; return the seconds waited."""
    began = time.monotonic()
    before = group_cpu_seconds(group)
    while time.monotonic() - began < limit:
        time.sleep(interval)
        now = group_cpu_seconds(group)
        if now - before < share * interval:
            break
        before = now
    return time.monotonic() - began


# --- load ----------------------------------------------------------------------------------


@dataclass
class Measurement:
    """The result of one load run of one query against one server."""

    round: int
    data_set: str
    query: str
    server: str
    rows: int
    alone_ms: float
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    generator: str


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


@dataclass
class Load:
    """What a load generator measured: answers (status 200), failures, seconds, latencies."""

    requests: int
    errors: int
    seconds: float
    p50: float
    p99: float


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    """The numbers of ``wrk --latency`` output."""
    done = re.search(r"(\d+) requests in ([0-9.]+[a-z]+)", output)
    if done is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    total, seconds = int(done.group(1)), _seconds(done.group(2))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([0-9.]+[a-z]+)\s*$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = int(non_2xx.group(1)) if non_2xx else 0
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(n) for n in sockets.groups()) if sockets else 0
    return Load(
        requests=total - failed,
        errors=failed + socket_errors,
        seconds=seconds,
        p50=_seconds(latency["50"]) if "50" in latency else float("nan"),
        p99=_seconds(latency["99"]) if "99" in latency else float("nan"),
    )


def load_wrk(
    url: str,
    accept: str,
    *,
    clients: int,
    duration: float,
    timeout: float,
    script: Path | None = None,
) -> Load:
    """Run wrk: ``clients`` keep-alive connections on up to 2 threads for ``duration`` s
    (with ``script``, the Lua script that makes each request)."""
    command = [
        "wrk",
        f"--threads={min(2, clients)}",
        f"--connections={clients}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "--latency",
        "--header",
        f"Accept: {accept}",
        *(["--script", str(script)] if script is not None else []),
        url,
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr.strip()}")
    return parse_wrk(finished.stdout)


def load_python(
    host: str,
    port: int,
    paths: list[str],
    accept: str,
    *,
    clients: int,
    duration: float,
    timeout: float,
) -> Load:
    """FALLBACK load generator: ``clients`` threads in this process, each with a keep-alive
    connection, for ``duration`` seconds; requests still running at the end are waited for.
    On a small machine these threads take CPU time the servers need."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    began = time.monotonic()
    stop_at = began + duration

    def client() -> None:
        nonlocal errors
        connection: http.client.HTTPConnection | None = None
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=timeout)
            start = time.perf_counter()
            try:
                path = paths[(len(mine) + failed) % len(paths)]
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
    return Load(
        len(latencies),
        errors,
        time.monotonic() - began,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
    )


def query_path(server: Server, text: str) -> str:
    """The path of a GET of query ``text`` on ``server``'s endpoint."""
    separator = "&" if "?" in server.endpoint else "?"
    return f"{server.endpoint}{separator}query={urllib.parse.quote(text)}"


def run_load(
    server: Server, path: str | list[str], accept: str, duration: float, args: argparse.Namespace
) -> Load:
    """One load run with the chosen generator; a list of paths is sent in turn."""
    paths = [path] if isinstance(path, str) else path
    if args.load_generator == "wrk":
        url = f"http://{server.host}:{server.port}{paths[0]}"
        script = wrk_script(paths, args.work / "lookups.lua") if len(paths) > 1 else None
        return load_wrk(
            url,
            accept,
            clients=args.clients,
            duration=duration,
            timeout=args.request_timeout,
            script=script,
        )
    return load_python(
        server.host,
        server.port,
        paths,
        accept,
        clients=args.clients,
        duration=duration,
        timeout=args.request_timeout,
    )


def check(server: Server, data: DataSet, name: str, timeout: float) -> tuple[int, float]:
    """Send query ``name`` once: its number of result rows and the seconds it took."""
    text, accept = QUERIES[name]
    path = query_path(server, text.format(**SUBJECTS[data.name]))
    began = time.perf_counter()
    status, body = fetch(server.host, server.port, path, accept, timeout)
    took = time.perf_counter() - began
    if status != 200:
        raise RuntimeError(f"{server.name} {name}: HTTP {status}: {body[:500]!r}")
    return count_rows(body, accept), took


def measure(
    server: Server,
    data: DataSet,
    name: str,
    args: argparse.Namespace,
    round_number: int,
    rows: int,
    alone: float,
) -> Measurement:
    """Load ``server`` with query ``name`` (after a warm-up), and wait until it is idle."""
    text, accept = QUERIES[name]
    path: str | list[str] = query_path(server, text.format(**SUBJECTS[data.name]))
    if name == "lookups":
        path = [query_path(server, text.format(project=iri)) for iri in data.project_iris]
    if args.warmup > 0 and alone < 0.5:
        run_load(server, path, accept, args.warmup, args)
        wait_idle(server)
    duration = min(args.max_duration, max(args.duration, args.min_answers * alone))
    cpu_before = cpu_seconds(server)
    result = run_load(server, path, accept, duration, args)
    # CPU time within the window only: a server may go on with requests whose clients have
    # gone (rdflib-endpoint does), which no answer counts.
    cpu = cpu_seconds(server) - cpu_before
    waited = wait_idle(server)
    measurement = Measurement(
        round_number,
        data.name,
        name,
        server.name,
        rows,
        round(alone * 1000, 2),
        result.requests,
        result.errors,
        round(result.seconds, 2),
        round(result.requests / result.seconds, 2) if result.seconds else 0.0,
        round(result.p50 * 1000, 2),
        round(result.p99 * 1000, 2),
        round(cpu * 1000 / result.requests, 3) if result.requests else float("nan"),
        args.load_generator,
    )
    log(
        f"round {round_number} {data.name} {name} {server.name}: {measurement.per_second} req/s, "
        f"p50 {measurement.p50_ms} ms, p99 {measurement.p99_ms} ms, "
        f"{measurement.cpu_ms} ms CPU/answer, {measurement.requests} ok, "
        f"{measurement.errors} errors in {measurement.seconds} s (idle after {waited:.1f} s)"
    )
    return measurement


# --- report --------------------------------------------------------------------------------


def ratios(results: list[Measurement]) -> list[dict[str, Any]]:
    """Per round, data set and query: ours / best peer for requests/s, best peer / ours for
    p50, and best peer / ours for CPU time per answer."""
    table = []
    keys = sorted(
        {(m.round, m.data_set, m.query) for m in results},
        key=lambda k: (k[0], k[1], list(QUERIES).index(k[2])),
    )
    for round_number, data_set, query in keys:
        group = {
            m.server: m
            for m in results
            if (m.round, m.data_set, m.query) == (round_number, data_set, query)
        }
        ours = group.get("ours")
        peers = [group[p] for p in PEERS if p in group and group[p].requests]
        if ours is None or not peers:
            continue
        best = max(peers, key=lambda m: m.per_second)
        table.append(
            {
                "round": round_number,
                "data_set": data_set,
                "query": query,
                "best_peer": best.server,
                "throughput_ratio": round(ours.per_second / best.per_second, 2),
                "p50_ratio": round(best.p50_ms / ours.p50_ms, 2) if ours.p50_ms else None,
                "cpu_ratio": round(best.cpu_ms / ours.cpu_ms, 2) if ours.cpu_ms else None,
                "rows_agree": len({m.rows for m in group.values()}) == 1,
            }
        )
    return table


def spread(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per data set and query: the throughput ratios of all rounds, their median, minimum and
    maximum, and whether the goal was met in every round."""
    rows = []
    keys = sorted(
        {(r["data_set"], r["query"]) for r in summary},
        key=lambda k: (k[0], list(QUERIES).index(k[1])),
    )
    for data_set, query in keys:
        values = [
            r["throughput_ratio"]
            for r in summary
            if (r["data_set"], r["query"]) == (data_set, query)
        ]
        goal = GOALS.get(query)
        rows.append(
            {
                "data_set": data_set,
                "query": query,
                "ratios": values,
                "median": round(statistics.median(values), 2),
                "min": min(values),
                "max": max(values),
                "goal": goal,
                "met_every_round": None if goal is None else min(values) >= goal,
            }
        )
    return rows


def markdown(
    results: list[Measurement], summary: list[dict[str, Any]], spreads: list[dict[str, Any]]
) -> str:
    """The figures, the ratios per round and their spread as Markdown tables."""
    lines = [
        "| round | data set | query | server | rows | alone ms | answers | errors | req/s "
        "| p50 ms | p99 ms | CPU ms/answer |",
        "|--:|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for m in results:
        lines.append(
            f"| {m.round} | {m.data_set} | {m.query} | {m.server} | {m.rows} | {m.alone_ms:g} "
            f"| {m.requests} | {m.errors} | {m.per_second:g} | {m.p50_ms:g} | {m.p99_ms:g} "
            f"| {m.cpu_ms:g} |"
        )
    lines += [
        "",
        "| round | data set | query | best rdflib-endpoint store | req/s ours / best | "
        "p50 best / ours | CPU/answer best / ours | rows agree |",
        "|--:|---|---|---|--:|--:|--:|---|",
    ]
    for row in summary:
        lines.append(
            f"| {row['round']} | {row['data_set']} | {row['query']} | {row['best_peer']} | "
            f"{row['throughput_ratio']}x | {row['p50_ratio']}x | {row['cpu_ratio']}x | "
            f"{'yes' if row['rows_agree'] else 'NO'} |"
        )
    lines += [
        "",
        "| data set | query | req/s ratio per round | median | min to max | goal "
        "| met in every round |",
        "|---|---|---|--:|--:|--:|---|",
    ]
    for row in spreads:
        goal = f"≥ {row['goal']:g}x" if row["goal"] else "-"
        met = "" if row["met_every_round"] is None else ("yes" if row["met_every_round"] else "NO")
        lines.append(
            f"| {row['data_set']} | {row['query']} | "
            f"{', '.join(f'{v}x' for v in row['ratios'])} | {row['median']}x | "
            f"{row['min']} to {row['max']}x | {goal} | {met} |"
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
    versions: dict[str, str] = {}
    for package in ("pyoxigraph", "flask", "gunicorn"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    wrk = shutil.which("wrk")
    if wrk:
        shown = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        versions["wrk"] = (shown.stdout or shown.stderr).splitlines()[0].strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": os.getloadavg(),
        "versions": versions,
    }


def peer_versions(peer_venv: Path) -> dict[str, str]:
    """The versions of rdflib-endpoint and what it runs on, in its virtualenv."""
    code = (
        "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
        "('rdflib-endpoint', 'rdflib', 'oxrdflib', 'pyoxigraph', 'uvicorn', 'fastapi')}))"
    )
    python = peer_venv / "bin" / "python"
    if not python.exists():
        return {}
    shown = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    try:
        return json.loads(shown.stdout)
    except ValueError:
        return {}


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
    parser.add_argument(
        "--fresh", action="store_true", help="make the generated data set anew, even if reusable"
    )
    parser.add_argument("--rounds", type=int, default=2, help="comparisons per data set (2)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load per query and server (10)"
    )
    parser.add_argument(
        "--min-answers",
        type=float,
        default=20.0,
        help="stretch the load to this many times the query's time alone (20)",
    )
    parser.add_argument(
        "--max-duration",
        type=float,
        default=150.0,
        help="longest load per query and server, in seconds (150)",
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of unmeasured load before each run (2)"
    )
    parser.add_argument(
        "--load-generator",
        choices=("wrk", "python"),
        default="wrk",
        help="wrk (default; must be installed) or python threads (fallback, see the docstring)",
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
    """Prepare the data sets, compare the servers on each, print the tables; exit 1 when the
    servers disagree on a row count or a run had errors."""
    args = parse_args(argv)
    if args.load_generator == "wrk" and shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed; it is the load generator of this benchmark:\n"
            f"    {WRK_INSTALL}\n"
            "(--load-generator python runs a fallback in this process: see --help)"
        )
    if args.load_generator == "python":
        log("FALLBACK load generator: Python threads in this process (see the docstring)")
    if any(s in RDFLIB_PEERS for s in args.servers):
        peer = args.peer_venv / "bin" / "rdflib-endpoint"
        if not peer.exists():
            raise SystemExit(f"{peer} is missing: see --help and the module docstring")
    args.work.mkdir(parents=True, exist_ok=True)
    real = prepare_real(args.work)
    data_sets: list[DataSet] = []
    if "real" in args.data_sets:
        data_sets.append(real)
    if "generated" in args.data_sets:
        data_sets.append(
            prepare_generated(args.work, real, args.projects, args.seed, fresh=args.fresh)
        )
    for data in data_sets:
        log(f"{data.name}: {data.quads} quads, {data.projects} projects")
    settings = load_settings(workers=args.workers)

    results: list[Measurement] = []
    startups: dict[str, float] = {}
    mismatch = False
    for data in data_sets:
        # Every worker of ours copies the store into memory when it is small enough.
        copies = settings.effective_workers if data.quads <= settings.memory_quads else 0
        servers: list[Server] = []
        try:
            began = time.monotonic()
            for name in args.servers:
                servers.append(launch_server(name, data, args.work, args.peer_venv, args.workers))
            for server in servers:
                wait_ready(server, data, began, args.start_timeout, copies)
                startups[f"{data.name}/{server.name}"] = round(server.startup, 1)
                log(f"{data.name}: {server.name} ready after {server.startup:.1f} s")
            for server in servers:
                wait_idle(server)
            # The row check (and each query's time alone, which sets the load's length).
            checked: dict[tuple[str, str], tuple[int, float]] = {}
            for name in args.queries:
                for server in servers:
                    checked[server.name, name] = check(server, data, name, args.request_timeout)
                    wait_idle(server)
                counts = {checked[s.name, name][0] for s in servers}
                if len(counts) != 1:
                    mismatch = True
                    log(
                        f"MISMATCH {data.name} {name}: "
                        + ", ".join(f"{s.name} {checked[s.name, name][0]}" for s in servers)
                    )
            for round_number in range(1, args.rounds + 1):
                for name in args.queries:
                    # The servers take turns going first.
                    shift = (round_number - 1) % len(servers)
                    for server in servers[shift:] + servers[:shift]:
                        rows, alone = checked[server.name, name]
                        results.append(measure(server, data, name, args, round_number, rows, alone))
        finally:
            for server in servers:
                stop_server(server)

    summary = ratios(results)
    spreads = spread(summary)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "peer_versions": peer_versions(args.peer_venv),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "ours": {
            "workers": settings.effective_workers,
            "threads": settings.threads,
            "memory_quads": settings.memory_quads,
        },
        "data_sets": [
            {"name": d.name, "quads": d.quads, "projects": d.projects, "notes": d.notes}
            for d in data_sets
        ],
        "startup_seconds": startups,
        "results": [asdict(m) for m in results],
        "ratios": summary,
        "spread": spreads,
    }
    print(markdown(results, summary, spreads))
    print()
    for row in spreads:
        if row["goal"] is not None:
            verdict = "met in every round" if row["met_every_round"] else "NOT met in every round"
            print(
                f"goal {row['data_set']} {row['query']}: ≥ {row['goal']:g}x → "
                f"{row['min']} to {row['max']}x, median {row['median']}x ({verdict})"
            )
    print(f"startup seconds: {startups}")
    print(f"machine: {report['machine']}")
    print(f"peer: {report['peer_versions']}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    errors = any(m.errors for m in results)
    return 1 if mismatch or errors else 0


if __name__ == "__main__":
    sys.exit(main())
