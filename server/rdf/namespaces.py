"""The prefixes offered to people writing SPARQL (the query UI preloads them).

One place: the reused vocabularies are a fixed table (the ``@prefix`` lines of
``ontology/regiograaf.ttl`` and the vocabularies the data uses); ``rg:`` and the instance
prefixes (one per type segment of ``id/<type>/<ref>``, docs/model.md) follow the ``base_iri``
setting.
"""

from __future__ import annotations

from typing import Final

#: Reused vocabularies, by prefix.
VOCABULARIES: Final[dict[str, str]] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

#: The base of the IRIs in the source files (the ``base_iri`` setting's default).
DATA_BASE: Final = "https://w3id.org/regiograaf/"

#: The type segments of instance IRIs (``id/<type>/<ref>``); each is also a prefix.
ID_TYPES: Final[tuple[str, ...]] = (
    "gemeente",
    "organisatie",
    "lidmaatschap",
    "begrippenkader",
    "waardeketen",
    "opgave",
    "status",
    "doel",
    "project",
    "bouwsteen",
    "handelingsperspectief",
    "geometrie",
)


def query_prefixes(base_iri: str) -> dict[str, str]:
    """Prefix → namespace IRI: ``rg:``, the instance prefixes, then the vocabularies."""
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    prefixes = {"rg": f"{base}def#"}
    prefixes.update({segment: f"{base}id/{segment}/" for segment in ID_TYPES})
    prefixes.update(VOCABULARIES)
    return prefixes
