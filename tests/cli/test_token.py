"""``regiograaf token add | list | revoke``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from server.cli import main
from server.contribute.tokens import TokenFile


def test_add_list_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tokens = tmp_path / "tokens.json"
    assert main(["token", "--tokens", str(tokens), "add", "gm0599", "--name", "Team data"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert re.fullmatch(r"rgt_[0-9a-f]{10}_[A-Za-z0-9_-]{43}", token)
    assert "printed once" in err and token not in err
    assert TokenFile(tokens).verify(token) is not None
    assert token not in tokens.read_text(encoding="utf-8")

    assert main(["token", "--tokens", str(tokens), "add", "MRDH", "--name", "MRDH"]) == 0
    capsys.readouterr()
    assert main(["token", "--tokens", str(tokens), "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(t["organisation"], t["name"]) for t in listed} == {
        ("gm0599", "Team data"),
        ("mrdh", "MRDH"),
    }
    assert all(set(t) == {"id", "organisation", "name", "created"} for t in listed)
    assert main(["token", "--tokens", str(tokens), "list"]) == 0
    assert "Team data" in capsys.readouterr().out

    assert main(["token", "--tokens", str(tokens), "revoke", "Team data"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert TokenFile(tokens).verify(token) is None
    assert main(["token", "--tokens", str(tokens), "revoke", "Team data"]) == 1


def test_an_unknown_organisation_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = tmp_path / "tokens.json"
    assert main(["token", "--tokens", str(tokens), "add", "gm9999", "--name", "x"]) == 2
    assert "no organisation" in capsys.readouterr().err
    assert not tokens.exists()


def test_no_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--tokens", str(tmp_path / "none.json"), "list"]) == 0
    assert "write path is off" in capsys.readouterr().out
