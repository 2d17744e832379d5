"""Bindings written into the query text for an external store (server/store/substitution.py):
the text stays valid SPARQL and answers as pyoxigraph's own substitution does."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from server.store.substitution import substituted

_GROUPED = """SELECT ?s ?n ?top WHERE {
  { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s <urn:x:p> ?o } GROUP BY ?s }
  { SELECT ?s ?top WHERE { ?s <urn:x:p> ?top } ORDER BY DESC(?top) ?s LIMIT 1 }
}
ORDER BY ?s ?top"""


def _store() -> ox.Store:
    store = ox.Store()
    for subject, value in (("a", 1), ("b", 2), ("b", 3), ("b", 4)):
        quad = ox.Quad(ox.NamedNode(f"urn:x:{subject}"), ox.NamedNode("urn:x:p"), ox.Literal(value))
        store.add(quad)
    return store


def _answers(solutions: ox.QuerySolutions) -> list[tuple[str, ...]]:
    return [tuple(str(solution[name]) for name in ("s", "n", "top")) for solution in solutions]


def test_group_by_and_order_by_keep_their_variables():
    text = substituted(_GROUPED, {"s": URIRef("urn:x:b")})
    assert "GROUP BY ?s }" in text and "ORDER BY DESC(?top) ?s LIMIT 1" in text
    assert "ORDER BY ?s ?top" in text
    assert "{ <urn:x:b> <urn:x:p> ?o }" in text and "{ <urn:x:b> <urn:x:p> ?top }" in text


def test_the_written_text_answers_as_the_engines_substitution():
    store = _store()
    answers = {}
    for subject in ("a", "b"):
        iri = f"urn:x:{subject}"
        engine = store.query(_GROUPED, substitutions={ox.Variable("s"): ox.NamedNode(iri)})
        written = store.query(substituted(_GROUPED, {"s": URIRef(iri)}))
        answers[subject] = _answers(written)
        assert answers[subject] == _answers(engine)
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert answers["a"] == [("<urn:x:a>", f'"1"{integer}', f'"1"{integer}')]
    assert answers["b"] == [("<urn:x:b>", f'"3"{integer}', f'"4"{integer}')]
