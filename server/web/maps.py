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

from flask import Blueprint, Response, current_app, make_response, render_template, request

from server.canned.running import UnknownQuery
from server.http.negotiation import GEOJSON
from server.maps.alignment_layout import layout
from server.maps.collaboration import collaboration_layer, collaboration_links
from server.maps.data import GOAL_LEVELS, MapData, load_map_data
from server.maps.filters import FilterError, filter_projects, parse_filters
from server.maps.geojson import municipality_layer, project_layer
from server.maps.value_chain import MATRIX_COLUMNS, alignment, value_chain_matrix
from server.rdf.iris import IriMap
from server.settings import Settings
from server.store import Store, StoreError, StoreMissing, open_store
from server.web.sparql import error_response

blueprint = Blueprint("maps", __name__)

PROJECTS_LAYER = "/kaart/projecten.geojson"
MUNICIPALITIES_LAYER = "/kaart/gemeenten.geojson"
COLLABORATION_LAYER = "/kaart/samenwerking.geojson"


def settings() -> Settings:
    """The settings of the running app."""
    return current_app.config["REGIOGRAAF"]


def store() -> Store:
    """The read-only store of this worker."""
    return open_store(settings().store)


def pages() -> IriMap:
    """IRI → local page for the ``base_iri`` setting."""
    return IriMap.for_base(settings().base_iri)


def _guarded(view: Callable[[Store], Response]) -> Response:
    """Run ``view`` on the store; 503 when there is none or it cannot be read."""
    current = store()
    try:
        response = view(current)
        version = current.data_version()
    except StoreMissing:
        return make_response(render_template("unavailable.html"), 503)
    except StoreError as error:
        current_app.logger.error("The store cannot be read: %s", error)
        return make_response(render_template("unavailable.html", unreadable=True), 503)
    except UnknownQuery as error:
        current_app.logger.error("A map view needs a canned query: %s", error)
        return error_response(503, f"Deze kaart is niet beschikbaar (unavailable): {error}")
    if version and response.status_code == 200:
        response.set_etag(version)
        response.make_conditional(request)
    return response


def geojson_response(data: dict[str, Any]) -> Response:
    """A GeoJSON body (RFC 7946) that browsers and QGIS may fetch from anywhere."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, 200, content_type=GEOJSON)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def map_config() -> dict[str, str]:
    """What the page scripts need besides the layers: the tile layer (may be empty)."""
    return {
        "tiles": settings().map_tiles,
        "attribution": settings().map_tiles_attribution,
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

    def view(current: Store) -> Response:
        data = load_map_data(current)
        try:
            filters = parse_filters(data, request.args)
        except FilterError as error:
            return error_response(400, f"Onbekend filter (unknown filter): {error}")
        shown = filter_projects(data.projects, filters)
        html = render_template(
            "kaart_projecten.html",
            data=data,
            projects=shown,
            total=len(data.projects),
            filters=filters,
            options=filter_options(data),
            pages=pages(),
            config=map_config(),
            layers={"projecten": PROJECTS_LAYER, "gemeenten": MUNICIPALITIES_LAYER},
        )
        return make_response(html)

    return _guarded(view)


@blueprint.get(PROJECTS_LAYER)
def project_geojson() -> Response:
    """Every project as a point feature; the map's filters work here as URL parameters."""

    def view(current: Store) -> Response:
        data = load_map_data(current)
        try:
            filters = parse_filters(data, request.args)
        except FilterError as error:
            return error_response(400, f"Onbekend filter (unknown filter): {error}")
        return geojson_response(
            project_layer(data, filter_projects(data.projects, filters), pages())
        )

    return _guarded(view)


@blueprint.get(MUNICIPALITIES_LAYER)
def municipality_geojson() -> Response:
    """The municipalities: boundaries when imported, else points."""
    return _guarded(
        lambda current: geojson_response(municipality_layer(load_map_data(current), pages()))
    )


@blueprint.get(COLLABORATION_LAYER)
def collaboration_geojson() -> Response:
    """Collaboration opportunities and existing joint projects as lines."""

    def view(current: Store) -> Response:
        data = load_map_data(current)
        links = collaboration_links(data, current, settings())
        return geojson_response(collaboration_layer(data, links, pages()))

    return _guarded(view)


@blueprint.get("/kaart/samenwerking")
def collaboration_map() -> Response:
    """The collaboration map, with every line as a table row."""

    def view(current: Store) -> Response:
        data = load_map_data(current)
        links = collaboration_links(data, current, settings())
        html = render_template(
            "kaart_samenwerking.html",
            data=data,
            opportunities=[link for link in links if link.kind == "kans"],
            joint=[link for link in links if link.kind == "gezamenlijk"],
            projects={p.iri: p for p in data.projects},
            stages=data.options("stage"),
            max_strength=max((link.strength for link in links if link.kind == "kans"), default=1),
            pages=pages(),
            config=map_config(),
            layers={"samenwerking": COLLABORATION_LAYER, "gemeenten": MUNICIPALITIES_LAYER},
        )
        return make_response(html)

    return _guarded(view)


@blueprint.get("/waardeketen")
def value_chain() -> Response:
    """The value chain at a glance: municipalities by stages, and how goals align."""

    def view(current: Store) -> Response:
        data = load_map_data(current)
        graph = alignment(data, current)
        html = render_template(
            "waardeketen.html",
            matrix=value_chain_matrix(current, settings()),
            columns=MATRIX_COLUMNS,
            graph=graph,
            drawing=layout(graph),
            pages=pages(),
            labels={n.iri: n for n in graph.nodes},
            ref=lambda iri: iri.rsplit("/", 1)[-1],
        )
        return make_response(html)

    return _guarded(view)
