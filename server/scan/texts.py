"""How the Strategiescan writes for people, one place for the page, the PDF and the Word
document: the words it picks by a code (:data:`LEVELS`, :data:`ROLES`, :data:`SERVES`,
:data:`STAGE_KINDS`: gettext messages, marked with :func:`N_` and translated where they are
shown), and :func:`date`, :func:`number` and :func:`source_names`, which format values.

Every other text is a gettext message where it is written (the templates, :mod:`.word`), with
the Dutch text as msgid and the English in the site's catalog (server/web/translations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final
from urllib.parse import urlsplit

__all__ = [
    "CONTRIBUTE_PATH",
    "LEVELS",
    "N_",
    "ROLES",
    "SERVES",
    "STAGE_KINDS",
    "date",
    "number",
    "source_names",
    "web_link",
]

#: The contributor guide (docs/bijdragen.md as a page): where an empty state sends people.
CONTRIBUTE_PATH: Final = "/bijdragen"


def N_(message: str) -> str:  # pybabel's name for a message only marked
    """``message`` as it is, marked for the catalog (``pybabel extract`` finds ``N_``): it
    is translated where it is shown, in the language of the page or document."""
    return message


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

_MONTHS: Final = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def date(value: str | None, lang: str) -> str:
    """A date as precise as it is given, for people: ``2024-03-01`` → ``1 maart 2024`` /
    ``1 March 2024``; ``2016-11`` → ``november 2016``; ``2019`` stays; a time is dropped."""
    if not value:
        return ""
    parts = value[:10].split("-")
    months = _MONTHS["en" if lang == "en" else "nl"]
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{months[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return value


def number(value: float | int | None, lang: str) -> str:
    """A number for people: whole numbers as such, else one decimal (``0,5`` in Dutch)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    written = f"{value:.1f}"
    return written if lang == "en" else written.replace(".", ",")


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
