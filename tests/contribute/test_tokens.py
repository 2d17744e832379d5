"""Write tokens (server.contribute.tokens): one organisation each, only salted hashes kept."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from server.contribute.tokens import TokenFile, TokenFileError


def test_a_token_is_checked_and_never_stored(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    assert not tokens.active()
    entry, token = tokens.add("gm0599", "Team data")
    assert re.fullmatch(r"rgt_[0-9a-f]{10}_[A-Za-z0-9_-]{43}", token)
    assert tokens.active()
    assert tokens.verify(token) == entry
    assert tokens.verify(f"  {token}\n") == entry
    text = (tmp_path / "tokens.json").read_text(encoding="utf-8")
    secret = token.split("_", 2)[2]  # the secret may hold "_" too
    assert len(secret) == 43
    assert secret not in text and token not in text
    stored = json.loads(text)["tokens"][0]
    assert stored["organisation"] == "gm0599" and stored["name"] == "Team data"
    assert len(bytes.fromhex(stored["salt"])) == 16 and len(bytes.fromhex(stored["hash"])) == 32
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
    assert entry.public() == {
        "id": entry.id,
        "organisation": "gm0599",
        "name": "Team data",
        "created": entry.created,
    }


@pytest.mark.parametrize(
    "presented",
    ["", "rgt_", "Bearer x", "rgt_0000000000_" + "A" * 43, "x" * 200],
)
def test_wrong_tokens_are_refused(tmp_path: Path, presented: str) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    tokens.add("gm0599", "Team data")
    assert tokens.verify(presented) is None


def test_a_changed_secret_is_refused(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    _, token = tokens.add("gm0599", "Team data")
    last = token[-1]
    assert tokens.verify(token[:-1] + ("A" if last != "A" else "B")) is None


def test_two_tokens_and_revoking(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    first, one = tokens.add("gm0599", "Team data")
    second, two = tokens.add("gm0503", "Team data")
    _, three = tokens.add("gm0503", "Beheer")
    assert tokens.verify(two) == second
    assert [t.id for t in tokens.revoke(first.id)] == [first.id]
    assert tokens.verify(one) is None and tokens.verify(two) == second
    assert {t.organisation for t in tokens.revoke("Team data")} == {"gm0503"}
    assert tokens.verify(two) is None and tokens.verify(three) is not None
    assert tokens.revoke("nobody") == []


def test_another_process_adding_a_token_is_seen(tmp_path: Path) -> None:
    reader = TokenFile(tmp_path / "tokens.json")
    assert reader.tokens() == {}
    _, token = TokenFile(tmp_path / "tokens.json").add("mrdh", "MRDH")
    assert reader.verify(token) is not None


def test_a_broken_token_file_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "tokens.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TokenFileError) as info:
        TokenFile(tmp_path / "tokens.json").active()
    assert "tokens.json" in str(info.value) and info.value.status == 503
