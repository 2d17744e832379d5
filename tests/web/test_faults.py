"""Faults leave a working server (issue 12): a path that is not UTF-8 is a 404, /health names no
server path, a damaged or deleted database is rebuilt by the next build (``regiograaf serve``
builds first) and, served as it is, answered with 503 and one line in the log, never a
traceback."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from server.build.pipeline import build
from server.settings import load_settings
from server.store.versions import CURRENT, DATABASE
from server.web.app import create_app
from tests.support import (
    REPOSITORY,
    BuiltStore,
    RunningServer,
    copy_project,
    free_port,
    get,
)

#: Paths whose percent-decoded bytes are not UTF-8 (overlong encodings, lone bytes, a lone
#: surrogate), and IRIs no store accepts, under every prefix that takes a path.
NOT_UTF8 = ("%c0%ae%c0%ae/x", "%ff", "%80", "x%ed%a0%80")
NOT_AN_IRI = ("%EF%BF%BD", "%25zz", "%5B", "a%23b%23c", "%7F", "%C2%80")
PREFIXES = ("/doc/", "/id/", "/graph/", "/def/", "/shapes/", "/queries/", "/kaart/", "/dumps/")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_path_that_is_not_utf8_or_no_iri_is_a_404(client: FlaskClient, prefix: str) -> None:
    for rest in NOT_UTF8 + NOT_AN_IRI:
        response = client.get(prefix + rest)
        assert response.status_code == 404, prefix + rest


def test_the_real_server_answers_404_too(live_server: RunningServer) -> None:
    for path in ("/doc/%c0%ae%c0%ae/x", "/id/%ff", "/queries/%c0%ae", "/kaart/%c0%ae", "/%ff"):
        status, _, _ = get(live_server.url + path)
        assert status == 404, path
    status, _, _ = get(live_server.url + "/doc/" + quote("gemeente/gm0599"))
    assert status == 200


def _damage(store: Path) -> Path:
    """Overwrite every file of the current version's database; the damaged folder."""
    database = store / os.readlink(store / CURRENT) / DATABASE
    for path in database.iterdir():
        path.write_bytes(b"\x00not a database\n" * 32)
    return database


@pytest.fixture
def damaged_copy(built_store: BuiltStore, tmp_path: Path) -> Path:
    """A copy of the built store whose current database is damaged."""
    copy = tmp_path / "store"
    shutil.copytree(built_store.settings.store, copy, symlinks=True)
    _damage(copy)
    return copy


def test_health_names_no_server_path(tmp_path: Path, damaged_copy: Path) -> None:
    for store in (tmp_path / "nothing-built", damaged_copy):
        response = create_app(load_settings(store=store)).test_client().get("/health")
        assert response.status_code == 503
        body = response.get_data(as_text=True)
        assert json.loads(body)["status"] in ("unavailable", "error")
        assert str(tmp_path) not in body and "/" not in json.loads(body)["error"]


def test_a_damaged_database_is_built_again(
    damaged_copy: Path, built_store: BuiltStore, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(store=damaged_copy)
    with caplog.at_level(logging.WARNING, logger="server.build.pipeline"):
        result = build(settings)
    assert result.status == "built"
    assert result.data_version == built_store.result.data_version
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "damaged" in warnings[0] and "\n" not in warnings[0]
    assert create_app(settings).test_client().get("/health").get_json()["status"] == "ok"


def test_a_damaged_database_is_built_again_after_a_source_changed(
    built_store: BuiltStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Not only an up-to-date store: with a changed source the build would start from the
    current version (incremental), which it cannot read; it builds in full instead."""
    root = copy_project(tmp_path / "project")
    settings = load_settings(root=root, store=tmp_path / "store")
    assert build(settings).ok
    versions = set((tmp_path / "store" / "versions").iterdir())
    _damage(tmp_path / "store")
    source = root / "data" / "gemeenten.ttl"
    source.write_text(source.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="server.build.pipeline"):
        result = build(settings)
    assert result.status == "built" and result.mode == "full"
    assert any("damaged" in record.getMessage() for record in caplog.records)
    assert create_app(settings).test_client().get("/health").get_json()["status"] == "ok"
    assert len(set((tmp_path / "store" / "versions").iterdir()) - versions) == 1


#: gunicorn on the store as it is (no build first), one worker.
_SERVE = """
import sys
from server.settings import load_settings
from server.web.gunicorn_app import RegiograafApplication
store, port = sys.argv[1:]
RegiograafApplication(load_settings(store=store, host="127.0.0.1", port=int(port), workers=1)).run()
"""


def test_a_damaged_database_served_as_it_is_gives_503_and_one_line(
    damaged_copy: Path, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(damaged_copy), str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        answers = _ask_until_answered(f"http://127.0.0.1:{port}", ("/health", "/", "/catalog"))
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)
    assert [status for status, _ in answers] == [503, 503, 503]
    assert all(str(tmp_path) not in body for _, body in answers)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "Worker failed to boot" not in text
    errors = [line for line in text.splitlines() if "ERROR" in line]
    # One line per request (the wait for the server asked too), naming the damage.
    assert len(errors) >= 3 and all("Corruption" in line for line in errors), text


def _ask_until_answered(url: str, paths: tuple[str, ...]) -> list[tuple[int, str]]:
    """Wait for the server, then the status and body of each path."""
    deadline = time.monotonic() + 60
    while True:
        try:
            get(url + "/health", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    return [(status, body.decode()) for status, _, body in (get(url + p) for p in paths)]
