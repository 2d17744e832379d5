"""What changed between two versions (server.contribute.diff)."""

from __future__ import annotations

from server.contribute.diff import triple_diff

ONE = b"""@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/regiograaf/id/project/a> dct:title "A"@nl ;
    dct:creator [ dct:title "X" ] .
"""
TWO = b"""@prefix dct: <http://purl.org/dc/terms/> .
# rewritten: the blank node is now labelled, and a title changed
<https://w3id.org/regiograaf/id/project/a> dct:creator _:who ; dct:title "B"@nl .
_:who dct:title "X" .
"""


def test_added_and_removed_triples_with_prefixes() -> None:
    diff = triple_diff(ONE, TWO)
    assert diff.added == ('project:a dct:title "B"@nl .',)
    assert diff.removed == ('project:a dct:title "A"@nl .',)


def test_first_version_and_deletion() -> None:
    assert len(triple_diff(None, ONE).added) == 3
    assert triple_diff(None, ONE).removed == ()
    assert len(triple_diff(ONE, None).removed) == 3
    assert triple_diff(ONE, ONE) == triple_diff(ONE, ONE.replace(b"\n", b"\n\n"))
    assert triple_diff(ONE, ONE).added == ()
