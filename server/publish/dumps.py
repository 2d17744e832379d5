"""Data dumps under ``/dumps/``: the real data and, apart, the invented examples, each in several
formats, and a CSV of projects.

==========================  =========================================================
``regiograaf.ttl``          every real triple (asserted and inferred), Turtle
``regiograaf.nt.gz``        the same, N-Triples, gzip-compressed
``regiograaf.jsonld``       the same, JSON-LD
``regiograaf.trig``         every named graph with its real triples, TriG
``projecten.csv``           one row per real project (the engine's SPARQL CSV results)
``voorbeelden.ttl`` ...     the same five for the invented examples (``voorbeelden.nt.gz``,
                            ``voorbeelden.jsonld``, ``voorbeelden.trig``,
                            ``voorbeeldprojecten.csv``), only when the store holds examples
==========================  =========================================================

Which triple belongs where is :func:`server.publish.parts.split`. The DCAT catalog
(:mod:`server.publish.catalog`) describes exactly these files (:func:`available`), the example
files as a dataset of their own. A dump is made once per data version and process and kept in
memory (the graph is small: thousands of triples, not millions).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from rdflib import Dataset, Graph

from server.http.media_types import CSV, GZIP, JSON_LD, N_TRIPLES, TRIG, TURTLE
from server.publish.parts import Parts, has_examples, split
from server.rdf.iris import IriMap, bind_prefixes
from server.rdf.namespaces import sparql_prefixes
from server.store import Store

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Dump:
    """One downloadable file."""

    name: str
    media_type: str
    file_type: str
    title_nl: str
    title_en: str
    compressed: bool = False
    #: Whether the file holds the invented examples (else the real data).
    examples: bool = False

    @property
    def content_type(self) -> str:
        """The HTTP ``Content-Type`` of the file as served."""
        if self.compressed:
            return GZIP
        if self.media_type.startswith("text/"):
            return self.media_type + "; charset=utf-8"
        return self.media_type

    @property
    def kind(self) -> str:
        """What the file holds, whichever part: ``ttl``, ``nt``, ``jsonld``, ``trig``, ``csv``."""
        return {TURTLE: "ttl", N_TRIPLES: "nt", CSV: "csv"}.get(
            self.media_type, self.media_type.rsplit("/", 1)[-1].replace("ld+json", "jsonld")
        )


def _dumps(
    stem: str, csv_name: str, what_nl: str, what_en: str, examples: bool
) -> tuple[Dump, ...]:
    rdf = EU_FILE_TYPE + "RDF_"
    return (
        Dump(f"{stem}.ttl", TURTLE, rdf + "TURTLE",
             f"{what_nl} als Turtle", f"{what_en} as Turtle", examples=examples),
        Dump(f"{stem}.nt.gz", N_TRIPLES, rdf + "N_TRIPLES",
             f"{what_nl} als N-Triples (gzip)", f"{what_en} as N-Triples (gzip)",
             compressed=True, examples=examples),
        Dump(f"{stem}.jsonld", JSON_LD, EU_FILE_TYPE + "JSON_LD",
             f"{what_nl} als JSON-LD", f"{what_en} as JSON-LD", examples=examples),
        Dump(f"{stem}.trig", TRIG, rdf + "TRIG",
             f"{what_nl} per benoemde graaf (bronbestanden, afgeleid, bouwgegevens) als TriG",
             f"{what_en} per named graph (source files, inferred, build metadata) as TriG",
             examples=examples),
        Dump(csv_name, CSV, EU_FILE_TYPE + "CSV",
             f"{'Verzonnen voorbeeldprojecten' if examples else 'Projecten'} als CSV "
             "(één rij per project)",
             f"{'Invented example projects' if examples else 'Projects'} as CSV "
             "(one row per project)", examples=examples),
    )  # fmt: skip


#: The real data's files, then the examples' (offered only when the store holds examples).
DUMPS: tuple[Dump, ...] = _dumps(
    "regiograaf", "projecten.csv", "De echte gegevens", "The real data", False
) + _dumps(
    "voorbeelden",
    "voorbeeldprojecten.csv",
    "De verzonnen voorbeelden (geen echte gegevens)",
    "The invented examples (not real data)",
    True,
)
BY_NAME: dict[str, Dump] = {dump.name: dump for dump in DUMPS}

PROJECTS_CSV = (
    sparql_prefixes("rg", "dct", "skos", "foaf")
    + """\
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?project ?title_nl ?title_en ?lead ?lead_name ?status ?start ?end ?homepage
       ?voorbeeld ?wkt
       (GROUP_CONCAT(DISTINCT STR(?stage); separator=" ") AS ?stages)
       (GROUP_CONCAT(DISTINCT STR(?challenge); separator=" ") AS ?challenges)
       (GROUP_CONCAT(DISTINCT STR(?goal); separator=" ") AS ?goals)
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
       ?last_checked
