"""Generate many invented projects that are valid under the shapes, for benchmarks.

Every project has what ``shapes/project.ttl`` asks for: a Dutch and an English title, a Dutch
(and an English) description, exactly one lead municipality that was an MRDH member on the
project's start date, one or two value-chain stages, one or two societal challenges, exactly one
status (``afgerond`` with an end date), exactly one start date, ``rg:isExample true`` and one or
two contributions to goals that exist in the reference data. The municipalities, memberships,
stages, challenges, statuses and goals are read from the project's own data, so the generated
file stays valid when the reference data changes.

The output is deterministic for a given ``--seed``. Next to the full file the generator writes
a *sample* file with every k-th project (the same text), small enough for ``regiograaf validate``
(which runs pySHACL; validating 100,000 projects that way would take far too long)::

    .venv/bin/python benchmarks/generate_projects.py --count 100000 --validate

With ``--contributions DIR`` it writes the projects as municipalities would contribute them
instead: ``DIR/<cbs-code>/benchmark-<n>.ttl``, each file with ``--per-file`` projects that the
municipality of its folder leads (``benchmarks/build.py`` puts them under
``data/contributions/`` of a copy of the project). Long runs report progress on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.query import ResultRow

from server.progress import Progress

REPO = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/regiograaf/id/"
PROJECT_BASE = BASE + "project/benchmark-"
MRDH = BASE + "organisatie/mrdh"
FINISHED = BASE + "status/afgerond"
#: Start dates are drawn from this range (intersected with the MRDH membership).
FIRST_START = dt.date(2015, 1, 1)
LAST_START = dt.date(2025, 12, 31)

PREFIXES = """\
@prefix rg:  <https://w3id.org/regiograaf/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

_HEADER = """\
# Regiograaf: GENERATED BENCHMARK PROJECTS (fictitious; benchmarks/generate_projects.py).
# Invented projects for performance measurements only; every one carries rg:isExample true.
"""

_Q_MEMBERSHIPS = """
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?municipality ?start ?end WHERE {
    ?membership org:member ?municipality ; org:organization ?mrdh ; rg:startDate ?start .
    ?municipality a rg:Municipality .
    OPTIONAL { ?membership rg:endDate ?end }
} ORDER BY ?municipality ?start
"""
_Q_INSTANCES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/regiograaf/def#>
SELECT DISTINCT ?thing WHERE {
    ?thing a ?class . ?class rdfs:subClassOf* ?root .
    FILTER NOT EXISTS { ?thing rg:isExample true }
} ORDER BY ?thing
"""


@dataclass(frozen=True)
class Membership:
    """An MRDH membership: a municipality and the dates it was a member (end ``None``: still)."""

    municipality: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Reference:
    """The reference data a generated project may point at."""

    memberships: tuple[Membership, ...]
    stages: tuple[str, ...]
    challenges: tuple[str, ...]
    statuses: tuple[str, ...]
    goals: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote."""

    path: Path
    count: int
    triples: int
    sample_path: Path | None
    sample_count: int


