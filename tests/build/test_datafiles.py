"""The index of the data files the cross-file rules ask (server/build/validation/datafiles.py):
the same answers as walking every other file, in the files' order, never the file itself."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef

from server.build.validation.datafiles import DataFile, DataFiles
from server.build.validation.union import union_graph

EX = "https://example.org/"
TEXTS = {
    "data/a.ttl": f"<{EX}p> a <{EX}Project> ; <{EX}title> 'A' . <{EX}g> <{EX}label> 'g' .",
    "data/b.ttl": f"<{EX}p> <{EX}title> 'A' . <{EX}q> a <{EX}Project> .",
    "data/c.ttl": f"<{EX}p> a <{EX}Project> . <{EX}x> <{EX}about> <{EX}p> .",
}


def _files() -> DataFiles:
    return DataFiles(
        [DataFile(path, Graph().parse(data=text, format="turtle")) for path, text in TEXTS.items()]
    )


def _walked(files: DataFiles, own: Graph, node: URIRef, *, typed: bool) -> list[str]:
    """What the rules did before the index: ask every other file, one after another."""
    predicate = RDF.type if typed else None
    return [
        f.relpath for f in files.files if f.graph is not own and (node, predicate, None) in f.graph
    ]


def test_the_index_answers_as_walking_the_other_files() -> None:
    files = _files()
    for own in files.files:
        others = files.without(own.graph)
        for name in ("p", "q", "g", "x", "nowhere"):
            node = URIRef(EX + name)
            described = [f.relpath for f in others.describing(node)]
            typed = [f.relpath for f in others.typing(node)]
            assert described == _walked(files, own.graph, node, typed=False), (own, name)
            assert typed == _walked(files, own.graph, node, typed=True), (own, name)


def test_what_the_others_state() -> None:
    a, b, c = _files().files
    files = DataFiles([a, b, c])
    title = (URIRef(EX + "p"), URIRef(EX + "title"), Literal("A"))
    assert [f.relpath for f in files.without(a.graph).typing(URIRef(EX + "p"))] == ["data/c.ttl"]
    assert files.without(c.graph).state(title)  # a and b state it
    assert files.without(a.graph).state(title)  # b does
    label = (URIRef(EX + "g"), URIRef(EX + "label"), Literal("g"))
    assert not files.without(a.graph).state(label)  # only a itself
    assert files.without(b.graph).state(label)


def test_the_union_answers_as_the_merged_copy() -> None:
    """Every pattern (subject known or not, a triple two files state) gives the triples a
    merged copy of the same graphs gives, each once."""
    files = _files()
    ontology = Graph().parse(data=f"<{EX}Project> <{EX}label> 'Project' .", format="turtle")
    union = union_graph([ontology], files)
    copy = Graph()
    for graph in [ontology, *(f.graph for f in files.files)]:
        copy += graph
    p, title, project = URIRef(EX + "p"), URIRef(EX + "title"), URIRef(EX + "Project")
    patterns = [
        (None, None, None),
        (p, None, None),
        (p, title, None),
        (None, title, None),
        (None, RDF.type, project),
        (project, None, None),
        (URIRef(EX + "nowhere"), None, None),
        (None, None, p),
    ]
    for pattern in patterns:
        found = list(union.triples(pattern))
        assert len(found) == len(set(found)), pattern  # each once
        assert set(found) == set(copy.triples(pattern)), pattern
    assert len(union) == len(copy)
    assert set(union.subjects(RDF.type, project)) == {p, URIRef(EX + "q")}
