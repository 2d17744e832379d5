"""The kinds of things a search finds: a short, stable code (the ``soort=`` filter and the
JSON's ``kind``) for each class whose instances are searched. The words a person reads for a
kind are the class's ``rdfs:label`` in the graph (ontology/regiograaf.ttl), in their language.
"""

from __future__ import annotations

from typing import Final

from server.rdf.namespaces import RG

__all__ = ["KINDS", "kind_of"]

#: Kind code → class IRI, in the order the kinds are listed (and hits of equal rank and name
#: are ordered): the shared reference concepts first, then strategies, goals and projects.
KINDS: Final[dict[str, str]] = {
    "gemeente": RG + "Municipality",
    "schakel": RG + "ValueChainStage",
    "randvoorwaarde": RG + "Enabler",
    "opgave": RG + "SocietalChallenge",
    "bouwsteen": RG + "BuildingBlock",
    "handelingsperspectief": RG + "ActionPerspective",
    "strategie": RG + "StrategyDocument",
    "doel": RG + "Goal",
    "project": RG + "Project",
}
_CODES: Final = {iri: code for code, iri in KINDS.items()}


def kind_of(class_iri: str) -> str:
    """The kind code of one of the classes of :data:`KINDS`."""
    return _CODES[class_iri]