def load_reference(root: Path = REPO) -> Reference:
    """Read municipalities, memberships, stages, challenges, statuses and goals from the
    ontology, the reference data and the real register under ``root`` (examples under
    data/voorbeelden/ and contributions are left out)."""
    graph = Graph()
    sources = [*(root / "ontology").glob("*.ttl"), *(root / "data").glob("*.ttl")]
    sources += (root / "data" / "register").glob("*.ttl")
    for path in sorted(sources):
        graph.parse(path, format="turtle")

    def things(root_class: str) -> tuple[str, ...]:
        rows = graph.query(_Q_INSTANCES, initBindings={"root": URIRef(root_class)})
        return tuple(str(row[0]) for row in rows if isinstance(row, ResultRow))

    memberships = []
    for row in graph.query(_Q_MEMBERSHIPS, initBindings={"mrdh": URIRef(MRDH)}):
        assert isinstance(row, ResultRow)
        end = row.end.toPython() if row.end is not None else None
        memberships.append(Membership(str(row.municipality), row.start.toPython(), end))
    rg = "https://w3id.org/regiograaf/def#"
    reference = Reference(
        memberships=tuple(memberships),
        stages=things(rg + "ValueChainConcept"),
        challenges=things(rg + "SocietalChallenge"),
        statuses=things(rg + "ProjectStatus"),
        goals=things(rg + "Goal"),
    )
    for name in ("memberships", "stages", "challenges", "statuses", "goals"):
        if not getattr(reference, name):
            raise ValueError(f"no {name} found in the reference data under {root}")
    return reference


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def project_turtle(number: int, reference: Reference, rng: random.Random) -> tuple[str, int]:
    """The Turtle block of project ``number`` and its number of triples."""
    text, triples, _lead = drawn_project(number, reference, rng)
    return text, triples


def drawn_project(number: int, reference: Reference, rng: random.Random) -> tuple[str, int, str]:
    """The Turtle block of project ``number``, its number of triples and its lead
    municipality's IRI."""
    membership = rng.choice(reference.memberships)
    first = max(membership.start, FIRST_START)
    last = min(membership.end or LAST_START, LAST_START)
    start = _date_between(rng, first, last)
    status = rng.choice(reference.statuses)
    stages = rng.sample(reference.stages, rng.choice((1, 1, 2)))
    challenges = rng.sample(reference.challenges, rng.choice((1, 2)))
    goals = rng.sample(reference.goals, rng.choice((1, 2)))
    iri = f"<{PROJECT_BASE}{number:06d}>"
    lines = [
        f"{iri} a rg:Project ;",
        "    rg:isExample true ;",
        f'    dct:title "Benchmarkproject {number}"@nl, "Benchmark project {number}"@en ;',
        f'    dct:description "Verzonnen project {number} om de prestaties te meten."@nl,',
        f'        "Invented project {number} for performance measurements."@en ;',
        f"    rg:leadMunicipality <{membership.municipality}> ;",
        "    rg:stage " + ", ".join(f"<{stage}>" for stage in stages) + " ;",
        "    rg:challenge " + ", ".join(f"<{item}>" for item in challenges) + " ;",
        f"    rg:status <{status}> ;",
        f'    rg:startDate "{start.isoformat()}"^^xsd:date ;',
    ]
    triples = 9 + len(stages) + len(challenges) + len(goals)
    if status == FINISHED:
        end = _date_between(rng, start, start + dt.timedelta(days=3 * 365))
        lines.append(f'    rg:endDate "{end.isoformat()}"^^xsd:date ;')
        triples += 1
    lines.append("    rg:contributesTo " + ", ".join(f"<{goal}>" for goal in goals) + " .")
    return "\n".join(lines) + "\n\n", triples, membership.municipality


