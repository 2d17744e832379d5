"""SPARQL constraints run once for many focus nodes, with pySHACL's meaning.

pySHACL binds ``$this`` to one focus node before it runs a constraint's query, once per focus
node (SHACL 1.0 §5.3.1, "pre-binding"). When the only groups nested in the query are
``FILTER [NOT] EXISTS`` (no ``UNION``, ``OPTIONAL``, sub-queries, ...), joining the query's
pattern with ``VALUES ?this { ... }`` at its start gives the same solutions for every focus
node at once: ``?this`` is bound before every triple pattern, ``BIND`` and ``FILTER`` of the
group, and the ``EXISTS`` patterns see it as pySHACL's binding. Any other query, and blank
focus nodes (which a query text cannot name), run once per focus node exactly as pySHACL runs
them. rdflib evaluates both, as it does for pySHACL.

The ``FILTER [NOT] EXISTS`` groups at the top of a batched query that join patterns are
evaluated once for all its solutions instead of once per solution (:mod:`.exists`).

A function that rdflib does not know (it knows only the casts in :data:`RDFLIB_FUNCTIONS`)
is an error for pySHACL, so the engine is told to fail on it too: ``xsd:date(...)``, which the
engine evaluates, has no value under pySHACL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

from server.build.validation.exists import STRINGS_AND_COMMENTS, Split, exists_tests
from server.store.scratch import ScratchGraph, check_select

__all__ = ["RDFLIB_FUNCTIONS", "SparqlRule", "Unsupported", "batchable", "sparql_rule"]

_THIS = re.compile(r"[\s{}()][$?]this\b")
_PREBOUND = re.compile(r"[$?](?:PATH|shapesGraph|currentShape|failure)\b")
_REFUSED = re.compile(r"(?<![\w:$?-])(?:MINUS|VALUES|SERVICE)\b", re.I)
#: Keywords after which ``VALUES ?this`` would not mean pre-binding.
_NOT_BATCHED = re.compile(
    r"(?<![?$])\b(?:UNION|OPTIONAL|GRAPH|GROUP|HAVING|ORDER|LIMIT|OFFSET|SELECT\s.*\bSELECT)\b",
    re.I | re.S,
)
_STRINGS_AND_COMMENTS = STRINGS_AND_COMMENTS
#: The functions named by an IRI that rdflib's SPARQL engine (pySHACL's) evaluates: the casts
#: it registers (``rdflib.plugins.sparql.operators``); any other is an error there.
RDFLIB_FUNCTIONS = frozenset(
    str(XSD[name])
    for name in ("string", "dateTime", "float", "double", "decimal", "integer", "boolean")
)
#: An IRI or a prefixed name called as a function (strings and comments matched to skip them).
_CALLS = re.compile(
    r'<(?P<iri>[^<>"{}|^`\\\s]*)>(?P<call>\s*\()?|'
    + STRINGS_AND_COMMENTS.pattern
    + r"|(?<![\w?$:.-])(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>[\w-]*)\s*\("
)
_DECLARED = re.compile(r"\bPREFIX\s+([\w.-]*):\s*<([^>]*)>", re.I)
_DEFAULT_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "sh": str(SH),
    "xsd": str(XSD),
    "owl": str(OWL),
}


class Unsupported(Exception):
    """Shapes that only pySHACL evaluates (here: a SPARQL constraint it refuses, or that binds
    more than ``$this``)."""


@dataclass(frozen=True)
class SparqlRule:
    """One SPARQL constraint: its node, its query (prefixes applied) and whether it may run
    for many focus nodes at once."""

    node: Node
    text: str
    batched: bool
    split: Split | None = None
    failing: frozenset[str] = frozenset()

    def violations(
        self, data: ScratchGraph, nodes: list[Node]
    ) -> Iterable[tuple[Node, Node | None, Node | None]]:
        """(focus, path, value) of every solution for the focus nodes ``nodes``, from the
        engine."""
        fails = self.failing
        single = [n for n in nodes if isinstance(n, BNode) or not self.batched]
        named = [n for n in nodes if not isinstance(n, BNode)] if self.batched else []
        if named:
            tested = None
            if self.split is not None:
                split = self.split
                query = _with_values(split.outer, named)
                tested = data.select_tested(query, split.tests, split.hidden, failing=fails)
            if tested is None:
                tested = list(data.select(_with_values(self.text, named), failing=fails))
            yield from _rows(tested, None)
        for node in single:
            yield from _rows(data.select(self.text, {"this": node}, failing=fails), node)

    def rdflib_violations(
        self, data: Graph, nodes: list[Node]
    ) -> Iterable[tuple[Node, Node | None, Node | None]]:
        """As :meth:`violations`, from rdflib, once per focus node exactly as pySHACL: for data
        with ill-typed literals, which rdflib and the engine compare differently."""
        query = _prepared(self.text)
        for node in nodes:
            result = data.query(query, initBindings={"this": node})  # type: ignore[dict-item]
            rows: Iterable[dict[str, Node]] = (row.asdict() for row in result)  # type: ignore[union-attr,misc]
            yield from _rows(rows, node)


@functools.lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    # Imported here: rdflib's SPARQL engine is needed only for data with ill-typed literals.
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def sparql_rule(shapes: Graph, node: Node) -> SparqlRule:
    """The SPARQL constraint ``node`` of ``shapes``; raises :class:`Unsupported`."""
    if shapes.value(node, SH.deactivated) is not None:
        raise Unsupported(f"{node}: sh:deactivated")
    texts = list(shapes.objects(node, SH.select))
    if len(texts) != 1:
        raise Unsupported(f"{node}: not one sh:select")
    text = str(texts[0])
    bare = _STRINGS_AND_COMMENTS.sub(" ", text)
    if (
        _REFUSED.search(bare)
        or not _THIS.search(text)
        or re.search(r"\bAS\s+[$?]this\b", bare, re.I)
    ):
        raise Unsupported(f"{node}: a query pySHACL handles differently")
    if not re.search(r"[$?]this\b", bare.partition("{")[0]):
        # The engine substitutes only projected variables (and pySHACL's result needs it).
        raise Unsupported(f"{node}: the query does not select $this")
    known = _prefixes(shapes, node)
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in known.items())
    full = f"{prefixes}\n{text}"
    failing = frozenset(_called(text, known) - RDFLIB_FUNCTIONS)
    if not check_select(full, failing):
        raise Unsupported(f"{node}: a query the engine does not read")
    batched = batchable(bare)
    return SparqlRule(node, full, batched, exists_tests(full) if batched else None, failing)


def _called(text: str, prefixes: dict[str, str]) -> set[str]:
    """The IRIs of the functions that the query ``text`` calls (``prefixes``: those declared
    for it, besides its own ``PREFIX`` lines)."""
    known = {**prefixes, **dict(_DECLARED.findall(text))}
    found = set()
    for match in _CALLS.finditer(text):
        if match["call"]:
            found.add(match["iri"])
        elif match["local"] is not None and (match["prefix"] or "") in known:
            found.add(known[match["prefix"] or ""] + match["local"])
    return found


def batchable(bare: str) -> bool:
    """Whether only ``FILTER [NOT] EXISTS`` groups nest in the query (``bare``: without
    strings and comments) and it projects ``$this``."""
    if _NOT_BATCHED.search(bare):
        return False
    head, brace, body = bare.partition("{")
    if not brace or not re.search(r"[$?]this\b", head):
        return False
    depth = 0
    for match in re.finditer(r"[{}]", body):
        if match[0] == "}":
            depth -= 1
            continue
        before = body[: match.start()].rstrip()
        if not re.search(r"\bEXISTS$", before, re.I):
            return False
        depth += 1
    return depth == -1


def _with_values(text: str, nodes: list[Node]) -> str:
    """``text`` with ``VALUES ?this { nodes }`` first in its outer group."""
    bare = _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m[0]), text)
    start = bare.index("{", re.search(r"\bSELECT\b", bare, re.I).end())  # type: ignore[union-attr]
    values = " ".join(n.n3() for n in nodes)
    return f"{text[: start + 1]} VALUES ?this {{ {values} }} {text[start + 1 :]}"


def _rows(
    rows: Iterable[dict[str, Node]], focus: Node | None
) -> Iterable[tuple[Node, Node | None, Node | None]]:
    """pySHACL's reading of a constraint's solutions: ``$this`` (else the bound focus),
    ``?path`` and ``?value``; a solution that binds none of them is no result."""
    for values in rows:
        this, path, value = values.get("this"), values.get("path"), values.get("value")
        if this is None and path is None and value is None:
            continue
        found = this if this is not None else focus
        if found is not None:
            yield found, path, value


def _prefixes(shapes: Graph, node: Node) -> dict[str, str]:
    """pySHACL's prefixes of a SPARQL constraint (``sh:prefixes`` and their ``sh:declare``)."""
    out = dict(_DEFAULT_PREFIXES)
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    named = set(shapes.objects(shapes.identifier, SH.declare))
    every = named | {d for o in ontologies for d in shapes.objects(o, SH.declare)}
    for holder in shapes.objects(node, SH.prefixes):
        own = set(shapes.objects(holder, SH.declare))
        declares = own | named if own and holder in ontologies else every | own
        for declare in declares:
            prefix = list(shapes.objects(declare, SH.prefix))
            namespace = list(shapes.objects(declare, SH.namespace))
            if len(prefix) != 1 or len(namespace) != 1 or not isinstance(prefix[0], Literal):
                raise Unsupported(f"{node}: an sh:declare pySHACL refuses")
            out[str(prefix[0].value)] = str(URIRef(str(namespace[0])))
    return out
