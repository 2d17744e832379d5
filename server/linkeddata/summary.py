"""A resource for people: title, description, and its relations in plain words, grouped by
relation, each related thing listed once (:func:`summarise`). The page shows this first and
folds the technical table (every statement with its source) away.

A relation is named by a gettext message (:data:`NAMES` outgoing, :data:`INVERSE_NAMES` for
the links to the resource): relations with the same name form one group. Things without a
label of their own (a membership, a maturity assessment) are named by what they are
(:func:`namings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from server.linkeddata.describe import LABEL_PREDICATES, RDF_TYPE, Description, Statement, Term
from server.messages import N_
from server.rdf.namespaces import RG, sparql_prefixes
from server.store import Store
from server.store.values import with_values

DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
#: The name of a group of relations without a name of their own.
OTHER = N_("overig")
#: Plain names of relations (a Dutch gettext message), where the property's label is
#: technical or missing; properties with the same name are one group.
NAMES: dict[str, str] = {
    DCT + "source": N_("bronnen"),
    DCT + "isPartOf": N_("hoort bij"),
    RG + "partOfStrategy": N_("hoort bij"),
    DCT + "hasPart": N_("bestaat uit"),
    DCT + "replaces": N_("vervangt"),
    DCT + "isReplacedBy": N_("vervangen door"),
    DCT + "license": N_("licentie"),
    "http://xmlns.com/foaf/0.1/homepage": N_("website"),
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": N_("zie ook"),
    "http://www.w3.org/2000/01/rdf-schema#isDefinedBy": N_("vastgelegd in"),
    SKOS + "inScheme": N_("hoort bij de lijst"),
    SKOS + "topConceptOf": N_("hoort bij de lijst"),
    SKOS + "hasTopConcept": N_("begrippen"),
    SKOS + "broader": N_("valt onder"),
    SKOS + "narrower": N_("omvat"),
    ORG + "member": N_("lid"),
    ORG + "organization": N_("organisatie"),
    "http://www.w3.org/ns/prov#wasInfluencedBy": N_("geïnspireerd door"),
    RG + "exemplifies": N_("brengt in de praktijk"),
    RG + "exampleProject": N_("in de praktijk gebracht door"),
}
#: Plain names of the links to a resource, by the property of the linking statement.
INVERSE_NAMES: dict[str, str] = {
    DCT + "source": N_("is bron van"),
    DCT + "isPartOf": N_("onderdelen"),
    RG + "partOfStrategy": N_("onderdelen"),
    DCT + "hasPart": N_("hoort bij"),
    DCT + "replaces": N_("vervangen door"),
    DCT + "isReplacedBy": N_("vervangt"),
    SKOS + "inScheme": N_("begrippen"),
    SKOS + "topConceptOf": N_("begrippen"),
    SKOS + "broader": N_("omvat"),
    ORG + "member": N_("lidmaatschappen"),
    ORG + "organization": N_("lidmaatschappen"),
    RG + "assessedBy": N_("volwassenheidsmetingen"),
    RG + "assessedOrganisation": N_("volwassenheidsmetingen"),
    RG + "maturityLevel": N_("volwassenheidsmetingen op dit niveau"),
    RG + "stage": N_("in deze schakel"),
    RG + "challenge": N_("voor deze opgave"),
    RG + "status": N_("met deze status"),
    RG + "leadMunicipality": N_("trekt"),
    RG + "leadOrganisation": N_("trekt"),
    RG + "participant": N_("neemt deel aan"),
    RG + "setBy": N_("stelt"),
    RG + "adoptedBy": N_("stelde vast"),
    RG + "issuedBy": N_("gaf uit"),
    RG + "alignsWith": N_("doelen die hierbij aansluiten"),
    RG + "subGoalOf": N_("subdoelen"),
    RG + "contributesTo": N_("projecten die hieraan bijdragen"),
    RG + "contributesIndirectlyTo": N_("projecten die hieraan indirect bijdragen"),
    RG + "usesBuildingBlock": N_("gebruikt door"),
    RG + "appliesActionPerspective": N_("toegepast door"),
    RG + "exemplifies": N_("in de praktijk gebracht door"),
    RG + "observes": N_("in acht genomen door"),
    "http://www.w3.org/ns/prov#wasInfluencedBy": N_("inspireerde"),
}
# What a thing without a label is, for a name of its own: a membership (of which
# organisation), a maturity assessment (of which stage, when). A VALUES block binds ?x.
NAMINGS = (
    sparql_prefixes("rg", "skos", "org")
    + """SELECT ?x ?kind ?name ?date WHERE {
  { ?x a org:Membership ; org:organization ?o . ?o skos:prefLabel ?name .
    BIND("membership" AS ?kind) }
  UNION
  { ?x a rg:MaturityAssessment ; rg:stage ?s . ?s skos:prefLabel ?name .
    OPTIONAL { ?x rg:assessedOn ?date } BIND("assessment" AS ?kind) }
}"""
)
#: The name of each kind of thing :data:`NAMINGS` finds (``%(name)s``, ``%(year)s``).
NAMING_MESSAGES = {
    "membership": N_("Lidmaatschap van %(name)s"),
    "assessment": N_("Volwassenheidsmeting %(name)s, %(year)s"),
    "assessment-undated": N_("Volwassenheidsmeting %(name)s"),
}

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
    """One relation in plain words: its name (a gettext message of :data:`NAMES` or
    :data:`INVERSE_NAMES`; ``None``: the property's label) and the things related, each once."""

    predicate: Term
    name: str | None = None
    values: list[Term] = field(default_factory=list)


@dataclass(frozen=True)
class Naming:
    """A name for a thing without a label: a message of :data:`NAMING_MESSAGES` and what
    fills it (``name`` by language, ``year``)."""

    message: str
    names: dict[str, str]
    year: str


@dataclass
class Summary:
    """What a person reads first on a resource page."""

    descriptions: dict[str, str]
    outgoing: list[Relation]
    incoming: list[Relation]
    cbs: str | None
    #: The kinds of the resource a person knows (Regiograaf's own classes), not Feature or
    #: Organization.
    kinds: list[Term] = field(default_factory=list)
    #: Names for the related things without a label, by IRI (:func:`namings`).
    named: dict[str, Naming] = field(default_factory=dict)


def _name(predicate: Term, incoming: bool) -> str | None:
    """The message naming a relation, ``None`` where the property's label says it."""
    names = INVERSE_NAMES if incoming else NAMES
    if predicate.value in names:
        return names[predicate.value]
    if incoming or not predicate.labels:
        return OTHER
    return None


def _group(statements: list[Statement], seen: set[str], incoming: bool) -> list[Relation]:
    """The statements grouped by the name of their relation; a value already in ``seen``
    (shown under another relation, e.g. the inverse one) is left out, so each related thing
    is listed once."""
    groups: dict[str, Relation] = {}
    for statement in statements:
        predicate, value = statement.predicate, statement.object
        if predicate.value in HIDDEN or value.kind == "bnode" or value.value in seen:
            continue
        if value.kind == "iri":
            seen.add(value.value)
        name = _name(predicate, incoming)
        key = name or predicate.value
        groups.setdefault(key, Relation(predicate, name)).values.append(value)
    return sorted(
        groups.values(),
        key=lambda r: (r.name == OTHER, (r.name or r.predicate.label("nl") or "").casefold()),
    )


def namings(store: Store, terms: Iterable[Term]) -> dict[str, Naming]:
    """Names for the IRIs among ``terms`` that have no label (see :data:`NAMINGS`)."""
    iris = sorted({t.value for t in terms if t.kind == "iri" and not t.labels})[:200]
    if not iris:
        return {}
    query = with_values(NAMINGS, {"x": [URIRef(iri) for iri in iris]})
    found: dict[str, Naming] = {}
    for row in store.query(query).rows():
        iri, name = str(row["x"]), row["name"]
        language = (name.language if isinstance(name, Literal) else None) or ""
        year = str(row["date"])[:4] if "date" in row else ""
        kind = str(row["kind"]) + ("" if year or row["kind"] != "assessment" else "-undated")
        naming = found.setdefault(iri, Naming(NAMING_MESSAGES[kind], {}, year))
        naming.names[language] = str(name)
    return found


def summarise(description: Description, store: Store | None = None) -> Summary:
    """The people's view of ``description``: its description texts by language, the relations
    both ways grouped by their names (each value once, asserted and inferred alike), the CBS
    code when it is a municipality, its own kinds, and (with a ``store``) names for the
    related things without a label."""
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
    outgoing = _group(description.statements, seen, incoming=False)
    incoming = _group(description.incoming, seen, incoming=True)
    kinds = [kind for kind in description.types if kind.value.startswith(RG)]
    related = [value for relation in outgoing + incoming for value in relation.values]
    named = namings(store, related) if store is not None else {}
    return Summary(texts, outgoing, incoming, cbs, kinds, named)
