"""Running canned queries: allowed values from the graph, checked arguments, cached answers.

The one function other code needs is :func:`run_canned_query`::

    from server.canned.running import run_canned_query

    result = run_canned_query("samenwerkingskansen", {"minimum": 2}, store=store)
    for row in result.rows:                # rdflib terms by variable name
        row["gemeente1"], row["overlap"]
    result.records                         # the same rows as plain str / int / float values

Arguments are Python values (``int``, :class:`datetime.date`, IRIs as ``str`` or
:class:`rdflib.URIRef`, a list for a parameter that takes several) or text as it comes from a
URL. They are checked (:func:`server.canned.arguments.bind_arguments`): an ``iri`` or
``concept`` value must be one of the allowed choices, which come from the graph
(:func:`parameter_choices`: the instances of the class, the concepts of the scheme, with their
labels); a wrong value raises :class:`server.canned.errors.ParameterError` naming the
parameter.

The checked values reach the engine as a ``VALUES`` block (:mod:`server.store.values`), so
the same works on the embedded store and on a remote endpoint
(:class:`server.store.remote.RemoteStore`). Answers are cached per data version
(:mod:`server.store.cache`) when the store has one.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, TypeVar, cast

from rdflib import URIRef
from rdflib.term import Identifier

from server.canned.arguments import Arguments, bind_arguments
from server.canned.formats import plain_binding, to_geojson
from server.canned.headers import load_canned_queries
from server.canned.query import CannedQuery, Choice, Parameter
from server.errors import Unavailable
from server.http.media_types import SPARQL_JSON
from server.rdf.namespaces import sparql_prefixes
from server.settings import Settings, load_settings
from server.store import Store, open_store
from server.store.cache import ResultsCache
from server.store.results import parse_sparql_json, to_csv
from server.store.values import with_values

__all__ = [
    "RESULTS",
    "CannedResult",
    "UnknownQuery",
    "bound_sparql",
    "canned_queries",
    "check_arguments",
    "parameter_choices",
    "run_canned_query",
    "run_checked",
]

#: The allowed values of an ``iri`` or ``concept`` parameter, with Dutch and English labels
#: (skos:prefLabel, else dct:title), an order (rg:position, else skos:notation) and whether the
#: value is a former member of MRDH (a membership that ended, none that did not). The
#: ``{members}`` pattern is the instances of ``?class`` or the concepts of ``?scheme``.
_CHOICES: Final = (
    sparql_prefixes("rg", "skos", "dct", "org", "organisatie", "xsd")
    + """
SELECT DISTINCT ?value ?nl ?en ?order ?former
WHERE {{
  {members}
  FILTER(isIRI(?value))
  # Former: memberships, each with an end. One grouped sub-query (one row per value at most,
  # so no row is repeated) rather than EXISTS, which Virtuoso 7 cannot combine (its error
  # SQ074); the cast since it writes a comparison's result as 1 or 0.
  OPTIONAL {{
    SELECT ?value (MAX(?open) AS ?stillMember) WHERE {{
      ?anyMembership org:member ?value ; org:organization organisatie:mrdh .
      OPTIONAL {{ ?anyMembership rg:endDate ?until }}
      BIND(IF(BOUND(?until), 0, 1) AS ?open)
    }}
    GROUP BY ?value
  }}
  BIND(xsd:boolean(COALESCE(?stillMember = 0, false)) AS ?former)
  OPTIONAL {{ ?value skos:prefLabel ?nl1 . FILTER(LANGMATCHES(LANG(?nl1), "nl")) }}
  OPTIONAL {{ ?value dct:title ?nl2 . FILTER(LANGMATCHES(LANG(?nl2), "nl")) }}
  OPTIONAL {{ ?value skos:prefLabel ?en1 . FILTER(LANGMATCHES(LANG(?en1), "en")) }}
  OPTIONAL {{ ?value dct:title ?en2 . FILTER(LANGMATCHES(LANG(?en2), "en")) }}
  OPTIONAL {{ ?value rg:position ?position }}
  OPTIONAL {{ ?value skos:notation ?notation }}
  BIND(COALESCE(?nl1, ?nl2) AS ?nl)
  BIND(COALESCE(?en1, ?en2) AS ?en)
  BIND(COALESCE(STR(?position), STR(?notation)) AS ?order)
}}
"""
)
#: The instances of ``?class`` that are current members of MRDH (``members: current``).
_CURRENT_MEMBERS: Final = """?value a ?class .
  ?membership org:member ?value ; org:organization organisatie:mrdh .
  FILTER NOT EXISTS { ?membership rg:endDate ?membershipEnd }"""
#: Per parameter type (and ``members``): the query for its choices and the variable its class
#: or scheme binds.
CHOICES_QUERIES: Final = {
    "iri": (_CHOICES.format(members="?value a ?class ."), "class"),
    "iri-current": (_CHOICES.format(members=_CURRENT_MEMBERS), "class"),
    "concept": (_CHOICES.format(members="?value skos:inScheme ?scheme ."), "scheme"),
}
#: How a former member of MRDH is named among the choices, per language.
FORMER_MEMBER: Final = {"nl": "voormalig MRDH-lid", "en": "former MRDH member"}

T = TypeVar("T")

#: The answers of this process, per data version (one cache per gunicorn worker).
RESULTS: ResultsCache[CannedResult] = ResultsCache()
#: Allowed values per (data version, parameter type, class or scheme IRI).
_choices: dict[tuple[str, str, str], tuple[Choice, ...]] = {}


class UnknownQuery(Unavailable, KeyError):
    """No canned query has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"no canned query is called '{self.name}'"


