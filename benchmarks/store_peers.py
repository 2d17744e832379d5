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
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from server.store.embedded import EmbeddedStore
from server.store.external import MERGE
from server.store.external_http import ExternalConfig
from server.store.gsp import publish

#: The stores this module starts.
STORE_PEERS = ("oxigraph-server", "virtuoso")

_VIRTUOSO_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 20
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 20
MaxClientConnections = 20
KeepAliveTimeout = 10
MaxKeepAlives = 20

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
"""


def start_store_peer(
    name: str, store: Path, folder: Path, port: int, sql_port: int, log_path: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """Start store ``name`` on ``port``, load ``store`` into it and wait until it answers;
    its process and the path of its endpoint, with the merge as default graph."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    base = f"http://127.0.0.1:{port}"
    if name == "oxigraph-server":
        oxigraph = Path(sys.executable).with_name("oxigraph")
        command = [str(oxigraph), "serve", "--location", str(folder / "data")]
        command += ["--bind", f"127.0.0.1:{port}"]
        config = ExternalConfig(f"{base}/query", f"{base}/update", f"{base}/store")
    else:
        virtuoso = shutil.which("virtuoso-t")
        if virtuoso is None:
            raise SystemExit("virtuoso-t is missing: apt-get install virtuoso-opensource")
        ini = folder / "virtuoso.ini"
        ini.write_text(
            _VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=port),
            encoding="utf-8",
        )
        command = [virtuoso, "+foreground", "+configfile", str(ini)]
        config = ExternalConfig(
            f"{base}/sparql",
            f"{base}/sparql-auth",
            f"{base}/sparql-graph-crud-auth",
            user="dba",
            password="dba",
        )
    with log_path.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=folder, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    _wait(process, config.query, log_path)
    publish(EmbeddedStore(store), config)
    endpoint = urllib.parse.urlsplit(config.query).path
    return process, f"{endpoint}?default-graph-uri={urllib.parse.quote(MERGE, safe='')}"


def _wait(process: subprocess.Popen[bytes], query: str, log_path: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{query} exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(query + "?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{query} did not start (see {log_path})")


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
