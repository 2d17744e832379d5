"""The unknown-term check: terms of the vocabularies the model uses that do not exist.

SHACL cannot see a misspelt term such as ``dct:descripton`` or ``rg:leadMunicipalty``: to it
that is just another property. This check knows the terms of every vocabulary the model uses:
Regiograaf's own (``rg:``, the terms the ontology declares) and the W3C and DCMI vocabularies
(``dct:``, ``skos:``, ``foaf:``, ``geo:``, ``org:``, ``prov:``, ``rdf:``, ``rdfs:``, ``owl:``,
``xsd:``, ``dcat:``, ``void:``, ``vann:``, ``sh:``; their term lists as rdflib ships them, plus
whatever the ontology declares in their namespaces). Every IRI in one of those namespaces that a
file uses (as subject, predicate, object or datatype) and that the vocabulary does not have is
reported with the closest existing term (:func:`difflib.get_close_matches`), or the same name
in another vocabulary (``rg:homepage`` → ``foaf:homepage``). The result has the stable IRI
``rgsh:UnknownTerm``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import (
    DC,
    DCAT,
    DCTERMS,
    FOAF,
    GEO,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VANN,
    VOID,
    XSD,
    DefinedNamespace,
)
from rdflib.term import Node

from server.rdf.namespaces import RG, RGSH

__all__ = [
    "RG",
    "RGSH",
    "UNKNOWN_TERM",
    "UnknownTerm",
    "Vocabulary",
    "declared_terms",
    "find_unknown_terms",
    "vocabularies",
]

#: The stable IRI of the unknown-term check, used as the finding's shape.
UNKNOWN_TERM = URIRef(RGSH + "UnknownTerm")

#: The published vocabularies the model uses: prefix, rdflib's closed term list, where to look.
_PUBLISHED: tuple[tuple[str, type[DefinedNamespace], str], ...] = (
    ("rdf", RDF, "https://www.w3.org/TR/rdf11-schema/"),
    ("rdfs", RDFS, "https://www.w3.org/TR/rdf11-schema/"),
    ("owl", OWL, "https://www.w3.org/TR/owl2-quick-reference/"),
    ("xsd", XSD, "https://www.w3.org/TR/xmlschema11-2/"),
    ("dct", DCTERMS, "https://www.dublincore.org/specifications/dublin-core/dcmi-terms/"),
    ("dc", DC, "https://www.dublincore.org/specifications/dublin-core/dcmi-terms/"),
    ("skos", SKOS, "https://www.w3.org/TR/skos-reference/"),
    ("foaf", FOAF, "http://xmlns.com/foaf/spec/"),
    ("geo", GEO, "https://docs.ogc.org/is/22-047r1/22-047r1.html"),
    ("org", ORG, "https://www.w3.org/TR/vocab-org/"),
    ("prov", PROV, "https://www.w3.org/TR/prov-o/"),
    ("dcat", DCAT, "https://www.w3.org/TR/vocab-dcat-3/"),
    ("void", VOID, "https://www.w3.org/TR/void/"),
    ("vann", VANN, "https://vocab.org/vann/"),
    ("sh", SH, "https://www.w3.org/TR/shacl/"),
)
#: Where the ``rg:`` terms are listed.
_ONTOLOGY_FILE = "ontology/regiograaf.ttl"
#: ``rdf:_1``, ``rdf:_2``, ...: container membership properties, all of them terms.
_MEMBERSHIP = re.compile(r"_[1-9][0-9]*")


@dataclass(frozen=True)
class Vocabulary:
    """One vocabulary: its usual prefix, namespace, term names and where they are listed."""

    prefix: str
    namespace: str
    terms: frozenset[str]
    listed_at: str

    def has(self, name: str) -> bool:
        """Whether ``name`` (the part after the namespace) is a term of this vocabulary."""
        return name in self.terms or (self.prefix == "rdf" and bool(_MEMBERSHIP.fullmatch(name)))

    def curie(self, name: str) -> str:
        """``prefix:name``."""
        return f"{self.prefix}:{name}"


@dataclass(frozen=True)
class UnknownTerm:
    """One use of a term that does not exist: in ``subject predicate ...`` (the term is the
    predicate, the object or the object's datatype) or as a subject (``predicate`` is then
    ``None``)."""

    subject: Node
    predicate: URIRef | None
    term: URIRef
    name: str
    suggestion: str | None
    listed_at: str
    suggested: URIRef | None = None

    @property
    def messages(self) -> dict[str, str]:
        """The message in Dutch and English, naming the closest existing term if any."""
        if self.suggestion is None:
            return {
                "nl": f"Onbekende term {self.name}; die bestaat niet in de woordenlijst.",
                "en": f"Unknown term {self.name}; the vocabulary does not have it.",
            }
        return {
            "nl": f"Onbekende term {self.name}; bedoelde u {self.suggestion}?",
            "en": f"Unknown term {self.name}; did you mean {self.suggestion}?",
        }

    @property
    def hints(self) -> dict[str, str]:
        """How to fix it, in Dutch and English."""
        if self.suggestion is not None:
            return {
                "nl": f"Vervang {self.name} door {self.suggestion}.",
                "en": f"Replace {self.name} with {self.suggestion}.",
            }
        return {
            "nl": f"Controleer de spelling (hoofdletters tellen mee); de termen staan in "
            f"{self.listed_at}.",
            "en": f"Check the spelling (case matters); the terms are listed in {self.listed_at}.",
        }


def declared_terms(ontology: Graph) -> frozenset[URIRef]:
    """Every IRI that the ontology describes (is the subject of a triple): the ``rg:`` terms,
    and the terms of other vocabularies it declares."""
    return frozenset(s for s in ontology.subjects(unique=True) if isinstance(s, URIRef))


def vocabularies(declared: frozenset[URIRef]) -> tuple[Vocabulary, ...]:
    """The vocabularies whose terms are checked: ``rg:`` with the ``declared`` terms, and the
    published ones with rdflib's term lists plus the ``declared`` terms in their namespace."""

    def names(namespace: str) -> set[str]:
        return {str(t)[len(namespace) :] for t in declared if str(t).startswith(namespace)}

    found = [Vocabulary("rg", RG, frozenset(names(RG)), _ONTOLOGY_FILE)]
    for prefix, namespace, listed_at in _PUBLISHED:
        base = str(namespace)
        terms = set(namespace.__annotations__) | set(getattr(namespace, "_extras", ()))
        found.append(Vocabulary(prefix, base, frozenset(terms | names(base)), listed_at))
    return tuple(found)


