"""The lead municipality's membership at the project's start date (a ``FILTER NOT EXISTS``
inside a ``FILTER NOT EXISTS``, which the fast path evaluates once for all projects): the
same findings as pySHACL at the edges of membership periods, and the projects it reports are
the ones the rule means."""

from __future__ import annotations

from pathlib import Path

from server.build.validation import validate_files
from server.build.validation.context import load_context
from server.build.validation.engine import compile_shapes
from server.settings import PROJECT_ROOT
from tests.build.test_validation_engine import _both_ways

RULE = "https://w3id.org/regiograaf/shapes#Project-leadMunicipalityMember"
ID = "https://w3id.org/regiograaf/id/"

_PREFIXES = """\
@prefix rg: <https://w3id.org/regiograaf/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gemeente: <https://w3id.org/regiograaf/id/gemeente/> .
@prefix lid: <https://w3id.org/regiograaf/id/lidmaatschap/> .
@prefix project: <https://w3id.org/regiograaf/id/project/> .
"""

#: Invented municipalities: gm9901 a member 2015-2018 and again from 2021 (two periods),
#: gm9902 one period with two end dates, gm9903 a member of another organisation only.
_MUNICIPALITIES = """
gemeente:gm9901 a rg:Municipality ; skos:prefLabel "Twee Perioden"@nl, "Two Periods"@en ;
    rg:isExample true .
gemeente:gm9902 a rg:Municipality ; skos:prefLabel "Twee Einden"@nl, "Two Ends"@en ;
    rg:isExample true .
gemeente:gm9903 a rg:Municipality ; skos:prefLabel "Elders"@nl, "Elsewhere"@en ;
    rg:isExample true .
lid:gm9901-a a rg:Membership ; org:member gemeente:gm9901 ; rg:isExample true ;
    org:organization <https://w3id.org/regiograaf/id/organisatie/mrdh> ;
    rg:startDate "2015-01-01"^^xsd:date ; rg:endDate "2018-12-31"^^xsd:date .
lid:gm9901-b a rg:Membership ; org:member gemeente:gm9901 ; rg:isExample true ;
    org:organization <https://w3id.org/regiograaf/id/organisatie/mrdh> ;
    rg:startDate "2021-01-01"^^xsd:date .
lid:gm9902 a rg:Membership ; org:member gemeente:gm9902 ; rg:isExample true ;
    org:organization <https://w3id.org/regiograaf/id/organisatie/mrdh> ;
    rg:startDate "2015-01-01"^^xsd:date ;
    rg:endDate "2016-12-31"^^xsd:date, "2030-12-31"^^xsd:date .
lid:gm9903 a rg:Membership ; org:member gemeente:gm9903 ; rg:isExample true ;
    org:organization <https://w3id.org/regiograaf/id/organisatie/zhz> ;
    rg:startDate "2015-01-01"^^xsd:date .
"""

#: (project, lead code(s), start date as written or None, reported?)
_CASES = [
    ("p01", "gm9901", '"2015-01-01"^^xsd:date', False),  # on a membership's start
    ("p02", "gm9901", '"2018-12-31"^^xsd:date', False),  # on a membership's end
    ("p03", "gm9901", '"2019-01-01"^^xsd:date', True),  # the day after: between periods
    ("p04", "gm9901", '"2020-12-31"^^xsd:date', True),  # the day before the second period
    ("p05", "gm9901", '"2021-01-01"^^xsd:date', False),  # the second period's start
    ("p06", "gm9901", '"2030-06-01"^^xsd:date', False),  # an open period
    ("p07", "gm9901", '"2014-12-31"^^xsd:date', True),  # before the first period
    # A year or a month: the rule makes dates of it with xsd:date(...), a cast that pySHACL's
    # SPARQL engine (rdflib) does not have, so it never reports these (nor does the fast path).
    ("p08", "gm9901", '"2018"^^xsd:gYear', False),
    ("p09", "gm9901", '"2019"^^xsd:gYear', False),  # a year between periods
    ("p10", "gm9901", '"2020"^^xsd:gYear', False),
    ("p11", "gm9901", '"2020-12"^^xsd:gYearMonth', False),
    ("p12", "gm9901", '"2019-01"^^xsd:gYearMonth', False),
    ("p13", "gm9901", '"2018-12"^^xsd:gYearMonth', False),
    ("p14", "gm9901", None, False),  # no start date: the rule does not apply
    ("p15", "gm9901", '"2019-06-01T00:00:00"^^xsd:dateTime', False),  # not a date
    ("p16", "gm0501", '"2022-12-31"^^xsd:date', False),  # Brielle's last day as a member
    ("p17", "gm0501", '"2023-01-01"^^xsd:date', True),  # a former member
    ("p18", "gm0501", '"2023"^^xsd:gYear', False),
    ("p19", "gm0501", '"2022"^^xsd:gYear', False),
    ("p20", "gm9902", '"2016-06-01"^^xsd:date', False),  # two end dates: neither before it
    ("p21", "gm9902", '"2020-06-01"^^xsd:date', True),  # one end date before it
    ("p22", "gm9903", '"2020-06-01"^^xsd:date', True),  # a member of another organisation
    ("p23", "gm9999", '"2020-06-01"^^xsd:date', True),  # no membership at all
    ("p24", "gm9901 gm0599", '"2019-06-01"^^xsd:date', True),  # two leads, one a member then
    ("p25", "gm0599", '"2019-06-01"^^xsd:date', False),
]


