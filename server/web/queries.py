"""``/queries``, ``/queries/<name>``, ``/openapi.json`` and ``/api``: the canned queries over HTTP.

- ``/queries`` lists the queries (HTML for browsers, JSON ``{"queries": [...]}`` otherwise);
- ``/queries/<name>`` runs one, with its parameters from the query string (repeat a name for
  several values). The values are checked against the declared types and, for ``iri`` and
  ``concept`` parameters, against the choices in the graph; a wrong value is a 400 that names
  the parameter. The answer is HTML (a form whose choices come from the graph, the view that
  suits the query, and a table linking to the resources), SPARQL JSON, CSV, or GeoJSON for a
  query with a ``?geometry`` column: by extension (``.json``, ``.csv``, ``.geojson``,
  ``.html``), ``format=`` or ``Accept`` (:data:`server.http.negotiation.CANNED_RESULT`);
- ``/openapi.json`` is the OpenAPI 3.1 description (:mod:`server.canned.openapi`), ``/api`` the
  interactive page for it (Swagger UI from ``node_modules``, no CDN, no inline script).

Answers are cached per data version (:mod:`server.canned.cache`); every response carries an
ETag for its data version, query, arguments and format, and a matching ``If-None-Match`` is
answered 304 without running anything. ``Regiograaf-Cache: hit|miss`` says whether the
answer came from the cache.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from server.canned.errors import ParameterError
from server.canned.formats import plain_value
from server.canned.openapi import openapi_document
from server.canned.query import CannedQuery, Choice, Parameter
from server.canned.running import (
    CannedResult,
    canned_queries,
    check_arguments,
    parameter_choices,
    run_checked,
)
from server.http import negotiation
from server.rdf.geometry import WktError, parse_wkt
from server.rdf.namespaces import DATA_BASE, query_prefixes
from server.settings import Settings
from server.store import Store, StoreError, StoreMissing, open_store
from server.web.sparql import error_response, store_unavailable

blueprint = Blueprint("queries", __name__)

#: Seconds a client may reuse an answer without asking again (then 304 via the ETag).
MAX_AGE: Final = 300
CACHE_HEADER: Final = "Regiograaf-Cache"
#: File extensions of ``/queries/<name>.<ext>`` and the media type each stands for.
EXTENSIONS: Final = {
    "json": negotiation.SPARQL_JSON,
    "csv": negotiation.CSV,
    "geojson": negotiation.GEOJSON,
    "html": negotiation.HTML,
}
_SUFFIX: Final = {media: ext for ext, media in EXTENSIONS.items()}
#: Most bars or points drawn in a chart or map (the table always has every row).
MAX_DRAWN: Final = 200
#: West, south, east, north (CRS84) of the MRDH area: the smallest frame of a map view.
REGION: Final = (3.95, 51.78, 4.66, 52.16)

#: The OpenAPI document per (data version, API version).
_openapi: dict[tuple[str, str], bytes] = {}


def _settings() -> Settings:
    return current_app.config["REGIOGRAAF"]


def _store() -> Store:
    return open_store(_settings().store)


def _queries() -> Mapping[str, CannedQuery]:
    return canned_queries(_settings())


@functools.lru_cache(maxsize=1)
def _api_version() -> str:
    """The package version: the ``info.version`` of the OpenAPI document."""
    import importlib.metadata

    try:
        return importlib.metadata.version("regiograaf")
    except importlib.metadata.PackageNotFoundError:
        return "0"


@blueprint.after_request
def _cors_and_vary(response: Response) -> Response:
    """Any origin may use the API; the format depends on ``Accept``."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = f"ETag, {CACHE_HEADER}"
    response.vary.add("Accept")
    return response


