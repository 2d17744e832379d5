"""The Strategiescan computed on the scan fixture (tests/data/scan/README.md): the exact
figures of every section, the empty scan of Dijkhoven, and the municipalities without one."""

from __future__ import annotations

import pytest

from server.canned.running import run_canned_query
from server.scan import sections
from server.scan.compute import FormerMember, UnknownMunicipality, compute_scan, current_members
from server.scan.model import Scan
from tests.support import BuiltStore

GEMEENTE = "https://w3id.org/regiograaf/id/gemeente/"


def short(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else None


@pytest.fixture(scope="module")
def aadorp(scan_store: BuiltStore) -> Scan:
    return compute_scan(scan_store.store, scan_store.settings, "gm9001")


@pytest.fixture(scope="module")
def dijkhoven(scan_store: BuiltStore) -> Scan:
    return compute_scan(scan_store.store, scan_store.settings, "gm9004")


def test_header(aadorp: Scan, scan_store: BuiltStore) -> None:
    assert (aadorp.municipality.name, aadorp.municipality.cbs, aadorp.lang) == (
        "Aadorp",
        "gm9001",
        "nl",
    )
    assert aadorp.data_version == scan_store.store.data_version()
    assert aadorp.built and aadorp.built[:4].isdigit()
    assert aadorp.has_examples


def test_strategy(aadorp: Scan) -> None:
    s = aadorp.strategy
    agenda, vision = s.documents
    assert (agenda.title, agenda.goals, agenda.replaces_title) == (
        "Digitale agenda Aadorp",
        3,
        "Visie digitaal Aadorp 2015",
    )
    assert (vision.replaced_by_title, vision.valid_from, vision.valid_until) == (
        "Digitale agenda Aadorp",
        "2015",
        "2019",
    )
    assert [(g.title, g.example) for g in s.goals] == [
        ("Data als fundament", False),
        ("Open data", False),
        ("Slim parkeren", False),
        ("Voorbeeld: Slim reizen in Aadorp", True),
    ]
    data, open_data, parking, travel = s.goals
    assert [(a.title, a.level, a.direct, a.via_title) for a in data.alignments] == [
        ("Regionaal datastelsel", "regio", True, None),
        ("Provinciale datadeling", "provincie", False, "Regionaal datastelsel"),
        ("Nationale digitale basis", "rijk", False, "Regionaal datastelsel"),
    ]
    assert open_data.broader_title == "Data als fundament"
    assert {a.via_title for a in open_data.alignments} == {"Data als fundament"}
    assert parking.alignments == ()
    assert [(a.title, a.example) for a in travel.alignments] == [("Regionale mobiliteit", True)]
    assert s.aligned_goals == 3
    assert [(g.title, g.level, g.expired) for g in s.open_goals] == [
        ("Provinciale netten", "provincie", False),
        ("Oud regionaal doel", "regio", True),
    ]


def test_value_chain(aadorp: Scan) -> None:
    v = aadorp.value_chain
    assert v.members == 4
    assert [
        (row.name, row.kind, row.projects, row.examples, row.median, row.maximum, row.active)
        for row in v.rows
    ] == [
        ("Infrastructuur", "schakel", 1, 0, 0.5, 1, 2),
        ("Data", "schakel", 1, 0, 1.0, 2, 3),
        ("Toepassingen", "schakel", 1, 1, 0.5, 1, 2),
        ("Vaardigheden", "randvoorwaarde", 0, 0, 0.5, 1, 2),
    ]
    assert v.top == 2
    maturity = [
        (row.assessment.level_number, row.assessment.date, row.assessment.example)
        if row.assessment
        else None
        for row in v.rows
    ]
    # The newest assessment of Data (level 3, 2025) wins over the older one (level 2, 2024).
    assert maturity == [
        (3, "2025-01-01", True),
        (3, "2025-06-01", True),
        None,
        (1, "2025-09-01", False),
    ]
    assert [(p.title, p.role, p.alignment, [short(s) for s in p.stages]) for p in v.projects] == [
        ("Datadeelpunt", "trekker", "direct", ["data"]),
        ("Glasvezel Aadorp", "trekker", "indirect", ["infrastructuur"]),
        ("Voorbeeld: Parkeerapp Aadorp", "trekker", "geen", ["toepassingen"]),
    ]


def test_gaps(aadorp: Scan) -> None:
    (gap,) = aadorp.gaps
    assert (gap.name, gap.kind, gap.active) == ("Vaardigheden", "randvoorwaarde", 2)
    assert (gap.project_count, gap.example_count) == (2, 1)
    assert [b.title for b in gap.building_blocks] == ["Leerlijn digitale vaardigheden"]
    assert [a.title for a in gap.action_perspectives] == [
        "Digitale inclusie bevorderen",
        "Oefenen met inwoners",
    ]
    assert [(p.title, p.partners, p.status_name, p.homepage, p.example) for p in gap.projects] == [
        (
            "Digicafé Beekdam",
            ((gap.projects[0].partners[0][0], "Beekdam", "gm9002"),),
            "Opgeschaald",
            "http://example.org/beekdam/digicafe",
            False,
        ),
        (
            "Voorbeeld: Digitale leesclub Cortwijk",
            ((gap.projects[1].partners[0][0], "Cortwijk", "gm9003"),),
            "Pilot",
            None,
            True,
        ),
    ]


def test_partners(aadorp: Scan) -> None:
    assert [
        (p.name, p.cbs, p.overlap, p.stages, p.challenges, p.joint, p.joint_titles, p.example)
        for p in aadorp.partners
    ] == [
        (
            "Beekdam",
            "gm9002",
            2,
            ("Infrastructuur",),
            ("Energie", "Mobiliteit"),
            1,
            ("Datadeelpunt",),
            False,
        ),
        ("Cortwijk", "gm9003", 1, ("Toepassingen",), ("Mobiliteit",), 0, (), True),
    ]


def test_alignment(aadorp: Scan) -> None:
    al = aadorp.alignment
    assert al.own is not None
    assert (al.own.projects, al.own.direct, al.own.indirect, al.own.share) == (3, 1, 1, 67)
    assert (al.median, al.lowest, al.highest, al.rank, al.compared) == (50.0, 33, 67, 1, 3)
    assert [(s.name, s.share) for s in al.region] == [
        ("Aadorp", 67),
        ("Beekdam", 50),
        ("Cortwijk", 33),
        ("Dijkhoven", None),
    ]


def test_empty_scan(dijkhoven: Scan) -> None:
    """Dijkhoven has nothing: every section is empty except its gaps (all four)."""
    assert dijkhoven.strategy.documents == () and dijkhoven.strategy.goals == ()
    assert len(dijkhoven.strategy.open_goals) == 6
    assert [row.projects for row in dijkhoven.value_chain.rows] == [0, 0, 0, 0]
    assert all(row.assessment is None for row in dijkhoven.value_chain.rows)
    assert dijkhoven.value_chain.projects == ()
    assert [gap.name for gap in dijkhoven.gaps] == [
        "Infrastructuur",
        "Data",
        "Toepassingen",
        "Vaardigheden",
    ]
    assert [gap.active for gap in dijkhoven.gaps] == [2, 3, 2, 2]
    assert dijkhoven.partners == ()
    assert dijkhoven.alignment.own is not None and dijkhoven.alignment.own.share is None
    assert dijkhoven.alignment.rank is None
    # Examples are shown (the gaps' projects), so the notice applies.
    assert dijkhoven.has_examples


def test_english(scan_store: BuiltStore) -> None:
    scan = compute_scan(scan_store.store, scan_store.settings, "gm9001", "en")
    assert [row.name for row in scan.value_chain.rows] == [
        "Infrastructure",
        "Data",
        "Applications",
        "Skills",
    ]
    assert scan.partners[0].challenges == ("Energy", "Mobility")
    assert scan.gaps[0].projects[0].status_name == "Scaled up"


def test_members(scan_store: BuiltStore) -> None:
    assert [m.name for m in current_members(scan_store.store, scan_store.settings, "nl")] == [
        "Aadorp",
        "Beekdam",
        "Cortwijk",
        "Dijkhoven",
    ]


def test_no_scan(scan_store: BuiltStore) -> None:
    with pytest.raises(FormerMember) as former:
        compute_scan(scan_store.store, scan_store.settings, "gm9005")
    municipality = former.value.municipality
    assert (municipality.successor_cbs, municipality.successor_name) == ("gm9003", "Cortwijk")
    assert former.value.status == 404
    with pytest.raises(UnknownMunicipality):
        compute_scan(scan_store.store, scan_store.settings, "gm9999")


def test_a_stage_nobody_works_in_is_no_gap_of_one_member(scan_store: BuiltStore) -> None:
    """``scan-gaten`` gives every stage the member has no project in; the section keeps those
    where another member is active (the value chain's count)."""
    found = run_canned_query(
        "scan-gaten",
        {"gemeente": f"{GEMEENTE}gm9001", "taal": "nl"},
        store=scan_store.store,
        settings=scan_store.settings,
        cache=None,
    ).records
    stage = found[0]["schakel"]
    assert [gap.stage for gap in sections.gaps(found, {stage: 2}, {}, {})] == [stage]
    assert sections.gaps(found, {stage: 0}, {}, {}) == ()
    assert sections.gaps(found, {}, {}, {}) == ()
