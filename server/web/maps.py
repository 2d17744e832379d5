"""The map views and their GeoJSON layers: ``/kaart/projecten``, ``/kaart/samenwerking``,
``/waardeketen``, and ``/kaart/{projecten,gemeenten,samenwerking}.geojson``.

Every page lists its data as a table too (the text alternative, and what works without
JavaScript); the maps draw the GeoJSON layers that the page links with
``<link rel="alternate" type="application/geo+json">``. Logic lives in :mod:`server.maps.data`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from server.canned.query import last_segment
from server.http.media_types import GEOJSON, HTML
from server.maps.alignment_layout import layout
from server.maps.collaboration import collaboration_layer, collaboration_links
from server.maps.data import GOAL_LEVELS, MapData, load_map_data
from server.maps.filters import filter_projects, parse_filters
from server.maps.geojson import municipality_layer, project_layer
from server.maps.value_chain import MATRIX_COLUMNS, alignment, value_chain_matrix
from server.web.context import get_settings, get_store, iri_map
from server.web.policy import answer, representation

blueprint = Blueprint("maps", __name__)

PROJECTS_LAYER = "/kaart/projecten.geojson"
MUNICIPALITIES_LAYER = "/kaart/gemeenten.geojson"
COLLABORATION_LAYER = "/kaart/samenwerking.geojson"


def page(render: Callable[[], str]) -> Response:
    """A map page of the current data version (304 when the client has it)."""
    return answer(representation(HTML), lambda: make_response(render()))


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
    }


def filter_options(data: MapData) -> dict[str, Any]:
    """The choices of each filter of the project map, in display order."""
    return {
        "schakel": data.options("stage"),
        "opgave": data.options("challenge"),
        "status": data.options("status"),
        "niveau": [(value, nl, en) for _, value, nl, en in GOAL_LEVELS],
        "gemeente": sorted(data.municipalities.values(), key=lambda m: m.nl.casefold()),
    }


@blueprint.get("/kaart/projecten")
def project_map() -> Response:
    """The project map, with its filters and the projects as a table."""

    def render() -> str:
        data = load_map_data(get_store())
        filters = parse_filters(data, request.args)
        return render_template(
            "kaart_projecten.html",
            data=data,
            projects=filter_projects(data.projects, filters),
            total=len(data.projects),
            filters=filters,
            options=filter_options(data),
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


@blueprint.get(COLLABORATION_LAYER)
def collaboration_geojson() -> Response:
    """Collaboration opportunities and existing joint projects as lines."""

    def render() -> dict[str, Any]:
        store = get_store()
        data = load_map_data(store)
        links = collaboration_links(data, store, get_settings())
        return collaboration_layer(data, links, iri_map())

    return layer(render)


@blueprint.get("/kaart/samenwerking")
def collaboration_map() -> Response:
    """The collaboration map, with every line as a table row."""

    def render() -> str:
        store = get_store()
        data = load_map_data(store)
        links = collaboration_links(data, store, get_settings())
        return render_template(
            "kaart_samenwerking.html",
            data=data,
            opportunities=[link for link in links if link.kind == "kans"],
            joint=[link for link in links if link.kind == "gezamenlijk"],
            projects={p.iri: p for p in data.projects},
            stages=data.options("stage"),
            max_strength=max((link.strength for link in links if link.kind == "kans"), default=1),
            pages=iri_map(),
            config=map_config(),
            layers={"samenwerking": COLLABORATION_LAYER, "gemeenten": MUNICIPALITIES_LAYER},
        )

    return page(render)


@blueprint.get("/waardeketen")
def value_chain() -> Response:
    """The value chain at a glance: municipalities by stages, and how goals align."""

    def render() -> str:
        store = get_store()
        graph = alignment(load_map_data(store), store)
        return render_template(
            "waardeketen.html",
            matrix=value_chain_matrix(store, get_settings()),
            columns=MATRIX_COLUMNS,
            graph=graph,
            drawing=layout(graph),
            pages=iri_map(),
            labels={n.iri: n for n in graph.nodes},
            ref=last_segment,
        )

    return page(render)
