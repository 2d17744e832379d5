"""External SPARQL stores for the tests: the Oxigraph server (PyPI ``oxigraph``) and Virtuoso 7
(Debian ``virtuoso-opensource``), each started on a loopback port in a folder of its own.

:func:`start_store_server` starts one and waits until its query endpoint answers;
:func:`stop_store_server` stops it (its own process group only). The settings of the store are
in :attr:`StoreServer.env` (``REGIOGRAAF_STORE_*``) and :attr:`StoreServer.config`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from server.store.external_http import PASSWORD_VARIABLE, ExternalConfig
from tests.support import free_port, stop_process_group

#: The stores the external-store tests run against.
STORE_KINDS = ("oxigraph", "virtuoso")
#: Seconds a store may take to start (Virtuoso makes its database first: about 10 s).
START_SECONDS = 90.0
#: Seconds a query may run in the store itself (the server's own limit is the test's).
STORE_QUERY_SECONDS = 60

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
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = .
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 10
MaxClientConnections = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {seconds}
"""


@dataclass
class StoreServer:
    """A running store: its kind, process, settings and log."""

    kind: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path
    config: ExternalConfig = field(init=False)

    def __post_init__(self) -> None:
        self.config = ExternalConfig(
            query=self.env["REGIOGRAAF_STORE_QUERY"],
            update=self.env["REGIOGRAAF_STORE_UPDATE"],
            gsp=self.env["REGIOGRAAF_STORE_GSP"],
            user=self.env.get("REGIOGRAAF_STORE_USER", ""),
            password=self.env.get(PASSWORD_VARIABLE, ""),
        )


def start_store_server(
    kind: str,
    folder: Path,
    *,
    query_seconds: int = STORE_QUERY_SECONDS,
    buffers: int = 10_000,
    union: bool = False,
) -> StoreServer:
    """Start a store of ``kind`` (:data:`STORE_KINDS`) with its data in ``folder``: queries
    stopped by the store after ``query_seconds`` (0: never); Virtuoso with ``buffers`` pages
    of 8 KiB (the benchmark gives it more); the Oxigraph server with the union of all graphs
    as default graph when ``union`` (Virtuoso's default graph is that union anyway)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if kind == "oxigraph":
        oxigraph = Path(sys.executable).with_name("oxigraph")
        command = [str(oxigraph), "serve", "--location", str(folder / "data")]
        command += ["--bind", f"127.0.0.1:{port}"]
        if union:
            command.append("--union-default-graph")
        if query_seconds:
            # A thread per query: at thousands of queries a second it runs out of threads.
            command += ["--timeout-s", str(query_seconds)]
        env = {
            "REGIOGRAAF_STORE_QUERY": f"{base}/query",
            "REGIOGRAAF_STORE_UPDATE": f"{base}/update",
            "REGIOGRAAF_STORE_GSP": f"{base}/store",
        }
    else:
        virtuoso = shutil.which("virtuoso-t")
        if virtuoso is None:
            raise RuntimeError("virtuoso-t is missing: apt-get install virtuoso-opensource")
        ini = folder / "virtuoso.ini"
        ini.write_text(
            _VIRTUOSO_INI.format(
                folder=folder,
                sql_port=free_port(),
                http_port=port,
                seconds=query_seconds,
                buffers=buffers,
                dirty=buffers * 3 // 4,
            ),
            encoding="utf-8",
        )
        command = [virtuoso, "+foreground", "+configfile", str(ini)]
        # A new database's administrator is dba with password dba.
        env = {
            "REGIOGRAAF_STORE_QUERY": f"{base}/sparql",
            "REGIOGRAAF_STORE_UPDATE": f"{base}/sparql-auth",
            "REGIOGRAAF_STORE_GSP": f"{base}/sparql-graph-crud-auth",
            "REGIOGRAAF_STORE_USER": "dba",
            PASSWORD_VARIABLE: "dba",
        }
    log = folder / "server.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=folder, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = StoreServer(kind, process, env, log)
    _wait(server)
    return server


def _wait(server: StoreServer) -> None:
    ask = server.config.query + "?query=ASK%7B%7D"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(ask, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    stop_store_server(server)
    raise RuntimeError(f"{server.kind} did not start:\n{server.log.read_text(errors='replace')}")


def stop_store_server(server: StoreServer) -> None:
    """Stop the store (its own process group only)."""
    stop_process_group(server.process, wait=30)
