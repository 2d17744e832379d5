"""``regiograaf serve`` on an external store (stateless: no local store folder at all), and its
start-up problems in one line: the port in use, an external store that cannot be reached."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.store_servers import StoreServer
from tests.support import (
    REPOSITORY,
    BuiltStore,
    free_port,
    get,
    regiograaf_command,
    start_server,
    stop_server,
)


def _serve(tmp_path: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    command = [*regiograaf_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--store", str(tmp_path / "store")]
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        command,
        env={**os.environ, "PYTHONPATH": path, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve(tmp_path, port)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"port {port} on 127.0.0.1 is already in use: stop what uses it, or choose another "
        "port with --port or REGIOGRAAF_PORT"
    ]
    assert not (tmp_path / "store").exists()  # nothing was built


def test_an_external_store_that_is_down_is_one_line(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}/query"
    done = _serve(tmp_path, free_port(), REGIOGRAAF_STORE_QUERY=down)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"cannot serve: the store at {down} cannot be reached")


def test_serves_every_page_from_the_external_store(
    external_store: StoreServer, built_store: BuiltStore, tmp_path: Path
) -> None:
    """Two workers, no store folder: /health and the home page come from the external store."""
    empty = tmp_path / "no-store-here"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in external_store.env.items():
            patch.setenv(name, value)
        server = start_server(empty, tmp_path / "serve.log", workers=2)
    try:
        status, _, body = get(server.url + "/health")
        assert status == 200
        health = json.loads(body)
        assert health["data_version"] == built_store.result.data_version
        assert health["graphs"] == len(built_store.store.named_graphs())
        status, headers, _ = get(server.url + "/")
        assert status == 200
        assert built_store.result.data_version in headers["ETag"]
    finally:
        stop_server(server)
    assert not empty.exists()
