"""The glossary: the words the pages use and what they mean, from the graph.

The terms are the concepts of the scheme ``begrippenkader/begrippen`` (data/begrippen.ttl),
each with its anchor (``skos:notation``, the lower-case Dutch word) and name. A term's
definition is its own ``skos:definition`` or, when the model defines the word already
(``rdfs:isDefinedBy``), that resource's ``skos:definition`` (or ``dct:description``), so a
definition is written once. ``rdfs:seeAlso`` and ``rdfs:isDefinedBy`` name the resources that
tell more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rdflib import Literal
from rdflib.term import Identifier

from server.rdf.namespaces import ID_BASE, sparql_prefixes
from server.store import Store

__all__ = ["SCHEME", "Term", "glossary"]

#: The concept scheme of the glossary.
SCHEME: Final = ID_BASE + "begrippenkader/begrippen"

_TERMS: Final = (
    sparql_prefixes("skos", "rdfs", "dct")
    + f"""\
SELECT ?term ?field ?value ?about WHERE {{
  ?term skos:inScheme <{SCHEME}> .
  {{ ?term skos:notation ?value . BIND("anchor" AS ?field) }}
  UNION {{ ?term skos:prefLabel ?value . BIND("label" AS ?field) }}
  UNION {{ ?term skos:definition ?value . BIND("definition" AS ?field) }}
  UNION {{ ?term rdfs:isDefinedBy ?source . ?source skos:definition ?value .
          BIND("source definition" AS ?field) }}
  UNION {{ ?term rdfs:isDefinedBy ?source . ?source dct:description ?value .
          BIND("source description" AS ?field) }}
  UNION {{ ?term rdfs:isDefinedBy|rdfs:seeAlso ?about .
          OPTIONAL {{ ?about rdfs:label|skos:prefLabel ?value }}
          BIND("more" AS ?field) }}
}}"""
)


@dataclass(frozen=True)
class Term:
    """One word of the glossary: its anchor (``#schakel``), name and definition in the asked
    language, and the resources that tell more about it: (IRI, name), by name."""

    anchor: str
    iri: str
    label: str
    definition: str
    more: tuple[tuple[str, str], ...]


def _pick(values: Sequence[Identifier], lang: str) -> str:
    for wanted in (lang, "en" if lang == "nl" else "nl", None):
        for value in values:
            if isinstance(value, Literal) and (wanted is None or value.language == wanted):
                return str(value)
    return ""


def glossary(store: Store, lang: str) -> list[Term]:
    """The words of the glossary in ``lang`` (the other language where one is missing), in
    alphabetical order of their names."""
    fields: dict[str, dict[str, list[Identifier]]] = {}
    more: dict[str, dict[str, list[Identifier]]] = {}
    for row in store.query(_TERMS).rows():
        term, value = str(row["term"]), row.get("value")
        if row.get("about") is not None:
            names = more.setdefault(term, {}).setdefault(str(row["about"]), [])
            names.extend([value] if value is not None else [])
        elif value is not None:
            fields.setdefault(term, {}).setdefault(str(row["field"]), []).append(value)
    terms = []
    for iri, found in fields.items():
        anchors = found.get("anchor", [])
        if not anchors:
            continue
        definition = (
            _pick(found.get("definition", []), lang)
            or _pick(found.get("source definition", []), lang)
            or _pick(found.get("source description", []), lang)
        )
        terms.append(
            Term(
                anchor=str(anchors[0]),
                iri=iri,
                label=_pick(found.get("label", []), lang) or str(anchors[0]),
                definition=definition,
                more=tuple(
                    sorted(
                        (
                            (about, _pick(names, lang) or about)
                            for about, names in more.get(iri, {}).items()
                        ),
                        key=lambda pair: pair[1].casefold(),
                    )
                ),
            )
        )
    return sorted(terms, key=lambda term: term.label.casefold())
