"""Describe one resource of the graph for people and for machines (Dutch URI strategy).

Every IRI under the base (``base_iri`` setting) has a page on this server:

============================  ==========================  =====================================
IRI (under the base)          page                        note
============================  ==========================  =====================================
``id/<type>/<ref>``           ``/doc/<type>/<ref>``       ``/id/...`` answers 303 to the page
``graph/<path>``              ``/doc/graph/<path>``       a source file (named graph)
``def`` and ``def#<Term>``    ``/def/`` and ``/def/<Term>``  ontology documentation, term pages
``shapes`` and ``shapes#<S>`` ``/shapes/`` and ``/shapes/<S>``  the SHACL shapes
``catalog`` (and ``#...``)    ``/catalog``                the DCAT catalog
============================  ==========================  =====================================

:class:`IriMap` maps both ways; :func:`describe` gathers what a page shows (labels in Dutch and
English, every statement with the named graph it comes from, incoming links, geometry);
:func:`resource_graph` is the machine-readable description (the engine's concise bounded
description, ``DESCRIBE``). Values are always bound, never spliced into the SPARQL text.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Identifier

from server.rdf.namespaces import VOCABULARIES, query_prefixes
from server.store import Store

#: Predicates whose values name a resource, most preferred first.
LABEL_PREDICATES: tuple[str, ...] = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/ns/shacl#name",
    "http://xmlns.com/foaf/0.1/name",
)
#: Prefixes for display besides server/rdf/namespaces.py (vocabularies the shapes and catalog use).
EXTRA_PREFIXES: dict[str, str] = {
    "rgsh": "https://w3id.org/regiograaf/shapes#",
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
}
RDF_TYPE = str(RDF.type)
IS_EXAMPLE = "https://w3id.org/regiograaf/def#isExample"
GEO = "http://www.opengis.net/ont/geosparql#"
#: Most incoming links a page lists.
MAX_INCOMING = 500

_LABELS = " | ".join(f"<{iri}>" for iri in LABEL_PREDICATES)

EXISTS = "ASK { ?this ?p ?o }"
OUTGOING = "SELECT ?this ?p ?o ?g WHERE { GRAPH ?g { ?this ?p ?o } }"
INCOMING = "SELECT ?this ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?this } } ORDER BY ?p ?s LIMIT " + str(
    MAX_INCOMING
)
BLANK_DETAILS = (
    "SELECT DISTINCT ?this ?b ?p ?o WHERE { ?this ?x ?b . FILTER(isBlank(?b)) ?b ?p ?o }"
)
LABELS = f"""SELECT DISTINCT ?this ?x ?l WHERE {{
  {{ BIND(?this AS ?x) }} UNION {{ ?this ?x ?o }} UNION {{ ?this ?p ?x }}
  UNION {{ ?x ?p ?this }} UNION {{ ?s ?x ?this }}
  UNION {{ ?this ?p ?b . FILTER(isBlank(?b)) ?b ?x ?o2 }}
  UNION {{ ?this ?p ?b . FILTER(isBlank(?b)) ?b ?p2 ?x }}
  ?x {_LABELS} ?l .
  FILTER(isIRI(?x))
}}"""
SUBJECTS = """SELECT DISTINCT ?this ?x WHERE {
  { BIND(?this AS ?x) } UNION { ?this ?x ?o } UNION { ?this ?p ?x }
  UNION { ?x ?p ?this } UNION { ?s ?x ?this }
  UNION { ?this ?p ?b . FILTER(isBlank(?b)) ?b ?x ?o2 }
  UNION { ?this ?p ?b . FILTER(isBlank(?b)) ?b ?p2 ?x }
  FILTER(isIRI(?x))
  FILTER EXISTS { ?x ?q ?r }
}"""
GEOMETRY = f"""SELECT DISTINCT ?this ?wkt WHERE {{
  {{ ?this <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }} UNION {{ ?this <{GEO}asWKT> ?wkt }}
}}"""
SOURCES = """PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?meta ?g ?path ?municipality WHERE {
  GRAPH ?meta { ?g a rg:SourceDocument ; dct:source ?path .
    OPTIONAL { ?g a rg:Contribution ; rg:forMunicipality ?municipality } }
}"""

_INVALID_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_POINT = re.compile(
    r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$", re.I
)


@dataclass(frozen=True)
class IriMap:
    """Maps Regiograaf IRIs to the paths of their pages on this server, and back."""

    base: str

    @classmethod
    def for_base(cls, base_iri: str) -> IriMap:
        """The map for the ``base_iri`` setting (a missing final ``/`` is added)."""
        return cls(base_iri if base_iri.endswith("/") else base_iri + "/")

    def page(self, iri: str) -> str | None:
        """The local path of the page about ``iri``, or ``None`` for an IRI outside the base."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        for namespace in ("def", "shapes"):
            if rest == namespace or rest == namespace + "#" or rest.startswith(namespace + "/"):
                return f"/{namespace}/"
            if rest.startswith(namespace + "#"):
                return f"/{namespace}/{rest[len(namespace) + 1 :]}"
        if rest.startswith("id/") and len(rest) > 3:
            return "/doc/" + rest[3:]
        if rest.startswith("graph/") and len(rest) > 6:
            return "/doc/" + rest
        if rest == "catalog" or rest.startswith("catalog#"):
            return "/" + rest
        if rest == "":
            return "/"
        return None

    def href(self, iri: str, subjects: frozenset[str] | set[str] | None = None) -> str | None:
        """Where a link to ``iri`` should go: its local page, or the IRI itself when it is
        outside the base. With ``subjects`` given, an IRI under the base that is not one of
        them (and not a document such as ``/def/``) has no page: ``None``."""
        page = self.page(iri)
        if page is None:
            return iri
        if (
            subjects is None
            or iri in subjects
            or not page.startswith(("/doc/", "/def/", "/shapes/"))
        ):
            return page
        return page if page in ("/def/", "/shapes/") else None

    def doc_iri(self, rest: str) -> str:
        """The IRI described by ``/doc/<rest>`` (``rest`` as decoded from the URL path)."""
        if rest.startswith("graph/"):
            return self.graph_iri(rest[len("graph/") :])
        return self.base + "id/" + rest

    def graph_iri(self, path: str) -> str:
        """The named graph of the source file ``path`` (decoded), percent-encoded the way
        :func:`server.build.sources.graph_iri` names it."""
        return self.graph_base + urllib.parse.quote(path, safe="/")

    def term_iri(self, namespace: str, name: str) -> str:
        """The IRI of ``/<namespace>/<name>`` (``def`` or ``shapes``): a hash IRI."""
        return f"{self.base}{namespace}#{name}"

    def namespace_iri(self, namespace: str) -> str:
        """The IRI of the document ``/<namespace>/`` (the ontology, the shapes)."""
        return f"{self.base}{namespace}"

    @property
    def graph_base(self) -> str:
        """The base of named graph IRIs."""
        return self.base + "graph/"

    @property
    def inferred_graph(self) -> str:
        """The named graph with inferred triples."""
        return self.graph_base + "inferred"

    @property
    def meta_graph(self) -> str:
        """The named graph with build metadata."""
        return self.graph_base + "meta"


