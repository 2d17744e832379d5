"""``/begrippen``: the glossary (Dutch "Begrippen", English "Glossary") of the words the pages
use, from the graph (:func:`server.search.glossary.glossary`), one language at a time.

Each word has the anchor ``#<word>`` (its ``skos:notation``, the lower-case Dutch word), so a
page links to ``/begrippen#schakel``. Besides its definition each word links to where it is
used on this site (:data:`USED_ON`: the routes are this app's, so they are listed here) and to
its description in the model. A canned query used as a place of use is named by its own
title.
"""

from __future__ import annotations

from typing import Final

from flask import Blueprint, Response, make_response, render_template

from server.canned.running import canned_queries
from server.http.media_types import HTML
from server.search.glossary import Term, glossary
from server.web.context import get_settings, get_store, iri_map
from server.web.language import translator
from server.web.policy import answer, representation
from server.web.search import request_language

blueprint = Blueprint("glossary", __name__)

#: The pages of this site that use a word, by anchor: a path and its name (Dutch, English),
#: or the name of a canned query (``/queries/<name>``, named by its title).
USED_ON: Final[dict[str, tuple[tuple[str, str, str] | str, ...]]] = {
    "waardeketen": (("/waardeketen", "De waardeketen", "The value chain"),),
    "schakel": (
        ("/waardeketen", "De waardeketen", "The value chain"),
        (
            "/kaart/projecten",
            "De projectenkaart (filter op schakel)",
            "The project map (filter by stage)",
        ),
    ),
    "randvoorwaarde": (("/waardeketen", "De waardeketen", "The value chain"),),
    "opgave": ("samenwerkingskansen",),
    "bouwsteen": ("bouwstenen-per-schakel",),
    "handelingsperspectief": ("bouwstenen-per-schakel",),
    "aansluiting": (
        ("/scan", "De Strategiescan, deel Aansluiting", "The strategy scan, part Alignment"),
        "aansluitingsscore",
        "doelen-zonder-aansluiting",
    ),
    "volwassenheid": (
        (
            "/scan",
            "De Strategiescan, deel Positie in de waardeketen",
            "The strategy scan, part Position in the value chain",
        ),
    ),
    "strategiescan": (("/scan", "Kies uw gemeente", "Choose your municipality"),),
    "gat": (
        ("/scan", "De Strategiescan, deel Gaten", "The strategy scan, part Gaps"),
        "waardeketen-gaten",
    ),
    "samenwerkingskans": (
        (
            "/scan",
            "De Strategiescan, deel Samenwerkingskansen",
            "The strategy scan, part Collaboration opportunities",
        ),
        ("/kaart/samenwerking", "De samenwerkingskaart", "The collaboration map"),
        "samenwerkingskansen",
    ),
    "voorbeeld": (("/kaart/projecten", "De projectenkaart", "The project map"),),
    "doel": ("doelen-zonder-bijdrage", "indirecte-bijdragen"),
    "strategiedocument": (
        ("/scan", "De Strategiescan, deel Strategie", "The strategy scan, part Strategy"),
    ),
    "principe": ("bijdragen-aan-principes",),
    "project": (
        ("/kaart/projecten", "De projectenkaart", "The project map"),
        "projecten-per-gemeente",
    ),
    "projectstatus": ("projecttijdlijn",),
    "regio": (("/kaart/samenwerking", "De samenwerkingskaart", "The collaboration map"),),
    "bijdrage": (("/bijdragen", "Gegevens aanleveren", "Contribute data"),),
}


def used_on(term: Term, lang: str) -> list[tuple[str, str]]:
    """Where ``term`` is used: (path, name in ``lang``) for each page of :data:`USED_ON`."""
    queries = canned_queries(get_settings())
    suffix = "?lang=en" if lang == "en" else ""
    links = []
    for place in USED_ON.get(term.anchor, ()):
        if isinstance(place, str):
            title = queries[place].title
            links.append((f"/queries/{place}", title.get(lang) or title.get("nl") or place))
        else:
            path, nl, en = place
            links.append(
                (path + suffix if path.startswith("/scan") else path, en if lang == "en" else nl)
            )
    return links


@blueprint.get("/begrippen")
def page() -> Response:
    """The glossary page."""
    lang = request_language()

    def render() -> Response:
        terms = glossary(get_store(), lang)
        pages = iri_map()
        html = render_template(
            "begrippen.html",
            lang=lang,
            t=translator(lang),
            terms=terms,
            used_on={term.anchor: used_on(term, lang) for term in terms},
            model_pages={
                term.anchor: [(pages.page(iri), name) for iri, name in term.more if pages.page(iri)]
                for term in terms
            },
        )
        return make_response(html)

    return answer(representation(HTML, variant=("begrippen", lang)), render)
