"""Strict Turtle parsing (server.build.turtle): syntax errors with exact positions, and the
line index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from server.build.turtle import ParsedTurtle, TurtleSyntaxError, parse_turtle, parse_turtle_text
from server.build.turtle.grammar import Grammar
from server.settings import PROJECT_ROOT
from server.store.terms import ToOxigraph
from tests.support import TEST_DATA

SYNTAX = TEST_DATA / "syntax"
EXPECTED = json.loads((SYNTAX / "expected.json").read_text(encoding="utf-8"))
EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DATE = URIRef(XSD + "date")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_every_fixture_has_an_expectation() -> None:
    names = {p.name for p in SYNTAX.glob("*.ttl")}
    assert names == set(EXPECTED)
    assert len(names) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_syntax_error_position_and_message(name: str) -> None:
    expected = EXPECTED[name]
    path = SYNTAX / name
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(path)
    error = info.value
    assert (error.line, error.column) == (expected["line"], expected["column"])
    assert error.message == expected["message"]
    assert error.messages == {"nl": expected["message_nl"], "en": expected["message"]}
    assert error.text("nl") == expected["message_nl"] != expected["message"]
    assert error.path == path
    assert str(error) == f"{path}:{expected['line']}:{expected['column']}: {expected['message']}"


def test_ill_typed_literal_is_not_a_syntax_error() -> None:
    parsed = parse_turtle_text(
        f'@prefix xsd: <{XSD}> .\n<{EX}a> <{EX}d> "abc"^^xsd:date .\n', Path("x.ttl")
    )
    assert (URIRef(EX + "a"), URIRef(EX + "d"), Literal("abc", datatype=XSD_DATE)) in parsed.graph


SAMPLE = """@prefix ex: <http://example.org/> .
# a comment with "quotes" and 'apostrophes' and <not an IRI
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

ex:a a ex:Thing ;
    ex:text \"\"\"a long string
spanning # not a comment
three lines\"\"\" ;
    ex:next ex:b .   # trailing "comment"

ex:b ex:part [
        ex:name "inner" ;
        ex:deeper [ ex:n 1 ]
    ] , [ ex:name "second" ] ;
    ex:list ( 1 2 ) .

