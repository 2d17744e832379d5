"""The HTML page of one canned query: a form whose choices come from the graph, the figure that
suits the query (:mod:`server.web.query_figures`), and a table linking to the resources.

The page is also the answer to a wrong value: the form again, with the message next to the
parameter (:func:`page` with ``error``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

from flask import render_template, request, url_for
from flask_babel import gettext
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from server.canned.errors import ParameterError
from server.canned.formats import plain_value
from server.canned.query import EXAMPLE_COLUMN, CannedQuery, Choice, Parameter, last_segment
from server.canned.running import CannedResult, parameter_choices
from server.messages import N_
from server.rdf.geometry import WKT_LITERAL
from server.rdf.namespaces import DATA_BASE
from server.store import Store
from server.web.context import get_settings
from server.web.language import language
from server.web.query_figures import figure
from server.web.result_names import iri_list, labels_for, name_of, other_language, tag_of
from server.web.result_table import arrange

#: The canonical base of Regiograaf IRIs (the data always uses it).
CANONICAL = DATA_BASE
#: The queries that list gaps: an empty answer is good news, and the page says so.
GAP_QUERIES: Final = frozenset(
    {"waardeketen-gaten", "doelen-zonder-aansluiting", "doelen-zonder-bijdrage", "scan-gaten"}
    | {"scan-open-doelen"}
)
#: The kinds that queries write as plain Dutch words (``BIND("schakel" AS ?soort)``): the
#: table shows them in the page's language; JSON and CSV keep the words as the query wrote them.
KIND_WORDS: Final = frozenset(
    {
        N_("schakel"),
        N_("randvoorwaarde"),
        N_("bouwsteen"),
        N_("handelingsperspectief"),
        N_("regio"),
        N_("provincie"),
        N_("rijk"),
        N_("regionaal"),
        N_("provinciaal"),
        N_("rechtstreeks"),
        N_("via een doel"),
        N_("trekker"),
        N_("deelnemer"),
        N_("direct"),
        N_("indirect"),
        N_("geen"),
    }
)


@dataclass
class Field:
    """One form control of the query page."""

    parameter: Parameter
    values: list[str]
    #: ``(IRI, label in the page's language, chosen)`` per allowed value of an ``iri`` or
    #: ``concept`` parameter (a given value may name a choice by its IRI's last path segment).
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    error: str | None = None

    @property
    def id(self) -> str:
        """The form control's HTML id."""
        return f"parameter-{self.parameter.name}"


@dataclass
class Cell:
    """One table cell: text, an optional link, whether it is a number, and the language of
    its text when the graph says it (``lang=`` on the cell: read and hyphenated as such)."""

    text: str
    href: str | None = None
    numeric: bool = False
    lang: str | None = None


def page(
    query: CannedQuery,
    store: Store | None,
    given: Mapping[str, list[str]],
    *,
    result: CannedResult | None = None,
    error: ParameterError | None = None,
) -> str:
    """The page of ``query``: the form filled with ``given``, and ``result`` or ``error``."""
    pairs = result.arguments.as_pairs() if result is not None else []
    query_string = "?" + urlencode(pairs) if pairs else ""
    links = {
        ext: url_for("queries.run", name=f"{query.name}.{ext}") + query_string
        for ext in ("json", "csv", "geojson")
        if ext != "geojson" or query.has_geometry
    }
    shown = columns(result) if result is not None else []
    lang = language()
    table = []
    if result is not None:
        table = cells(result, shown, labels_for(store, result, shown, lang), lang)
    arranged = arrange(
        table,
        [name for name, _ in shown],
        [query.column_label(name, lang) for name, _ in shown],
        request.path,
        request.args.to_dict(flat=False),
    )
    return render_template(
        "queries_item.html",
        query=query,
        fields=fields(store, query, given, error, lang),
        error=error,
        error_message=_error_message(query, error, lang) if error is not None else None,
        unknown_parameter=error is not None
        and error.parameter not in {p.name for p in query.parameters},
        result=result,
        columns=shown,
        table=table,
        arranged=arranged,
        examples=example_rows(result) if result is not None else [],
        figure=figure(query.view, _Named.of(result, shown, table)) if result is not None else None,
        links=links,
        gaps=query.name in GAP_QUERIES,
    )


@dataclass(frozen=True)
class _Named:
    """An answer with the names the table shows (in the page's language) in its label
    columns, for the figure (:class:`server.web.query_figures.Answer`)."""

    query: CannedQuery
    variables: tuple[str, ...]
    rows: tuple[Mapping[str, Identifier], ...]

    @classmethod
    def of(
        cls, result: CannedResult, shown: list[tuple[str, str | None]], table: list[list[Cell]]
    ) -> _Named:
        """``result`` with the label column of each shown IRI column as its cell shows it."""
        rows = []
        for row, line in zip(result.rows, table, strict=True):
            named = dict(row)
            for (_, label), cell in zip(shown, line, strict=True):
                if label is not None and label in row and str(row[label]) != cell.text:
                    named[label] = Literal(cell.text, lang=cell.lang)
            rows.append(named)
        return cls(result.query, result.variables, tuple(rows))


def _error_message(query: CannedQuery, error: ParameterError, lang: str) -> str:
    """What is wrong, for people: the parameter by its label, not its name."""
    named = {parameter.name: parameter for parameter in query.parameters}
    if error.parameter not in named:
        return error.message_in(gettext)
    return f"{named[error.parameter].label_in(lang)}: {error.problem_in(gettext)}"


