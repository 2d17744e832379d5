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
from flask_babel import LazyString, lazy_gettext

from server.canned.running import canned_queries
from server.http.media_types import HTML
from server.search.glossary import Term, glossary
from server.web.context import get_settings, get_store, iri_map
from server.web.language import language
from server.web.policy import answer, representation

blueprint = Blueprint("glossary", __name__)

#: The pages of this site that use a word, by anchor: a path and its name, or the name of a
#: canned query (``/queries/<name>``, named by its title).
USED_ON: Final[dict[str, tuple[tuple[str, LazyString] | str, ...]]] = {
    "waardeketen": (("/waardeketen", lazy_gettext("De waardeketen")),),
    "schakel": (
        ("/waardeketen", lazy_gettext("De waardeketen")),
        ("/kaart/projecten", lazy_gettext("De projectenkaart (filter op schakel)")),
    ),
    "randvoorwaarde": (("/waardeketen", lazy_gettext("De waardeketen")),),
    "opgave": ("samenwerkingskansen",),
    "bouwsteen": ("bouwstenen-per-schakel",),
    "handelingsperspectief": ("bouwstenen-per-schakel",),
    "aansluiting": (
        ("/scan", lazy_gettext("De Strategiescan, deel Aansluiting")),
        "aansluitingsscore",
        "doelen-zonder-aansluiting",
    ),
    "volwassenheid": (("/scan", lazy_gettext("De Strategiescan, deel Positie in de waardeketen")),),
    "strategiescan": (("/scan", lazy_gettext("Kies uw gemeente")),),
    "gat": (
        ("/scan", lazy_gettext("De Strategiescan, deel Gaten")),
        "waardeketen-gaten",
    ),
    "samenwerkingskans": (
        ("/scan", lazy_gettext("De Strategiescan, deel Samenwerkingskansen")),
        ("/kaart/samenwerking", lazy_gettext("De samenwerkingskaart")),
        "samenwerkingskansen",
    ),
    "voorbeeld": (("/kaart/projecten", lazy_gettext("De projectenkaart")),),
    "doel": ("doelen-zonder-bijdrage", "indirecte-bijdragen"),
    "strategiedocument": (("/scan", lazy_gettext("De Strategiescan, deel Strategie")),),
    "principe": ("bijdragen-aan-principes",),
    "project": (
        ("/kaart/projecten", lazy_gettext("De projectenkaart")),
        "projecten-per-gemeente",
    ),
    "projectstatus": ("projecttijdlijn",),
    "regio": (("/kaart/samenwerking", lazy_gettext("De samenwerkingskaart")),),
    "bijdrage": (("/bijdragen", lazy_gettext("Gegevens aanleveren")),),
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
            path, name = place
            links.append((path + suffix if path.startswith("/scan") else path, str(name)))
    return links


@blueprint.get("/begrippen")
def page() -> Response:
    """The glossary page."""
    lang = language()

    def render() -> Response:
        terms = glossary(get_store(), lang)
        pages = iri_map()
        html = render_template(
            "begrippen.html",
            lang=lang,
            terms=terms,
            used_on={term.anchor: used_on(term, lang) for term in terms},
            model_pages={
                term.anchor: [(pages.page(iri), name) for iri, name in term.more if pages.page(iri)]
                for term in terms
            },
        )
        return make_response(html)

    return answer(representation(HTML, variant=("begrippen", lang)), render)