[ ex:name "top-level" ] ex:p ex:a .
_:label ex:q 'x' .
ex:a ex:again true .
"""


@pytest.fixture(scope="module")
def sample() -> ParsedTurtle:
    return parse_turtle_text(SAMPLE, Path("sample.ttl"))


def _bnode_with_name(graph: Graph, name: str) -> BNode:
    node = graph.value(predicate=URIRef(EX + "name"), object=Literal(name))
    assert isinstance(node, BNode)
    return node


def test_subject_lines(sample: ParsedTurtle) -> None:
    lines = sample.lines
    assert lines.line_of(URIRef(EX + "a")) == 5  # the first statement, not the one on line 19
    assert lines.line_of(URIRef(EX + "b")) == 11
    assert lines.line_of(URIRef(EX + "nowhere")) is None


def test_predicate_lines_after_long_string(sample: ParsedTurtle) -> None:
    lines = sample.lines
    a = URIRef(EX + "a")
    assert lines.line_of_triple(a, RDF_TYPE) == 5
    assert lines.line_of_triple(a, URIRef(EX + "text")) == 6
    assert lines.line_of_triple(a, URIRef(EX + "next")) == 9
    assert lines.line_of_triple(a, URIRef(EX + "again")) == 19
    assert lines.line_of_triple(URIRef(EX + "b"), URIRef(EX + "list")) == 15


def test_anonymous_blank_nodes_map_to_their_bracket(sample: ParsedTurtle) -> None:
    graph, lines = sample.graph, sample.lines
    inner = _bnode_with_name(graph, "inner")
    assert lines.line_of(inner) == 11
    assert lines.line_of_triple(inner, URIRef(EX + "deeper")) == 13
    deeper = graph.value(inner, URIRef(EX + "deeper"))
    assert deeper is not None
    assert lines.line_of(deeper) == 13
    assert lines.line_of(_bnode_with_name(graph, "second")) == 14
    assert lines.line_of(_bnode_with_name(graph, "top-level")) == 17
    labelled = graph.value(predicate=URIRef(EX + "q"), object=Literal("x"))
    assert labelled is not None
    assert lines.line_of(labelled) == 18


def test_graph_matches_rdflib(sample: ParsedTurtle) -> None:
    reference = Graph().parse(data=SAMPLE, format="turtle")
    assert isomorphic(sample.graph, reference)
    text = sample.graph.value(URIRef(EX + "a"), URIRef(EX + "text"))
    assert str(text) == "a long string\nspanning # not a comment\nthree lines"


def test_blank_node_ids_are_stable_and_per_file() -> None:
    def bnodes(name: str) -> set[BNode]:
        graph = parse_turtle_text(SAMPLE, Path(name)).graph
        return {n for n in graph.all_nodes() if isinstance(n, BNode)}

    assert bnodes("one.ttl") == bnodes("one.ttl")
    assert not bnodes("one.ttl") & bnodes("other.ttl")


PROJECT_FILES = sorted(
    p for folder in ("ontology", "shapes", "data") for p in (PROJECT_ROOT / folder).glob("**/*.ttl")
)


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_project_files_parse_like_rdflib(path: Path) -> None:
    parsed = parse_turtle(path)
    assert isomorphic(parsed.graph, Graph().parse(path, format="turtle"))
    for subject in parsed.graph.subjects(unique=True):
        assert parsed.lines.line_of(subject) is not None


def test_urn_base_resolves_like_pyoxigraph(tmp_path: Path) -> None:
    import pyoxigraph

    text = "@base <urn:x:y> .\n<a> <p> <#frag> .\n"
    path = tmp_path / "urn.ttl"
    path.write_text(text, encoding="utf-8")
    expected = {
        (str(q.subject.value), str(q.predicate.value), str(q.object.value))
        for q in pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    }
    graph = parse_turtle(path).graph
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == expected


TEST_FILES = sorted(TEST_DATA.glob("**/*.ttl"))


@pytest.mark.parametrize(
    "path", PROJECT_FILES + TEST_FILES, ids=lambda p: str(p.relative_to(PROJECT_ROOT))
)
def test_the_engine_and_the_own_parser_give_the_same_file(path: Path) -> None:
    """The graph comes from the engine where it can; it is the one the own parser makes, blank
    node names, prefixes and line index included, and the engine's quads are the graph's."""
    try:
        parsed = parse_turtle(path)
    except TurtleSyntaxError:
        return  # the syntax fixtures: positions are checked above
    grammar = Grammar(path.read_text(encoding="utf-8"), path)
    grammar.run()
    assert set(parsed.graph) == set(grammar.graph)
    assert sorted(parsed.graph.namespaces()) == sorted(grammar.graph.namespaces())
    assert parsed.lines == grammar.lines
    if parsed.engine is not None:  # what validation loads into the engine as it read it
        assert set(parsed.engine.quads()) == set(ToOxigraph().quads(parsed.graph, None))


@pytest.mark.parametrize(
    "text",
    [
        'PREFIX ex: <http://example.org/>\nex:a ex:b ex:c . version "1.2"\n',
        '@version "1.2" .\n<http://example.org/a> <http://example.org/b> 1 .\n',
        'VERSION # which one\n  """1.2"""\n<http://example.org/a> <http://example.org/b> 1 .\n',
        "<http://example.org/a> <http://example.org/b> 1 ~ <http://example.org/r> .\n",
        "<http://example.org/a> <http://example.org/b> 1 {| <http://example.org/c> 2 |} .\n",
        '<http://example.org/a> <http://example.org/b> "x"@en--rtl .\n',
    ],
)
def test_rdf_12_is_refused_in_a_file_without_blank_nodes(text: str) -> None:
    """The engine reads these; the graph would come from it, but the own parser refuses."""
    with pytest.raises(TurtleSyntaxError):
        parse_turtle_text(text, Path("rdf12.ttl"))


def test_the_word_version_in_a_text_is_no_directive() -> None:
    text = (
        "<http://example.org/a> <http://example.org/b> \"the version 'two'\" ;\n"
        '  <http://example.org/versionInfo> "2" .\n'
    )
    parsed = parse_turtle_text(text, Path("words.ttl"))
    assert len(parsed.graph) == 2
    assert parsed.lines.line_of_triple(URIRef(EX + "a"), URIRef(EX + "versionInfo")) == 2


def test_labelled_blank_nodes_keep_their_names_and_lines() -> None:
    text = "@prefix ex: <http://example.org/> .\nex:a ex:b _:x .\n\n_:x ex:c 1 .\n"
    parsed = parse_turtle_text(text, Path("labels.ttl"))
    (node,) = parsed.graph.objects(URIRef(EX + "a"), URIRef(EX + "b"))
    assert isinstance(node, BNode) and str(node).endswith("lx")
    assert parsed.lines.line_of(node) == 4
    assert dict(parsed.graph.namespaces())["ex"] == URIRef(EX)
