"""The whole Strategiescan as one JSON document (``/scan/<cbs>.json``).

The document is the :class:`~server.scan.model.Scan` with its fields as keys (lists for
tuples, ``null`` for what is unknown), plus ``url`` (the scan's page) and ``examples``
(whether any part holds invented example data). :mod:`server.scan.openapi` describes it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from server.scan.model import Scan

__all__ = ["scan_document"]


def scan_document(scan: Scan, site: str) -> dict[str, Any]:
    """The JSON document of ``scan``; ``site`` is the site's URL, ending in ``/``."""
    query = "?lang=en" if scan.lang == "en" else ""
    return {
        "url": f"{site}scan/{scan.municipality.cbs}{query}",
        "examples": scan.has_examples,
        **dataclasses.asdict(scan),
    }
