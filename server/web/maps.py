"""The map views and their GeoJSON layers: ``/kaart/projecten``, ``/kaart/samenwerking``,
``/waardeketen``, and ``/kaart/{projecten,gemeenten,samenwerking}.geojson``.

Every page lists its data as a table too (the text alternative, and what works without
JavaScript); the maps draw the GeoJSON layers that the page links with
``<link rel="alternate" type="application/geo+json">``. Logic lives in :mod:`server.maps.data`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from flask import Blueprint, Response, make_response, render_template, request
from flask_babel import lazy_gettext

from server.canned.query import last_segment
from server.errors import BadRequest
from server.http.media_types import GEOJSON, HTML
from server.maps.alignment_layout import sankey
from server.maps.collaboration import (
    Link,
    collaboration_layer,
    collaboration_links,
    default_minimum,
    pairs,
    touching,
)
from server.maps.data import GOAL_LEVELS, MapData, Municipality, load_map_data
from server.maps.filters import chosen_municipality, filter_projects, parse_filters
from server.maps.geojson import municipality_layer, project_layer
from server.maps.value_chain import (
    MATRIX_COLUMNS,
    NO_GOAL,
    MatrixRow,
    alignment_summary,
    value_chain_matrix,
)
from server.messages import N_
from server.scan.scale import step
from server.web.context import get_settings, get_store, iri_map
from server.web.language import language
from server.web.policy import answer, representation

blueprint = Blueprint("maps", __name__)

PROJECTS_LAYER = "/kaart/projecten.geojson"
MUNICIPALITIES_LAYER = "/kaart/gemeenten.geojson"
COLLABORATION_LAYER = "/kaart/samenwerking.geojson"


#: Who made the municipal boundaries the maps draw (CC BY 4.0 asks for it on every map).
BOUNDARY_ATTRIBUTION = "CBS, Kadaster (gebiedsindelingen), CC BY 4.0, via cartomap/nl"

#: The goal levels (filter value, and "none" for a project that serves no goal) for people.
LEVEL_NAMES: Final = {
    "gemeente": lazy_gettext("Gemeentelijk doel"),
    "regio": lazy_gettext("Regionaal doel"),
    "provincie": lazy_gettext("Provinciaal doel"),
    "rijk": lazy_gettext("Nationaal doel"),
    NO_GOAL: lazy_gettext("Geen doel"),
}
#: The columns of the value-chain matrix (by stage ref) for people.
COLUMN_NAMES: Final = {
    "digitale-infrastructuur": lazy_gettext("Digitale infrastructuur"),
    "data": lazy_gettext("Data"),
    "toepassingen-en-diensten": lazy_gettext("Toepassingen en diensten"),
    "maatschappelijke-waarde": lazy_gettext("Maatschappelijke waarde"),
    "randvoorwaarden": lazy_gettext("Randvoorwaarden"),
}


def page(render: Callable[[str], str]) -> Response:
    """A map page of the current data version in the request's language (304 when the client
    has it); ``render`` gets the language."""
    lang = language()
    return answer(representation(HTML, variant=(lang,)), lambda: make_response(render(lang)))


def layer(render: Callable[[], dict[str, Any]]) -> Response:
    """A GeoJSON layer (RFC 7946) of the current data version (304 when the client has it)."""

    def response() -> Response:
        body = json.dumps(render(), ensure_ascii=False, separators=(",", ":"))
        return Response(body, content_type=GEOJSON)

    return answer(representation(GEOJSON), response)


def map_config() -> dict[str, str]:
    """What the page scripts need besides the layers: the tile layer (may be empty)."""
    return {
        "tiles": get_settings().map_tiles,
        "attribution": get_settings().map_tiles_attribution,
        "boundaries": BOUNDARY_ATTRIBUTION,
    }


def member_choices(data: MapData, chosen: str, lang: str) -> list[Municipality]:
    """The municipalities a map's filter offers, by name: the current MRDH members, and a
    former member only when the URL chose it (``chosen``, an IRI)."""
    offered = [m for m in data.municipalities.values() if m.current or m.iri == chosen]
    return sorted(offered, key=lambda m: m.text(lang).casefold())


def filter_options(data: MapData, chosen: str, lang: str) -> dict[str, Any]:
    """The choices of each filter of the project map, in display order."""
    return {
        "schakel": data.options("stage"),
        "opgave": data.options("challenge"),
        "status": data.options("status"),
        "niveau": [(value, str(LEVEL_NAMES[value])) for _, value in GOAL_LEVELS],
        "gemeente": member_choices(data, chosen, lang),
    }


@blueprint.get("/kaart/projecten")
def project_map() -> Response:
    """The project map, with its filters and the projects as a table."""

    def render(lang: str) -> str:
        data = load_map_data(get_store())
        filters = parse_filters(data, request.args)
        return render_template(
            "kaart_projecten.html",
            data=data,
            projects=filter_projects(data.projects, filters),
            total=len(data.projects),
            examples=any(p.example for p in data.projects),
            filters=filters,
            options=filter_options(data, filters.gemeente, lang),
            pages=iri_map(),
            config=map_config(),
            layers={"projecten": PROJECTS_LAYER, "gemeenten": MUNICIPALITIES_LAYER},
        )

    return page(render)


@blueprint.get(PROJECTS_LAYER)
def project_geojson() -> Response:
    """Every project as a point feature; the map's filters work here as URL parameters."""

    def render() -> dict[str, Any]:
        data = load_map_data(get_store())
        filters = parse_filters(data, request.args)
        return project_layer(data, filter_projects(data.projects, filters), iri_map())

    return layer(render)


