"""The GeoJSON map layers, in one table for every module that names them.

Each entry is ``(url path, title in Dutch, title in English)``. The maps blueprint
(:mod:`server.web.maps`) serves these paths; the DCAT catalog (:mod:`server.web.catalog`,
:mod:`server.publish.catalog`) lists each layer the app serves as a GeoJSON distribution, and
resource pages draw the municipalities layer under a point. A new layer needs a route there
and a line here.
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
