"""The fast path of validation (compiled shapes on the file's focus nodes) gives exactly the
findings of the reference path (pySHACL over the union of all data), on every fixture and on
generated data, good and broken."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from server.build.validation import Finding, ValidationReport, validate_files
from server.build.validation.batch import batchable
from server.build.validation.context import load_context
from server.build.validation.engine import Unsupported, compile_shapes
from server.settings import PROJECT_ROOT
from tests.build.generated import generator
from tests.support import TEST_DATA

SHAPE_FIXTURES = sorted((TEST_DATA / "shapes").glob("*.ttl"))
VALIDATION = TEST_DATA / "validation"


def _findings(report: ValidationReport) -> list[list[tuple[object, ...]]]:
    """Every file's findings with every field (messages and hints included), in order."""
    return [
        [
            (f.line, f.focus, f.shape, f.component, f.path, f.value, f.severity, *_texts(f))
            for f in result.findings
        ]
        for result in report.files
    ]


def _texts(finding: Finding) -> tuple[object, ...]:
    return (tuple(sorted(finding.messages.items())), tuple(sorted(finding.hints.items())))


def _both_ways(paths: list[Path], root: Path, **options: object) -> ValidationReport:
    fast = validate_files(paths, root, **options)  # type: ignore[arg-type]
    reference = validate_files(paths, root, reference=True, **options)  # type: ignore[arg-type]
    _agree(fast, reference)
    return fast


def _agree(fast: ValidationReport, reference: ValidationReport) -> None:
    """The fast path's report is the reference's, finding for finding."""
    assert _findings(fast) == _findings(reference)
    assert [r.conforms for r in fast.files] == [r.conforms for r in reference.files]


def test_the_project_shapes_compile() -> None:
    """The project's own shapes run on the fast path (no fallback to pySHACL)."""
    engine = compile_shapes(load_context(PROJECT_ROOT).shapes)
    assert len(engine.roots) > 20


def _reference(path: Path) -> ValidationReport:
    """pySHACL's report of the fixture ``path`` (in a process of the pool below)."""
    return validate_files([path], PROJECT_ROOT, reference=True)


@pytest.fixture(scope="module")
def references() -> dict[Path, ValidationReport]:
    """pySHACL's report of every shape fixture, made by a process per core: each takes seconds
    (pySHACL over the union of all data), and they are independent of each other."""
    processes = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            return dict(zip(SHAPE_FIXTURES, pool.map(_reference, SHAPE_FIXTURES), strict=True))
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the first error, without the rest of the work
            raise


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: p.name)
def test_every_shape_fixture_both_ways(
    path: Path, references: dict[Path, ValidationReport]
) -> None:
    report = validate_files([path], PROJECT_ROOT)
    _agree(report, references[path])
    if "-invalid-" in path.name:
        assert report.files[0].findings, "a broken fixture has findings"


def test_the_validation_fixtures_together_both_ways() -> None:
    paths = sorted(VALIDATION.glob("*.ttl"))
    report = _both_ways(paths, VALIDATION / "root")
    assert not report.conforms


def test_contributions_with_an_owner_both_ways() -> None:
    paths = sorted((TEST_DATA / "contribute").glob("*.ttl"))
    report = _both_ways(paths, PROJECT_ROOT, owners={p: "gm0503" for p in paths})
    assert any(f.shape.endswith("Ownership") for r in report.files for f in r.findings)


def test_the_scan_register_both_ways() -> None:
    """Projects that start in a year or a month (``xsd:gYear``, ``xsd:gYearMonth``) led by
    municipalities without an MRDH membership: pySHACL's engine has no ``xsd:date`` cast, so
    the membership rule reports none of them, and neither may the fast path."""
    _both_ways([TEST_DATA / "scan" / "register.ttl"], PROJECT_ROOT)


def test_a_reference_file_itself_both_ways() -> None:
    """A file of the context validated as itself: its cross-file rules still hold."""
    path = PROJECT_ROOT / "data" / "projecten.ttl"
    if not path.exists():
        path = sorted((PROJECT_ROOT / "data").glob("**/*.ttl"))[0]
    _both_ways([path], PROJECT_ROOT)


