"""schema.org JSON-LD embedded in resource pages, so that search engines understand them.

Only where the meaning fits: a project, an organisation, a concept scheme and its concepts,
a dataset (:data:`SCHEMA_TYPES`).
"""

from __future__ import annotations

from server.linkeddata.describe import Description
from server.rdf.namespaces import RG

#: rdf:type → schema.org type, most specific first (only where the meaning fits).
SCHEMA_TYPES: tuple[tuple[str, str], ...] = (
    (RG + "Project", "Project"),
    ("http://www.w3.org/ns/org#Organization", "GovernmentOrganization"),
    ("http://www.w3.org/2004/02/skos/core#ConceptScheme", "DefinedTermSet"),
    ("http://www.w3.org/2004/02/skos/core#Concept", "DefinedTerm"),
    ("http://rdfs.org/ns/void#Dataset", "Dataset"),
)
_DESCRIPTIONS = (
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)


def schema_org(description: Description, page_url: str) -> dict[str, object] | None:
    """Embedded schema.org JSON-LD for the page, or ``None`` when no schema.org type fits."""
    types = {term.value for term in description.types}
    schema_type = next((name for iri, name in SCHEMA_TYPES if iri in types), None)
    if schema_type is None:
        return None
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": description.iri,
        "url": page_url,
        "identifier": description.iri,
    }
    names = [{"@value": text, "@language": lang} for lang, text in description.labels.items()]
    if names:
        data["name"] = names
    texts = [
        {"@value": s.object.value, "@language": s.object.language or "nl"}
        for s in description.statements
        if s.predicate.value in _DESCRIPTIONS and s.object.kind == "literal"
    ]
    if texts:
        data["description"] = texts
    homepages = [
        s.object.value
        for s in description.statements
        if s.predicate.value == "http://xmlns.com/foaf/0.1/homepage"
    ]
    if homepages:
        data["sameAs"] = homepages
    schemes = [
        s.object.value
        for s in description.statements
        if s.predicate.value == "http://www.w3.org/2004/02/skos/core#inScheme"
    ]
    if schema_type == "DefinedTerm" and schemes:
        data["inDefinedTermSet"] = schemes[0]
    if description.points:
        lon, lat = description.points[0]
        data["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    return data
