"""How the Strategiescan writes for people, one place for the page, the PDF and the Word
document: the words it picks by a code (:data:`LEVELS`, :data:`ROLES`, :data:`SERVES`,
:data:`STAGE_KINDS`: gettext messages, marked with :func:`~server.messages.N_` and
translated where they are shown), and :func:`date`, :func:`number` and
:func:`source_names`, which format values.

Every other text is a gettext message where it is written (the templates, :mod:`.word`), with
the Dutch text as msgid and the English in the site's catalog (server/web/translations).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Protocol
from urllib.parse import urlsplit

from babel.dates import format_date
from babel.numbers import format_decimal

from server.messages import N_, Gettext

if TYPE_CHECKING:
    from server.scan.model import AlignmentSection, Strategy

__all__ = [
    "CONTRIBUTE_PATH",
    "LEVELS",
    "ROLES",
    "SERVES",
    "STAGE_KINDS",
    "date",
    "number",
    "region_ranking",
    "source_names",
    "strategy_summary",
    "web_link",
]

#: The contributor guide (docs/bijdragen.md as a page): where an empty state sends people.
CONTRIBUTE_PATH: Final = "/bijdragen"


#: A goal's level, by the scan's code.
LEVELS: Final = {"regio": N_("regio"), "provincie": N_("provincie"), "rijk": N_("Rijk")}
#: A municipality's role in a project.
ROLES: Final = {"trekker": N_("trekker"), "deelnemer": N_("deelnemer")}
#: Whether a project serves a goal of the region or the province.
SERVES: Final = {
    "direct": N_("ja, rechtstreeks"),
    "indirect": N_("ja, via een eigen doel"),
    "geen": N_("nee"),
}
#: What a gap is: a stage of the value chain or an enabler.
STAGE_KINDS: Final = {"schakel": N_("schakel"), "randvoorwaarde": N_("randvoorwaarde")}


def date(value: str | None, lang: str) -> str:
    """A date as precise as it is given, for people (Babel, in ``lang``): ``2024-03-01`` →
    ``1 maart 2024`` / ``1 March 2024``; ``2016-11`` → ``november 2016``; ``2019`` stays; a
    time is dropped; what is no date stays as it is. The site's one way to write a date (the
    pages use it through :func:`server.web.language.format_date`)."""
    if not value:
        return ""
    parts = str(value)[:10].split("-")
    try:
        if len(parts) == 3:
            day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return format_date(day, "d MMMM y", locale=lang)
        if len(parts) == 2:
            return format_date(
                datetime.date(int(parts[0]), int(parts[1]), 1), "MMMM y", locale=lang
            )
    except ValueError:
        return str(value)
    return str(value)


def number(value: float | int | None, lang: str) -> str:
    """A number for people (Babel, in ``lang``): whole numbers as such, else one decimal
    (``0,5`` in Dutch), thousands grouped (``1.234``). The site's one way to write a number
    (the pages use it through :func:`server.web.language.format_number`)."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.#", locale=lang)


class Ngettext(Protocol):
    """An ngettext function (Flask-Babel's in a request): the form of ``singular`` or
    ``plural`` for ``num``, its ``%(num)s`` and ``%(name)s`` placeholders filled."""

    def __call__(self, singular: str, plural: str, num: int, /, **variables: object) -> str: ...


def strategy_summary(strategy: Strategy, name: str, gettext: Gettext, ngettext: Ngettext) -> str:
    """The first sentence of the section *Strategie*: documents, goals, how many align."""
    aligned = strategy.aligned_goals
    return gettext(
        "%(name)s heeft %(documents)s met %(goals)s in Regiograaf; %(aligned)s",
        name=name,
        documents=ngettext(
            "%(num)s strategiedocument", "%(num)s strategiedocumenten", len(strategy.documents)
        ),
        goals=ngettext("%(num)s doel", "%(num)s doelen", len(strategy.goals)),
        aligned=ngettext(
            "%(num)s daarvan sluit aan bij een doel van de regio, de provincie of het Rijk.",
            "%(num)s daarvan sluiten aan bij een doel van de regio, de provincie of het Rijk.",
            aligned,
        ),
    )


def region_ranking(section: AlignmentSection, name: str, lang: str, gettext: Gettext) -> str:
    """How the municipality's share compares in the region: the median and range, and its
    place, unless all are level (then no place is claimed) or its place is shared."""
    if section.level:
        return gettext(
            "In de regio hebben alle %(compared)s gemeenten met projecten hetzelfde aandeel "
            "(%(share)s%%); %(name)s staat dus gelijk met de andere.",
            compared=section.compared,
            share=section.lowest,
            name=name,
        )
    values = {
        "median": number(section.median, lang),
        "lowest": section.lowest,
        "highest": section.highest,
        "name": name,
        "rank": section.rank,
        "compared": section.compared,
    }
    if section.shared_rank:
        return gettext(
            "In de regio is de mediaan %(median)s%%, van %(lowest)s%% tot %(highest)s%%; "
            "%(name)s staat op een gedeelde plaats %(rank)s van de %(compared)s gemeenten met "
            "projecten.",
            **values,
        )
    return gettext(
        "In de regio is de mediaan %(median)s%%, van %(lowest)s%% tot %(highest)s%%; "
        "%(name)s staat op plaats %(rank)s van de %(compared)s gemeenten met projecten.",
        **values,
    )


def web_link(iri: str | None) -> str | None:
    """``iri`` when it may become a link (``http`` or ``https`` with a host), else ``None``."""
    if not iri:
        return None
    parts = urlsplit(iri)
    return iri if parts.scheme in ("http", "https") and parts.netloc else None


def source_names(sources: Sequence[str]) -> list[tuple[str, str]]:
    """Each source with a short name for its link: the host without ``www.``, and where two
    sources share a host, the last step of the path too (``example.org/agenda``)."""
    hosts = [(urlsplit(iri).hostname or iri).removeprefix("www.") for iri in sources]
    named = []
    for iri, host in zip(sources, hosts, strict=True):
        step = urlsplit(iri).path.rstrip("/").rsplit("/", 1)[-1]
        if hosts.count(host) > 1 and step:
            host = f"{host}/{step[:30]}"
        named.append((iri, host))
    return named
