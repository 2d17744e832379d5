"""Checking an upload without storing it (server.contribute.check)."""

from __future__ import annotations

import pytest

from server.build.validation import OWNERSHIP
from server.contribute.check import check_upload
from server.errors import InvalidRequest
from server.settings import Settings
from tests.support import TEST_DATA

VREEMD = (TEST_DATA / "contribute" / "delft-vreemd.ttl").read_bytes()


def test_an_upload_with_and_without_an_owner(settings: Settings) -> None:
    plain = check_upload(settings, VREEMD, shown="mijn-bestand.ttl")
    assert [str(r.file) for r in plain.files] == ["mijn-bestand.ttl"]
    assert not [f for f in plain.files[0].findings if f.shape == OWNERSHIP]
    owned = check_upload(settings, VREEMD, code="gm0503")
    assert str(owned.files[0].file) == "data/contributions/gm0503/bijdrage.ttl"
    lines = [f.line for f in owned.files[0].findings if f.shape == OWNERSHIP]
    assert lines == [20, 26, 33, 38, 45]
    assert not list((settings.root / "data" / "contributions").rglob("*.ttl"))  # nothing stored


@pytest.mark.parametrize(
    ("code", "name"), [("gm9999", None), ("../x", None), ("gm0503", "Mijn Bestand"), ("", "../a")]
)
def test_unknown_organisation_or_name(settings: Settings, code: str, name: str | None) -> None:
    with pytest.raises(InvalidRequest):
        check_upload(settings, VREEMD, code=code or None, name=name)