#: Breakages applied to generated projects: (pattern, replacement).
_BREAKAGES = (
    (r'"Benchmarkproject (\d+)"@nl', r'"Benchmarkproject \1"'),  # no language tag
    (r'rg:startDate "\d{4}-\d\d-\d\d"\^\^xsd:date', 'rg:startDate "soon"^^xsd:date'),
    (r'rg:startDate "(\d{4})-\d\d-\d\d"\^\^xsd:date', r'rg:startDate "\1"^^xsd:gYear'),
    (r"rg:isExample true ;", ""),  # no source and no example mark
    (r"gemeente/gm\d{4}>", "gemeente/gm9999>"),  # an unknown lead
    (r"doel/[a-z0-9-]+>", "doel/bestaat-niet>"),  # an unknown goal
    (r"status/\w+>", "status/pilot>, <https://w3id.org/regiograaf/id/status/idee>"),
    (r"rg:stage <[^>]+>(, <[^>]+>)? ;", ""),  # no stage
    (r'dct:title "Benchmarkproject', 'dct:titel "Benchmarkproject'),  # a typo
    (r"rg:startDate", "rg:endDate"),  # an end date without a start (and a finished one)
)


def test_generated_projects_good_and_broken_both_ways(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    generator().generate(40, good, root=PROJECT_ROOT, seed=11, sample_size=0)
    text = good.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    chance = random.Random(7)
    broken_blocks = []
    for index, block in enumerate(blocks):
        if index and block.strip():
            pattern, replacement = _BREAKAGES[index % len(_BREAKAGES)]
            block = re.sub(pattern, replacement, block, count=1 + chance.randrange(2))
        broken_blocks.append(block)
    broken = tmp_path / "broken.ttl"
    broken.write_text("\n\n".join(broken_blocks), encoding="utf-8")
    assert _both_ways([good], PROJECT_ROOT).conforms
    report = _both_ways([broken], PROJECT_ROOT)
    components = {f.component.rsplit("#", 1)[-1] for f in report.files[0].findings}
    assert {"DatatypeConstraintComponent", "SPARQLConstraintComponent"} <= components
    assert {"MinCountConstraintComponent", "ClassConstraintComponent"} <= components


def test_shapes_the_fast_path_does_not_know_fall_back_to_pyshacl() -> None:
    shapes = Graph()
    shape = URIRef("urn:x:shape")
    shapes.add((shape, SH.targetNode, URIRef("urn:x:a")))
    shapes.add((shape, SH.uniqueLang, Literal(True)))
    with pytest.raises(Unsupported):
        compile_shapes(shapes)


def test_a_query_that_does_not_select_this_falls_back_to_pyshacl() -> None:
    shapes = Graph()
    shape, constraint = URIRef("urn:x:shape"), URIRef("urn:x:sparql")
    shapes.add((shape, SH.targetNode, URIRef("urn:x:a")))
    shapes.add((shape, SH.message, Literal("m")))
    shapes.add((shape, SH.sparql, constraint))
    shapes.add((constraint, SH.select, Literal("SELECT ?x WHERE { $this a ?x }")))
    with pytest.raises(Unsupported):
        compile_shapes(shapes)


@pytest.mark.parametrize(
    ("query", "batched"),
    [
        ("SELECT $this WHERE { $this a ?c . FILTER NOT EXISTS { $this ?p ?o } }", True),
        ("SELECT $this WHERE { { $this a ?c } UNION { $this ?p ?o } }", False),
        ("SELECT $this WHERE { $this a ?c OPTIONAL { $this ?p ?o } }", False),
        ("SELECT ?x WHERE { $this a ?x }", False),
        ("SELECT $this WHERE { { SELECT $this WHERE { $this a ?c } } }", False),
        ("SELECT $this WHERE { $this ?order ?limit FILTER NOT EXISTS { ?limit a ?c } }", True),
    ],
)
def test_which_queries_run_once_for_all_focus_nodes(query: str, batched: bool) -> None:
    assert batchable(query) is batched