def _etag(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def _cacheable(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _not_modified(etag: str) -> Response | None:
    if request.if_none_match.contains_weak(etag):
        return _cacheable(Response(status=304), etag)
    return None


def _version(store: Store) -> str:
    """The data version; :class:`StoreMissing` when nothing is built."""
    version = store.data_version()
    if version is None:
        raise StoreMissing("no data version")
    return version


# --- the list ------------------------------------------------------------------------------


def parameter_json(parameter: Parameter) -> dict[str, Any]:
    """One parameter as ``/queries`` lists it."""
    defaults = list(parameter.default_values)
    entry: dict[str, Any] = {
        "name": parameter.name,
        "type": parameter.type,
        "required": parameter.required,
        "default": defaults if parameter.multiple else (defaults[0] if defaults else None),
        "multiple": parameter.multiple,
        "label": dict(parameter.label),
    }
    if parameter.class_iri:
        entry["class"] = parameter.class_iri
    if parameter.scheme:
        entry["scheme"] = parameter.scheme
    if parameter.minimum is not None:
        entry["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        entry["maximum"] = parameter.maximum
    if parameter.description:
        entry["descriptions"] = dict(parameter.description)
    return entry


def query_json(query: CannedQuery) -> dict[str, Any]:
    """One query as ``/queries`` lists it: texts in Dutch (``titles``/``descriptions`` have
    every language)."""
    return {
        "name": query.name,
        "title": query.title_in("nl"),
        "description": query.description_in("nl"),
        "titles": dict(query.title),
        "descriptions": dict(query.description),
        "url": url_for("queries.run", name=query.name),
        "view": query.view,
        "tags": list(query.tags),
        "variables": list(query.variables),
        "formats": ["html", "json", "csv"] + (["geojson"] if query.has_geometry else []),
        "parameters": [parameter_json(parameter) for parameter in query.parameters],
    }


@blueprint.get("/queries")
def index() -> Response:
    """Every canned query: JSON ``{"queries": [...]}`` or an HTML page."""
    try:
        media_type = negotiation.negotiate(
            negotiation.CANNED_LIST, request.headers.get("Accept"), request.args.getlist("format")
        )
    except negotiation.UnknownFormat as error:
        return error_response(400, f"Unknown format={error}.")
    if media_type is None:
        return error_response(406, "Available: application/json, text/html.")
    queries = list(_queries().values())
    etag = _etag("list", _api_version(), [query.name for query in queries], media_type)
    if (cached := _not_modified(etag)) is not None:
        return cached
    if media_type == negotiation.JSON:
        body = json.dumps({"queries": [query_json(query) for query in queries]}, indent=2)
        response = Response(body, content_type=negotiation.JSON)
    else:
        html = render_template("queries.html", queries=queries)
        response = Response(html, content_type=negotiation.content_type(negotiation.HTML))
    return _cacheable(response, etag)


# --- one query -----------------------------------------------------------------------------


@dataclass
class Field:
    """One form control of the query page."""

    parameter: Parameter
    values: list[str]
    #: ``(IRI, Dutch label, chosen)`` per allowed value of an ``iri`` or ``concept`` parameter
    #: (a given value may name a choice by its IRI's last path segment).
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    error: str | None = None

    @property
    def id(self) -> str:
        return f"parameter-{self.parameter.name}"


@dataclass
class Cell:
    """One table cell: text, an optional link, and whether it is a number."""

    text: str
    href: str | None = None
    numeric: bool = False
    title: str | None = None


@dataclass
class Figure:
    """What the chart or map of a query page draws (an SVG, built here, drawn by the
    template)."""

    kind: str
    width: int = 720
    height: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    axis: list[dict[str, Any]] = field(default_factory=list)
    caption: str = ""


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = max(
        (
            (prefix, namespace)
            for prefix, namespace in prefixes.items()
            if iri.startswith(namespace)
        ),
        key=lambda pair: len(pair[1]),
        default=None,
    )
    if best is None or not iri[len(best[1]) :]:
        return iri
    return f"{best[0]}:{iri[len(best[1]) :]}"


def _local_pages() -> bool:
    """Whether this app serves ``/id/...`` (then links stay on this server)."""
    return any(rule.rule.startswith("/id/") for rule in current_app.url_map.iter_rules())


def _href(iri: str, base: str, local: bool) -> str:
    """Where a link to ``iri`` goes: this server's ``/id/...`` for a Regiograaf instance
    (when it serves them), else the IRI itself."""
    if local and iri.startswith(base + "id/"):
        return "/" + iri[len(base) :]
    return iri


def _kind(result: CannedResult, name: str) -> str | None:
    """``iri`` or ``text`` when every bound value of the column is one, else ``None``."""
    values = [row[name] for row in result.rows if name in row]
    if values and all(isinstance(value, URIRef) for value in values):
        return "iri"
    if values and all(isinstance(v, Literal) and v.datatype is None for v in values):
        return "text"
    return None


def _companion(iri_column: str, label_column: str) -> bool:
    """Whether ``label_column`` names ``iri_column``: ``gemeente``/``gemeenteNaam``,
    ``gemeente1``/``naam1``, ``project``/``titel``, ``stage``/``stageNaam``, ..."""
    suffix = re.search(r"[0-9]*$", iri_column).group()  # type: ignore[union-attr]
    names = {iri_column + word for word in ("Naam", "Titel", "Label")}
    names |= {"naam" + suffix, "titel" + suffix}
    return label_column in names


def columns(result: CannedResult) -> list[tuple[str, str | None]]:
    """The columns of the HTML table: ``(variable, label variable)``. A column of IRIs is
    shown with the labels of the column after it (when that one names it), as links."""
    shown: list[tuple[str, str | None]] = []
    variables = list(result.variables)
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


def _cells(result: CannedResult, shown: list[tuple[str, str | None]]) -> list[list[Cell]]:
    settings = _settings()
    base = settings.base_iri if settings.base_iri.endswith("/") else settings.base_iri + "/"
    canonical = DATA_BASE
    prefixes = query_prefixes(canonical)
    local = _local_pages()
    table = []
    for row in result.rows:
        cells = []
        for name, label in shown:
            term = row.get(name)
            if term is None:
                cells.append(Cell(str(row.get(label, "")) if label else ""))
            elif isinstance(term, URIRef):
                iri = str(term)
                if base != canonical and iri.startswith(canonical):
                    iri = base + iri[len(canonical) :]
                compact = _compact(str(term), prefixes)
                text = str(row[label]) if label and label in row else compact
                cells.append(Cell(text, _href(iri, base, local), title=compact))
            elif isinstance(term, BNode):
                cells.append(Cell(f"_:{term}"))
            else:
                value = plain_value(term)
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                cells.append(Cell(str(term), numeric=numeric))
        table.append(cells)
    return table


def _label_column(result: CannedResult) -> str | None:
    """The first column of plain texts (a name or title), to label bars and points."""
    for name in result.variables:
        values = [row.get(name) for row in result.rows if row.get(name) is not None]
        if values and all(
            isinstance(value, Literal) and value.datatype is None for value in values
        ):
            return name
    return None


def _numbers(result: CannedResult) -> str | None:
    for name in result.variables:
        values = [plain_value(row.get(name)) for row in result.rows if row.get(name) is not None]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return name
    return None


def _date(term: Identifier | None) -> datetime.date | None:
    if isinstance(term, Literal) and str(term.datatype or "").endswith("#date"):
        try:
            return datetime.date.fromisoformat(str(term))
        except ValueError:
            return None
    return None


def _chart(result: CannedResult) -> Figure | None:
    """A timeline (rows with a ``?start`` date) or a bar chart of the first numeric column."""
    label = _label_column(result)
    rows = result.rows[:MAX_DRAWN]
    if not rows or label is None:
        return None
    left, right, row_height = 260, 40, 22
    span = 720 - left - right
    if "start" in result.variables:
        spans = []
        for row in rows:
            start = _date(row.get("start"))
            if start is not None:
                spans.append((row, start, _date(row.get("einde"))))
        if not spans:
            return None
        today = datetime.date.today()
        low = min(start for _, start, _ in spans)
        high = max(max(end or today, start) for _, start, end in spans)
        low, high = datetime.date(low.year, 1, 1), datetime.date(high.year + 1, 1, 1)
        days = (high - low).days or 1

        def x(day: datetime.date) -> float:
            return round(left + span * (day - low).days / days, 1)

        figure = Figure("timeline", height=len(spans) * row_height + 40)
        for index, (row, start, end) in enumerate(spans):
            stop = end or today
            figure.items.append(
                {
                    "x": x(start),
                    "y": 10 + index * row_height,
                    "width": max(3.0, round(x(max(stop, start)) - x(start), 1)),
                    "label": str(row.get(label, "")),
                    "text": f"{start.isoformat()} tot {end.isoformat() if end else '…'}",
                    "open": end is None,
                    "status": str(row.get("statusNaam", "")),
                }
            )
        step = max(1, (high.year - low.year) // 8)
        figure.axis = [
            {"x": x(datetime.date(year, 1, 1)), "text": str(year)}
            for year in range(low.year, high.year + 1, step)
        ]
        figure.caption = "Tijdlijn (timeline): van start tot einde; open balken lopen nog"
        return figure
    value_column = _numbers(result)
    if value_column is None:
        return None
    values = [plain_value(row.get(value_column)) or 0 for row in rows]
    top = max([*values, 1])
    figure = Figure("bars", height=len(rows) * row_height + 20)
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        figure.items.append(
            {
                "x": left,
                "y": 10 + index * row_height,
                "width": max(1.0, round(span * value / top, 1)),
                "label": str(row.get(label, "")),
                "text": f"{value:g}" if isinstance(value, float) else str(value),
            }
        )
    figure.caption = f"{value_column} per {label}"
    return figure


def _map(result: CannedResult) -> Figure | None:
    """The points of the ``?geometry`` column, projected onto an SVG (no tiles, no CDN)."""
    label = _label_column(result)
    points = []
    for row in result.rows[:MAX_DRAWN]:
        wkt = row.get("geometry")
        if wkt is None:
            continue
        try:
            shape = parse_wkt(str(wkt))
        except WktError:
            continue
        if shape and shape["type"] == "Point":
            lon, lat = shape["coordinates"][:2]
            points.append((lon, lat, str(row.get(label, "")) if label else ""))
    if not points:
        return None
    # The frame: the MRDH area, grown to hold every point, so maps of different answers match.
    west = min(REGION[0], *(p[0] for p in points)) - 0.02
    east = max(REGION[2], *(p[0] for p in points)) + 0.02
    south = min(REGION[1], *(p[1] for p in points)) - 0.02
    north = max(REGION[3], *(p[1] for p in points)) + 0.02
    scale_x = math.cos(math.radians((north + south) / 2))
    width = 720
    scale = width / ((east - west) * scale_x)
    height = round((north - south) * scale)
    figure = Figure("map", width=width, height=height)
    seen: set[tuple[float, float, str]] = set()
    for lon, lat, text in points:
        if (lon, lat, text) in seen:
            continue
        seen.add((lon, lat, text))
        x = round((lon - west) * scale_x * scale, 1)
        figure.items.append(
            {
                "x": x,
                "y": round((north - lat) * scale, 1),
                "label": text,
                # Labels on the right half go to the left of their point.
                "anchor": "end" if x > width * 0.6 else "start",
            }
        )
    figure.caption = "Ligging (location), lengte- en breedtegraad (CRS84)"
    return figure


def _last_segment(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


def _fields(
    store: Store | None,
    query: CannedQuery,
    given: Mapping[str, list[str]],
    error: ParameterError | None,
) -> list[Field]:
    fields = []
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
                choice.label_in("nl"),
                str(choice.value) in values or _last_segment(str(choice.value)) in values,
            )
            for choice in choices
        ]
        message = error.message if error is not None and error.parameter == parameter.name else None
        fields.append(Field(parameter, values, options, message))
    return fields


def _page(
    query: CannedQuery,
    store: Store | None,
    given: Mapping[str, list[str]],
    *,
    result: CannedResult | None = None,
    error: ParameterError | None = None,
) -> str:
    pairs = result.arguments.as_pairs() if result is not None else []
    links = {
        ext: url_for("queries.run", name=f"{query.name}.{ext}") + _query_string(pairs)
        for ext in ("json", "csv", "geojson")
        if ext != "geojson" or query.has_geometry
    }
    shown = columns(result) if result is not None else []
    figure = None
    if result is not None and query.view == "chart":
        figure = _chart(result)
    elif result is not None and query.view == "map":
        figure = _map(result)
    return render_template(
        "queries_item.html",
        query=query,
        fields=_fields(store, query, given, error),
        error=error,
        unknown_parameter=error is not None
        and error.parameter not in {p.name for p in query.parameters},
        result=result,
        columns=shown,
        table=_cells(result, shown) if result is not None else [],
        figure=figure,
        links=links,
    )


def _query_string(pairs: Sequence[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(pairs) if pairs else ""


def _parameter_error(
    query: CannedQuery,
    store: Store,
    media_type: str,
    given: Mapping[str, list[str]],
    error: ParameterError,
) -> Response:
    """400 naming the parameter: the form again (HTML), JSON, or text."""
    if media_type == negotiation.HTML:
        html = _page(query, store, given, error=error)
        response = Response(html, 400, content_type=negotiation.content_type(negotiation.HTML))
    elif media_type in (negotiation.SPARQL_JSON, negotiation.GEOJSON):
        body = json.dumps(
            {"error": {"status": 400, "message": str(error), "parameter": error.parameter}}
        )
        response = Response(body, 400, content_type=negotiation.JSON)
    else:
        response = Response(str(error) + "\n", 400, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/queries/<name>")
def run(name: str) -> Response:
    """Run one canned query with the parameters of the query string."""
    base, dot, extension = name.partition(".")
    query = _queries().get(base)
    if query is None or (dot and extension not in EXTENSIONS):
        abort(404, description=f"Er is geen vraag '{name}' (no such query); zie /queries.")
    if dot:
        media_type: str | None = EXTENSIONS[extension]
    else:
        try:
            media_type = negotiation.negotiate(
                negotiation.CANNED_RESULT,
                request.headers.get("Accept"),
                request.args.getlist("format"),
            )
        except negotiation.UnknownFormat as error:
            return error_response(400, f"Unknown format={error}.")
    if media_type is None or (media_type == negotiation.GEOJSON and not query.has_geometry):
        available = "html, json, csv" + (", geojson" if query.has_geometry else "")
        return error_response(
            406, f"Dit formaat kan niet voor deze vraag (not available); wel: {available}."
        )
    store = _store()
    try:
        version = _version(store)
    except StoreError as error:
        return store_unavailable(error)
    given = {key: request.args.getlist(key) for key in request.args if key != "format"}
    try:
        arguments = check_arguments(store, query, given)
    except ParameterError as error:
        return _parameter_error(query, store, media_type, given, error)
    except StoreError as error:
        return store_unavailable(error)
    etag = _etag(version, query.name, arguments.key, media_type, _api_version())
    if (cached := _not_modified(etag)) is not None:
        return cached
    try:
        result, hit = run_checked(store, query, arguments)
    except StoreError as error:
        return store_unavailable(error)
    response = _render(query, store, given, result, media_type)
    response.headers[CACHE_HEADER] = "hit" if hit else "miss"
    return _cacheable(response, etag)


def _render(
    query: CannedQuery,
    store: Store,
    given: Mapping[str, list[str]],
    result: CannedResult,
    media_type: str,
) -> Response:
    if media_type == negotiation.SPARQL_JSON:
        return Response(result.json, content_type=negotiation.SPARQL_JSON)
    if media_type == negotiation.CSV:
        response = Response(result.csv(), content_type=negotiation.content_type(negotiation.CSV))
        response.headers["Content-Disposition"] = f'inline; filename="{query.name}.csv"'
        return response
    if media_type == negotiation.GEOJSON:
        body = json.dumps(result.geojson(), ensure_ascii=False)
        return Response(body, content_type=negotiation.GEOJSON)
    html = _page(query, store, given, result=result)
    return Response(html, content_type=negotiation.content_type(negotiation.HTML))


# --- OpenAPI -------------------------------------------------------------------------------


def openapi_bytes(store: Store) -> tuple[bytes, str]:
    """The OpenAPI document for this store's data version (cached) and that version."""
    version = _version(store)
    key = (version, _api_version())
    body = _openapi.get(key)
    if body is None:
        document = openapi_document(
            _queries().values(),
            lambda parameter: parameter_choices(store, parameter),
            api_version=_api_version(),
            data_version=version,
        )
        body = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
        if len(_openapi) > 8:
            _openapi.clear()
        _openapi[key] = body
    return body, version


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of the canned queries."""
    store = _store()
    try:
        body, version = openapi_bytes(store)
    except StoreError as error:
        return store_unavailable(error)
    etag = _etag("openapi", version, _api_version())
    if (cached := _not_modified(etag)) is not None:
        return cached
    return _cacheable(Response(body, content_type=negotiation.JSON), etag)


@blueprint.get("/api")
def api() -> Response:
    """The interactive API page (Swagger UI served by this app)."""
    html = render_template("api.html", spec_url=url_for("queries.openapi"))
    return Response(html, content_type=negotiation.content_type(negotiation.HTML))


__all__ = [
    "EXTENSIONS",
    "blueprint",
    "openapi_bytes",
    "parameter_json",
    "query_json",
]
