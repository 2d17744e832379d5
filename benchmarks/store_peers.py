"""SPARQL stores as peers of ``benchmarks/sparql_endpoint.py``: the Oxigraph server (PyPI
``oxigraph``, ``oxigraph serve``) and Virtuoso 7 (Debian ``virtuoso-opensource``), and the wrk
script of the ``lookups`` workload.

Each store starts on a loopback port in a folder of its own and is loaded from our store with
``regiograaf build``'s own loader (:func:`server.store.gsp.publish`: graph by graph, plus the
merge of all graphs). Queries then name the merge as their default graph
(``default-graph-uri``), so every server answers on the same default graph as ours: the RDF
merge of all named graphs. The store's start-up time therefore includes loading the data.
"""

from __future__ import annotations

import shutil
import urllib.parse
from dataclasses import replace
from pathlib import Path

from server.store.embedded import EmbeddedStore
from server.store.external import MERGE
from server.store.gsp import publish
from tests.store_servers import StoreServer, start_store_server

#: The stores this module starts.
STORE_PEERS = ("oxigraph-server", "virtuoso")

#: Which kind of :mod:`tests.store_servers` each peer is.
_KINDS = {"oxigraph-server": "oxigraph", "virtuoso": "virtuoso"}
#: Virtuoso's buffers for the benchmark (8 KiB pages: about 1.3 GB).
_BUFFERS = 170_000


def start_store_peer(name: str, store: Path, folder: Path) -> tuple[StoreServer, str]:
    """Start store ``name`` (started by :func:`tests.store_servers.start_store_server`, which
    waits until it answers), load ``store`` into it; the store and the path of its endpoint,
    with the merge as default graph."""
    if folder.exists():
        shutil.rmtree(folder)
    server = start_store_server(_KINDS[name], folder, query_seconds=0, buffers=_BUFFERS)
    # Virtuoso moves graphs slowly: loaded in place (docs/operations.md, "An external store").
    publish(EmbeddedStore(store), replace(server.config, in_place=name == "virtuoso"))
    endpoint = urllib.parse.urlsplit(server.config.query).path
    return server, f"{endpoint}?default-graph-uri={urllib.parse.quote(MERGE, safe='')}"


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