@dataclass
class Term:
    """An RDF term as a page shows it: a link (with labels) or a literal."""

    value: str
    kind: str  # "iri", "bnode" or "literal"
    href: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    datatype: str | None = None
    curie: str | None = None

    def label(self, language: str) -> str | None:
        """The label in ``language``, or in another language when there is none."""
        return (
            self.labels.get(language)
            or self.labels.get("")
            or next(iter(self.labels.values()), None)
        )


@dataclass(frozen=True)
class Source:
    """Where statements come from: a source file, a contribution, or the inference step."""

    graph: str
    path: str | None
    municipality: str | None
    inferred: bool
    href: str | None

    @property
    def contribution(self) -> bool:
        """Whether the file was contributed by a municipality (``data/contributions/``)."""
        return self.municipality is not None


@dataclass
class Statement:
    """One value of a property, with every source that states it."""

    predicate: Term
    object: Term
    sources: list[Source]

    @property
    def inferred(self) -> bool:
        """True when only the inference step states it."""
        return all(source.inferred for source in self.sources)


@dataclass
class Description:
    """Everything a resource page shows."""

    iri: str
    labels: dict[str, str]
    types: list[Term]
    statements: list[Statement]
    incoming: list[Statement]
    blank_nodes: dict[str, list[tuple[Term, Term]]]
    points: list[tuple[float, float]]
    wkt: list[str]
    is_example: bool
    incoming_truncated: bool

    def label(self, language: str) -> str | None:
        """The label in ``language`` (falling back to any)."""
        return self.labels.get(language) or next(iter(self.labels.values()), None)


