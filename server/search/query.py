"""The search: which projects, goals, strategies, building blocks, action perspectives,
challenges, value-chain stages and enablers, and municipalities have all the search words in
their labels or descriptions (Dutch or English), ranked.

The words go to the store as values (a ``VALUES`` block written by
:func:`server.store.values.with_values`), never as query text; the store compares them with
the labels and descriptions normalised as :func:`server.search.text.normalise` normalises the
words. Ranking, best first:

0. a label (in either language) is the search text (``Zoetermeer``);
1. a label begins with the search text;
2. one label holds all the words;
3. the words are found only in a description, or spread over label and description;

within a rank, real things before invented examples (``rg:isExample``), current
municipalities before former ones, then by label (equal labels in the order of the kinds, then by
IRI, so the order is always the same). At most :data:`MAX_CANDIDATES` are ranked;
when more match, :attr:`SearchResult.more` says so (a person should add a word).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from server.rdf.namespaces import sparql_prefixes
from server.search.kinds import KINDS, kind_of
from server.search.text import MAX_WORDS, SearchText, sparql_normalised
from server.store import Store
from server.store.values import values_block, with_values

__all__ = ["MAX_CANDIDATES", "MAX_RESULTS", "Hit", "SearchResult", "search", "stage_names"]

#: The most things a search ranks (and counts exactly).
MAX_CANDIDATES: Final = 500
#: The most hits one answer lists.
MAX_RESULTS: Final = 100
#: The longest description snippet, in characters.
SNIPPET: Final = 240
#: Seconds a search may take in the store.
TIMEOUT: Final = 10.0

_WORDS: Final = range(1, MAX_WORDS + 1)
_LABEL: Final = "(skos:prefLabel|dct:title)"
_DESCRIPTION: Final = "(dct:description|skos:definition)"


def _all_words(texts: str, joined: str) -> str:
    """Every search word begins a word of ``texts`` or, joined, of ``joined`` (the words are
    bound with a space in front, the texts begin with one)."""
    return " && ".join(f"(CONTAINS({texts}, ?w{n}) || CONTAINS({joined}, ?j{n}))" for n in _WORDS)


def _match_query(with_examples: bool) -> str:
    words = " ".join(f"?w{n} ?j{n}" for n in _WORDS)
    no_examples = "" if with_examples else "FILTER NOT EXISTS { ?item rg:isExample true }"
    together = (
        'GROUP_CONCAT(?norm; separator=" |")',
        'GROUP_CONCAT(?joined; separator=" |")',
    )
    return (
        sparql_prefixes("rg", "skos", "dct", "org")
        + f"""\
SELECT ?item ?class (MIN(?tier) AS ?rank) ?example ?former WHERE {{
  {values_block("class", [URIRef(iri) for iri in KINDS.values()])}
  ?item a ?class .
  {no_examples}
  {{ ?item {_LABEL} ?text . BIND(true AS ?isLabel) }}
  UNION {{ ?item {_DESCRIPTION} ?text . BIND(false AS ?isLabel) }}
  BIND(CONCAT(" ", {sparql_normalised("?text")}) AS ?norm)
  BIND(CONCAT(" ", {sparql_normalised("?text", joined=True)}) AS ?joined)
  BIND(IF(?isLabel,
          IF(?norm = ?phrase || ?joined = ?jphrase, 0,
             IF(STRSTARTS(?norm, ?phrase) || STRSTARTS(?joined, ?jphrase), 1,
                IF({_all_words("?norm", "?joined")}, 2, 3))),
          3) AS ?tier)
  BIND(IF(EXISTS {{ ?item rg:isExample true }}, 1, 0) AS ?example)
  BIND(IF(EXISTS {{ ?membership org:member ?item ; rg:endDate ?end }}, 1, 0) AS ?former)
}}
GROUP BY ?item ?class ?example ?former ?phrase ?jphrase {words}
HAVING ({_all_words(*together)})
ORDER BY ?rank ?example ?former
LIMIT {MAX_CANDIDATES + 1}"""
    )


_MATCH: Final = {True: _match_query(True), False: _match_query(False)}

#: The texts shown for the things found, and the words for their kinds.
_DETAILS: Final = (
    sparql_prefixes("rg", "skos", "dct", "rdfs")
    + f"""\
SELECT ?item ?field ?value WHERE {{
  {{ ?item {_LABEL} ?value . BIND("label" AS ?field) }}
  UNION {{ ?item {_DESCRIPTION} ?value . BIND("description" AS ?field) }}
  UNION {{ ?item rg:cbsCode ?value . BIND("cbs" AS ?field) }}
}}"""
)
#: The names of the value chain's stages, in their order (searches to suggest).
_STAGES: Final = (
    sparql_prefixes("rg", "skos")
    + """\
SELECT ?name WHERE {
  ?stage a rg:ValueChainStage ; rg:position ?position ; skos:prefLabel ?name .
  FILTER(LANG(?name) = ?lang)
} ORDER BY ?position"""
)
_KIND_WORDS: Final = (
    sparql_prefixes("rdfs")
    + """\
