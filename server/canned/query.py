"""A canned query as parsed from its file, once: frozen dataclasses.

:class:`CannedQuery` has the texts per language, the SPARQL, the view and a tuple of
:class:`Parameter`; a parameter checks one value against its type (:meth:`Parameter.coerce`)
and turns it into an RDF term; :class:`Choice` is an allowed value of an ``iri`` or ``concept``
parameter (from the graph). Parsing is :mod:`server.canned.headers`; checking a request's
arguments :mod:`server.canned.arguments`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from server.canned.errors import ParameterError
from server.canned.schema import MAX_STRING
from server.messages import N_

__all__ = [
    "EXAMPLE_COLUMN",
    "UNDETERMINED",
    "CannedQuery",
    "Choice",
    "Parameter",
    "column_words",
    "in_language",
    "last_segment",
]

#: The language tag under which a plain (untranslated) title or description is kept.
UNDETERMINED: Final = "und"
#: The column of every canned query's answer that marks a row involving an invented example
#: (``rg:isExample true``): ``true`` when the row would not be in the answer, as it stands,
#: without the examples (docs/model.md, "Data honesty"); the HTML table shows it as a badge.
EXAMPLE_COLUMN: Final = "voorbeeld"
#: An integer as the header schema's integer value allows it ($defs/value/integer): at most
#: 18 digits, written as JSON writes it (no sign +, no leading zero, no spaces).
_INTEGER: Final = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: What a string value may not hold: C0 and C1 control characters and DEL (header.schema.json).
_CONTROL: Final = re.compile("[\\x00-\\x1f\\x7f-\\x9f]")


def in_language(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, else in Dutch, English or undetermined, else any, else ``""``."""
    for key in (lang, "nl", "en", UNDETERMINED):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Choice:
    """An allowed value of an ``iri`` or ``concept`` parameter, with its labels by language."""

    value: URIRef
    label: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def label_in(self, lang: str) -> str:
        """The label in ``lang``, else Dutch, English or any, else the IRI's last segment."""
        return in_language(self.label, lang) or last_segment(str(self.value))