@dataclass(frozen=True)
class CannedResult:
    """The answer to a canned query with given arguments."""

    query: CannedQuery
    arguments: Arguments
    #: The columns, in the order of the query's SELECT.
    variables: tuple[str, ...]
    #: The engine's SPARQL 1.1 Query Results JSON.
    json: bytes
    #: The data version the answer belongs to (``None`` for a store without one).
    data_version: str | None
    #: The query text that ran (the canned query with the arguments' ``VALUES`` block).
    sparql: str = field(repr=False, default="")

    @property
    def rows(self) -> tuple[Mapping[str, Identifier], ...]:
        """One read-only mapping per solution: variable name → rdflib term (unbound left out),
        read from :attr:`json` when first asked (not kept in the results cache's count)."""
        return self._kept(
            "_rows", lambda: tuple(MappingProxyType(r) for r in parse_sparql_json(self.json)[1])
        )

    @property
    def records(self) -> tuple[Mapping[str, Any], ...]:
        """The rows as read-only plain values: IRIs and texts as ``str``, numbers as
        ``int``/``float``, booleans as ``bool``; an unbound variable is ``None``. Read from
        :attr:`json` without rdflib terms when first asked, and kept with the result (counted
        in the results cache's size: :func:`cache_size`)."""

        def read() -> tuple[Mapping[str, Any], ...]:
            bindings = json.loads(self.json)["results"]["bindings"]
            return tuple(
                MappingProxyType({name: plain_binding(row.get(name)) for name in self.variables})
                for row in bindings
            )

        return self._kept("_records", read)

    def _kept(self, name: str, read: Callable[[], T]) -> T:
        """What ``read`` gives, read once and kept under ``name``. Not
        ``functools.cached_property``: on Python 3.11 its one lock per class would make every
        thread wait while any result is read. Two threads may both read it the first time; the
        values are equal, and one is kept."""
        found = self.__dict__.get(name)
        if found is None:
            found = read()
            object.__setattr__(self, name, found)  # a frozen dataclass
        return cast("T", found)

    def csv(self) -> bytes:
        """SPARQL 1.1 Query Results CSV."""
        return to_csv(self.variables, self.rows)

    def geojson(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection (from the ``?geometry`` column)."""
        return to_geojson(self.variables, self.rows)


@functools.lru_cache(maxsize=8)
def _load(folder: str) -> Mapping[str, CannedQuery]:
    return MappingProxyType({query.name: query for query in load_canned_queries(Path(folder))})


def canned_queries(settings: Settings | None = None) -> Mapping[str, CannedQuery]:
    """The canned queries of ``settings.root / "queries"`` by name, parsed once per process."""
    settings = settings or load_settings()
    return _load(str(settings.root / "queries"))


def _order_key(choice: Choice, order: str | None) -> tuple[Any, ...]:
    if order is None:
        return (2, 0, choice.label_in("nl").casefold(), str(choice.value))
    if re.fullmatch(r"[0-9]+", order):
        return (0, int(order), "", str(choice.value))
    return (1, 0, order, str(choice.value))


def parameter_choices(store: Store, parameter: Parameter) -> tuple[Choice, ...]:
    """The allowed values of an ``iri`` parameter (the instances of its class) or a
    ``concept`` parameter (the concepts of its scheme), in order: by position or notation
    when they have one, else by Dutch label. Empty for other types."""
    target = parameter.class_iri if parameter.type == "iri" else parameter.scheme
    if not parameter.has_choices or target is None:
        return ()
    version = store.data_version()
    kind = parameter.type + ("-current" if parameter.members == "current" else "")
    key = (version or "", kind, target)
    if version is not None and key in _choices:
        return _choices[key]
    text, variable = CHOICES_QUERIES[kind]
    sparql = with_values(text, {variable: [URIRef(target)]})
    found: dict[str, tuple[dict[str, str], str | None]] = {}
    former: set[str] = set()
    for row in store.query(sparql).rows():
        value = str(row["value"])
        labels, order = found.setdefault(value, ({}, None))
        for lang in ("nl", "en"):
            if lang in row and lang not in labels:
                labels[lang] = str(row[lang])
        if str(row.get("former")) == "true":
            former.add(value)
        if order is None and "order" in row:
            found[value] = (labels, str(row["order"]))
    for value in former:
        labels = found[value][0]
        for lang, note in FORMER_MEMBER.items():
            labels[lang] = f"{labels.get(lang) or labels.get('nl') or value} ({note})"
    choices = [
        (Choice(URIRef(value), MappingProxyType(labels)), order)
        for value, (labels, order) in found.items()
    ]
    result = tuple(choice for choice, _ in sorted(choices, key=lambda pair: _order_key(*pair)))
    if version is not None:
        if len(_choices) > 256 or any(old[0] != version for old in _choices):
            _choices.clear()
        _choices[key] = result
    return result


def bound_sparql(query: CannedQuery, arguments: Arguments) -> str:
    """The query text that runs: ``query.sparql`` with a ``VALUES`` block per bound
    parameter (written from checked RDF terms by the store layer, never from raw text)."""
    return with_values(query.sparql, dict(arguments.values))


def known_values(query: CannedQuery, arguments: Arguments) -> dict[str, Identifier]:
    """The parameters with one value that ``query`` projects: the engine may plan with them
    from the start (:class:`~server.store.QueryOptions`); the text binds them as well."""
    return {
        name: terms[0]
        for name, terms in arguments.values.items()
        if len(terms) == 1 and name in query.variables
    }


def check_arguments(
    store: Store, query: CannedQuery, arguments: Mapping[str, object] | None
) -> Arguments:
    """``arguments`` checked against ``query``'s parameters, with choices from ``store``."""
    return bind_arguments(query, arguments, lambda parameter: parameter_choices(store, parameter))


def _run(
    store: Store, query: CannedQuery, arguments: Arguments, version: str | None
) -> CannedResult:
    sparql = bound_sparql(query, arguments)
    result = store.query(sparql, known_values=known_values(query, arguments))
    body = result.serialize(SPARQL_JSON)
    variables = json.loads(body)["head"].get("vars", [])
    return CannedResult(
        query=query,
        arguments=arguments,
        variables=tuple(variables) or query.variables,
        json=body,
        data_version=version,
        sparql=sparql,
    )


def cache_size(result: CannedResult) -> int:
    """The bytes ``result`` is counted for in the results cache: its JSON, and as much again
    for what is read from it when asked (its rows or records), plus the rest."""
    return 2 * len(result.json) + 1024


def run_checked(
    store: Store,
    query: CannedQuery,
    arguments: Arguments,
    *,
    cache: ResultsCache[CannedResult] | None = RESULTS,
) -> tuple[CannedResult, bool]:
    """Run ``query`` with already checked ``arguments``; returns the result and whether it
    came from ``cache``."""
    version = store.data_version()
    if cache is None or version is None:
        return _run(store, query, arguments, version), False
    key = (version, query.name, arguments.key)
    # Asked by several at once, it runs once (each query has its time limit).
    with cache.once(key) as cached:
        if cached is not None:
            return cached, True
        result = _run(store, query, arguments, version)
        cache.put(key, result, cache_size(result))
        return result, False


def run_canned_query(
    query: str | CannedQuery,
    arguments: Mapping[str, object] | None = None,
    *,
    store: Store | None = None,
    settings: Settings | None = None,
    cache: ResultsCache[CannedResult] | None = RESULTS,
) -> CannedResult:
    """Run the canned query ``query`` (a name, or a parsed query) with ``arguments``.

    ``store`` defaults to the store of ``settings`` (default: :func:`load_settings`), and
    the query name is looked up in ``settings.root / "queries"``. Raises
    :class:`UnknownQuery`, :class:`server.canned.errors.ParameterError`, and the store's errors
    (:class:`server.store.StoreMissing` when nothing is built).
    """
    if isinstance(query, str):
        queries = canned_queries(settings)
        if query not in queries:
            raise UnknownQuery(query)
        query = queries[query]
    if store is None:
        store = open_store((settings or load_settings()).store)
    checked = check_arguments(store, query, arguments)
    result, _ = run_checked(store, query, checked, cache=cache)
    return result