SELECT ?item ?value WHERE { ?item rdfs:label ?value }"""
)


@dataclass(frozen=True)
class Hit:
    """One thing found: its IRI, kind (code and words), label and description (a snippet) in
    the asked language, whether it is an invented example or a former municipality, its CBS
    code (municipalities) and its rank (0 best, see the module)."""

    iri: str
    kind: str
    kind_label: str
    label: str
    description: str
    example: bool
    former: bool
    cbs: str | None
    rank: int


@dataclass(frozen=True)
class SearchResult:
    """The answer to a search: the hits to list (at most the limit, of the asked kind), how
    many things of each kind match, and whether more matched than were ranked."""

    text: SearchText
    hits: tuple[Hit, ...]
    counts: Mapping[str, int]
    kind_labels: Mapping[str, str]
    total: int
    more: bool
    kind: str | None = None
    limited: bool = field(default=False)


def _pick(values: Sequence[Identifier], lang: str) -> str:
    """The text in ``lang``, else in the other language, else any."""
    for wanted in (lang, "en" if lang == "nl" else "nl", None):
        for value in values:
            if isinstance(value, Literal) and (wanted is None or value.language == wanted):
                return str(value)
    return ""


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET:
        return text
    return text[: SNIPPET - 1].rsplit(" ", 1)[0] + "…"


def _texts(
    store: Store, query: str, items: Sequence[str]
) -> dict[tuple[str, str], list[Identifier]]:
    """``(item, field) → values`` of a details query, for ``items`` only."""
    sparql = with_values(query, {"item": [URIRef(item) for item in items]})
    found: dict[tuple[str, str], list[Identifier]] = {}
    for row in store.query(sparql, timeout=TIMEOUT).rows():
        key = (str(row["item"]), str(row.get("field", "kind")))
        found.setdefault(key, []).append(row["value"])
    return found


def _bindings(text: SearchText) -> dict[str, list[Identifier]]:
    """The values of the search: the phrase and each word (spaced and joined) with a space in
    front, so that they match where a word begins; ``""`` (found in any text) for the word
    slots the search does not use."""
    values: dict[str, list[Identifier]] = {
        "phrase": [Literal(" " + " ".join(word.text for word in text.words))],
        "jphrase": [Literal(" " + " ".join(word.joined for word in text.words))],
    }
    for n in _WORDS:
        word = text.words[n - 1] if n <= len(text.words) else None
        values[f"w{n}"] = [Literal(" " + word.text if word else "")]
        values[f"j{n}"] = [Literal(" " + word.joined if word else "")]
    return values


def _hits(
    store: Store, rows: Sequence[Mapping[str, Identifier]], kinds: Mapping[str, str], lang: str
) -> list[Hit]:
    """The hits of the matching ``rows``, with their texts in ``lang``."""
    details = _texts(store, _DETAILS, [str(row["item"]) for row in rows]) if rows else {}
    hits = []
    for row in rows:
        iri = str(row["item"])
        code = kind_of(str(row["class"]))
        cbs = _pick(details.get((iri, "cbs"), []), lang)
        hits.append(
            Hit(
                iri=iri,
                kind=code,
                kind_label=kinds[code],
                label=_pick(details.get((iri, "label"), []), lang) or iri,
                description=_snippet(_pick(details.get((iri, "description"), []), lang)),
                example=int(row["example"]) == 1,
                former=int(row["former"]) == 1,
                cbs=cbs.lower() or None,
                rank=int(row["rank"]),
            )
        )
    return hits


def search(
    store: Store,
    text: SearchText,
    lang: str,
    *,
    kind: str | None = None,
    limit: int = MAX_RESULTS,
    examples: bool = True,
) -> SearchResult:
    """The things that hold every word of ``text``, ranked (see the module), labels in
    ``lang``; only of ``kind`` (a code of :data:`~server.search.kinds.KINDS`) when given; at
    most ``limit`` hits; invented examples only when ``examples``."""
    kind_words = _texts(store, _KIND_WORDS, list(KINDS.values()))
    kind_labels = {
        code: _pick(kind_words.get((iri, "kind"), []), lang) for code, iri in KINDS.items()
    }
    if text.empty:
        return SearchResult(text, (), {}, kind_labels, 0, False, kind)
    sparql = with_values(_MATCH[examples], _bindings(text))
    rows = store.query(sparql, timeout=TIMEOUT).rows()
    more = len(rows) > MAX_CANDIDATES
    rows = rows[:MAX_CANDIDATES]
    counts = Counter(kind_of(str(row["class"])) for row in rows)
    chosen = [row for row in rows if kind is None or kind_of(str(row["class"])) == kind]
    hits = _hits(store, chosen, kind_labels, lang)
    order = {code: n for n, code in enumerate(KINDS)}
    hits.sort(
        key=lambda hit: (
            hit.rank,
            hit.example,
            hit.former,
            hit.label.casefold(),
            order[hit.kind],
            hit.iri,
        )
    )
    return SearchResult(
        text=text,
        hits=tuple(hits[:limit]),
        counts={code: counts[code] for code in KINDS if counts[code]},
        kind_labels=kind_labels,
        total=len(rows),
        more=more,
        kind=kind,
        limited=len(hits) > limit,
    )


def stage_names(store: Store, lang: str) -> list[str]:
    """The names of the value chain's stages in ``lang``, in their order."""
    sparql = with_values(_STAGES, {"lang": [Literal(lang)]})
    return [str(row["name"]) for row in store.query(sparql, timeout=TIMEOUT).rows()]
