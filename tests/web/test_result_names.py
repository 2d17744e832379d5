"""How a query page names an IRI (server/web/result_names.py): the page's language first, one
language at a time, never a prefixed name."""

from __future__ import annotations

from rdflib import Literal

from server.web.result_names import iri_list, name_of, picked, short_name

ID = "https://w3id.org/regiograaf/id/"
HAGUE = ID + "gemeente/gm0518"
LABELS = {HAGUE: {"nl": "Den Haag", "en": "The Hague"}}


def test_the_label_in_the_page_language_wins() -> None:
    assert name_of(LABELS, HAGUE, "en", Literal("Den Haag", lang="nl")) == ("The Hague", "en")
    assert name_of(LABELS, HAGUE, "nl", Literal("Den Haag", lang="nl")) == ("Den Haag", "nl")


def test_without_a_label_in_that_language_the_query_s_name_then_another_label() -> None:
    only_dutch = {HAGUE: {"nl": "Den Haag"}}
    assert name_of(only_dutch, HAGUE, "en", Literal("'s-Gravenhage", lang="nl")) == (
        "'s-Gravenhage",
        "nl",
    )
    assert name_of(only_dutch, HAGUE, "en") == ("Den Haag", "nl")
    assert picked({"": "Data"}, "en") == ("Data", None)
    assert picked({}, "en") is None


def test_without_any_label_the_last_segment_not_a_prefixed_name() -> None:
    assert name_of({}, ID + "meting/voorbeeld-gm0503-data", "nl") == (
        "voorbeeld-gm0503-data",
        None,
    )
    assert short_name("https://w3id.org/regiograaf/def#Project") == "Project"
    assert short_name("https://example.org/a/b") == "https://example.org/a/b"


def test_a_text_listing_iris_is_recognised() -> None:
    stages = f"{ID}waardeketen/data {ID}waardeketen/publieke-waarden"
    assert iri_list(Literal(stages)) == stages.split()
    assert iri_list(Literal(f"{ID}waardeketen/data en meer")) == []
    assert iri_list(Literal(stages, lang="nl")) == []
    assert iri_list(Literal("https://example.org/bron")) == []