def generate(
    count: int,
    out: Path,
    *,
    root: Path = REPO,
    seed: int = 2024,
    sample_out: Path | None = None,
    sample_size: int = 200,
) -> Generated:
    """Write ``count`` projects to ``out`` and, when ``sample_out`` is given, every k-th of them
    (about ``sample_size``) to ``sample_out``."""
    reference = load_reference(root)
    rng = random.Random(seed)
    step = max(1, count // max(1, sample_size))
    out.parent.mkdir(parents=True, exist_ok=True)
    triples = sampled = 0
    sample = None
    with out.open("w", encoding="utf-8") as handle:
        handle.write(_HEADER + PREFIXES + "\n")
        if sample_out is not None:
            sample_out.parent.mkdir(parents=True, exist_ok=True)
            sample = sample_out.open("w", encoding="utf-8")
            sample.write(_HEADER + PREFIXES + "\n")
        try:
            for number in range(1, count + 1):
                text, size = project_turtle(number, reference, rng)
                handle.write(text)
                triples += size
                if sample is not None and number % step == 0 and sampled < sample_size:
                    sample.write(text)
                    sampled += 1
        finally:
            if sample is not None:
                sample.close()
    return Generated(out, count, triples, sample_out, sampled)


def generate_contributions(
    count: int,
    folder: Path,
    *,
    root: Path = REPO,
    seed: int = 2024,
    per_file: int = 50,
    progress: Progress | None = None,
) -> Generated:
    """Write ``count`` projects as contribution files under ``folder``: ``<cbs>/benchmark-<n>.ttl``
    with ``per_file`` projects each, all led by the municipality of the folder (the last file
    of a municipality may hold fewer). The same projects as :func:`generate` with ``seed``."""
    reference = load_reference(root)
    rng = random.Random(seed)
    progress = progress or Progress.quiet()
    open_files: dict[str, list[str]] = {}
    written = triples = 0
    with progress.stage("generate", total=count, unit="projects") as stage:
        for number in range(1, count + 1):
            text, size, lead = drawn_project(number, reference, rng)
            triples += size
            code = lead.rsplit("/", 1)[1]
            bucket = open_files.setdefault(code, [])
            bucket.append(text)
            if len(bucket) == per_file:
                written += 1
                _write_contribution(folder / code / f"benchmark-{written:05d}.ttl", bucket)
                open_files[code] = []
            stage.step(triples=size)
        for code, bucket in sorted(open_files.items()):
            if bucket:
                written += 1
                _write_contribution(folder / code / f"benchmark-{written:05d}.ttl", bucket)
    return Generated(folder, count, triples, None, written)


def _write_contribution(path: Path, projects: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_HEADER + PREFIXES + "\n" + "".join(projects), encoding="utf-8")


def regiograaf_command() -> list[str]:
    """The ``regiograaf`` console script next to this Python, or ``python -m server``."""
    script = Path(sys.executable).with_name("regiograaf")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server"]


def validate(path: Path, root: Path = REPO, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``regiograaf validate PATH --root ROOT`` and return the finished process."""
    return subprocess.run(
        [*regiograaf_command(), "validate", str(path), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: generate, and optionally validate the sample; exit 1 when it is invalid."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="number of projects")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "projects.ttl")
    parser.add_argument("--sample-out", type=Path, default=None, help="default: <out>-sample.ttl")
    parser.add_argument("--sample-size", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--root", type=Path, default=REPO, help="project root (reference data)")
    parser.add_argument("--validate", action="store_true", help="regiograaf validate the sample")
    parser.add_argument(
        "--contributions", type=Path, help="write contribution files under this folder instead"
    )
    parser.add_argument("--per-file", type=int, default=50, help="projects per contribution")
    args = parser.parse_args(argv)
    if args.contributions is not None:
        began = time.monotonic()
        made = generate_contributions(
            args.count,
            args.contributions,
            root=args.root,
            seed=args.seed,
            per_file=args.per_file,
            progress=Progress("generate_projects"),
        )
        print(
            f"wrote {made.count} projects ({made.triples} triples) in {made.sample_count} files "
            f"under {made.path} in {time.monotonic() - began:.1f} s"
        )
        return 0
    sample_out = args.sample_out or args.out.with_name(args.out.stem + "-sample.ttl")
    began = time.monotonic()
    result = generate(
        args.count,
        args.out,
        root=args.root,
        seed=args.seed,
        sample_out=sample_out,
        sample_size=args.sample_size,
    )
    print(
        f"wrote {result.count} projects ({result.triples} triples) to {result.path} "
        f"and {result.sample_count} of them to {sample_out} "
        f"in {time.monotonic() - began:.1f} s"
    )
    if args.validate:
        began = time.monotonic()
        process = validate(sample_out, args.root)
        print(process.stdout.strip()[-2000:])
        print(f"regiograaf validate: exit {process.returncode} in {time.monotonic() - began:.1f} s")
        return 0 if process.returncode == 0 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
