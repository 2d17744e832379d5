"""The Strategiescan as a Word document (``.docx``, python-docx): real headings and tables, so
that a policy advisor can paste parts into a memo for the council.

The document follows the page: a title, what the scan is, the data version and date, the
example notice where it applies, then the five sections, each with its tables. Numbers of the
value chain are shaded with the colours of :mod:`server.scan.scale`; invented rows carry the
word "Voorbeeld" / "Example". Only ``http`` and ``https`` addresses become links.
"""

from __future__ import annotations

import io
from gettext import NullTranslations

from server.scan import texts
from server.scan.model import Gap, Scan
from server.scan.scale import step
from server.scan.word_parts import DocumentWriter, shade

__all__ = ["docx_bytes"]


class _Writer(DocumentWriter):
    """Writes one scan into a python-docx document, in the scan's language."""

    def write(self) -> bytes:
        self.header()
        for number, (title, part) in enumerate(
            (
                (self.gettext("Strategie"), self.strategy),
                (self.gettext("Positie in de waardeketen"), self.value_chain),
                (self.gettext("Gaten"), self.gaps),
                (self.gettext("Samenwerkingskansen"), self.partners),
                (self.gettext("Aansluiting"), self.alignment),
            ),
            start=1,
        ):
            self.document.add_heading(f"{number}. {title}", level=1)
            part()
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()

    def strategy(self) -> None:  # long: one section of the document, in reading order
        s = self.scan.strategy
        self.paragraph(texts.strategy_summary(s, self.name, self.gettext, self.ngettext))
        self.document.add_heading(self.gettext("Strategiedocumenten"), level=2)
        if s.documents:
            self.table(
                [
                    self.gettext("Document"),
                    self.gettext("Vastgesteld en geldig"),
                    self.gettext("Doelen"),
                    self.gettext("Bronnen"),
                ],
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
            self.empty(
                self.gettext(
                    "Er staat nog geen strategiedocument van %(name)s in Regiograaf. Voeg de "
                    "digitale agenda, visie of het programma toe als strategiedocument met zijn "
                    "doelen; dan laat deze scan zien bij welke doelen van regio, provincie en "
                    "Rijk die aansluiten.",
                    name=self.name,
                )
            )
        self.document.add_heading(self.gettext("Doelen en hun aansluiting"), level=2)
        if s.goals:
            self.table(
                [self.gettext("Doel"), self.gettext("Sluit aan bij"), self.gettext("Bronnen")],
                [
                    [
                        self.label(g.title, g.example),
                        "\n".join(
                            f"{a.title} ({self.gettext(texts.LEVELS[a.level])}; "
                            + (
                                self.gettext("rechtstreeks")
                                if a.direct
                                else self.gettext("via %(title)s", title=a.via_title)
                            )
                            + ")"
                            for a in g.alignments
                        )
                        or self.gettext("Geen aansluiting vastgelegd."),
                        self.sources(g.sources, g.checked),
                    ]
                    for g in s.goals
                ],
            )
        else:
            self.empty(
                self.gettext(
                    "Er staan nog geen doelen van %(name)s in Regiograaf. Een doel dat aansluit "
                    "bij een doel van de regio of de provincie maakt zichtbaar waaraan uw "
                    "strategie bijdraagt.",
                    name=self.name,
                )
            )
        self.document.add_heading(
            self.gettext("Hogere doelen waar nog geen eigen doel bij aansluit"), level=2
        )
        current = [g for g in s.open_goals if not g.expired]
        if current:
            self.table(
                [
                    self.gettext("Doel"),
                    self.gettext("Niveau"),
                    self.gettext("Gesteld door"),
                    self.gettext("Opmerking"),
                ],
                [
                    [
                        self.label(g.title, g.example),
                        self.gettext(texts.LEVELS[g.level]),
                        g.set_by or "",
                        self.gettext(
                            "een project van %(name)s draagt er wel aan bij", name=self.name
                        )
                        if g.served_by_project
                        else "",
                    ]
                    for g in current
                ],
            )
        else:
            self.paragraph(
                self.gettext(
                    "Bij elk doel van regio, provincie en Rijk sluit een doel van %(name)s aan.",
                    name=self.name,
                )
            )

    def value_chain(self) -> None:  # long: one section of the document, in reading order
        v = self.scan.value_chain
        self.paragraph(
            self.gettext(
                "Het aantal projecten waaraan %(name)s deelneemt (als trekker of deelnemer), per "
                "schakel en randvoorwaarde van de waardeketen, naast de mediaan en het maximum "
                "van de %(members)s huidige MRDH-gemeenten. Hoe donkerder het vak, hoe meer "
                "projecten.",
                name=self.name,
                members=v.members,
            )
        )
        rows = []
        for r in v.rows:
            own = self.number(r.projects)
            if r.examples:
                own += f" ({self.gettext('waarvan %(n)s verzonnen', n=r.examples)})"
            a = r.assessment
            maturity = (
                self.label(
                    self.gettext(
                        "niveau %(level)s van %(top)s: %(name)s",
                        level=a.level_number,
                        top=a.scale_top,
                        name=a.level_name.split(". ", 1)[-1],
                    )
                    + f" ({texts.date(a.date, self.lang)})",
                    a.example,
                )
                if a
                else self.gettext("geen inschatting")
            )
            rows.append([r.name, own, self.number(r.median), self.number(r.maximum), maturity])
        headers = [
            self.gettext("Schakel"),
            self.name,
            self.gettext("Mediaan regio"),
            self.gettext("Maximum regio"),
            self.gettext("Eigen inschatting volwassenheid"),
        ]
        body = self.table(headers, rows)
        for r, cells in zip(v.rows, body, strict=True):
            for cell, value in zip(cells[1:4], (r.projects, r.median, r.maximum), strict=True):
                shade(cell, step(value, v.top))
        self.paragraph(
            self.gettext("Kleurschaal: van 0 (wit) tot %(top)s projecten (donkerblauw).", top=v.top)
        )
        if not v.projects:
            self.empty(
                self.gettext(
                    "Er staan nog geen projecten van %(name)s in Regiograaf. Lever de "
                    "digitaliseringsprojecten van de gemeente aan; dan vult deze scan zich.",
                    name=self.name,
                )
            )
            return
        self.document.add_heading(
            self.ngettext(
                "Het project van %(name)s",
                "De %(num)s projecten van %(name)s",
                len(v.projects),
                name=self.name,
            ),
            level=2,
        )
        names = v.stage_names
        self.table(
            [
                self.gettext("Project"),
                self.gettext("Rol"),
                self.gettext("Schakels"),
                self.gettext("Status"),
                self.gettext("Draagt bij aan regio of provincie"),
            ],
            [
                [
                    self.label(p.title, p.example),
                    self.gettext(texts.ROLES[p.role]),
                    ", ".join(names.get(stage, stage) for stage in p.stages),
                    p.status_name or "",
                    self.gettext(texts.SERVES[p.alignment]),
                ]
                for p in v.projects
            ],
        )

    def gaps(self) -> None:
        self.paragraph(
            self.gettext(
                "Schakels en randvoorwaarden waarin %(name)s aan geen enkel project deelneemt, "
                "terwijl andere MRDH-gemeenten dat wel doen. Per gat: bouwstenen en "
                "handelingsperspectieven die erbij horen, en de projecten van anderen om van te "
                "leren (de meest ervaren eerst).",
                name=self.name,
            )
        )
        if not self.scan.gaps:
            self.paragraph(
                self.gettext(
                    "Geen gaten: in elke schakel en randvoorwaarde waarin andere MRDH-gemeenten "
                    "projecten hebben, doet %(name)s ook mee.",
                    name=self.name,
                )
            )
        for gap in self.scan.gaps:
            self.gap(gap)

    def gap(self, gap: Gap) -> None:
        self.document.add_heading(
            f"{gap.name} ({self.gettext(texts.STAGE_KINDS[gap.kind])})", level=2
        )
        self.paragraph(
            self.ngettext(
                "%(num)s andere MRDH-gemeente doet hier projecten.",
                "%(num)s andere MRDH-gemeenten doen hier projecten.",
                gap.active,
            )
        )
        for heading, items in (
            (self.gettext("Bouwstenen"), gap.building_blocks),
            (self.gettext("Handelingsperspectieven"), gap.action_perspectives),
        ):
            if items:
                self.paragraph(heading + ":")
                for item in items:
                    self.paragraph(self.label(item.title, item.example), style="List Bullet")
        self.paragraph(self.gettext("Leren van") + ":")
        if gap.project_count > len(gap.projects):
            shown = self.gettext(
                "De %(shown)s meest ervaren van de %(total)s projecten van andere "
                "MRDH-gemeenten in deze schakel.",
                shown=len(gap.projects),
                total=gap.project_count,
            )
            if gap.example_count:
                shown += f" ({self.gettext('waarvan %(n)s verzonnen', n=gap.example_count)})"
            self.paragraph(shown)
        self.table(
            [self.gettext("Project"), self.gettext("Gemeente"), self.gettext("Status")],
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
        self.paragraph(
            self.gettext(
                "Andere MRDH-gemeenten die projecten hebben in dezelfde schakel én voor dezelfde "
                "maatschappelijke opgave als %(name)s, maar daar nog niet samenwerken. De overlap "
                "is het aantal van die combinaties; de gemeenten met de meeste overlap staan "
                "bovenaan.",
                name=self.name,
            )
        )
        if not self.scan.partners:
            self.empty(
                self.gettext(
                    "Nog geen samenwerkingskansen: geen andere MRDH-gemeente heeft projecten in "
                    "dezelfde schakel en voor dezelfde opgave als %(name)s. Met meer projecten "
                    "van %(name)s in Regiograaf worden kansen zichtbaar.",
                    name=self.name,
                )
            )
            return
        self.table(
            [
                self.gettext("Partnergemeente"),
                self.gettext("Waarom"),
                self.gettext("Overlap"),
                self.gettext("Werken al samen in"),
            ],
            [
                [
                    self.label(p.name, p.example),
                    self.gettext(
                        "allebei actief in %(stages)s, voor %(challenges)s",
                        stages=", ".join(p.stages),
                        challenges=", ".join(p.challenges),
                    )
                    if p.overlap
                    else "",
                    str(p.overlap),
                    "; ".join(p.joint_titles) if p.joint else self.gettext("geen"),
                ]
                for p in self.scan.partners
            ],
        )

    def alignment(self) -> None:  # long: one section of the document, in reading order
        al = self.scan.alignment
        own = al.own
        if own is None or own.share is None:
            self.empty(
                self.gettext(
                    "Zonder projecten van %(name)s in Regiograaf is er geen aandeel te berekenen.",
                    name=self.name,
                )
            )
        else:
            figure = self.gettext(
                "%(share)s%% van de %(projects)s projecten van %(name)s draagt bij aan een doel "
                "van de regio of de provincie: %(direct)s rechtstreeks, %(indirect)s via een doel "
                "dat daarbij aansluit.",
                share=own.share,
                projects=own.projects,
                name=self.name,
                direct=own.direct,
                indirect=own.indirect,
            )
            self.paragraph(self.label(figure, own.example))
            self.paragraph(texts.region_ranking(al, self.name, self.lang, self.gettext))
        self.document.add_heading(self.gettext("De verdeling in de regio"), level=2)
        self.table(
            [
                self.gettext("Gemeente"),
                self.gettext("Projecten"),
                self.gettext("Aandeel dat aansluit"),
            ],
            [
                [
                    self.label(share.name, share.example),
                    str(share.projects),
                    f"{share.share}%"
                    if share.share is not None
                    else self.gettext("geen projecten"),
                ]
                for share in al.region
            ],
        )


def docx_bytes(scan: Scan, site: str, translations: NullTranslations) -> bytes:
    """The Word document of ``scan``; ``site`` is the site's URL (ending in ``/``) for links;
    ``translations`` those of the scan's language (the catalog's English, or
    :class:`~gettext.NullTranslations` for Dutch: the messages are the Dutch text)."""
    return _Writer(scan, site, translations).write()