def fields(
    store: Store | None,
    query: CannedQuery,
    given: Mapping[str, list[str]],
    error: ParameterError | None,
    lang: str = "nl",
) -> list[Field]:
    """The form controls: given values (or the defaults), choices from the graph, and the
    error message at the parameter it names."""
    controls = []
    for parameter in query.parameters:
        values = [value for value in given.get(parameter.name, []) if value.strip()]
        if not values and parameter.name not in given:
            values = [str(value) for value in parameter.default_values]
        choices: Sequence[Choice] = ()
        if parameter.has_choices and store is not None:
            choices = parameter_choices(store, parameter)
        options = [
            (
                str(choice.value),
                choice.label_in(lang),
                str(choice.value) in values or last_segment(str(choice.value)) in values,
            )
            for choice in choices
        ]
        named = error is not None and error.parameter == parameter.name
        message = error.problem_in(gettext) if error is not None and named else None
        controls.append(Field(parameter, values, options, message))
    return controls


def example_rows(result: CannedResult) -> list[bool]:
    """Per row, whether it involves an invented example (the :data:`EXAMPLE_COLUMN`): the
    table shows a badge in its first cell instead of a column of true/false."""
    return [plain_value(row.get(EXAMPLE_COLUMN)) is True for row in result.rows]


def columns(result: CannedResult) -> list[tuple[str, str | None]]:
    """The columns of the HTML table: ``(variable, label variable)``. A column of IRIs is
    shown with the labels of the column after it (when that one names it), as links. The
    example marker is no column: it is a badge (:func:`example_rows`); nor is a geometry (WKT,
    which people cannot read: the figure draws it, JSON, CSV and GeoJSON keep it)."""
    shown: list[tuple[str, str | None]] = []
    variables = [
        name
        for name in result.variables
        if name not in (EXAMPLE_COLUMN, "geometry") and _kind(result, name) != "geometry"
    ]
    index = 0
    while index < len(variables):
        name = variables[index]
        after = variables[index + 1] if index + 1 < len(variables) else None
        if (
            after is not None
            and _companion(name, after)
            and _kind(result, name) == "iri"
            and _kind(result, after) in ("text", None)
        ):
            shown.append((name, after))
            index += 2
        else:
            shown.append((name, None))
            index += 1
    return shown


def cells(
    result: CannedResult,
    shown: list[tuple[str, str | None]],
    labels: Mapping[str, Mapping[str, str]] | None = None,
    lang: str = "nl",
) -> list[list[Cell]]:
    """The table's cells: IRIs as links (to this server's pages for Regiograaf's own) named by
    the companion column, else by their label in ``labels`` (IRI → language → label) in
    ``lang``, else by the last segment of the IRI; the kinds of :data:`KIND_WORDS` in the
    page's language; numbers aligned."""
    base_iri = get_settings().base_iri
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    found = labels or {}
    table = []
    for row in result.rows:
        line = []
        for name, label in shown:
            term = row.get(name)
            if term is None:
                line.append(_literal_cell(row[label]) if label and label in row else Cell(""))
            elif isinstance(term, URIRef):
                named = row.get(label) if label else None
                text, tag = (
                    (str(named), tag_of(named))
                    if named is not None and not other_language(named, lang)
                    else name_of(found, str(term), lang, named)
                )
                line.append(Cell(text, _href(_served(str(term), base), base), lang=tag))
            elif isinstance(term, BNode):
                line.append(Cell(f"_:{term}"))
            elif listed := iri_list(term):
                line.append(Cell("; ".join(name_of(found, iri, lang)[0] for iri in listed)))
            else:
                line.append(_literal_cell(term))
        table.append(line)
    return table


def _literal_cell(term: Identifier) -> Cell:
    """A literal's cell: a kind word (:data:`KIND_WORDS`) in the page's language."""
    value = plain_value(term)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    text = str(term)
    plain = isinstance(term, Literal) and term.datatype is None and not term.language
    if plain and text in KIND_WORDS:
        return Cell(gettext(text))
    return Cell(text, numeric=numeric, lang=tag_of(term))


def _served(iri: str, base: str) -> str:
    """``iri`` under this server's base (the data always uses :data:`CANONICAL`)."""
    if base != CANONICAL and iri.startswith(CANONICAL):
        return base + iri[len(CANONICAL) :]
    return iri


def _href(iri: str, base: str) -> str:
    """Where a link to ``iri`` goes: this server's ``/id/...`` for a Regiograaf instance, else
    the IRI itself."""
    if iri.startswith(base + "id/"):
        return "/" + iri[len(base) :]
    return iri


def _kind(result: CannedResult, name: str) -> str | None:
    """``iri``, ``text`` or ``geometry`` (WKT) when every bound value of the column is one,
    else ``None``."""
    values = [row[name] for row in result.rows if name in row]
    if values and all(isinstance(v, Literal) and str(v.datatype) == WKT_LITERAL for v in values):
        return "geometry"
    if values and all(isinstance(value, URIRef) for value in values):
        return "iri"
    if values and all(isinstance(v, Literal) and v.datatype is None for v in values):
        return "text"
    return None


def _companion(iri_column: str, label_column: str) -> bool:
    """Whether ``label_column`` names ``iri_column``: ``gemeente``/``gemeenteNaam``,
    ``gemeente1``/``naam1``, ``project``/``titel``, ``stage``/``stageNaam``, ..."""
    suffix = iri_column[len(iri_column.rstrip("0123456789")) :]
    names = {iri_column + word for word in ("Naam", "Titel", "Label")}
    names |= {"naam" + suffix, "titel" + suffix}
    return label_column in names