@blueprint.get(MUNICIPALITIES_LAYER)
def municipality_geojson() -> Response:
    """The municipalities: boundaries when imported, else points."""
    return layer(lambda: municipality_layer(load_map_data(get_store()), iri_map()))


def _minimum(links: list[Link], municipality: str) -> int:
    """The minimum overlap asked (``?minimum=``), else 1 for one municipality's lines and
    :func:`default_minimum` for the region's."""
    raw = (request.args.get("minimum") or "").strip()
    if not raw:
        return 1 if municipality else default_minimum(links)
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise BadRequest.saying(
            N_("minimum: %(value)s is geen getal van 1 tot 1000."), value=repr(raw)
        )
    return int(raw)


@blueprint.get(COLLABORATION_LAYER)
def collaboration_geojson() -> Response:
    """Collaboration opportunities and existing joint projects as lines (``?gemeente=``: only
    that municipality's)."""

    def render() -> dict[str, Any]:
        store = get_store()
        data = load_map_data(store)
        municipality = chosen_municipality(data, request.args)
        links = touching(collaboration_links(data, store, get_settings()), municipality)
        return collaboration_layer(data, links, iri_map())

    return layer(render)


def _with_examples(links: list[Link], data: MapData) -> bool:
    """Whether a line of ``links`` counts or names an invented example."""
    examples = {p.iri for p in data.projects if p.example}
    return any(k.counts_example or not examples.isdisjoint(k.projects) for k in links)


@blueprint.get("/kaart/samenwerking")
def collaboration_map() -> Response:
    """The collaboration map, with every line as a table row; ``?gemeente=`` shows only that
    municipality's lines, ``?minimum=`` the opportunities of at least that overlap."""

    def render(lang: str) -> str:
        store = get_store()
        data = load_map_data(store)
        municipality = chosen_municipality(data, request.args)
        every = collaboration_links(data, store, get_settings())
        links = touching(every, municipality)
        minimum = _minimum(every, municipality)
        strengths = [link.strength for link in every if link.kind == "kans"]
        shown = {id(k) for k in links if k.kind != "kans" or k.strength >= minimum}
        rows = pairs(every)
        return render_template(
            "kaart_samenwerking.html",
            data=data,
            municipality=municipality,
            minimum=minimum,
            # Every pair is a row (the script filters them in place); those with no line
            # shown hidden.
            pairs=rows,
            examples=_with_examples(every, data),
            hidden={id(p) for p in rows if not {id(k) for k in p.links} & shown},
            counts={
                kind: sum(k.kind == kind and id(k) in shown for k in every)
                for kind in ("kans", "gezamenlijk")
            },
            projects={p.iri: p for p in data.projects},
            stages=data.options("stage"),
            max_strength=max([*strengths, minimum, 1]),
            region_minimum=default_minimum(every),
            municipalities=member_choices(data, municipality, lang),
            available=sum(k.kind == "kans" for k in links),
            row_id=id,
            names_of=lambda iris: ", ".join(data.label(iri).text(lang) for iri in iris),
            pages=iri_map(),
            config=map_config(),
            layers={"samenwerking": COLLABORATION_LAYER, "gemeenten": MUNICIPALITIES_LAYER},
        )

    return page(render)


def matrix_scale(matrix: list[MatrixRow]) -> dict[str, Any]:
    """The colour step (``schaal-0`` to ``schaal-5``) of each matrix cell: the stage columns on
    one scale (up to the largest count in any of them), the totals on their own."""
    top = max((count for row in matrix for count in row.counts), default=0)
    top_total = max((row.total for row in matrix), default=0)
    return {
        "cell": lambda count: f"schaal-{step(count, top)}",
        "total": lambda count: f"schaal-{step(count, top_total)}",
    }


@blueprint.get("/waardeketen")
def value_chain() -> Response:
    """The value chain at a glance: municipalities by stages (colour-scaled), and the region's
    alignment from lead municipality to goal level as a Sankey diagram of counts."""

    def render(lang: str) -> str:
        store = get_store()
        data = load_map_data(store)
        matrix = value_chain_matrix(store, get_settings())
        summary = alignment_summary(
            data, lang, {value: str(name) for value, name in LEVEL_NAMES.items()}
        )
        return render_template(
            "waardeketen.html",
            data=data,
            matrix=matrix,
            scale=matrix_scale(matrix),
            columns=[(stage, str(COLUMN_NAMES[stage])) for _, stage in MATRIX_COLUMNS],
            summary=summary,
            drawing=sankey(summary),
            pages=iri_map(),
            ref=last_segment,
        )

    return page(render)
