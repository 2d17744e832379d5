"""The settings table: environment overrides and explicit overrides (tests/test_docs.py checks
that docs/operations.md documents it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import load_settings


def test_defaults_bind_loopback():
    settings = load_settings()
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000


def test_environment_overrides_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REGIOGRAAF_PORT", "8123")
    monkeypatch.setenv("REGIOGRAAF_STORE", "/tmp/regiograaf-elsewhere")
    settings = load_settings()
    assert settings.port == 8123
    assert settings.store == Path("/tmp/regiograaf-elsewhere")


def test_explicit_override_beats_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REGIOGRAAF_PORT", "8123")
    assert load_settings(port=9000).port == 9000
    assert load_settings(port=None).port == 8123


def test_bad_number_is_an_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REGIOGRAAF_PORT", "achtduizend")
    with pytest.raises(ValueError):
        load_settings()


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_bad_port_names_variable_and_value(monkeypatch: pytest.MonkeyPatch, value: str):
    from server.settings import SettingsError

    monkeypatch.setenv("REGIOGRAAF_PORT", value)
    with pytest.raises(SettingsError, match="REGIOGRAAF_PORT") as info:
        load_settings()
    assert repr(value) in str(info.value) or value in str(info.value)


def test_server_defaults_suit_the_machine(monkeypatch: pytest.MonkeyPatch):
    """One worker per core plus one, an in-memory copy of stores up to 2 M quads, and no
    access log (docs/performance.md)."""
    import os

    for name in ("WORKERS", "MEMORY_QUADS", "ACCESS_LOG"):
        monkeypatch.delenv(f"REGIOGRAAF_{name}", raising=False)
    settings = load_settings()
    assert settings.workers == 0
    assert settings.effective_workers == (os.cpu_count() or 1) + 1
    assert load_settings(workers=7).effective_workers == 7
    assert settings.memory_quads == 4_000_000
    assert settings.access_log == ""


def test_gunicorn_access_log_follows_the_setting(tmp_path: Path):
    from server.web.gunicorn_app import RegiograafApplication

    quiet = RegiograafApplication(load_settings(store=tmp_path / "store", access_log=""))
    assert quiet.cfg is not None
    assert quiet.cfg.accesslog is None
    loud = RegiograafApplication(load_settings(store=tmp_path / "store", access_log="-"))
    assert loud.cfg is not None
    assert loud.cfg.accesslog == "-"


def test_examples_are_off_by_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("REGIOGRAAF_EXAMPLES", raising=False)
    assert load_settings().examples is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("on", True), ("false", False), ("0", False), ("", False)],
)
def test_examples_setting_reads_yes_and_no(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
):
    monkeypatch.setenv("REGIOGRAAF_EXAMPLES", value)
    assert load_settings().examples is expected
    assert load_settings(examples=not expected).examples is (not expected)


def test_a_bad_examples_value_names_variable_and_value(monkeypatch: pytest.MonkeyPatch):
    from server.settings import SettingsError

    monkeypatch.setenv("REGIOGRAAF_EXAMPLES", "misschien")
    with pytest.raises(SettingsError, match="REGIOGRAAF_EXAMPLES") as info:
        load_settings()
    assert "'misschien'" in str(info.value)
