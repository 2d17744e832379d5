"""Checking the arguments of a canned query: name → values, against its parameters.

:func:`bind_arguments` turns what a caller gives (Python values, or text as it comes in a URL)
into :class:`Arguments`: RDF terms per parameter, defaults filled in, each ``iri`` or
``concept`` value one of the allowed choices (from the graph). The terms reach the engine as a
``VALUES`` block written by the store layer (:mod:`server.store.values`): never spliced into
the query text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from server.canned.errors import MissingParameter, ParameterError
from server.canned.query import CannedQuery, Choice, Parameter, last_segment
from server.messages import N_

__all__ = ["Arguments", "bind_arguments"]


@dataclass(frozen=True)
class Arguments:
    """The checked values of a query's parameters: name → RDF terms, sorted and without
    duplicates, defaults filled in, unbound parameters left out."""

    values: Mapping[str, tuple[Identifier, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def key(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """A hashable, normalised form (for caches and ETags)."""
        return tuple(
            (name, tuple(term.n3() for term in terms))
            for name, terms in sorted(self.values.items())
        )

    def as_pairs(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs for a URL query string, in parameter-name order."""
        return [(name, str(term)) for name, terms in sorted(self.values.items()) for term in terms]

    def first(self, name: str) -> Identifier | None:
        """The (first) value of ``name``, or ``None`` when unbound."""
        terms = self.values.get(name)
        return terms[0] if terms else None


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, str | bytes | URIRef | Literal) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _resolve(parameter: Parameter, term: Identifier, choices: Sequence[Choice]) -> URIRef:
    """The choice ``term`` names: its IRI, or the last segment of exactly one choice's IRI."""
    text = str(term)
    for choice in choices:
        if str(choice.value) == text:
            return choice.value
    matches = [choice.value for choice in choices if last_segment(str(choice.value)) == text]
    if len(matches) == 1:
        return matches[0]
    raise ParameterError(
        parameter.name, N_("geen van de keuzes: %(value)s"), value=repr(text[:120])
    )


def _given_values(parameter: Parameter, values: list[object]) -> list[object]:
    """The values given for ``parameter``, as its OpenAPI schema describes them
    (:mod:`server.canned.openapi`): an empty text is "not given" for a ``string`` parameter and
    wrong for every other type (it is no IRI, number or date); one value unless the parameter
    takes several, and then no value twice (``uniqueItems``)."""
    if parameter.type == "string":
        values = [value for value in values if not (isinstance(value, str) and not value.strip())]
    elif any(isinstance(value, str) and not value.strip() for value in values):
        raise ParameterError(parameter.name, N_("leeg: geef een waarde of laat hem weg"))
    if len(values) > 1 and not parameter.multiple:
        raise ParameterError(
            parameter.name, N_("neemt één waarde, niet %(count)s"), count=len(values)
        )
    texts = [str(value) for value in values]
    if len(set(texts)) < len(texts):
        raise ParameterError(parameter.name, N_("een waarde staat er dubbel"))
    return values


def bind_arguments(
    query: CannedQuery,
    arguments: Mapping[str, object] | None,
    choices: Callable[[Parameter], Sequence[Choice]] | None = None,
) -> Arguments:
    """Check ``arguments`` (name → a value or a list of values) against ``query``'s parameters.

    An empty text counts as "not given" for a ``string`` parameter and is wrong for the other
    types (the HTML form leaves its empty fields out itself); a value given twice is wrong. A
    parameter not given gets its default, or stays unbound. ``choices`` gives the allowed
    values of an ``iri`` or ``concept`` parameter (from the graph); without it only the form of
    such a value is checked. Raises :class:`ParameterError` naming the first parameter that is
    wrong, unknown or missing.
    """
    given = dict(arguments or {})
    known = {parameter.name for parameter in query.parameters}
    for name in given:
        if name not in known:
            raise ParameterError(
                name,
                N_("onbekend; deze vraag kent: %(accepted)s"),
                accepted=", ".join(sorted(known)) or "-",
            )
    bound: dict[str, tuple[Identifier, ...]] = {}
    for parameter in query.parameters:
        raw = _given_values(parameter, _as_list(given.get(parameter.name)))
        terms = [parameter.coerce(value) for value in raw] or list(parameter.default)
        if not terms:
            if parameter.required:
                raise MissingParameter(parameter.name)
            continue
        if parameter.has_choices and choices is not None:
            allowed = choices(parameter)
            terms = [_resolve(parameter, term, allowed) for term in terms]
        unique = sorted(set(terms), key=lambda term: (str(term), term.n3()))
        bound[parameter.name] = tuple(unique)
    return Arguments(MappingProxyType(bound))
