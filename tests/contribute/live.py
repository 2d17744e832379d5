"""What the tests against the real server share: a server with write tokens on a copy of the
small project, and an HTTP client that returns errors instead of raising them."""

from __future__ import annotations

import http.client as client
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from server.contribute.graphs import CONTRIBUTIONS
from server.contribute.tokens import TokenFile
from server.settings import Settings
from tests.support import RunningServer, project_settings, start_server, stop_server


@dataclass
class Answer:
    """Status, headers (lower-case names) and body of one HTTP exchange."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 300,
) -> Answer:
    """One request on its own connection."""
    parts = urlsplit(url)
    connection = client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        connection.close()


def graph_url(server: RunningServer, name: str, code: str = "gm0503") -> str:
    """The graph store URL of contribution graph ``code/name``."""
    return f"{server.url}/graph-store?graph={quote(CONTRIBUTIONS + f'{code}/{name}', safe='')}"


@dataclass
class WriteServer:
    """A real server that takes writes: its settings, tokens by folder, and the process."""

    settings: Settings
    tokens: dict[str, str]
    server: RunningServer
    log: Path

    @property
    def url(self) -> str:
        return self.server.url

    def bearer(self, code: str = "gm0503") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[code]}"}


def start_write_server(
    small_project: Path, folder: Path, codes: tuple[str, ...] = ("gm0503", "gm0599")
) -> WriteServer:
    """``regiograaf serve`` on a copy of the small project, with a token per folder in
    ``codes`` (written as the CLI writes them) and an access log."""
    settings = project_settings(small_project, folder)
    tokens = {code: TokenFile(settings.tokens_file).add(code, f"Team {code}")[1] for code in codes}
    return WriteServer(settings, tokens, restart(settings, folder), folder / "serve.log")


def restart(settings: Settings, folder: Path) -> RunningServer:
    """Start (again) a server on ``settings``' project, store, history and tokens."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGIOGRAAF_ROOT", str(settings.root))
        patch.setenv("REGIOGRAAF_TOKENS", str(settings.tokens_file))
        patch.setenv("REGIOGRAAF_HISTORY", str(settings.history_folder))
        patch.setenv("REGIOGRAAF_MAX_UPLOAD", "200000")
        patch.setenv("REGIOGRAAF_ACCESS_LOG", str(folder / "access.log"))
        return start_server(settings.store, folder / "serve.log", timeout=300)


def stop(server: WriteServer | RunningServer) -> None:
    stop_server(server.server if isinstance(server, WriteServer) else server)
