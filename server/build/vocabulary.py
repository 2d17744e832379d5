"""The unknown-term check: Regiograaf terms (``rg:``) that the ontology does not declare.

SHACL cannot see a misspelt predicate such as ``rg:leadMunicipalty``: it is just another
property. This check reports every IRI in the ``rg:`` namespace used in a file as a predicate or
as the class of ``rdf:type`` that the ontology does not describe, with the closest existing term
(:func:`difflib.get_close_matches`). The result has the stable IRI ``rgsh:UnknownTerm``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from server.rdf.namespaces import RG, RGSH

__all__ = [
    "RG",
    "RGSH",
    "UNKNOWN_TERM",
    "UnknownTerm",
    "declared_terms",
    "find_unknown_terms",
]

#: The stable IRI of the unknown-term check, used as the finding's shape.
UNKNOWN_TERM = URIRef(RGSH + "UnknownTerm")


@dataclass(frozen=True)
class UnknownTerm:
    """One use of an undeclared ``rg:`` term: ``subject predicate ...`` or ``subject a term``."""

    subject: Node
    predicate: URIRef
    term: URIRef
    suggestion: URIRef | None

    @property
    def messages(self) -> dict[str, str]:
        """The message in Dutch and English, naming the closest declared term if any."""
        name = _curie(self.term)
        if self.suggestion is None:
            return {
                "nl": f"Onbekende term {name}; die staat niet in de ontologie.",
                "en": f"Unknown term {name}; the ontology does not declare it.",
            }
        guess = _curie(self.suggestion)
        return {
            "nl": f"Onbekende term {name}; bedoelde u {guess}?",
            "en": f"Unknown term {name}; did you mean {guess}?",
        }

    @property
    def hints(self) -> dict[str, str]:
        """How to fix it, in Dutch and English."""
        if self.suggestion is not None:
            guess = _curie(self.suggestion)
            return {
                "nl": f"Vervang {_curie(self.term)} door {guess}.",
                "en": f"Replace {_curie(self.term)} with {guess}.",
            }
        return {
            "nl": "Controleer de spelling; de termen staan in ontology/regiograaf.ttl.",
            "en": "Check the spelling; the terms are listed in ontology/regiograaf.ttl.",
        }


def declared_terms(ontology: Graph) -> frozenset[URIRef]:
    """Every ``rg:`` IRI that the ontology describes (is the subject of a triple)."""
    return frozenset(
        subject
        for subject in ontology.subjects(unique=True)
        if isinstance(subject, URIRef) and str(subject).startswith(RG)
    )


def find_unknown_terms(graph: Graph, declared: Iterable[URIRef]) -> Iterator[UnknownTerm]:
    """Yield each (subject, predicate, term) in ``graph`` that uses an undeclared ``rg:`` term
    as predicate or as ``rdf:type`` object, in a stable order."""
    known = frozenset(declared)
    names = sorted(str(term)[len(RG) :] for term in known)
    found: set[tuple[Node, URIRef, URIRef]] = set()
    for subject, predicate, obj in graph:
        if _is_unknown(predicate, known):
            found.add((subject, predicate, predicate))
        if predicate == RDF.type and _is_unknown(obj, known):
            found.add((subject, RDF.type, obj))
    for subject, predicate, term in sorted(found, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        yield UnknownTerm(subject, predicate, term, _closest(term, names))


def _is_unknown(node: Node, known: frozenset[URIRef]) -> TypeGuard[URIRef]:
    return isinstance(node, URIRef) and str(node).startswith(RG) and node not in known


def _closest(term: URIRef, names: list[str]) -> URIRef | None:
    local = str(term)[len(RG) :]
    matches = difflib.get_close_matches(local, names, n=1, cutoff=0.6)
    if not matches:
        lowered = {name.lower(): name for name in names}
        matches = difflib.get_close_matches(local.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in matches]
    return URIRef(RG + matches[0]) if matches else None


def _curie(term: URIRef) -> str:
    text = str(term)
    return "rg:" + text[len(RG) :] if text.startswith(RG) else f"<{text}>"
