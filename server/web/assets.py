"""``/assets/<name>``: browser files installed with npm (and the app's own), from an allow-list.

No third-party CDN (DESIGN.md, Conventions): YASGUI and the NL Design System CSS come from
``node_modules`` (``npm ci`` with the repository's ``package-lock.json``) and are served by the
app. Only the names in :data:`ASSETS` are served; any other path is 404, so nothing else under
``node_modules`` (or anywhere) can be reached. Pages link to :func:`asset_url`, which adds a
hash of the file's content, so a response may be cached for a year: a new version of a file
gets a new URL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from flask import Blueprint, Response, abort, send_file, url_for

from server.settings import PROJECT_ROOT

blueprint = Blueprint("assets", __name__)

#: Where ``npm ci`` installs the packages of ``package.json``.
NODE_MODULES: Final = PROJECT_ROOT / "node_modules"
#: The app's own browser files.
STATIC: Final = Path(__file__).resolve().parent / "static"
#: One year: asset URLs carry a content hash (:func:`asset_url`).
MAX_AGE: Final = 365 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    """A file served under ``/assets/<name>``."""

    path: Path
    mimetype: str


#: Everything ``/assets/`` serves, by URL name.
ASSETS: Final[dict[str, Asset]] = {
    "yasgui/yasgui.min.js": Asset(
        NODE_MODULES / "@zazuko/yasgui/build/yasgui.min.js", "text/javascript"
    ),
    "yasgui/yasgui.min.js.map": Asset(
        NODE_MODULES / "@zazuko/yasgui/build/yasgui.min.js.map", "application/json"
    ),
    "yasgui/yasgui.min.css": Asset(
        NODE_MODULES / "@zazuko/yasgui/build/yasgui.min.css", "text/css"
    ),
    "utrecht/index.css": Asset(
        NODE_MODULES / "@utrecht/component-library-css/dist/index.css", "text/css"
    ),
    "leaflet/leaflet.js": Asset(NODE_MODULES / "leaflet/dist/leaflet.js", "text/javascript"),
    "leaflet/leaflet.css": Asset(NODE_MODULES / "leaflet/dist/leaflet.css", "text/css"),
    **{
        f"leaflet/images/{image}": Asset(NODE_MODULES / "leaflet/dist/images" / image, "image/png")
        for image in (
            "layers.png",
            "layers-2x.png",
            "marker-icon.png",
            "marker-icon-2x.png",
            "marker-shadow.png",
        )
    },
    "markercluster/leaflet.markercluster.js": Asset(
        NODE_MODULES / "leaflet.markercluster/dist/leaflet.markercluster.js", "text/javascript"
    ),
    "markercluster/MarkerCluster.css": Asset(
        NODE_MODULES / "leaflet.markercluster/dist/MarkerCluster.css", "text/css"
    ),
    "regiograaf/site.css": Asset(STATIC / "site.css", "text/css"),
    "regiograaf/favicon.svg": Asset(STATIC / "favicon.svg", "image/svg+xml"),
    "regiograaf/links.js": Asset(STATIC / "links.js", "text/javascript"),
    "regiograaf/home.js": Asset(STATIC / "home.js", "text/javascript"),
    "regiograaf/kaart.js": Asset(STATIC / "kaart.js", "text/javascript"),
    "regiograaf/kaart-projecten.js": Asset(STATIC / "kaart-projecten.js", "text/javascript"),
    "regiograaf/kaart-samenwerking.js": Asset(STATIC / "kaart-samenwerking.js", "text/javascript"),
    "regiograaf/kaart.css": Asset(STATIC / "kaart.css", "text/css"),
    "regiograaf/resource.js": Asset(STATIC / "resource.js", "text/javascript"),
    "regiograaf/resource.css": Asset(STATIC / "resource.css", "text/css"),
    "swagger-ui/swagger-ui-bundle.js": Asset(
        NODE_MODULES / "swagger-ui-dist/swagger-ui-bundle.js", "text/javascript"
    ),
    "swagger-ui/swagger-ui-bundle.js.map": Asset(
        NODE_MODULES / "swagger-ui-dist/swagger-ui-bundle.js.map", "application/json"
    ),
    "swagger-ui/swagger-ui.css": Asset(NODE_MODULES / "swagger-ui-dist/swagger-ui.css", "text/css"),
    "regiograaf/queries.css": Asset(STATIC / "queries.css", "text/css"),
    "regiograaf/api-ui.js": Asset(STATIC / "api-ui.js", "text/javascript"),
    "regiograaf/sparql-ui.js": Asset(STATIC / "sparql-ui.js", "text/javascript"),
    "regiograaf/sparql-ui.css": Asset(STATIC / "sparql-ui.css", "text/css"),
    "regiograaf/bijdragen.js": Asset(STATIC / "bijdragen.js", "text/javascript"),
    "regiograaf/bijdragen.css": Asset(STATIC / "bijdragen.css", "text/css"),
    "regiograaf/scan.css": Asset(STATIC / "scan.css", "text/css"),
    "regiograaf/scan.js": Asset(STATIC / "scan.js", "text/javascript"),
    "regiograaf/zoeken.css": Asset(STATIC / "zoeken.css", "text/css"),
}

#: name → (modification time, size, short content hash); recomputed when the file changes.
_hashes: dict[str, tuple[float, int, str]] = {}


def content_hash(name: str) -> str | None:
    """A short SHA-256 of the asset's content, or ``None`` when the file is not installed."""
    asset = ASSETS[name]
    try:
        stat = asset.path.stat()
    except OSError:
        return None
    cached = _hashes.get(name)
    if cached is not None and cached[:2] == (stat.st_mtime, stat.st_size):
        return cached[2]
    digest = hashlib.sha256(asset.path.read_bytes()).hexdigest()[:16]
    _hashes[name] = (stat.st_mtime, stat.st_size, digest)
    return digest


def asset_url(name: str) -> str:
    """The URL of an allow-listed asset, with its content hash as ``?v=`` (cache busting)."""
    if name not in ASSETS:
        raise KeyError(f"{name} is not an allow-listed asset")
    version = content_hash(name)
    if version is None:
        return url_for("assets.asset", name=name)
    return url_for("assets.asset", name=name, v=version)


def missing_assets() -> list[str]:
    """The allow-listed assets whose file is not there (``npm ci`` not run)."""
    return [name for name, asset in ASSETS.items() if not asset.path.is_file()]


@blueprint.app_context_processor
def _template_helpers() -> dict[str, object]:
    return {"asset_url": asset_url}


@blueprint.get("/assets/<path:name>")
def asset(name: str) -> Response:
    """One allow-listed file; 404 for every other name."""
    entry = ASSETS.get(name)
    if entry is None or not entry.path.is_file():
        abort(404)
    response = send_file(entry.path, mimetype=entry.mimetype, conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
    return response
