"""SPARQL stores as peers of ``benchmarks/sparql_endpoint.py``: the Oxigraph server (PyPI
``oxigraph``, ``oxigraph serve``) and Virtuoso 7 (Debian ``virtuoso-opensource``), and the wrk
script of the ``lookups`` workload.

Each store starts on a loopback port in a folder of its own and is loaded with the N-Quads file
the rdflib-endpoint peers serve (all graphs of our store), by the store's own bulk loader, as an
operator would load a data set of this size: ``oxigraph load`` before ``oxigraph serve``, and
Virtuoso's ``ld_dir`` and ``rdf_loader_run`` through ``isql-vt``. (``regiograaf build``'s loader
for external stores, :func:`server.store.gsp.publish`, moves a graph per request: fine for a
build's changes, but the 1.36 M triples of 100,000 projects took the Oxigraph server more than 20
minutes and 7 GB in one transaction.) Both then answer on the union of all graphs as their
default graph, as ours does. A store's start-up time includes its load.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

from server.store.embedded import EmbeddedStore
from tests.store_servers import StoreServer, start_store_server

#: The stores this module starts.
STORE_PEERS = ("oxigraph-server", "virtuoso")

#: Virtuoso's buffers for the benchmark (8 KiB pages: about 1.3 GB).
_BUFFERS = 170_000
#: Seconds a bulk load may take.
_LOAD_SECONDS = 1800


def start_store_peer(name: str, nquads: Path, folder: Path) -> tuple[StoreServer, str]:
    """Start store ``name`` (by :func:`tests.store_servers.start_store_server`, which waits
    until it answers) with ``nquads`` loaded; the store and the path of its query endpoint."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if name == "oxigraph-server":
        oxigraph = Path(sys.executable).with_name("oxigraph")
        _run([str(oxigraph), "load", "--location", str(folder / "data"), "--file", str(nquads)])
        server = start_store_server("oxigraph", folder, query_seconds=0, union=True)
    else:
        server = start_store_server("virtuoso", folder, query_seconds=0, buffers=_BUFFERS)
        _load_virtuoso(folder, nquads)
    return server, urllib.parse.urlsplit(server.config.query).path


def _load_virtuoso(folder: Path, nquads: Path) -> None:
    """Bulk-load ``nquads`` into the Virtuoso running in ``folder`` (whose ``DirsAllowed`` is
    its own folder); stops on a file the loader refused."""
    os.link(nquads, folder / "dataset.nq")
    ini = (folder / "virtuoso.ini").read_text(encoding="utf-8")
    match = re.search(r"^ServerPort = 127\.0\.0\.1:(\d+)", ini, re.MULTILINE)
    assert match is not None, "no SQL port in virtuoso.ini"
    isql = shutil.which("isql-vt")
    if isql is None:
        raise RuntimeError("isql-vt is missing: apt-get install virtuoso-opensource")
    script = (
        "ld_dir('.', 'dataset.nq', 'urn:x-regiograaf:benchmark'); rdf_loader_run(); checkpoint; "
        "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
    )
    shown = _run([isql, match.group(1), "dba", "dba", f"exec={script}"])
    if "0 Rows" not in shown:
        raise RuntimeError(f"Virtuoso's bulk loader refused the data:\n{shown}")


def _run(command: list[str]) -> str:
    """Run ``command``; its output (stops with that output when it fails)."""
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=_LOAD_SECONDS, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def project_iris(store: Path, limit: int = 20_000) -> list[str]:
    """Up to ``limit`` project IRIs of ``store``, for the ``lookups`` workload."""
    result = EmbeddedStore(store).query(
        "SELECT ?p WHERE { ?p a <https://w3id.org/regiograaf/def#Project> } "
        f"ORDER BY ?p LIMIT {limit}"
    )
    return [str(row["p"]) for row in result.rows()]


def wrk_script(paths: list[str], target: Path) -> Path:
    """A wrk Lua script that sends ``paths`` in turn (each connection from its own offset), so
    every request asks for another IRI (a fixed query flatters any cache)."""
    quoted = ",\n".join(f'  "{path}"' for path in paths)
    target.write_text(
        "local paths = {\n" + quoted + "\n}\n"
        "local counter = 0\n"
        "function init(args)\n"
        "  math.randomseed(os.time() + tonumber(tostring({}):match('0x(%x+)') or '0', 16))\n"
        "  counter = math.random(1, #paths)\n"
        "end\n"
        "function request()\n"
        "  counter = counter + 1\n"
        "  return wrk.format('GET', paths[(counter % #paths) + 1])\n"
        "end\n",
        encoding="utf-8",
    )
    return target
