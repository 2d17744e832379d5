"""``FILTER [NOT] EXISTS`` groups evaluated once for all solutions (:mod:`server.build.
validation.exists`), and functions pySHACL's engine does not know: which queries are split,
and the same findings as pySHACL on shapes made for the edge cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from server.build.validation.batch import RDFLIB_FUNCTIONS, sparql_rule
from server.build.validation.engine import compile_shapes
from server.build.validation.exists import exists_tests
from tests.build.test_validation_engine import _both_ways

_HEAD = "PREFIX ex: <urn:ex:>\n"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        # a join in a NOT EXISTS: split; ?this and ?v are the query's, ?o the group's own
        (
            "SELECT $this WHERE { $this ex:p ?v . "
            "FILTER NOT EXISTS { ?v ex:q ?o . ?o ex:r $this } }",
            [(True, ("this", "v"))],
        ),
        # two groups, one a single pattern (left in the query), one joining (split)
        (
            "SELECT $this WHERE { $this ex:p ?v FILTER NOT EXISTS { $this ex:q ?x } "
            "FILTER EXISTS { ?v ex:q ?o ; ex:r ?w FILTER (?w > 1) } }",
            [(False, ("v",))],
        ),
        # a nested NOT EXISTS stays in its group; a variable only the nested group and the
        # query share is the test's
        (
            "SELECT $this WHERE { $this ex:p ?v ; ex:d ?d . FILTER NOT EXISTS "
            "{ ?m ex:a ?v ; ex:b ?x . FILTER NOT EXISTS { ?m ex:c ?e FILTER (?e < ?d) } } }",
            [(True, ("d", "v"))],
        ),
        # a group with one pattern and a filter: not split
        (
            "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?v ex:q ?o . FILTER (?o) } }",
            None,
        ),
        # EXISTS in an expression: not split
        ("SELECT $this WHERE { $this ex:p ?v . FILTER (!EXISTS { ?v ex:q ?o ; ex:r ?w }) }", None),
        # a group that binds a variable: not split
        (
            "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?v ex:q ?o ; ex:r ?w "
            "BIND (?w AS ?z) } }",
            None,
        ),
        # DISTINCT would not mean the same with the group's variables projected
        (
            "SELECT DISTINCT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?v ex:q ?o ; "
            "ex:r ?w } }",
            None,
        ),
        # aggregates: not split
        (
            "SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:p ?v . FILTER NOT EXISTS "
            "{ ?v ex:q ?o ; ex:r ?w } } ",
            None,
        ),
    ],
)
def test_which_groups_are_taken_out(
    query: str, variables: list[tuple[bool, tuple[str, ...]]] | None
) -> None:
    split = exists_tests(_HEAD + query)
    if variables is None:
        assert split is None
        return
    assert split is not None
    assert [(t.negated, t.variables) for t in split.tests] == variables
    assert split.outer.count("EXISTS") == query.count("EXISTS") - sum(
        t.group.count("EXISTS") + 1 for t in split.tests
    )


def test_the_query_projects_what_the_groups_need_and_hides_it() -> None:
    query = (
        "SELECT $this ?value (ex:p AS ?path) WHERE { $this ex:p ?value ; ex:d ?d . "
        "# a comment with { and an IRI <urn:ex:x#y>\n"
        'FILTER NOT EXISTS { ?m ex:a ?value ; ex:b "}" ; ex:c ?e . FILTER (?e < ?d) } }'
    )
    split = exists_tests(_HEAD + query)
    assert split is not None
    assert split.hidden == {"d"}
    assert re.search(r"\?path\)\s+\?d\s+WHERE", split.outer)
    assert '"}"' in split.tests[0].group
    assert split.tests[0].variables == ("d", "value")


def test_functions_pyshacl_does_not_know_fail_on_the_engine() -> None:
    shapes = Graph()
    node = URIRef("urn:ex:q")
    text = (
        "SELECT $this ?value WHERE { $this <urn:ex:p> ?v . "
        'BIND (xsd:date(CONCAT(STR(?v), "-01-01")) AS ?a) '
        "BIND (<http://www.w3.org/2001/XMLSchema#time>(?v) AS ?b) "
        "BIND (xsd:integer(?v) AS ?value) "
        'FILTER (STR(?v) != "xsd:gYear(1)") }'
    )
    shapes.add((node, SH.select, Literal(text)))
    rule = sparql_rule(shapes, node)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert rule.failing == {xsd + "date", xsd + "time"}
    assert xsd + "integer" in RDFLIB_FUNCTIONS


def test_the_casts_rdflib_knows() -> None:
    """:data:`RDFLIB_FUNCTIONS` are the functions rdflib registers (an upgrade may add some)."""
    from rdflib.plugins.sparql import operators

    registered = {str(iri) for iri in operators._CUSTOM_FUNCTIONS}
    assert registered == RDFLIB_FUNCTIONS


_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:ex:> .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:message "m" ;
    sh:sparql ex:heavy, ex:free, ex:dated .

# A positive EXISTS that joins: a part heavier than it is large.
ex:heavy sh:message "heavy" ; sh:select \"\"\"
    SELECT $this ?value WHERE {
        $this <urn:ex:part> ?value .
        FILTER EXISTS { ?value <urn:ex:weight> ?w . ?value <urn:ex:size> ?s . FILTER (?w > ?s) }
    }\"\"\" .

# A variable that some solutions leave unbound (an error in BIND): free in the group.
ex:free sh:message "free" ; sh:select \"\"\"
    SELECT $this WHERE {
        $this <urn:ex:size> ?s .
        BIND (IF(?s > 5, ?s, 1 / 0) AS ?limit)
        FILTER NOT EXISTS { ?other <urn:ex:size> ?x . ?other <urn:ex:max> ?limit }
    }\"\"\" .

# A cast pySHACL's engine lacks, in a group that is taken out.
ex:dated sh:message "dated" ; sh:select \"\"\"
    PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    SELECT $this WHERE {
        $this <urn:ex:year> ?y .
        BIND (xsd:date(CONCAT(STR(?y), "-01-01")) AS ?first)
        BIND (xsd:integer(STR(?y)) AS ?n)
        FILTER NOT EXISTS { ?o <urn:ex:year> ?z ; <urn:ex:next> ?n2 . FILTER (?n2 = ?n + 1) }
        FILTER NOT EXISTS { ?o <urn:ex:from> ?f ; <urn:ex:to> ?t . FILTER (?f <= ?first) }
    }\"\"\" .
"""

