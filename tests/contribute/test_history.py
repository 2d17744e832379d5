"""The history (server.contribute.history): content by hash, the log, recording changed files,
and finishing a write a crash interrupted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from server.build.history import LOG, read_log
from server.contribute.graphs import ContributionGraph
from server.contribute.history import PENDING, History

ORG = "https://w3id.org/regiograaf/id/gemeente/gm0503"
GRAPH = ContributionGraph("gm0503", "x")
ONE = b'<http://example.org/a> <http://example.org/p> "1" .\n'
TWO = b'<http://example.org/a> <http://example.org/p> "2" , "3" .\n'


@pytest.fixture
def history(tmp_path: Path) -> History:
    (tmp_path / "root" / "data" / "contributions" / "gm0503").mkdir(parents=True)
    return History(tmp_path / "history", tmp_path / "root")


def _file(history: History) -> Path:
    return GRAPH.path(history.root)


def test_files_are_recorded_as_versions(history: History) -> None:
    _file(history).write_bytes(ONE)
    (first,) = history.sync({"gm0503": ORG})
    assert (first.seq, first.number, first.operation, first.by) == (1, 1, "file", None)
    assert (first.triples, first.added, first.removed, first.size) == (1, 1, 0, len(ONE))
    assert first.sha256 == hashlib.sha256(ONE).hexdigest()
    assert first.organisation == ORG and first.path == GRAPH.relpath
    assert history.content(first.sha256) == ONE
    assert history.sync({"gm0503": ORG}) == []  # nothing changed
    _file(history).write_bytes(TWO)
    (second,) = history.sync({})
    assert (second.number, second.triples, second.added, second.removed) == (2, 2, 2, 1)
    _file(history).unlink()
    (gone,) = history.sync({})
    assert gone.deleted and gone.number == 3 and gone.removed == 2
    assert [v.seq for v in history.of_graph(GRAPH)] == [1, 2, 3]
    assert history.versions()[1].at >= history.versions()[0].at


def test_an_interrupted_write_whose_file_was_replaced_is_finished(history: History) -> None:
    version = history.next_version(
        GRAPH,
        sha256=history.keep(ONE),
        operation="PUT",
        organisation=ORG,
        by="abc",
        by_name="Team data",
        size=len(ONE),
        triples=1,
        added=1,
        removed=0,
    )
    history.begin(version)
    _file(history).write_bytes(ONE)  # the crash came after the rename, before the log
    assert read_log(history.folder) == []
    (recovered,) = history.sync({})
    assert (recovered.operation, recovered.by, recovered.by_name) == ("PUT", "abc", "Team data")
    assert not (history.folder / PENDING).exists()
    assert history.sync({}) == []


def test_an_interrupted_write_that_did_not_replace_the_file_is_dropped(history: History) -> None:
    _file(history).write_bytes(ONE)
    history.sync({})
    version = history.next_version(
        GRAPH,
        sha256=history.keep(TWO),
        operation="PUT",
        organisation=ORG,
        by="abc",
        by_name="Team data",
        size=len(TWO),
        triples=2,
        added=2,
        removed=1,
    )
    history.begin(version)  # the crash came before the rename
    assert history.sync({}) == []
    assert [v.sha256 for v in history.versions()] == [hashlib.sha256(ONE).hexdigest()]
    assert not (history.folder / PENDING).exists()


def test_a_torn_last_line_is_not_a_version(history: History) -> None:
    _file(history).write_bytes(ONE)
    history.sync({})
    with (history.folder / LOG).open("a", encoding="utf-8") as log:
        log.write('{"seq": 2, "graph": "https://w3id.org/reg')
    assert len(read_log(history.folder)) == 1


def test_content_only_by_a_real_hash(history: History) -> None:
    for name in ("../log.jsonl", "0" * 64, "x"):
        with pytest.raises(FileNotFoundError):
            history.content(name)