def _project(name: str, leads: str, start: str | None) -> str:
    lead = ", ".join(f"gemeente:{code}" for code in leads.split())
    text = f'project:{name} a rg:Project ; rg:isExample true ;\n    dct:title "{name}"@nl ;\n'
    text += f"    rg:leadMunicipality {lead}"
    if start is not None:
        text += f" ;\n    rg:startDate {start}"
    return text + " .\n"


def _write(folder: Path) -> Path:
    path = folder / "memberships.ttl"
    projects = "".join(_project(name, leads, start) for name, leads, start, _ in _CASES)
    path.write_text(_PREFIXES + _MUNICIPALITIES + projects, encoding="utf-8")
    return path


def test_the_membership_rule_is_evaluated_once_for_all_projects() -> None:
    """The rule's ``NOT EXISTS`` joins patterns: the fast path takes it out of the query."""
    engine = compile_shapes(load_context(PROJECT_ROOT).shapes)
    rules = {}
    stack = list(engine.roots)
    while stack:
        shape = stack.pop()
        stack += shape.properties
        rules.update({str(shape.node): rule for rule in shape.sparql})
    split = rules[RULE].split
    assert split is not None
    assert [(t.negated, t.variables) for t in split.tests] == [(True, ("first", "last", "value"))]
    assert "NOT EXISTS" in split.tests[0].group  # the nested one stays in the group
    assert "NOT EXISTS" not in split.outer


def test_membership_at_the_start_date_both_ways(tmp_path: Path) -> None:
    path = _write(tmp_path)
    report = _both_ways([path], PROJECT_ROOT)
    reported = {
        (f.focus.rsplit("/", 1)[-1], f.value.rsplit("/", 1)[-1])
        for f in report.files[0].findings
        if f.shape.startswith(RULE) and f.value is not None
    }
    expected = {
        (name, code)
        for name, leads, _start, flagged in _CASES
        if flagged
        for code in leads.split()
        if code != "gm0599"
    }
    assert reported == expected


def test_membership_of_many_projects_both_ways(tmp_path: Path) -> None:
    """The same cases many times over (one test per distinct lead and period, shared by the
    projects that have them): the findings of each copy are those of the original."""
    path = tmp_path / "many.ttl"
    projects = "".join(
        _project(f"{name}-{copy}", leads, start)
        for copy in range(8)
        for name, leads, start, _ in _CASES
    )
    path.write_text(_PREFIXES + _MUNICIPALITIES + projects, encoding="utf-8")
    fast = validate_files([path], PROJECT_ROOT)
    reported = {
        f.focus.rsplit("/", 1)[-1] for f in fast.files[0].findings if f.shape.startswith(RULE)
    }
    flagged = {name for name, _leads, _start, is_flagged in _CASES if is_flagged}
    assert reported == {f"{name}-{copy}" for name in flagged for copy in range(8)}
    _both_ways([path], PROJECT_ROOT)
