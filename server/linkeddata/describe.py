"""Describe one resource of the graph for people and for machines (Dutch URI strategy).

Which page shows which IRI is :class:`server.rdf.iris.IriMap`. Here: :func:`describe` gathers
what a page shows (labels in Dutch and English, every statement with the named graph it comes
from, incoming links, geometry); :func:`resource_graph` is the machine-readable description (the
engine's concise bounded description, ``DESCRIBE``) and :func:`namespace_graph` the document
that the ontology's or the shapes' hash IRIs dereference to. Values are always bound, never
spliced into the SPARQL text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Identifier

from server.rdf.geometry import wkt_point
from server.rdf.iris import IriMap, bind_prefixes, curie, valid_iri
from server.rdf.namespaces import RG, sparql_prefixes
from server.store import Store
from server.store.values import InvalidTerm, sparql_term, with_values

#: Predicates whose values name a resource, most preferred first.
LABEL_PREDICATES: tuple[str, ...] = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/ns/shacl#name",
    "http://xmlns.com/foaf/0.1/name",
)
RDF_TYPE = str(RDF.type)
IS_EXAMPLE = RG + "isExample"
GEO = "http://www.opengis.net/ont/geosparql#"
#: Most incoming links a page lists.
MAX_INCOMING = 500

_LABELS = " | ".join(f"<{iri}>" for iri in LABEL_PREDICATES)

EXISTS = "ASK { ?this ?p ?o }"
OUTGOING = "SELECT ?this ?p ?o ?g WHERE { GRAPH ?g { ?this ?p ?o } }"
# The links to ?this that a page lists are the first MAX_INCOMING in the order of their
# predicate, subject and graph. The engine does not sort them (ORDER BY ?p ?s LIMIT 500 took
# 18 s for a class with 100,000 instances, 0.3 s for a municipality with 4,000 links): it counts
# them per predicate, returns those of the predicates the list reaches (a VALUES block binds
# ?p), and :func:`incoming_links` sorts those.
# (?this in a VALUES block, not bound as the other queries bind it: a store that writes the
# bindings into the text would make GROUP BY ?this invalid.)
INCOMING_COUNTS = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?this } } GROUP BY ?p"
INCOMING = "SELECT ?this ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?this } }"
BLANK_DETAILS = (
    "SELECT DISTINCT ?this ?b ?p ?o WHERE { ?this ?x ?b . FILTER(isBlank(?b)) ?b ?p ?o }"
)
# What a page needs to know about each IRI it shows, asked for the IRIs it shows (a VALUES
# block binds ?x): their labels, whether they are described here (a link to their page) and
# whether they are invented examples. Asked once the statements are read, so a resource with
# thousands of incoming links costs the labels of those the page lists (MAX_INCOMING), not of
# every one (a municipality with 100,000 projects: 8,298 labels read instead of 201,761).
# (FILTER, not a VALUES block for ?p: with VALUES the engine read every label of every
# resource, 0.8 s per 200 IRIs at 100,000 projects, against 4 ms.)
LABELS = (
    "SELECT ?x ?p ?l WHERE { ?x ?p ?l . FILTER(?p IN ("
    + ", ".join(f"<{iri}>" for iri in LABEL_PREDICATES)
    + ")) }"
)
SUBJECTS = "SELECT ?x WHERE { FILTER EXISTS { ?x ?q ?r } }"
EXAMPLES = f"SELECT ?x WHERE {{ ?x <{IS_EXAMPLE}> true }}"
#: Most IRIs, and most of their characters, in one VALUES block: the query stays well under
#: the query limits (settings max_query_parts and max_query_chars) even where they are lowered.
IRIS_PER_QUERY = 200
CHARACTERS_PER_QUERY = 4_000
GEOMETRY = f"""SELECT DISTINCT ?this ?wkt WHERE {{
  {{ ?this <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }} UNION {{ ?this <{GEO}asWKT> ?wkt }}
}}"""
SOURCES = (
    sparql_prefixes("rg", "dct")
    + """SELECT ?meta ?g ?path ?municipality WHERE {
  GRAPH ?meta { ?g a rg:SourceDocument ; dct:source ?path .
    OPTIONAL { ?g a rg:Contribution ; rg:forMunicipality ?municipality } }
}"""
)


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
    #: An invented example (``rg:isExample true``): every link to it says so.
    example: bool = False

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
    outgoing = store.query(OUTGOING, bindings=this).rows()
    incoming_rows, incoming_total = incoming_links(store, this["this"])
    blank_rows = store.query(BLANK_DETAILS, bindings=this).rows()
    wkt = [str(row["wkt"]) for row in store.query(GEOMETRY, bindings=this).rows()]

    shown = _iris([{"x": URIRef(iri)}, *outgoing, *incoming_rows, *blank_rows])
    labels = _labels(_about(store, LABELS, shown))
    subjects = {str(row["x"]) for row in _about(store, SUBJECTS, shown)}
    examples = {str(row["x"]) for row in _about(store, EXAMPLES, shown)}

    def term(node: Identifier) -> Term:
        return make_term(node, iri_map, labels, subjects, examples)

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
    points = [point for point in (wkt_point(text) for text in wkt) if point is not None]
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
        incoming_truncated=incoming_total > MAX_INCOMING,
    )


def incoming_links(store: Store, iri: URIRef) -> tuple[list[dict[str, Identifier]], int]:
    """The links to ``iri`` a page lists, at most :data:`MAX_INCOMING` rows (``?s ?p ?g``)
    sorted as ``ORDER BY ?p ?s ?g`` sorts them, and how many links there are."""
    this = {"this": iri}
    counts = sorted(
        (str(row["p"]), int(row["n"]))
        for row in store.query(with_values(INCOMING_COUNTS, {"this": [iri]})).rows()
    )
    listed: list[URIRef] = []
    room = MAX_INCOMING
    for predicate, count in counts:
        if room <= 0:
            break
        listed.append(URIRef(predicate))
        room -= count
    rows: list[dict[str, Identifier]] = []
    for chunk in _chunks([predicate for predicate in listed if _writable(predicate)]):
        rows += store.query(with_values(INCOMING, {"p": chunk}), bindings=this).rows()
    rows.sort(key=lambda row: tuple(_order_key(row[name]) for name in ("p", "s", "g")))
    return rows[:MAX_INCOMING], sum(count for _, count in counts)


def _order_key(term: Identifier) -> tuple[int, str]:
    """How SPARQL's ``ORDER BY`` sorts a subject, predicate or graph: blank nodes before IRIs,
    each by its text."""
    return (0 if isinstance(term, BNode) else 1, str(term))


def make_term(
    node: Identifier,
    iri_map: IriMap,
    labels: dict[str, dict[str, str]],
    subjects: set[str] | None = None,
    examples: set[str] | None = None,
) -> Term:
    """A :class:`Term` for ``node`` with its link (see :meth:`IriMap.href`), its labels and
    whether it is an invented example (one of ``examples``)."""
    if isinstance(node, URIRef):
        value = str(node)
        href = iri_map.href(value, subjects)
        example = value in (examples or ())
        return Term(value, "iri", href, labels.get(value, {}), curie=curie(value), example=example)
    if isinstance(node, BNode):
        return Term(str(node), "bnode")
    literal = node if isinstance(node, Literal) else Literal(str(node))
    datatype = str(literal.datatype) if literal.datatype else None
    return Term(str(literal), "literal", language=literal.language, datatype=datatype)


def _iris(rows: Iterable[Mapping[str, Identifier]]) -> list[URIRef]:
    """The IRIs in ``rows`` that can be asked about (written into a query), sorted."""
    found = {
        value
        for row in rows
        for name, value in row.items()
        if name != "g" and isinstance(value, URIRef)
    }
    return sorted(value for value in found if _writable(value))


def _writable(iri: URIRef) -> bool:
    try:
        sparql_term(iri)
    except InvalidTerm:
        return False
    return True


def _about(store: Store, query: str, iris: Sequence[URIRef]) -> list[dict[str, Identifier]]:
    """The rows of ``query`` for each of ``iris`` (bound to ``?x``), in chunks."""
    rows: list[dict[str, Identifier]] = []
    for chunk in _chunks(iris):
        rows += store.query(with_values(query, {"x": chunk})).rows()
    return rows


def _chunks(iris: Sequence[URIRef]) -> Iterable[list[URIRef]]:
    """``iris`` in runs of at most :data:`IRIS_PER_QUERY` IRIs and about
    :data:`CHARACTERS_PER_QUERY` characters (a longer IRI alone)."""
    chunk: list[URIRef] = []
    size = 0
    for iri in iris:
        if chunk and (len(chunk) == IRIS_PER_QUERY or size + len(iri) > CHARACTERS_PER_QUERY):
            yield chunk
            chunk, size = [], 0
        chunk.append(iri)
        size += len(iri) + 3
    if chunk:
        yield chunk


def labels_of(store: Store, iris: Iterable[URIRef]) -> dict[str, dict[str, str]]:
    """IRI → language (``""`` for none) → label, for ``iris`` (in chunks; an IRI that cannot
    be written in SPARQL is left out): what a page shows instead of an IRI."""
    wanted = sorted({iri for iri in iris if _writable(iri)})
    return _labels(_about(store, LABELS, wanted))


def _labels(rows: Iterable[dict[str, Identifier]]) -> dict[str, dict[str, str]]:
    """IRI → language → label (the first label predicate that gives one wins per language)."""
    found: dict[str, dict[str, str]] = {}
    rank = {iri: place for place, iri in enumerate(LABEL_PREDICATES)}
    for row in sorted(rows, key=lambda row: (rank.get(str(row.get("p")), 0), str(row["l"]))):
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
