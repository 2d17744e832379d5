"""The project and municipality layers as GeoJSON (RFC 7946 FeatureCollections, CRS84).

Municipalities show their boundary when the graph has one (``regiograaf geo import``), else
their point; projects their own point or their lead municipality's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from server.maps.data import MapData, Project
from server.rdf.iris import IriMap


def names(data: MapData, iris: Iterable[str]) -> list[dict[str, str]]:
    """Each IRI with its last segment and its Dutch and English label."""
    return [
        {"id": iri, "ref": data.label(iri).ref, "nl": data.label(iri).nl, "en": data.label(iri).en}
        for iri in iris
    ]


def project_feature(data: MapData, project: Project, pages: IriMap) -> dict[str, Any]:
    """One project as a GeoJSON feature (``geometry`` null when nothing locates it)."""
    geometry = {"type": "Point", "coordinates": list(project.point)} if project.point else None
    status = data.label(project.status) if project.status else None
    lead = data.label(project.lead)
    goals = [
        {
            **name,
            "niveau": data.label(name["id"]).level or "",
            "voorbeeld": data.label(name["id"]).example,
        }
        for name in names(data, project.goals)
    ]
    return {
        "type": "Feature",
        "id": project.iri,
        "geometry": geometry,
        "properties": {
            "iri": project.iri,
            "pagina": pages.page(project.iri),
            "titel": project.nl,
            "titel_en": project.en,
            "gemeente": project.lead,
            "gemeente_ref": lead.ref,
            "gemeente_naam": lead.nl,
            "gemeente_naam_en": lead.en,
            "deelnemers": names(data, project.participants),
            "schakels": [
                {**name, "randvoorwaarde": data.label(name["id"]).enabler}
                for name in names(data, project.stages)
            ],
            "schakel": data.label(project.stages[0]).ref if project.stages else "",
            "opgaven": names(data, project.challenges),
            "doelen": goals,
            "niveaus": sorted(project.levels),
            "status": status.ref if status else "",
            "status_naam": status.nl if status else "",
            "status_naam_en": status.en if status else "",
            "voorbeeld": project.example,
            "eigen_locatie": project.own_location,
        },
    }


def project_layer(data: MapData, projects: Sequence[Project], pages: IriMap) -> dict[str, Any]:
    """The project layer: a feature per project (RFC 7946 FeatureCollection)."""
    return {
        "type": "FeatureCollection",
        "features": [project_feature(data, p, pages) for p in projects],
    }


def municipality_layer(data: MapData, pages: IriMap) -> dict[str, Any]:
    """The municipalities: boundary (when imported) or point, with the lead project count and
    how many of those are invented examples."""
    leads: dict[str, int] = defaultdict(int)
    examples: dict[str, int] = defaultdict(int)
    for project in data.projects:
        leads[project.lead] += 1
        examples[project.lead] += project.example
    features = []
    for m in sorted(data.municipalities.values(), key=lambda m: m.nl.casefold()):
        geometry: dict[str, Any] | None = m.boundary
        if geometry is None and m.point is not None:
            geometry = {"type": "Point", "coordinates": list(m.point)}
        features.append(
            {
                "type": "Feature",
                "id": m.iri,
                "geometry": geometry,
                "properties": {
                    "iri": m.iri,
                    "pagina": pages.page(m.iri),
                    "naam": m.nl,
                    "naam_en": m.en,
                    "ref": m.ref,
                    "cbs": m.cbs,
                    "lid": m.current,
                    "grens": m.boundary is not None,
                    "punt": list(m.point) if m.point else None,
                    "projecten": leads[m.iri],
                    "voorbeelden": examples[m.iri],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
