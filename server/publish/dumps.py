"""Data dumps under ``/dumps/``: the whole graph in several formats, and a CSV of projects.

=====================  ==============================================================
``regiograaf.ttl``     every triple of every graph (asserted and inferred), Turtle
``regiograaf.nt.gz``   the same, N-Triples, gzip-compressed
``regiograaf.jsonld``  the same, JSON-LD
``regiograaf.trig``    every named graph as a graph (source files, inferred, meta), TriG
``projecten.csv``      one row per project (the engine's SPARQL CSV results)
=====================  ==============================================================

The DCAT catalog (:mod:`server.publish.catalog`) describes exactly these files (:data:`DUMPS`).
A dump
is made once per data version and process and kept in memory (the graph is small: thousands
of triples, not millions).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from rdflib import Dataset, Graph, URIRef

from server.http.media_types import CSV, GZIP, JSON_LD, N_TRIPLES, TRIG, TURTLE
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

    @property
    def content_type(self) -> str:
        """The HTTP ``Content-Type`` of the file as served."""
        if self.compressed:
            return GZIP
        if self.media_type.startswith("text/"):
            return self.media_type + "; charset=utf-8"
        return self.media_type


DUMPS: tuple[Dump, ...] = (
    Dump(
        "regiograaf.ttl",
        TURTLE,
        EU_FILE_TYPE + "RDF_TURTLE",
        "De hele graaf als Turtle",
        "The whole graph as Turtle",
    ),
    Dump(
        "regiograaf.nt.gz",
        N_TRIPLES,
        EU_FILE_TYPE + "RDF_N_TRIPLES",
        "De hele graaf als N-Triples (gzip)",
        "The whole graph as N-Triples (gzip)",
        compressed=True,
    ),
    Dump(
        "regiograaf.jsonld",
        JSON_LD,
        EU_FILE_TYPE + "JSON_LD",
        "De hele graaf als JSON-LD",
        "The whole graph as JSON-LD",
    ),
    Dump(
        "regiograaf.trig",
        TRIG,
        EU_FILE_TYPE + "RDF_TRIG",
        "Alle benoemde grafen (bronbestanden, afgeleid, bouwgegevens) als TriG",
        "All named graphs (source files, inferred, build metadata) as TriG",
    ),
    Dump(
        "projecten.csv",
        CSV,
        EU_FILE_TYPE + "CSV",
        "Projecten als CSV (één rij per project)",
        "Projects as CSV (one row per project)",
    ),
)
BY_NAME: dict[str, Dump] = {dump.name: dump for dump in DUMPS}

PROJECTS_CSV = (
    sparql_prefixes("rg", "dct", "skos", "foaf")
    + """\
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?project ?title_nl ?title_en ?lead ?lead_name ?status ?start ?end ?homepage
       ?is_example ?wkt
       (GROUP_CONCAT(DISTINCT STR(?stage); separator=" ") AS ?stages)
       (GROUP_CONCAT(DISTINCT STR(?challenge); separator=" ") AS ?challenges)
       (GROUP_CONCAT(DISTINCT STR(?goal); separator=" ") AS ?goals)
WHERE {
  ?project a rg:Project .
  OPTIONAL { ?project dct:title ?title_nl FILTER(LANG(?title_nl) = "nl") }
  OPTIONAL { ?project dct:title ?title_en FILTER(LANG(?title_en) = "en") }
  OPTIONAL { ?project rg:leadMunicipality ?lead .
             OPTIONAL { ?lead skos:prefLabel ?lead_name FILTER(LANG(?lead_name) = "nl") } }
  OPTIONAL { ?project rg:status ?status }
  OPTIONAL { ?project rg:startDate ?start }
  OPTIONAL { ?project rg:endDate ?end }
  OPTIONAL { ?project foaf:homepage ?homepage }
  OPTIONAL { ?project rg:isExample ?is_example }
  OPTIONAL { ?project geo:hasGeometry/geo:asWKT ?wkt }
  OPTIONAL { ?project rg:stage ?stage }
  OPTIONAL { ?project rg:challenge ?challenge }
  OPTIONAL { ?project rg:contributesTo ?goal }
}
GROUP BY ?project ?title_nl ?title_en ?lead ?lead_name ?status ?start ?end ?homepage
         ?is_example ?wkt
ORDER BY ?project
"""
)

_cache: dict[tuple[str, str], bytes] = {}


def union_graph(store: Store, iri_map: IriMap) -> Graph:
    """Every triple of every named graph (the default graph of a query: their union)."""
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }").graph()
    bind_prefixes(graph, iri_map.base)
    return graph


def dataset(store: Store, iri_map: IriMap) -> Dataset:
    """Every named graph with its own triples."""
    data = Dataset()
    for name in store.named_graphs():
        part = store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph_uris=[name]).graph()
        target = data.graph(URIRef(name))
        for triple in part:
            target.add(triple)
    bind_prefixes(data, iri_map.base)
    return data


def make(store: Store, iri_map: IriMap, dump: Dump) -> bytes:
    """The content of ``dump`` for what ``store`` holds now."""
    if dump.name == "projecten.csv":
        return store.query(PROJECTS_CSV).serialize(CSV)
    if dump.name == "regiograaf.trig":
        return dataset(store, iri_map).serialize(format="trig", encoding="utf-8")
    graph = union_graph(store, iri_map)
    if dump.name == "regiograaf.ttl":
        return graph.serialize(format="turtle", encoding="utf-8")
    if dump.name == "regiograaf.jsonld":
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
        body = _cache[key] = make(store, iri_map, dump)
    return body
