"""The base of the Strategiescan's Word document (:mod:`server.scan.word`): a python-docx
document in the scan's language, with its messages (gettext, from the translations it is
given), its opening (title, lead, data version, example notice), tables, empty states, links
and the colour shading of the value chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from gettext import NullTranslations

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from server.scan import texts
from server.scan.model import Scan
from server.scan.scale import PALETTE

__all__ = ["DocumentWriter", "hyperlink", "shade"]


class DocumentWriter:
    """A Word document of one scan in the scan's language: what the sections write with."""

    def __init__(self, scan: Scan, site: str, translations: NullTranslations) -> None:
        self.scan = scan
        self.site = site
        self.lang = scan.lang
        self.translations = translations
        self.name = scan.municipality.name
        self.document: DocumentObject = Document()

    def gettext(self, message: str, /, **values: object) -> str:
        """``message`` in the document's language with its ``%(name)s`` filled in (as the
        templates write a message)."""
        return self.translations.gettext(message) % values

    def ngettext(self, singular: str, plural: str, num: int, /, **values: object) -> str:
        """:meth:`gettext` of the form for ``num`` (``%(num)s``)."""
        return self.translations.ngettext(singular, plural, num) % {"num": num, **values}

    def label(self, title: str, example: bool) -> str:
        """A title with the example label when the row holds invented data."""
        return f"{title} ({self.gettext('Voorbeeld')})" if example else title

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A new paragraph with ``text`` (in ``style``)."""
        return self.document.add_paragraph(text, style=style)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[list[_Cell]]:
        """A table with a bold header row; returns its body cells (row by row)."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(header).bold = True
        body = []
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
            body.append(list(cells))
        self.paragraph()
        return body

    def empty(self, message: str) -> None:
        """An empty state: what is missing and where to read how to add it."""
        paragraph = self.paragraph(message + " ")
        hyperlink(
            paragraph,
            self.site + texts.CONTRIBUTE_PATH.lstrip("/"),
            self.gettext("Ontbreekt er iets of klopt iets niet? Zo levert u gegevens aan"),
        )

    def header(self) -> None:
        """The opening: title, lead, data version and date, the scan's address, and the
        example notice where the scan holds invented data."""
        scan = self.scan
        self.document.core_properties.title = self.gettext("Strategiescan %(name)s", name=self.name)
        self.document.core_properties.language = self.lang
        self.document.add_heading(self.gettext("Strategiescan %(name)s", name=self.name), level=0)
        self.paragraph(
            self.gettext(
                "Waar staat %(name)s in de digitale strategie van de regio? Deze scan is berekend "
                "uit de gegevens in Regiograaf: de strategieën, doelen en projecten van de "
                "gemeenten, de MRDH, de provincie Zuid-Holland en het Rijk.",
                name=self.name,
            )
        )
        version = (scan.data_version or "")[:12]
        self.paragraph(
            self.gettext(
                "Gegevens van %(date)s (dataversie %(version)s).",
                date=texts.date(scan.built, self.lang),
                version=version,
            )
        )
        query = "?lang=en" if self.lang == "en" else ""
        url = f"{self.site}scan/{scan.municipality.cbs}{query}"
        hyperlink(self.paragraph(), url, url)
        if scan.has_examples:
            self.paragraph(
                self.gettext(
                    "Deze scan bevat verzonnen voorbeelden. Alles met het label 'Voorbeeld' is "
                    "bedacht om te laten zien hoe Regiograaf werkt en beschrijft geen echt "
                    "project, doel of inschatting."
                ),
                style="Intense Quote",
            )

    def dates(self, adopted: str | None, start: str | None, end: str | None) -> str:
        """When a strategy was adopted and how long it is valid, for people."""
        parts = []
        if adopted:
            parts.append(self.gettext("vastgesteld %(date)s", date=texts.date(adopted, self.lang)))
        if start or end:
            parts.append(
                self.gettext(
                    "geldig %(start)s tot %(end)s",
                    start=texts.date(start, self.lang) or "…",
                    end=texts.date(end, self.lang) or "…",
                )
            )
        return "; ".join(parts)

    def sources(self, sources: Sequence[str], checked: str | None) -> str:
        """The sources of a row, with the date they were checked."""
        text = ", ".join(sources)
        if checked:
            text += (
                f" ({self.gettext('nagekeken op %(date)s', date=texts.date(checked, self.lang))})"
            )
        return text

    def number(self, value: float) -> str:
        """A number for people in the document's language."""
        return texts.number(value, self.lang)


def shade(cell: _Cell, level: int) -> None:
    """Give ``cell`` the background and text colour of step ``level`` of the scale."""
    background, colour = PALETTE[level]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), background.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    """An external link in ``paragraph`` (only ``http`` and ``https``; otherwise plain text)."""
    if texts.web_link(url) is None:
        paragraph.add_run(text)
        return
    part = paragraph.part
    relation = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = text
    run.append(content)
    link.append(run)
    paragraph._p.append(link)
