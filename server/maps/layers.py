"""The map layers (GeoJSON) that the app serves: a registry shared by the maps and the catalog.

Each entry is ``(url path, title in Dutch, title in English)``. The maps module adds a layer
here when it serves one; the DCAT catalog (:mod:`server.publish.catalog`) lists every
registered layer
that the app can route as a GeoJSON distribution, and the static export follows them.
"""

from __future__ import annotations

from typing import Final

#: (url path, title nl, title en) of every GeoJSON map layer.
LAYERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("/kaart/projecten.geojson", "Projecten op de kaart", "Projects on the map"),
    ("/kaart/gemeenten.geojson", "Gemeenten van de MRDH", "Municipalities of the MRDH"),
    (
        "/kaart/samenwerking.geojson",
        "Samenwerkingskansen en gezamenlijke projecten",
        "Collaboration opportunities and joint projects",
    ),
)
