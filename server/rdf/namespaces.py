"""Namespaces: the Regiograaf bases (written once, here) and the prefixes of queries and pages.

Every Regiograaf IRI starts with :data:`DATA_BASE` (the ``base_iri`` setting's default; the
source files always use it): the ontology ``def#`` (:data:`RG`), the shapes ``shapes#``
(:data:`RGSH`), instances ``id/<type>/<ref>`` (:data:`ID_BASE`, Dutch URI strategy, one type
segment per :data:`ID_TYPES`) and the named graphs ``graph/<path>`` (:data:`GRAPH_BASE`).
Other modules import these constants; none spells a base IRI itself.

The reused vocabularies are a fixed table (the ``@prefix`` lines of ``ontology/regiograaf.ttl``
and the vocabularies the data uses): :data:`VOCABULARIES` is what the query UI preloads,
:data:`EXTRA_PREFIXES` what pages and serialisations also abbreviate.
"""

from __future__ import annotations

from typing import Final

#: Reused vocabularies, by prefix (the prefixes the SPARQL page preloads).
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
#: The ontology namespace (``rg:``).
RG: Final = DATA_BASE + "def#"
#: The namespace of the SHACL shapes (``rgsh:``).
RGSH: Final = DATA_BASE + "shapes#"
#: The base of instance IRIs: ``id/<type>/<ref>``.
ID_BASE: Final = DATA_BASE + "id/"
#: The base of named graph IRIs: ``graph/<path of the source file>``.
GRAPH_BASE: Final = DATA_BASE + "graph/"
#: The named graph of the inferred triples.
INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
#: The named graph of the build metadata.
META_GRAPH: Final = GRAPH_BASE + "meta"

#: Vocabularies that pages and serialisations abbreviate besides :data:`VOCABULARIES`.
EXTRA_PREFIXES: Final[dict[str, str]] = {
    "rgsh": RGSH,
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
}

#: The type segments of instance IRIs (``id/<type>/<ref>``); each is also a prefix.
ID_TYPES: Final[tuple[str, ...]] = (
    "gemeente",
    "organisatie",
    "lidmaatschap",
    "begrippenkader",
    "waardeketen",
    "opgave",
    "status",
    "bestuursorgaan",
    "volwassenheid",
    "strategie",
    "doel",
    "principe",
    "project",
    "meting",
    "bouwsteen",
    "handelingsperspectief",
    "geometrie",
)


def query_prefixes(base_iri: str = DATA_BASE) -> dict[str, str]:
    """Prefix → namespace IRI: ``rg:``, the instance prefixes, then the vocabularies."""
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    prefixes = {"rg": f"{base}def#"}
    prefixes.update({segment: f"{base}id/{segment}/" for segment in ID_TYPES})
    prefixes.update(VOCABULARIES)
    return prefixes


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for ``names`` (from :func:`query_prefixes` and :data:`EXTRA_PREFIXES`),
    to start a SPARQL text with; a name without a namespace is a :class:`KeyError`."""
    known = {**query_prefixes(), **EXTRA_PREFIXES}
    return "".join(f"PREFIX {name}: <{known[name]}>\n" for name in names)