WHERE {
  ?project a rg:Project .
  BIND(EXISTS { ?project rg:isExample true } AS ?voorbeeld)
  FILTER(?voorbeeld = $EXAMPLES)
  OPTIONAL { ?project dct:title ?title_nl FILTER(LANG(?title_nl) = "nl") }
  OPTIONAL { ?project dct:title ?title_en FILTER(LANG(?title_en) = "en") }
  OPTIONAL { ?project rg:leadOrganisation ?lead .
             OPTIONAL { ?lead skos:prefLabel ?lead_name FILTER(LANG(?lead_name) = "nl") } }
  OPTIONAL { ?project rg:status ?status }
  OPTIONAL { ?project rg:startDate ?start }
  OPTIONAL { ?project rg:endDate ?end }
  OPTIONAL { ?project foaf:homepage ?homepage }
  OPTIONAL { ?project geo:hasGeometry/geo:asWKT ?wkt }
  OPTIONAL { ?project rg:stage ?stage }
  OPTIONAL { ?project rg:challenge ?challenge }
  OPTIONAL { ?project rg:contributesTo ?goal }
  OPTIONAL { ?project dct:source ?source }
  OPTIONAL { ?project rg:lastChecked ?last_checked }
}
GROUP BY ?project ?title_nl ?title_en ?lead ?lead_name ?status ?start ?end ?homepage
         ?voorbeeld ?wkt ?last_checked
ORDER BY ?project
"""
)

_cache: dict[tuple[str, str], bytes] = {}
_parts: dict[str, Parts] = {}


def available(store: Store) -> tuple[Dump, ...]:
    """The dumps there are: the real data's, and the examples' when the store holds any."""
    examples = has_examples(store)
    return tuple(dump for dump in DUMPS if examples or not dump.examples)


def union_graph(data: Dataset, iri_map: IriMap) -> Graph:
    """Every triple of every named graph of ``data`` (the default graph of a query)."""
    graph = Graph()
    for part in data.graphs():
        graph += part
    bind_prefixes(graph, iri_map.base)
    return graph


def parts(store: Store, iri_map: IriMap, version: str) -> Parts:
    """The real data and the examples of ``store`` (:func:`server.publish.parts.split`), made
    once per data version."""
    found = _parts.get(version)
    if found is None:
        _parts.clear()
        found = _parts[version] = split(store, iri_map)
    return found


def make(store: Store, iri_map: IriMap, dump: Dump, version: str) -> bytes:
    """The content of ``dump`` for what ``store`` holds now."""
    if dump.kind == "csv":
        text = PROJECTS_CSV.replace("$EXAMPLES", "true" if dump.examples else "false")
        return store.query(text).serialize(CSV)
    both = parts(store, iri_map, version)
    data = both.examples if dump.examples else both.real
    if dump.kind == "trig":
        return data.serialize(format="trig", encoding="utf-8")
    graph = union_graph(data, iri_map)
    if dump.kind == "ttl":
        return graph.serialize(format="turtle", encoding="utf-8")
    if dump.kind == "jsonld":
        return graph.serialize(format="json-ld", encoding="utf-8")
    body = graph.serialize(format="nt", encoding="utf-8")
    # mtime=0: the same data gives byte-identical files (stable ETags and static exports).
    return gzip.compress(body, mtime=0)


def content(store: Store, iri_map: IriMap, dump: Dump, version: str) -> bytes:
    """``dump`` for data version ``version``, made once per process and version."""
    key = (version, dump.name)
    body = _cache.get(key)
    if body is None:
        if len(_cache) > 4 * len(DUMPS):
            _cache.clear()
        body = _cache[key] = make(store, iri_map, dump, version)
    return body
