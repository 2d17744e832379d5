"""The Strategiescan as PDF (A4, for the council), made by WeasyPrint from the print page
(the web layer renders ``scan_print.html``) and the scan's stylesheet, whose ``@media print``
and ``@page`` rules lay it out.

WeasyPrint fetches nothing: the stylesheet is read from a local file and every URL the page
names is refused (:class:`_NoFetching`), so no request can make the server fetch a URL. Links
stay links in the PDF.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NoReturn

import weasyprint
from weasyprint.urls import URLFetcher

__all__ = ["pdf_bytes"]


class _NoFetching(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types: Any
    """Refuses every URL: a PDF of the scan needs nothing from elsewhere."""

    def fetch(self, url: str, headers: object = None) -> NoReturn:
        raise ValueError(f"not fetched: {url[:80]}")


@functools.lru_cache(maxsize=4)
def _stylesheet(path: Path, modified: float) -> weasyprint.CSS:
    """The parsed stylesheet (parsed again when the file changes)."""
    return weasyprint.CSS(string=path.read_text(encoding="utf-8"), url_fetcher=_NoFetching())


def pdf_bytes(html: str, stylesheet: Path) -> bytes:
    """The PDF of the print page ``html`` laid out with the local file ``stylesheet``."""
    document = weasyprint.HTML(string=html, url_fetcher=_NoFetching(), media_type="print")
    pdf = document.write_pdf(stylesheets=[_stylesheet(stylesheet, stylesheet.stat().st_mtime)])
    if not isinstance(pdf, bytes):  # write_pdf returns bytes when no target is given
        raise TypeError("WeasyPrint returned no PDF")
    return pdf