def valid_iri(iri: str) -> bool:
    """Whether ``iri`` has none of the characters RFC 3987 forbids (spaces, ``<>"{}|\\^```)."""
    return _INVALID_IRI.search(iri) is None


def exists(store: Store, iri: str) -> bool:
    """Whether ``iri`` is a valid IRI and the subject of at least one statement."""
    if not valid_iri(iri):
        return False
    return store.query(EXISTS, bindings={"this": URIRef(iri)}).boolean()


def resource_graph(store: Store, iri: str, iri_map: IriMap) -> Graph:
    """The machine-readable description of ``iri``: its concise bounded description over the
    union of all graphs (asserted and inferred), with the project's prefixes bound."""
    graph = store.query("DESCRIBE ?this", bindings={"this": URIRef(iri)}).graph()
    bind_prefixes(graph, iri_map.base)
    return graph


def namespace_graph(store: Store, iri_map: IriMap, namespace: str) -> Graph:
    """Every triple of the source files under ``namespace/`` (``ontology`` or ``shapes``): the
    document that the ontology's or the shapes' hash IRIs dereference to."""
    prefix = f"{iri_map.graph_base}{namespace}/"
    graphs = [name for name in store.named_graphs() if name.startswith(prefix)]
    graph = Graph()
    if graphs:
        graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph_uris=graphs).graph()
    bind_prefixes(graph, iri_map.base)
    return graph


def bind_prefixes(graph: Graph, base: str) -> None:
    """Bind the project's prefixes (server/rdf/namespaces.py) on ``graph`` for readable output."""
    for prefix, namespace in query_prefixes(base).items():
        graph.bind(prefix, namespace, override=True, replace=True)


def sources(store: Store, iri_map: IriMap) -> dict[str, Source]:
    """Every named graph that is a source file, plus the inferred graph, by graph IRI."""
    found: dict[str, Source] = {}
    rows = store.query(SOURCES, bindings={"meta": URIRef(iri_map.meta_graph)}).rows()
    for row in rows:
        graph = str(row["g"])
        municipality = str(row["municipality"]) if "municipality" in row else None
        found[graph] = Source(graph, str(row["path"]), municipality, False, iri_map.page(graph))
    inferred = iri_map.inferred_graph
    found[inferred] = Source(inferred, None, None, True, None)
    return found


def describe(store: Store, iri: str, iri_map: IriMap) -> Description:
    """What the page of ``iri`` shows (see :class:`Description`)."""
    this = {"this": URIRef(iri)}
    known = sources(store, iri_map)
    labels = _labels(store.query(LABELS, bindings=this).rows())
    outgoing = store.query(OUTGOING, bindings=this).rows()
    incoming_rows = store.query(INCOMING, bindings=this).rows()
    blank_rows = store.query(BLANK_DETAILS, bindings=this).rows()
    wkt = [str(row["wkt"]) for row in store.query(GEOMETRY, bindings=this).rows()]

    subjects = {str(row["x"]) for row in store.query(SUBJECTS, bindings=this).rows()}

    def term(node: Identifier) -> Term:
        return make_term(node, iri_map, labels, subjects)

    def source(graph: Identifier) -> Source:
        name = str(graph)
        return known.get(name) or Source(name, None, None, False, None)

    statements = _merge((term(row["p"]), term(row["o"]), source(row["g"])) for row in outgoing)
    incoming = _merge((term(row["p"]), term(row["s"]), source(row["g"])) for row in incoming_rows)
    blank_nodes: dict[str, list[tuple[Term, Term]]] = {}
    for row in blank_rows:
        blank_nodes.setdefault(str(row["b"]), []).append((term(row["p"]), term(row["o"])))
    types = [s.object for s in statements if s.predicate.value == RDF_TYPE]
    example = any(
        s.predicate.value == IS_EXAMPLE and s.object.value.lower() in ("true", "1")
        for s in statements
    )
    points = [point for point in (parse_point(text) for text in wkt) if point is not None]
    return Description(
        iri=iri,
        labels=labels.get(iri, {}),
        types=types,
        statements=statements,
        incoming=incoming,
        blank_nodes=blank_nodes,
        points=points,
        wkt=wkt,
        is_example=example,
        incoming_truncated=len(incoming_rows) >= MAX_INCOMING,
    )


