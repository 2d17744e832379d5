"""Every word the Strategiescan shows, in Dutch and English, and how it writes dates, numbers
and sources: one place for the page, the PDF and the Word document.

:func:`text` looks a text up by key and fills in ``{named}`` values; :func:`date`,
:func:`number` and :func:`source_names` format values for people. Dutch is the default; a
language other than ``en`` gets Dutch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final
from urllib.parse import urlsplit

__all__ = [
    "CONTRIBUTE_PATH",
    "TEXTS",
    "date",
    "language",
    "number",
    "source_names",
    "text",
    "web_link",
]

#: The contributor guide (docs/bijdragen.md as a page): where an empty state sends people.
CONTRIBUTE_PATH: Final = "/bijdragen"

#: key → (Dutch, English).
TEXTS: Final[dict[str, tuple[str, str]]] = {
    # the page
    "title": ("Strategiescan {name}", "Strategy scan {name}"),
    "scan": ("Strategiescan", "Strategy scan"),
    "lead": (
        "Waar staat {name} in de digitale strategie van de regio? Deze scan is berekend uit de "
        "gegevens in Regiograaf: de strategieën, doelen en projecten van de gemeenten, de "
        "MRDH, de provincie Zuid-Holland en het Rijk.",
        "Where does {name} stand in the region's digital strategy? This scan is computed from "
        "the data in Regiograaf: the strategies, goals and projects of the municipalities, "
        "MRDH, the Province of South Holland and the national government.",
    ),
    "data_version": (
        "Gegevens van {date} (dataversie {version}).",
        "Data of {date} (data version {version}).",
    ),
    "example_notice": (
        "Deze scan bevat verzonnen voorbeelden. Alles met het label 'Voorbeeld' is bedacht om "
        "te laten zien hoe Regiograaf werkt en beschrijft geen echt project, doel of "
        "inschatting.",
        "This scan contains invented examples. Everything labelled 'Example' was made up to "
        "show how Regiograaf works and describes no real project, goal or assessment.",
    ),
    "example": ("Voorbeeld", "Example"),
    "example_part": ("waarvan {n} voorbeeld", "{n} of them invented"),
    "downloads": ("Meenemen naar de raad", "Take it to the council"),
    "download_pdf": ("Download als PDF", "Download as PDF"),
    "download_docx": ("Download als Word-document", "Download as Word document"),
    "download_json": ("De gegevens als JSON", "The data as JSON"),
    "compare_with": ("Vergelijk met", "Compare with"),
    "compare": ("Vergelijk", "Compare"),
    "contents": ("Inhoud van de scan", "Contents of the scan"),
    "other_language": ("English", "Nederlands"),
    "how_made": ("Hoe deze scan is gemaakt", "How this scan is made"),
    "how_made_text": (
        "Elk onderdeel is het antwoord op een vraag aan de gegevens. Dezelfde vragen kunt u "
        "zelf stellen, ook met andere gegevens:",
        "Each part answers a question to the data. You can ask the same questions yourself, "
        "also of other data:",
    ),
    "add_data": (
        "Ontbreekt er iets of klopt iets niet? Zo levert u gegevens aan",
        "Is something missing or wrong? How to contribute data",
    ),
    "sources": ("Bronnen", "Sources"),
    "checked": ("nagekeken op {date}", "checked on {date}"),
    "website": ("Website", "Website"),
    "none": ("geen", "none"),
    # sections
    "strategy": ("Strategie", "Strategy"),
    "value_chain": ("Positie in de waardeketen", "Position in the value chain"),
    "gaps": ("Gaten", "Gaps"),
    "partners": ("Samenwerkingskansen", "Collaboration opportunities"),
    "alignment": ("Aansluiting", "Alignment"),
    # strategy
    "strategy_summary": (
        "{name} heeft {documents} strategiedocument(en) met {goals} doel(en) in Regiograaf; "
        "{aligned} daarvan sluiten aan bij een doel van de regio, de provincie of het Rijk.",
        "{name} has {documents} strategy document(s) with {goals} goal(s) in Regiograaf; "
        "{aligned} of them align with a goal of the region, the province or the national "
        "government.",
    ),
    "documents": ("Strategiedocumenten", "Strategy documents"),
    "document": ("Document", "Document"),
    "dates": ("Vastgesteld en geldig", "Adopted and valid"),
    "goals": ("Doelen", "Goals"),
    "adopted": ("vastgesteld {date}", "adopted {date}"),
    "valid": ("geldig {start} tot {end}", "valid {start} to {end}"),
    "replaced_by": ("vervangen door {title}", "replaced by {title}"),
    "replaces": ("vervangt {title}", "replaces {title}"),
    "no_documents": (
        "Er staat nog geen strategiedocument van {name} in Regiograaf. Voeg de digitale agenda, "
        "visie of het programma toe als strategiedocument met zijn doelen; dan laat deze scan "
        "zien bij welke doelen van regio, provincie en Rijk die aansluiten.",
        "No strategy document of {name} is in Regiograaf yet. Add the digital agenda, vision or "
        "programme as a strategy document with its goals; this scan then shows which goals of "
        "the region, the province and the national government they align with.",
    ),
    "goals_alignment": ("Doelen en hun aansluiting", "Goals and their alignment"),
    "goal": ("Doel", "Goal"),
    "aligns_with": ("Sluit aan bij", "Aligns with"),
    "sub_goal_of": ("subdoel van {title}", "sub-goal of {title}"),
    "directly": ("rechtstreeks", "directly"),
    "via": ("via {title}", "via {title}"),
    "no_alignment": ("Geen aansluiting vastgelegd.", "No alignment recorded."),
    "no_goals": (
        "Er staan nog geen doelen van {name} in Regiograaf. Een doel dat aansluit bij een doel "
        "van de regio of de provincie maakt zichtbaar waaraan uw strategie bijdraagt.",
        "No goals of {name} are in Regiograaf yet. A goal that aligns with a goal of the "
        "region or the province shows what your strategy contributes to.",
    ),
    "open_goals": (
        "Hogere doelen waar nog geen eigen doel bij aansluit",
        "Higher goals no own goal aligns with yet",
    ),
    "open_goals_intro": (
        "Doelen van de regio, de provincie en het Rijk waar geen van de doelen van {name} bij "
        "aansluit, rechtstreeks of via een breder doel.",
        "Goals of the region, the province and the national government that none of {name}'s "
        "goals align with, directly or through a broader goal.",
    ),
    "level": ("Niveau", "Level"),
    "set_by": ("Gesteld door", "Set by"),
    "remark": ("Opmerking", "Remark"),
    "served_by_project": (
        "een project van {name} draagt er wel aan bij",
        "a project of {name} does contribute to it",
    ),
    "national_goals": ("Doelen van het Rijk ({n})", "National goals ({n})"),
    "expired_goals": (
        "Doelen uit verlopen of vervangen strategieën ({n})",
        "Goals from expired or replaced strategies ({n})",
    ),
    "no_open_goals": (
        "Bij elk doel van regio, provincie en Rijk sluit een doel van {name} aan.",
        "A goal of {name} aligns with every goal of the region, the province and the national "
        "government.",
    ),
    "level_regio": ("regio", "region"),
    "level_provincie": ("provincie", "province"),
    "level_rijk": ("Rijk", "national"),
    # value chain
    "value_chain_intro": (
        "Het aantal projecten waaraan {name} deelneemt (als trekker of deelnemer), per schakel "
        "en randvoorwaarde van de waardeketen, naast de mediaan en het maximum van de {members} "
        "huidige MRDH-gemeenten. Hoe donkerder het vak, hoe meer projecten.",
        "The number of projects {name} takes part in (as lead or participant), per stage and "
        "enabler of the value chain, next to the median and the maximum of the {members} "
        "current MRDH members. The darker the cell, the more projects.",
    ),
    "stage": ("Schakel", "Stage"),
    "median": ("Mediaan regio", "Region median"),
    "maximum": ("Maximum regio", "Region maximum"),
    "maturity": ("Eigen inschatting volwassenheid", "Own maturity assessment"),
    "maturity_value": ("niveau {level} van {top}: {name}", "level {level} of {top}: {name}"),
    "no_maturity": ("geen inschatting", "no assessment"),
    "maturity_missing": (
        "{name} heeft nog geen inschatting van de eigen volwassenheid per schakel vastgelegd. "
        "Leg die vast op de vijfpuntsschaal van Regiograaf (1 Verkennen tot 5 Vernieuwen).",
        "{name} has not recorded an assessment of its own maturity per stage yet. Record one "
        "on Regiograaf's five-level scale (1 Exploring to 5 Innovating).",
    ),
    "kind_schakel": ("schakel", "stage"),
    "kind_randvoorwaarde": ("randvoorwaarde", "enabler"),
    "scale_legend": (
        "Kleurschaal: van 0 (wit) tot {top} projecten (donkerblauw).",
        "Colour scale: from 0 (white) to {top} projects (dark blue).",
    ),
    "own_projects": ("De {n} projecten van {name}", "The {n} projects of {name}"),
    "project": ("Project", "Project"),
    "role": ("Rol", "Role"),
    "stages": ("Schakels", "Stages"),
    "status": ("Status", "Status"),
    "serves": ("Draagt bij aan regio of provincie", "Serves region or province"),
    "role_trekker": ("trekker", "lead"),
    "role_deelnemer": ("deelnemer", "participant"),
    "serves_direct": ("ja, rechtstreeks", "yes, directly"),
    "serves_indirect": ("ja, via een eigen doel", "yes, through an own goal"),
    "serves_geen": ("nee", "no"),
    "no_projects": (
        "Er staan nog geen projecten van {name} in Regiograaf. Lever de digitaliseringsprojecten "
        "van de gemeente aan; dan vult deze scan zich.",
        "No projects of {name} are in Regiograaf yet. Contribute the municipality's "
        "digitalisation projects; this scan then fills up.",
    ),
    # gaps
    "gaps_intro": (
        "Schakels en randvoorwaarden waarin {name} aan geen enkel project deelneemt, terwijl "
        "andere MRDH-gemeenten dat wel doen. Per gat: bouwstenen en handelingsperspectieven die "
        "erbij horen, en de projecten van anderen om van te leren (de meest ervaren eerst).",
        "Stages and enablers in which {name} takes part in no project while other MRDH members "
        "do. For each gap: building blocks and action perspectives that fit, and the projects "
        "of others to learn from (the most experienced first).",
    ),
    "active_elsewhere": (
        "{n} andere MRDH-gemeente(n) doen hier projecten.",
        "{n} other MRDH member(s) run projects here.",
    ),
    "building_blocks": ("Bouwstenen", "Building blocks"),
    "action_perspectives": ("Handelingsperspectieven", "Action perspectives"),
    "learn_from": ("Leren van", "Learn from"),
    "municipality": ("Gemeente", "Municipality"),
    "more_projects": (
        "en nog {n} project(en) op de projectenkaart",
        "and {n} more project(s) on the project map",
    ),
    "no_gaps": (
        "Geen gaten: in elke schakel en randvoorwaarde waarin andere MRDH-gemeenten projecten "
        "hebben, doet {name} ook mee.",
        "No gaps: {name} takes part in every stage and enabler in which other MRDH members "
        "have projects.",
    ),
    # partners
    "partners_intro": (
        "Andere MRDH-gemeenten die projecten hebben in dezelfde schakel én voor dezelfde "
        "maatschappelijke opgave als {name}, maar daar nog niet samenwerken. De overlap is het "
        "aantal van die combinaties; de gemeenten met de meeste overlap staan bovenaan.",
        "Other MRDH members with projects in the same stage and for the same societal "
        "challenge as {name}, but no joint project there yet. The overlap is the number of "
        "such combinations; the municipalities with the most overlap come first.",
    ),
    "partner": ("Partnergemeente", "Partner municipality"),
    "reason": ("Waarom", "Why"),
    "overlap": ("Overlap", "Overlap"),
    "joint": ("Werken al samen in", "Already work together in"),
    "reason_text": (
        "allebei actief in {stages}, voor {challenges}",
        "both active in {stages}, for {challenges}",
    ),
    "no_partners": (
        "Nog geen samenwerkingskansen: geen andere MRDH-gemeente heeft projecten in dezelfde "
        "schakel en voor dezelfde opgave als {name}. Met meer projecten van {name} in "
        "Regiograaf worden kansen zichtbaar.",
        "No collaboration opportunities yet: no other MRDH member has projects in the same "
        "stage and for the same challenge as {name}. With more of {name}'s projects in "
        "Regiograaf, opportunities appear.",
    ),
    "more_partners": (
        "Nog {n} gemeente(n) met minder overlap",
        "{n} more municipalities with less overlap",
    ),
    # alignment
    "alignment_figure": (
        "{share}% van de {projects} projecten van {name} draagt bij aan een doel van de regio "
        "of de provincie: {direct} rechtstreeks, {indirect} via een doel dat daarbij aansluit.",
        "{share}% of {name}'s {projects} projects contribute to a goal of the region or the "
        "province: {direct} directly, {indirect} through a goal aligned with one.",
    ),
    "alignment_region": (
        "In de regio is de mediaan {median}%, van {lowest}% tot {highest}%; {name} staat op "
        "plaats {rank} van de {compared} gemeenten met projecten.",
        "In the region the median is {median}%, from {lowest}% to {highest}%; {name} ranks "
        "{rank} of the {compared} municipalities with projects.",
    ),
    "share": ("Aandeel dat aansluit", "Share that serves them"),
    "projects": ("Projecten", "Projects"),
    "region_distribution": ("De verdeling in de regio", "The distribution in the region"),
    "no_share": ("geen projecten", "no projects"),
    "no_alignment_projects": (
        "Zonder projecten van {name} in Regiograaf is er geen aandeel te berekenen.",
        "Without projects of {name} in Regiograaf there is no share to compute.",
    ),
    # comparison
    "compare_title": ("{first} en {second} vergeleken", "{first} and {second} compared"),
    "compare_lead": (
        "De belangrijkste cijfers van twee Strategiescans naast elkaar. De volledige scans: ",
        "The key figures of two strategy scans side by side. The full scans: ",
    ),
    "compare_same": (
        "Kies een andere gemeente om mee te vergelijken.",
        "Choose another municipality to compare with.",
    ),
    "figure": ("Cijfer", "Figure"),
    "aligned_goals": ("Doelen die aansluiten", "Goals that align"),
    "open_goals_count": (
        "Hogere doelen zonder eigen aansluiting",
        "Higher goals without own alignment",
    ),
    "gap": ("gat", "gap"),
    "no_gap": ("—", "—"),
    "together": (
        "{first} en {second} delen {overlap} combinatie(s) van schakel en opgave en werken al "
        "samen in {joint} project(en).",
        "{first} and {second} share {overlap} combination(s) of stage and challenge and "
        "already work together in {joint} project(s).",
    ),
    "not_together": (
        "{first} en {second} hebben (nog) geen gedeelde schakels en opgaven.",
        "{first} and {second} share no stages and challenges (yet).",
    ),
    # index and former members
    "index_title": ("Strategiescan: kies uw gemeente", "Strategy scan: choose your municipality"),
    "index_lead": (
        "Eén scan per gemeente van de Metropoolregio Rotterdam Den Haag ({n} gemeenten).",
        "One scan per municipality of the Rotterdam The Hague Metropolitan Area ({n} "
        "municipalities).",
    ),
    "former_title": ("{name} is geen MRDH-gemeente meer", "{name} is no longer an MRDH member"),
    "former_text": (
        "{name} was lid van de MRDH tot {date} en heeft daarom geen Strategiescan.",
        "{name} was a member of MRDH until {date} and therefore has no strategy scan.",
    ),
    "former_successor": (
        "{name} is opgegaan in {successor}: bekijk de Strategiescan van {successor}.",
        "{name} became part of {successor}: see the strategy scan of {successor}.",
    ),
}

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


def language(value: str | None) -> str:
    """``en`` for English, else ``nl`` (the default)."""
    return "en" if value == "en" else "nl"


def text(key: str, lang: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` (Dutch unless ``en``) with ``{named}`` values filled in."""
    dutch, english = TEXTS[key]
    template = english if lang == "en" else dutch
    return template.format(**values) if values else template


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