_DATA = """\
@prefix ex: <urn:ex:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:a a ex:Thing ; ex:part ex:a1, [ ex:weight 9 ; ex:size 2 ], ex:a2 ; ex:size 3 ;
    ex:year "2019" .
ex:a1 ex:weight 5 ; ex:size 1 .
ex:a2 ex:weight 1 ; ex:size 4 .
ex:b a ex:Thing ; ex:part ex:a2 ; ex:size 7 ; ex:year "2020" .
ex:c a ex:Thing ; ex:size 9 ; ex:year "x" .
_:d a ex:Thing ; ex:part ex:a1 ; ex:size 1 ; ex:year "2021" .
ex:m ex:size 2 ; ex:max 9 .
ex:n ex:year 1 ; ex:next 2021 .
ex:o ex:from "2000-01-01"^^xsd:date ; ex:to "2030-01-01"^^xsd:date .
"""


@pytest.mark.parametrize("blank_part", [True, False], ids=["blank-value", "named-values"])
def test_split_groups_both_ways(tmp_path: Path, blank_part: bool) -> None:
    """With a blank node among a group's values the query runs with its filters in place (a
    query cannot name a blank node); without, the groups are evaluated once."""
    root = tmp_path / "root"
    (root / "shapes").mkdir(parents=True)
    (root / "shapes" / "things.ttl").write_text(_SHAPES, encoding="utf-8")
    engine = compile_shapes(Graph().parse(data=_SHAPES, format="turtle"))
    rules = [rule for shape in engine.roots for rule in shape.sparql]
    assert len(rules) == 3 and all(rule.split is not None for rule in rules)
    path = tmp_path / "things.ttl"
    blank = "[ ex:weight 9 ; ex:size 2 ], "
    path.write_text(_DATA if blank_part else _DATA.replace(blank, ""), encoding="utf-8")
    report = _both_ways([path], root)
    found = {(f.shape.rsplit(":", 1)[-1], f.focus, f.value) for f in report.files[0].findings}
    assert ("heavy", "urn:ex:a", "urn:ex:a1") in found
    assert not any(shape == "heavy" and value == "urn:ex:a2" for shape, _f, value in found)
    # ex:b (size 7): nothing has max 7; ex:c (9): ex:m has; ex:a and _:d (≤ 5): no limit,
    # so any size with a max will do
    assert {focus for shape, focus, _v in found if shape == "free"} == {"urn:ex:b"}
    # ex:b's year has a next; the others have none, or no number; the cast fails for all
    dated = {focus for shape, focus, _v in found if shape == "dated"}
    assert "urn:ex:b" not in dated and {"urn:ex:a", "urn:ex:c"} <= dated