def make_term(
    node: Identifier,
    iri_map: IriMap,
    labels: dict[str, dict[str, str]],
    subjects: set[str] | None = None,
) -> Term:
    """A :class:`Term` for ``node`` with its link (see :meth:`IriMap.href`) and its labels."""
    if isinstance(node, URIRef):
        value = str(node)
        href = iri_map.href(value, subjects)
        return Term(value, "iri", href, labels.get(value, {}), curie=curie(value))
    if isinstance(node, BNode):
        return Term(str(node), "bnode")
    literal = node if isinstance(node, Literal) else Literal(str(node))
    datatype = str(literal.datatype) if literal.datatype else None
    return Term(str(literal), "literal", language=literal.language, datatype=datatype)


def curie(iri: str) -> str | None:
    """``prefix:local`` for an IRI in a well-known or Regiograaf namespace."""
    namespaces = {
        **VOCABULARIES,
        **EXTRA_PREFIXES,
        **query_prefixes("https://w3id.org/regiograaf/"),
    }
    best: tuple[str, str] | None = None
    for prefix, namespace in namespaces.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return None
    local = iri[len(best[1]) :]
    return f"{best[0]}:{local}" if re.fullmatch(r"[\w.-]*", local) else None


def parse_point(wkt: str) -> tuple[float, float] | None:
    """``(longitude, latitude)`` of a WKT ``POINT`` (CRS84), or ``None`` for other shapes."""
    match = _POINT.match(wkt)
    if match is None:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def _labels(rows: Iterable[dict[str, Identifier]]) -> dict[str, dict[str, str]]:
    """IRI → language → label (the first label predicate that gives one wins per language)."""
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        label = row["l"]
        language = label.language if isinstance(label, Literal) and label.language else ""
        found.setdefault(str(row["x"]), {}).setdefault(language, str(label))
    return found


def _merge(triples: Iterable[tuple[Term, Term, Source]]) -> list[Statement]:
    """One :class:`Statement` per (predicate, value), with all of its sources; sorted."""
    merged: dict[tuple[str, str, str, str | None, str | None], Statement] = {}
    for predicate, obj, source in triples:
        key = (predicate.value, obj.kind, obj.value, obj.language, obj.datatype)
        statement = merged.get(key)
        if statement is None:
            merged[key] = Statement(predicate, obj, [source])
        elif source not in statement.sources:
            statement.sources.append(source)
    order = {RDF_TYPE: "0"}
    return sorted(
        merged.values(),
        key=lambda s: (
            order.get(s.predicate.value, "1" + (s.predicate.curie or s.predicate.value)),
            s.object.label("nl") or s.object.value,
        ),
    )


#: Machine-readable formats of a resource: media type → (rdflib format, file extension).
RDF_FORMATS: dict[str, tuple[str, str]] = {
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("xml", "rdf"),
}
#: File extension → media type (``/doc/...ttl`` and friends).
EXTENSIONS: dict[str, str] = {ext: media for media, (_, ext) in RDF_FORMATS.items()}


def serialize_graph(graph: Graph, media_type: str) -> bytes:
    """``graph`` in one of :data:`RDF_FORMATS` (UTF-8)."""
    return graph.serialize(format=RDF_FORMATS[media_type][0], encoding="utf-8")


def split_extension(path: str) -> tuple[str, str | None]:
    """``("a/b", "text/turtle")`` for ``a/b.ttl``; ``(path, None)`` without a known extension
    (``.html`` names the HTML page: ``(path, "text/html")``)."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext:
        if ext in EXTENSIONS:
            return stem, EXTENSIONS[ext]
        if ext == "html":
            return stem, "text/html"
    return path, None


#: rdf:type → schema.org type, most specific first (only where the meaning fits).
SCHEMA_TYPES: tuple[tuple[str, str], ...] = (
    ("https://w3id.org/regiograaf/def#Project", "Project"),
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
