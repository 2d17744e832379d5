"""Benchmark the Strategiescan page (``/scan/<cbs>``): its server time on the real data and on
100,000 generated projects, next to a peer page of the same app on the same data.

The data sets are made as :mod:`sparql_endpoint` makes them (its ``prepare_real`` and
``prepare_generated``: the full build of the project; the project plus ``--projects``
generated projects loaded through the store API, reused between runs). Each data set is
served by the app in this process (Flask's test client: no network; the store's in-memory
copy made first, as in a gunicorn worker), so the times are the server's own. Measured, in this
order, on one process per data set:

- ``cold``: the first scan after the start (every query runs; nothing is cached);
- ``first visit``: the scan of each other current member, once (the region-wide queries are
  cached per data version, the municipality's own ones run);
- ``repeat``: the same pages again (every query answer cached: computing and rendering only);
- the query times of one scan without any cache, to see which query costs what, and
  ``scan-leerprojecten`` for every stage (what a gap there costs the first member that has it);
- the downloads (JSON, PDF, Word) of one municipality;
- the peer: ``/waardeketen`` (the value-chain overview of the same data), first and repeat.

Printed: per data set the milliseconds (median and maximum over the members where there are
several) and whether the goals hold (first visit under 300 ms on the real data and under
2 s with 100,000 projects). The machine may be busy with other work: run it again to see the
spread. ::

    .venv/bin/python benchmarks/scan.py [--projects 100000] [--skip-generated]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from flask.testing import FlaskClient

from server.canned.running import RESULTS, run_canned_query
from server.scan.compute import REGION_RESULTS
from server.settings import load_settings
from server.store.embedded import EmbeddedStore
from server.store.pooled import PooledStore
from server.web.app import create_app
from server.web.context import get_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sparql_endpoint

#: The goals of issue 14 for a first visit of a scan page, in milliseconds.
GOALS = {"real": 300.0, "generated": 2000.0}
#: The queries of one scan: the region-wide ones run without a municipality.
REGION = ("scan-gemeente", "scan-waardeketen", "scan-aansluiting")
OWN = (
    "scan-strategie",
    "scan-doelen",
    "scan-open-doelen",
    "scan-volwassenheid",
    "scan-projecten",
    "scan-gaten",
    "scan-samenwerking",
)


def timed(action: Callable[[], object]) -> float:
    """Milliseconds ``action`` takes."""
    began = time.perf_counter()
    action()
    return 1000 * (time.perf_counter() - began)


def get(client: FlaskClient, path: str) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        return response.data

    return fetch


def members(client: FlaskClient) -> list[str]:
    """The CBS codes of the current members, from the scan index."""
    html = client.get("/scan").get_data(as_text=True)
    found = [part.split('"', 1)[0] for part in html.split('href="/scan/gm')[1:]]
    return ["gm" + code for code in dict.fromkeys(found) if code.isdigit()]


def summary(values: Sequence[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:8.0f} ms"
    return f"{statistics.median(values):8.0f} ms median, {max(values):6.0f} ms max"


def measure(name: str, data: sparql_endpoint.DataSet) -> bool:
    """Measure one data set; print the figures; return whether the goal holds."""
    settings = load_settings(root=data.root, store=data.store)
    client = create_app(settings).test_client()
    with client.application.app_context():
        handle = get_store().store  # the worker's store, under the request's view of it
    # As in a gunicorn worker: queries go to an in-memory copy of the store once it is made.
    if isinstance(handle, EmbeddedStore | PooledStore) and settings.memory_quads > 0:
        handle.keep_in_memory(settings.memory_quads)
        began = time.monotonic()
        while not handle.in_memory() and time.monotonic() - began < 600:
            time.sleep(0.2)
        sparql_endpoint.log(f"{name}: in memory: {handle.in_memory()}")
    RESULTS.clear()
    REGION_RESULTS.clear()
    print(f"\n## {name}: {data.projects} projects, {data.quads} quads")
    codes = members(client)  # warms the municipality list (one region query)
    RESULTS.clear()
    REGION_RESULTS.clear()
    first, *others = codes
    cold = timed(get(client, f"/scan/{first}"))
    visits = [timed(get(client, f"/scan/{code}")) for code in others]
    repeats = [timed(get(client, f"/scan/{code}")) for code in codes]
    print(f"scan page, cold ({first}):        {summary([cold])}")
    print(f"scan page, first visit ({len(visits)}):     {summary(visits)}")
    print(f"scan page, repeat ({len(repeats)}):          {summary(repeats)}")
    iri = f"https://w3id.org/regiograaf/id/gemeente/{first}"
    for query in REGION + OWN:
        arguments = {"taal": "nl"} if query in REGION else {"gemeente": iri, "taal": "nl"}
        spent = timed(
            lambda q=query, a=arguments: run_canned_query(
                q, a, store=handle, settings=settings, cache=None
            )
        )
        print(f"  query {query:<20} {spent:8.0f} ms")
    stages = [
        row["schakel"]
        for row in run_canned_query(
            "scan-waardeketen", {"taal": "nl"}, store=handle, settings=settings, cache=None
        ).records
        if row["gemeente"] == iri
    ]
    per_stage = [
        timed(
            lambda s=stage: run_canned_query(
                "scan-leerprojecten",
                {"schakel": s, "taal": "nl"},
                store=handle,
                settings=settings,
                cache=None,
            )
        )
        for stage in stages
    ]
    print(f"  query scan-leerprojecten per stage ({len(per_stage)}): {summary(per_stage)}")
    for extension in ("json", "pdf", "docx"):
        spent = timed(get(client, f"/scan/{first}.{extension}"))
        print(f"download .{extension:<5}                {summary([spent])}")
    RESULTS.clear()
    REGION_RESULTS.clear()
    peer_first = timed(get(client, "/waardeketen"))
    peer_repeat = timed(get(client, "/waardeketen"))
    print(f"peer /waardeketen, first:        {summary([peer_first])}")
    print(f"peer /waardeketen, repeat:       {summary([peer_repeat])}")
    goal = GOALS[name]
    worst = max(visits) if visits else cold
    held = worst < goal
    print(
        f"goal: first visit under {goal:.0f} ms: {'yes' if held else 'NO'} "
        f"(worst {worst:.0f} ms; cold {cold:.0f} ms; "
        f"scan / peer first visit: {statistics.median(visits) / peer_first:.1f}x)"
    )
    return held


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=sparql_endpoint.WORK)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--fresh", action="store_true", help="generate the projects anew")
    parser.add_argument("--skip-generated", action="store_true")
    args = parser.parse_args(argv)
    real = sparql_endpoint.prepare_real(args.work)
    results = {"real": measure("real", real)}
    if not args.skip_generated:
        generated = sparql_endpoint.prepare_generated(
            args.work, real, args.projects, args.seed, fresh=args.fresh
        )
        results["generated"] = measure("generated", generated)
    verdicts = (
        f"{name}: {'goal met' if held else 'goal missed'}" for name, held in results.items()
    )
    print("\n" + ", ".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