def find_unknown_terms(graph: Graph, known: tuple[Vocabulary, ...]) -> Iterator[UnknownTerm]:
    """Yield each use in ``graph`` of a term that is in the namespace of one of the ``known``
    vocabularies but is not one of its terms, in a stable order."""
    by_namespace = sorted(known, key=lambda v: len(v.namespace), reverse=True)
    found: dict[tuple[Node, URIRef | None, URIRef], tuple[Vocabulary, str]] = {}

    def check(subject: Node, predicate: URIRef | None, node: Node) -> None:
        if not isinstance(node, URIRef):
            return
        text = str(node)
        for vocabulary in by_namespace:
            if text.startswith(vocabulary.namespace):
                name = text[len(vocabulary.namespace) :]
                if name and not vocabulary.has(name):
                    found[(subject, predicate, node)] = (vocabulary, name)
                return

    for subject, predicate, obj in graph:
        check(subject, None, subject)
        check(subject, predicate, predicate)  # type: ignore[arg-type]
        check(subject, predicate, obj)  # type: ignore[arg-type]
        if isinstance(obj, Literal) and obj.datatype is not None:
            check(subject, predicate, obj.datatype)  # type: ignore[arg-type]
    for key in sorted(found, key=lambda k: (str(k[0]), str(k[1] or ""), str(k[2]))):
        vocabulary, name = found[key]
        subject, verb, term = key
        closest = _closest(vocabulary, name, known)
        yield UnknownTerm(
            subject,
            verb,
            term,
            vocabulary.curie(name),
            closest[0] if closest else None,
            vocabulary.listed_at,
            URIRef(closest[1]) if closest else None,
        )


def _closest(
    vocabulary: Vocabulary, name: str, known: tuple[Vocabulary, ...]
) -> tuple[str, str] | None:
    """The term meant by ``name`` (as ``prefix:name`` and as IRI): a close spelling in the same
    vocabulary, else the same name in another vocabulary, else a close spelling in any
    vocabulary; ``None`` when nothing fits."""
    match = _close(name, sorted(vocabulary.terms), 0.8)
    if match is not None:
        return vocabulary.curie(match), vocabulary.namespace + match
    for other in known:
        if other is not vocabulary and other.has(name):
            return other.curie(name), other.namespace + name
    for other in known:
        if other is not vocabulary:
            lowered = {term.lower(): term for term in other.terms}
            if name.lower() in lowered:
                term = lowered[name.lower()]
                return other.curie(term), other.namespace + term
    match = _close(name, sorted(vocabulary.terms), 0.6)
    return (vocabulary.curie(match), vocabulary.namespace + match) if match else None


def _close(name: str, names: list[str], cutoff: float) -> str | None:
    """The closest of ``names`` to ``name`` (case-insensitive first), or ``None``."""
    lowered = {term.lower(): term for term in names}
    if name.lower() in lowered:
        return lowered[name.lower()]
    matches = difflib.get_close_matches(name, names, n=1, cutoff=cutoff)
    if not matches:
        matches = [
            lowered[m]
            for m in difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=cutoff)
        ]
    return matches[0] if matches else None
