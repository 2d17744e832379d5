"""How a canned query's HTML page names the IRIs of its answer: by the name the query gives,
else by the IRI's label from the graph in the page's language (:func:`labels_for`, looked up
once per page), else by the IRI's last segment; never by a prefixed name. Where the query's name
is in another language than the page (a Dutch title on an English page), the label in the
page's language wins; a text that lists IRIs (:func:`iri_list`) is named as its IRIs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from server.canned.query import last_segment
from server.canned.running import CannedResult
from server.linkeddata.describe import labels_of
from server.rdf.namespaces import DATA_BASE, query_prefixes
from server.store import Store

#: Most IRIs a page looks up the labels of (200 per query: a few queries, not one per row of a
#: table of 100,000 projects).
MAX_LABELLED: Final = 2_000


def tag_of(term: Identifier) -> str | None:
    """The language tag of a literal, if it has one."""
    return term.language if isinstance(term, Literal) and term.language else None


def labels_for(
    store: Store | None, result: CannedResult, shown: list[tuple[str, str | None]], lang: str
) -> dict[str, dict[str, str]]:
    """The labels (language → label) of the IRIs the table names: those without a companion
    column, those whose companion is in another language than ``lang`` (the query's names are
    Dutch; an English page shows the English label where the graph has one), and those listed
    in one text (:func:`iri_list`); at most :data:`MAX_LABELLED` (the others keep the
    query's name, else the IRI's last segment)."""
    if store is None:
        return {}
    iris = {
        row[name]
        for row in result.rows
        for name, label in shown
        if isinstance(row.get(name), URIRef)
        and (label is None or other_language(row.get(label), lang))
    }
    iris |= {URIRef(iri) for row in result.rows for term in row.values() for iri in iri_list(term)}
    wanted = sorted(str(iri) for iri in iris)[:MAX_LABELLED]
    return labels_of(store, [URIRef(iri) for iri in wanted]) if wanted else {}


def iri_list(term: Identifier) -> list[str]:
    """The IRIs of a text that lists Regiograaf instances (the scan's queries join them with
    ``GROUP_CONCAT(STR(?iri); separator=" ")``), else none: the table names them."""
    if not isinstance(term, Literal) or term.datatype is not None or term.language:
        return []
    words = str(term).split()
    return words if words and all(w.startswith(DATA_BASE + "id/") for w in words) else []


def name_of(
    labels: Mapping[str, Mapping[str, str]],
    iri: str,
    lang: str,
    named: Identifier | None = None,
) -> tuple[str, str | None]:
    """What names ``iri`` (with the language of the name): its label in ``lang``, else the
    name the query gave (``named``), else another label (:func:`picked`), else
    :func:`short_name`."""
    found = labels.get(iri, {})
    if found.get(lang):
        return found[lang], lang
    if named is not None:
        return str(named), tag_of(named)
    return picked(found, lang) or (short_name(iri), None)


def other_language(term: Identifier | None, lang: str) -> bool:
    """Whether ``term`` is a text tagged with another language than ``lang``."""
    tag = tag_of(term) if term is not None else None
    return tag is not None and tag != lang


def picked(labels: Mapping[str, str], lang: str) -> tuple[str, str | None] | None:
    """The label in ``lang``, else untagged, else in the other language (one at a time), with
    its language; ``None`` without a label."""
    other = "nl" if lang == "en" else "en"
    for tag in (lang, "", other):
        if labels.get(tag):
            return labels[tag], tag or None
    return None


def short_name(iri: str) -> str:
    """A name for an IRI without a label: its last segment, not a prefixed name (people do
    not read prefixes); another site's IRI in full."""
    if any(iri.startswith(namespace) for namespace in query_prefixes(DATA_BASE).values()):
        return last_segment(iri)
    return iri