def column_words(name: str) -> str:
    """A variable name as words, for a column without a label (``gemeenteNaam`` →
    ``gemeente naam``, ``naam1`` → ``naam 1``): people never see a camelCase name."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Za-z])|_", " ", name)
    return " ".join(spaced.split()).lower()


def last_segment(iri: str) -> str:
    """The last segment of an IRI's path or fragment (``gm0599``, ``Municipality``)."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a canned query: the variable ``?name`` and what its values may be."""

    name: str
    type: str
    label: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    description: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    required: bool = False
    multiple: bool = False
    #: The values used when none is given (already checked against the type).
    default: tuple[Identifier, ...] = ()
    #: ``iri``: the class whose instances are the allowed values.
    class_iri: str | None = None
    #: ``concept``: the SKOS concept scheme whose concepts are the allowed values.
    scheme: str | None = None
    #: ``iri``: ``current`` allows only the current members of MRDH; ``all`` every instance
    #: (former members are named as such).
    members: str = "all"
    #: ``integer``: the smallest and largest allowed value, if bounded.
    minimum: int | None = None
    maximum: int | None = None
    #: The header line that declares the parameter.
    line: int = 0

    def label_in(self, lang: str) -> str:
        """The label in ``lang``, else in Dutch, English or any language, else the name."""
        return in_language(self.label, lang) or self.name

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else in Dutch, English or any language, else ``""``."""
        return in_language(self.description, lang)

    @property
    def has_choices(self) -> bool:
        """Whether the allowed values are a list from the graph (``iri`` and ``concept``)."""
        return self.type in ("iri", "concept")

    @property
    def default_values(self) -> tuple[str | int, ...]:
        """The default as plain values: IRIs and texts as strings, integers as ``int``."""
        return tuple(_plain(term) for term in self.default)

    def coerce(self, value: object) -> Identifier:
        """One value as an RDF term of this parameter's type (raises :class:`ParameterError`).

        Accepts text as it comes in a URL (``"12"``, ``"2024-01-31"``) and Python values
        (``int``, :class:`datetime.date`, :class:`rdflib.URIRef`). For ``iri`` and
        ``concept`` only the form is checked here;
        :func:`server.canned.arguments.bind_arguments` checks that the value is one of the
        allowed choices.
        """
        if self.type == "integer":
            return self._integer(value)
        if self.type == "date":
            return self._date(value)
        # URIRef and Literal are texts too (rdflib terms subclass str).
        if not isinstance(value, str):
            raise ParameterError(self.name, N_("geen tekst: %(kind)s"), kind=type(value).__name__)
        if self.type == "string":
            return self._string(str(value))
        value = str(value).strip()
        if not value:
            raise ParameterError(self.name, N_("leeg"))
        if any(char.isspace() or char in '<>"{}|^`\\' for char in value):
            raise ParameterError(self.name, N_("geen IRI: %(value)s"), value=repr(value[:80]))
        return URIRef(value)

    def _integer(self, value: object) -> Literal:
        if isinstance(value, bool):
            raise ParameterError(self.name, N_("geen geheel getal"))
        if isinstance(value, Literal):
            value = str(value)
        if isinstance(value, str):
            text = value
            if not _INTEGER.fullmatch(text):
                raise ParameterError(
                    self.name, N_("geen geheel getal: %(value)s"), value=repr(text[:40])
                )
            number = int(text)
        elif isinstance(value, int):
            number = value
        else:
            raise ParameterError(self.name, N_("geen geheel getal"))
        if self.minimum is not None and number < self.minimum:
            raise ParameterError(
                self.name,
                N_("kleiner dan %(minimum)s: %(value)s"),
                minimum=self.minimum,
                value=number,
            )
        if self.maximum is not None and number > self.maximum:
            raise ParameterError(
                self.name,
                N_("groter dan %(maximum)s: %(value)s"),
                maximum=self.maximum,
                value=number,
            )
        return Literal(str(number), datatype=XSD.integer)

    def _date(self, value: object) -> Literal:
        if isinstance(value, datetime.datetime):
            raise ParameterError(self.name, N_("een datum zonder tijd"))
        if isinstance(value, datetime.date):
            day = value
        else:
            text = str(value) if isinstance(value, str | Literal) else ""
            try:
                if not _DATE.fullmatch(text):
                    raise ValueError(text)
                day = datetime.date.fromisoformat(text)
            except ValueError:
                raise ParameterError(
                    self.name, N_("geen datum JJJJ-MM-DD: %(value)s"), value=repr(text[:40])
                ) from None
        return Literal(day.isoformat(), datatype=XSD.date)

    def _string(self, value: str) -> Literal:
        # As the header schema's string value says ($defs/value/string): the text as given.
        if len(value) > MAX_STRING:
            raise ParameterError(self.name, N_("langer dan %(most)s tekens"), most=MAX_STRING)
        if _CONTROL.search(value):
            raise ParameterError(self.name, N_("bevat stuurtekens"))
        return Literal(value.strip())


def _plain(term: Identifier) -> str | int:
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        return int(term)
    return str(term)


@dataclass(frozen=True)
class CannedQuery:
    """One canned query: its name, texts per language (``nl``, ``en``), SPARQL and file,
    its parameters, the variables it returns and the view that suits its answer."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    sparql: str
    path: Path
    tags: tuple[str, ...] = field(default=())
    parameters: tuple[Parameter, ...] = field(default=())
    #: ``table``, ``map`` (the answer has a ``?geometry`` column) or ``chart``.
    view: str = "table"
    #: The projected variables, in order (empty when the query says ``SELECT *``).
    variables: tuple[str, ...] = field(default=())
    #: The label of each column for people, by variable and language (``nl``, ``en``): the
    #: header's ``columns`` (read-only; empty when the header has none).
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, else in Dutch, English or any language, else the name."""
        return in_language(self.title, lang) or self.name

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else in Dutch, English or any language, else ``""``."""
        return in_language(self.description, lang)

    def column_label(self, name: str, lang: str) -> str:
        """The label of column ``name`` in ``lang`` (else Dutch, English or any language),
        else the variable name as words (:func:`column_words`)."""
        return in_language(self.columns.get(name, {}), lang) or column_words(name)

    @property
    def marks_examples(self) -> bool:
        """Whether the answer has the :data:`EXAMPLE_COLUMN` that marks rows with examples."""
        return EXAMPLE_COLUMN in self.variables

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (:class:`KeyError` when there is none)."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    @property
    def has_geometry(self) -> bool:
        """Whether the answer has a ``?geometry`` column (WKT), so it can be GeoJSON."""
        return "geometry" in self.variables
