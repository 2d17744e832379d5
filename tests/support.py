"""Helpers shared by the tests: a copy of the project, free ports, and a real server process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from server.build.pipeline import BuildResult
from server.settings import Settings, load_settings
from server.store.embedded import EmbeddedStore

#: The folders a build reads; copied by :func:`copy_project`.
SOURCE_FOLDERS = ("ontology", "shapes", "data", "queries")


@dataclass(frozen=True)
class BuiltStore:
    """A store built from the real project data."""

    settings: Settings
    result: BuildResult
    store: EmbeddedStore


def copy_project(target: Path) -> Path:
    """Copy the sources of the project into ``target`` (a root for a separate build)."""
    root = load_settings().root
    for name in SOURCE_FOLDERS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
    return target


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def regiograaf_command() -> list[str]:
    """The ``regiograaf`` console script next to this Python, or ``python -m server``."""
    script = Path(sys.executable).with_name("regiograaf")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server"]


def get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET (HTTP errors are returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class RunningServer:
    """A ``regiograaf serve`` process and the URL it answers on."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(
    store: Path, log: Path, *, workers: int = 2, timeout: float = 120, attempts: int = 3
) -> RunningServer:
    """Start ``regiograaf serve`` on a free port of 127.0.0.1 and wait until /health is ok.

    A port found free can be taken by another process before gunicorn binds it (tests run in
    parallel): the server counts as started only when its own log says it listens on that port,
    and a server that could not bind is started again on another port."""
    for _ in range(attempts):
        server = _start_once(store, log, workers, timeout)
        if server is not None:
            return server
    raise RuntimeError(f"regiograaf serve found no free port:\n{log.read_text(errors='replace')}")


def _start_once(store: Path, log: Path, workers: int, timeout: float) -> RunningServer | None:
    port = free_port()
    command = [
        *regiograaf_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--store",
        str(store),
        "--workers",
        str(workers),
    ]
    env = {**os.environ, "REGIOGRAAF_ROOT": str(load_settings().root)}
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = RunningServer(f"http://127.0.0.1:{port}", process, log)
    listening = f"Listening at: {server.url}".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = log.read_bytes()
        if b"Connection in use" in output:
            stop_server(server)
            return None
        if process.poll() is not None:
            raise RuntimeError(f"regiograaf serve exited:\n{log.read_text(errors='replace')}")
        try:
            status, _, body = get(server.url + "/health", timeout=2)
        except OSError:
            status, body = 0, b""
        if listening in output and status == 200 and json.loads(body)["status"] == "ok":
            return server
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(f"regiograaf serve did not start:\n{log.read_text(errors='replace')}")


def stop_server(server: RunningServer) -> None:
    """Stop the server started by :func:`start_server` (its own process group only)."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
