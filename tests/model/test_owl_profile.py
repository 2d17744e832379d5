"""The ontology is strictly OWL 2 RL: checked with the OWL API's OWL2RLProfile, the reference
implementation of the OWL 2 profiles (Debian's libowlapi-java; `make system` installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from server.settings import PROJECT_ROOT

CHECKER = Path(__file__).with_name("ProfileCheck.java")
ONTOLOGY = PROJECT_ROOT / "ontology" / "regiograaf.ttl"
CLASSPATH = "/usr/share/java/*"


def _check(path: Path) -> list[str]:
    java = shutil.which("java")
    assert java, "java is missing: run `make system` (default-jdk-headless, libowlapi-java)"
    assert Path("/usr/share/java/owlapi-distribution.jar").exists(), "run `make system`"
    done = subprocess.run(
        [java, "-cp", CLASSPATH, str(CHECKER), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


def test_the_ontology_is_in_the_owl2_rl_profile() -> None:
    lines = _check(ONTOLOGY)
    assert lines[-1] == "IN PROFILE", "\n".join(lines[:20])


@pytest.mark.parametrize(
    ("axiom", "violation"),
    [
        # An existential restriction as a superclass is outside OWL 2 RL.
        (
            "rg:Project rdfs:subClassOf [ a owl:Restriction ; owl:onProperty rg:stage ;"
            " owl:someValuesFrom rg:ValueChainStage ] .",
            "requires a superclass expression",
        ),
        # A union as a superclass is outside OWL 2 RL.
        (
            "rg:Project rdfs:subClassOf [ owl:unionOf ( rg:Goal rg:Principle ) ] .",
            "requires a superclass expression",
        ),
    ],
)
def test_the_checker_finds_constructs_outside_the_profile(
    axiom: str, violation: str, tmp_path: Path
) -> None:
    """The check can fail: the ontology plus one construct outside OWL 2 RL is reported."""
    broken = tmp_path / "broken.ttl"
    broken.write_text(ONTOLOGY.read_text(encoding="utf-8") + "\n" + axiom + "\n", encoding="utf-8")
    lines = _check(broken)
    assert lines[-1] == "NOT IN PROFILE"
    assert any(violation in line.lower() for line in lines[:-1])


#: The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification §4) that OWL 2 RL
#: supports; xsd:date, xsd:gYear and xsd:gYearMonth are not among them.
OWL2_RL_DATATYPES = (
    {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" + name
        for name in ("PlainLiteral", "XMLLiteral", "langString")
    }
    | {"http://www.w3.org/2000/01/rdf-schema#Literal"}
    | {
        "http://www.w3.org/2001/XMLSchema#" + name
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    }
)


def test_ranges_use_only_owl2_datatypes() -> None:
    """The OWL API accepts an xsd:date range, but OWL 2 has no such datatype: the dates are
    checked by SHACL, and no range names a datatype outside the OWL 2 datatype map."""
    from rdflib import RDFS, Graph, URIRef

    graph = Graph().parse(ONTOLOGY)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    ranges = {str(o) for o in graph.objects(None, RDFS.range) if isinstance(o, URIRef)}
    assert not {r for r in ranges if r.startswith(xsd)} - OWL2_RL_DATATYPES
