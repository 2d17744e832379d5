"""A resource for people: title, description, and its relations in plain words, grouped by
relation, each related thing listed once (:func:`summarise`). The page shows this first and
folds the technical table (every statement with its source) away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.linkeddata.describe import LABEL_PREDICATES, RDF_TYPE, Description, Statement, Term
from server.rdf.namespaces import RG

#: Predicates whose value describes the resource in words, most preferred first.
DESCRIPTION_PREDICATES: tuple[str, ...] = (
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)
#: Predicates a person does not need among the relations: names, descriptions, the kind (shown
#: under the title), the example marker (a notice), geometry (the map), identity links.
HIDDEN: frozenset[str] = frozenset(
    {
        *LABEL_PREDICATES,
        *DESCRIPTION_PREDICATES,
        RDF_TYPE,
        RG + "isExample",
        "http://www.opengis.net/ont/geosparql#hasGeometry",
        "http://www.opengis.net/ont/geosparql#asWKT",
        "http://www.w3.org/2002/07/owl#sameAs",
        "http://www.w3.org/2004/02/skos/core#altLabel",
    }
)
#: The CBS code of a municipality.
CBS_CODE = RG + "cbsCode"


@dataclass
class Relation:
    """One relation in plain words: its name (the property's label) and the things related,
    each once."""

    predicate: Term
    values: list[Term] = field(default_factory=list)


@dataclass
class Summary:
    """What a person reads first on a resource page."""

    descriptions: dict[str, str]
    outgoing: list[Relation]
    incoming: list[Relation]
    cbs: str | None


def _group(statements: list[Statement], seen: set[str]) -> list[Relation]:
    """The statements grouped by property; a value already in ``seen`` (shown under another
    relation, e.g. the inverse one) is left out, so each related thing is listed once."""
    groups: dict[str, Relation] = {}
    for statement in statements:
        predicate, value = statement.predicate, statement.object
        if predicate.value in HIDDEN or value.kind == "bnode" or value.value in seen:
            continue
        if value.kind == "iri":
            seen.add(value.value)
        groups.setdefault(predicate.value, Relation(predicate)).values.append(value)
    return sorted(groups.values(), key=lambda r: (r.predicate.label("nl") or "").casefold())


def summarise(description: Description) -> Summary:
    """The people's view of ``description``: its description texts by language, the relations
    both ways grouped by property (each value once, asserted and inferred alike), and the CBS
    code when it is a municipality."""
    texts: dict[str, str] = {}
    for predicate in DESCRIPTION_PREDICATES:
        for statement in description.statements:
            value = statement.object
            if statement.predicate.value == predicate and value.kind == "literal":
                texts.setdefault(value.language or "", value.value)
    cbs = next(
        (
            s.object.value.lower()
            for s in description.statements
            if s.predicate.value == CBS_CODE and s.object.kind == "literal"
        ),
        None,
    )
    seen: set[str] = set()
    outgoing = _group(description.statements, seen)
    return Summary(texts, outgoing, _group(description.incoming, seen), cbs)
