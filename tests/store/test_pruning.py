"""Faults of the embedded store (issue 12): a killed build never costs the last good version,
and a damaged database is reported in one line instead of a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from server.errors import StoreError
from server.store.embedded import CURRENT, VERSIONS, EmbeddedStore
from server.store.versions import DATABASE, STAMP
from tests.support import G1, SMALL_GRAPHS

GRAPHS = {G1: Graph().parse(data=SMALL_GRAPHS[G1], format="turtle")}


def _versions(root: Path) -> set[str]:
    return {path.name for path in (root / VERSIONS).iterdir()}


def test_after_a_killed_build_the_last_good_version_stays(tmp_path: Path) -> None:
    root = tmp_path / "store"
    writer = EmbeddedStore(root, read_only=False)
    writer.replace(GRAPHS, "v1")
    good = Path(os.readlink(root / CURRENT)).name
    # What builds killed at different moments leave behind: a folder with half a database,
    # a complete folder whose swap never happened (newer than the good one), and the
    # temporary link of an interrupted swap.
    (root / VERSIONS / "killed-while-writing" / DATABASE).mkdir(parents=True)
    shutil.copytree(root / VERSIONS / good, root / VERSIONS / "killed-before-swap")
    os.symlink(f"{VERSIONS}/killed-before-swap", root / f".{CURRENT}-0123456789")
    writer.replace(GRAPHS, "v2")
    new = Path(os.readlink(root / CURRENT)).name
    assert _versions(root) == {good, new}
    assert not list(root.glob(f".{CURRENT}-*"))
    assert EmbeddedStore(root).data_version() == "v2"


def test_pruning_keeps_the_current_and_the_previous_version(tmp_path: Path) -> None:
    root = tmp_path / "store"
    writer = EmbeddedStore(root, read_only=False)
    names = []
    for version in ("v1", "v2", "v3"):
        writer.replace(GRAPHS, version)
        names.append(Path(os.readlink(root / CURRENT)).name)
    assert _versions(root) == set(names[-2:])


@pytest.mark.parametrize("damage", ["deleted", "garbage", "empty stamp"])
def test_a_damaged_database_is_reported_in_one_line(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "store"
    EmbeddedStore(root, read_only=False).replace(GRAPHS, "v1")
    folder = root / os.readlink(root / CURRENT)
    reader = EmbeddedStore(root)
    assert reader.damage() is None
    if damage == "deleted":
        shutil.rmtree(folder / DATABASE)
    elif damage == "garbage":
        for path in (folder / DATABASE).iterdir():
            path.write_bytes(b"\x00garbage" * 64)
    else:
        (folder / STAMP).write_text("", encoding="utf-8")
    found = reader.damage()
    if damage == "empty stamp":
        # An unreadable stamp leaves no complete version: a build writes one (no data version).
        assert found is None and EmbeddedStore(root).data_version() is None
        return
    assert found is not None and "\n" not in found
    assert str(folder) in found  # for the operator's log; never shown to a client
    with pytest.raises(StoreError) as refused:
        reader.count()
    assert refused.value.status == 503
    assert str(folder) not in refused.value.public_message
