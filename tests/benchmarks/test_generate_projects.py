"""The benchmark data generator (benchmarks/generate_projects.py) writes valid projects."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from server.build.validation import validate_files
from server.settings import load_settings
from tests.support import REPOSITORY

RG = Namespace("https://w3id.org/regiograaf/def#")
GENERATOR = REPOSITORY / "benchmarks" / "generate_projects.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_projects", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_projects_are_valid(tmp_path: Path) -> None:
    """N=20 generated projects parse, count 20 and pass the shapes (no findings at all)."""
    generator = _generator()
    root = load_settings().root
    made = generator.generate(20, tmp_path / "projects.ttl", root=root, seed=7)
    graph = Graph().parse(made.path, format="turtle")
    assert len(set(graph.subjects(RDF.type, RG.Project))) == 20
    assert len(graph) == made.triples
    report = validate_files([made.path], root)
    assert report.conforms
    findings = [finding for result in report.files for finding in result.findings]
    assert findings == []


def test_sample_is_part_of_the_full_file(tmp_path: Path) -> None:
    """The sample holds every k-th project of the full file, with the same text."""
    generator = _generator()
    made = generator.generate(
        40, tmp_path / "all.ttl", seed=7, sample_out=tmp_path / "s.ttl", sample_size=4
    )
    assert made.sample_count == 4
    full = Graph().parse(made.path, format="turtle")
    sample = Graph().parse(tmp_path / "s.ttl", format="turtle")
    assert len(set(sample.subjects(RDF.type, RG.Project))) == 4
    assert set(sample) <= set(full)


def test_contributions_are_led_by_the_municipality_of_their_folder(tmp_path: Path) -> None:
    """--contributions: files of at most --per-file projects under <cbs>/, each project led by
    that municipality, together the same projects as the single file."""
    generator = _generator()
    made = generator.generate_contributions(30, tmp_path / "c", seed=7, per_file=4)
    single = generator.generate(30, tmp_path / "all.ttl", seed=7)
    union = Graph()
    for path in sorted((tmp_path / "c").glob("*/*.ttl")):
        graph = Graph().parse(path, format="turtle")
        projects = set(graph.subjects(RDF.type, RG.Project))
        assert 1 <= len(projects) <= 4
        leads = {str(lead) for lead in graph.objects(None, RG.leadMunicipality)}
        assert leads == {f"https://w3id.org/regiograaf/id/gemeente/{path.parent.name}"}
        union += graph
    assert made.count == 30 and made.triples == single.triples == len(union)
    assert set(union) == set(Graph().parse(single.path, format="turtle"))
