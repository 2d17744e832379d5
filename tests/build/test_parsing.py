"""The build's parser (server.build.parsing): the engine's speed, the strict parser's verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from server.build.parsing import blank_prefix, may_be_rdf12, read_source
from server.build.sources import discover
from server.build.turtle import TurtleSyntaxError, parse_turtle
from server.settings import PROJECT_ROOT
from server.store.terms import is_blank, term_value, to_rdflib
from tests.support import TEST_DATA

SYNTAX = TEST_DATA / "syntax"
EXPECTED = json.loads((SYNTAX / "expected.json").read_text(encoding="utf-8"))


def as_graph(triples: list) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(tuple(to_rdflib(term, normalize=False) for term in triple))
    return graph


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_syntax_error_is_the_strict_parsers(name: str) -> None:
    """Each broken fixture (RDF 1.2 syntax included) is refused with the same position and
    message as :func:`parse_turtle` gives."""
    with pytest.raises(TurtleSyntaxError) as strict:
        parse_turtle(SYNTAX / name)
    with pytest.raises(TurtleSyntaxError) as fast:
        read_source(SYNTAX / name, name)
    assert str(fast.value) == str(strict.value)


@pytest.mark.parametrize(
    "source", [s for s in discover(PROJECT_ROOT)], ids=lambda source: source.relpath
)
def test_same_triples_as_the_strict_parser(source) -> None:  # type: ignore[no-untyped-def]
    """Every source of the project reads as the same graph (blank nodes aside)."""
    fast = as_graph(read_source(source.path, source.relpath))
    strict = parse_turtle(source.path).graph
    assert len(fast) == len(strict)
    assert isomorphic(fast, strict)


def test_blank_nodes_are_named_after_the_file(tmp_path: Path) -> None:
    text = "@prefix ex: <http://example.org/> .\nex:a ex:p [ ex:q 1 ], _:x .\n_:x ex:r ( 1 ) .\n"
    path = tmp_path / "a.ttl"
    path.write_text(text, encoding="utf-8")
    first = read_source(path, "data/a.ttl")
    again = read_source(path, "data/a.ttl")
    other = read_source(path, "data/b.ttl")
    assert first == again  # the same bytes, the same labels
    labels = {term_value(t) for triple in first for t in triple if is_blank(t)}
    assert len(labels) == 3  # [ ], _:x and the node of the one-item list
    assert all(label.startswith(blank_prefix("data/a.ttl")) for label in labels)
    other_labels = {term_value(t) for triple in other for t in triple if is_blank(t)}
    assert not labels & other_labels
    assert isomorphic(as_graph(first), as_graph(other))


@pytest.mark.parametrize(
    ("text", "suspect"),
    [
        ("<a> <b> <c> .", False),
        ("<a> <b> << <c> <d> <e> >> .", True),
        ('<a> <b> "x"@en--ltr .', True),
        ('VERSION "1.2"\n<a> <b> <c> .', True),
        ('<a> <b> <c> . @version "1.2" .', True),
        ("<a> <b> <http://example.org/~user> .", True),  # only a suspect: parsed strictly
        ("<a> owl:versionInfo <c> .", False),
        ('<a> <b> "plain words" .', False),
    ],
)
def test_rdf12_suspects(text: str, suspect: bool) -> None:
    assert may_be_rdf12(text.encode()) is suspect


def test_a_suspect_that_is_turtle_11_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tilde.ttl"
    path.write_text('<http://e.org/a> <http://e.org/b> "version 2 ~ of" .\n', encoding="utf-8")
    assert len(read_source(path, "tilde.ttl")) == 1
