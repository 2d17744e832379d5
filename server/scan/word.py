"""The Strategiescan as a Word document (``.docx``, python-docx): real headings and tables, so
that a policy advisor can paste parts into a memo for the council.

The document follows the page: a title, what the scan is, the data version and date, the
example notice where it applies, then the five sections, each with its tables. Numbers of the
value chain are shaded with the colours of :mod:`server.scan.scale`; invented rows carry the
word "Voorbeeld" / "Example". Only ``http`` and ``https`` addresses become links.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from server.scan import texts
from server.scan.model import Gap, Scan
from server.scan.scale import PALETTE, step

__all__ = ["docx_bytes"]


class _Writer:
    """Writes one scan into a python-docx document, in the scan's language."""

    def __init__(self, scan: Scan, site: str) -> None:
        self.scan = scan
        self.site = site
        self.lang = scan.lang
        self.name = scan.municipality.name
        self.document: DocumentObject = Document()

    def t(self, key: str, **values: object) -> str:
        return texts.text(key, self.lang, **values)

    def label(self, title: str, example: bool) -> str:
        """A title with the example label when the row holds invented data."""
        return f"{title} ({self.t('example')})" if example else title

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
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
        _hyperlink(paragraph, self.site + texts.CONTRIBUTE_PATH.lstrip("/"), self.t("add_data"))

    def write(self) -> bytes:
        self.header()
        for number, (title, part) in enumerate(
            (
                ("strategy", self.strategy),
                ("value_chain", self.value_chain),
                ("gaps", self.gaps),
                ("partners", self.partners),
                ("alignment", self.alignment),
            ),
            start=1,
        ):
            self.document.add_heading(f"{number}. {self.t(title)}", level=1)
            part()
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()

    def header(self) -> None:
        scan = self.scan
        self.document.core_properties.title = self.t("title", name=self.name)
        self.document.core_properties.language = self.lang
        self.document.add_heading(self.t("title", name=self.name), level=0)
        self.paragraph(self.t("lead", name=self.name))
        version = (scan.data_version or "")[:12]
        self.paragraph(
            self.t("data_version", date=texts.date(scan.built, self.lang), version=version)
        )
        query = "?lang=en" if self.lang == "en" else ""
        url = f"{self.site}scan/{scan.municipality.cbs}{query}"
        _hyperlink(self.paragraph(), url, url)
        if scan.has_examples:
            self.paragraph(self.t("example_notice"), style="Intense Quote")

    def strategy(self) -> None:  # long: one section of the document, in reading order
        s = self.scan.strategy
        self.paragraph(
            self.t(
                "strategy_summary",
                name=self.name,
                documents=len(s.documents),
                goals=len(s.goals),
                aligned=s.aligned_goals,
            )
        )
        self.document.add_heading(self.t("documents"), level=2)
        if s.documents:
            self.table(
                [self.t("document"), self.t("dates"), self.t("goals"), self.t("sources")],
                [
                    [
                        self.label(d.title, d.example),
                        self.dates(d.adopted, d.valid_from, d.valid_until),
                        str(d.goals),
                        self.sources(d.sources, d.checked),
                    ]
                    for d in s.documents
                ],
            )
        else:
            self.empty(self.t("no_documents", name=self.name))
        self.document.add_heading(self.t("goals_alignment"), level=2)
        if s.goals:
            self.table(
                [self.t("goal"), self.t("aligns_with"), self.t("sources")],
                [
                    [
                        self.label(g.title, g.example),
                        "\n".join(
                            f"{a.title} ({self.t('level_' + a.level)}; "
                            + (self.t("directly") if a.direct else self.t("via", title=a.via_title))
                            + ")"
                            for a in g.alignments
                        )
                        or self.t("no_alignment"),
                        self.sources(g.sources, g.checked),
                    ]
                    for g in s.goals
                ],
            )
        else:
            self.empty(self.t("no_goals", name=self.name))
        self.document.add_heading(self.t("open_goals"), level=2)
        current = [g for g in s.open_goals if not g.expired]
        if current:
            self.table(
                [self.t("goal"), self.t("level"), self.t("set_by"), self.t("remark")],
                [
                    [
                        self.label(g.title, g.example),
                        self.t("level_" + g.level),
                        g.set_by or "",
                        self.t("served_by_project", name=self.name) if g.served_by_project else "",
                    ]
                    for g in current
                ],
            )
        else:
            self.paragraph(self.t("no_open_goals", name=self.name))

    def dates(self, adopted: str | None, start: str | None, end: str | None) -> str:
        parts = []
        if adopted:
            parts.append(self.t("adopted", date=texts.date(adopted, self.lang)))
        if start or end:
            parts.append(
                self.t(
                    "valid",
                    start=texts.date(start, self.lang) or "…",
                    end=texts.date(end, self.lang) or "…",
                )
            )
        return "; ".join(parts)

    def sources(self, sources: Sequence[str], checked: str | None) -> str:
        text = ", ".join(sources)
        if checked:
            text += f" ({self.t('checked', date=texts.date(checked, self.lang))})"
        return text

    def number(self, value: float) -> str:
        return texts.number(value, self.lang)

    def value_chain(self) -> None:  # long: one section of the document, in reading order
        v = self.scan.value_chain
        self.paragraph(self.t("value_chain_intro", name=self.name, members=v.members))
        rows = []
        for r in v.rows:
            own = self.number(r.projects)
            if r.examples:
                own += f" ({self.t('example_part', n=r.examples)})"
            a = r.assessment
            maturity = (
                self.label(
                    self.t(
                        "maturity_value",
                        level=a.level_number,
                        top=a.scale_top,
                        name=a.level_name.split(". ", 1)[-1],
                    )
                    + f" ({texts.date(a.date, self.lang)})",
                    a.example,
                )
                if a
                else self.t("no_maturity")
            )
            rows.append([r.name, own, self.number(r.median), self.number(r.maximum), maturity])
        headers = [
            self.t("stage"),
            self.name,
            self.t("median"),
            self.t("maximum"),
            self.t("maturity"),
        ]
        body = self.table(headers, rows)
        for r, cells in zip(v.rows, body, strict=True):
            for cell, value in zip(cells[1:4], (r.projects, r.median, r.maximum), strict=True):
                _shade(cell, step(value, v.top))
        self.paragraph(self.t("scale_legend", top=v.top))
        if not v.projects:
            self.empty(self.t("no_projects", name=self.name))
            return
        self.document.add_heading(
            self.t("own_projects", n=len(v.projects), name=self.name), level=2
        )
        names = v.stage_names
        self.table(
            [
                self.t("project"),
                self.t("role"),
                self.t("stages"),
                self.t("status"),
                self.t("serves"),
            ],
            [
                [
                    self.label(p.title, p.example),
                    self.t("role_" + p.role),
                    ", ".join(names.get(stage, stage) for stage in p.stages),
                    p.status_name or "",
                    self.t("serves_" + p.alignment),
                ]
                for p in v.projects
            ],
        )

    def gaps(self) -> None:
        self.paragraph(self.t("gaps_intro", name=self.name))
        if not self.scan.gaps:
            self.paragraph(self.t("no_gaps", name=self.name))
        for gap in self.scan.gaps:
            self.gap(gap)

    def gap(self, gap: Gap) -> None:
        self.document.add_heading(f"{gap.name} ({self.t('kind_' + gap.kind)})", level=2)
        self.paragraph(self.t("active_elsewhere", n=gap.active))
        for key, items in (
            ("building_blocks", gap.building_blocks),
            ("action_perspectives", gap.action_perspectives),
        ):
            if items:
                self.paragraph(self.t(key) + ":")
                for item in items:
                    self.paragraph(self.label(item.title, item.example), style="List Bullet")
        self.paragraph(self.t("learn_from") + ":")
        self.table(
            [self.t("project"), self.t("municipality"), self.t("status")],
            [
                [
                    self.label(p.title, p.example),
                    ", ".join(name for _, name, _ in p.partners),
                    p.status_name or "",
                ]
                for p in gap.projects
            ],
        )

    def partners(self) -> None:
        self.paragraph(self.t("partners_intro", name=self.name))
        if not self.scan.partners:
            self.empty(self.t("no_partners", name=self.name))
            return
        self.table(
            [self.t("partner"), self.t("reason"), self.t("overlap"), self.t("joint")],
            [
                [
                    self.label(p.name, p.example),
                    self.t(
                        "reason_text",
                        stages=", ".join(p.stages),
                        challenges=", ".join(p.challenges),
                    )
                    if p.overlap
                    else "",
                    str(p.overlap),
                    "; ".join(p.joint_titles) if p.joint else self.t("none"),
                ]
                for p in self.scan.partners
            ],
        )

    def alignment(self) -> None:
        al = self.scan.alignment
        own = al.own
        if own is None or own.share is None:
            self.empty(self.t("no_alignment_projects", name=self.name))
        else:
            figure = self.t(
                "alignment_figure",
                share=own.share,
                projects=own.projects,
                name=self.name,
                direct=own.direct,
                indirect=own.indirect,
            )
            self.paragraph(self.label(figure, own.example))
            self.paragraph(
                self.t(
                    "alignment_region",
                    median=texts.number(al.median, self.lang),
                    lowest=al.lowest,
                    highest=al.highest,
                    name=self.name,
                    rank=al.rank,
                    compared=al.compared,
                )
            )
        self.document.add_heading(self.t("region_distribution"), level=2)
        self.table(
            [self.t("municipality"), self.t("projects"), self.t("share")],
            [
                [
                    self.label(share.name, share.example),
                    str(share.projects),
                    f"{share.share}%" if share.share is not None else self.t("no_share"),
                ]
                for share in al.region
            ],
        )


def _shade(cell: _Cell, level: int) -> None:
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


def _hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
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


def docx_bytes(scan: Scan, site: str) -> bytes:
    """The Word document of ``scan``; ``site`` is the site's URL (ending in ``/``) for links."""
    return _Writer(scan, site).write()
