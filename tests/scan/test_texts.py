"""How the scan writes for people: its words in both languages (the catalog), dates as precise
as given, numbers, source names, and only http(s) as links."""

from __future__ import annotations

from gettext import NullTranslations

import pytest

from server.messages import N_
from server.scan import texts
from server.web.language import load_catalog


def test_the_words_picked_by_a_code_are_messages_with_their_english() -> None:
    """The level, role, alignment and kind words are gettext messages (marked with ``N_``)
    that the catalog translates; the page and the Word document show them translated."""
    english = load_catalog("en")
    words = {**texts.LEVELS, **texts.ROLES, **texts.SERVES, **texts.STAGE_KINDS}
    assert {code: english.gettext(word) for code, word in words.items()} == {
        "regio": "region",
        "provincie": "province",
        "rijk": "national",
        "trekker": "lead",
        "deelnemer": "participant",
        "direct": "yes, directly",
        "indirect": "yes, through an own goal",
        "geen": "no",
        "schakel": "stage",
        "randvoorwaarde": "enabler",
    }
    assert N_("regio") == "regio"  # Dutch: the message itself


@pytest.mark.parametrize(
    ("value", "lang", "written"),
    [
        ("2024-03-01", "nl", "1 maart 2024"),
        ("2024-03-01", "en", "1 March 2024"),
        ("2016-11", "nl", "november 2016"),
        ("2016-11", "en", "November 2016"),
        ("2019", "nl", "2019"),
        ("2026-12-06T23:54:37+00:00", "nl", "6 december 2026"),
        ("2024-13-01", "nl", "2024-13-01"),
        (None, "nl", ""),
    ],
)
def test_date(value: str | None, lang: str, written: str) -> None:
    assert texts.date(value, lang) == written


def test_number() -> None:
    assert texts.number(0.5, "nl") == "0,5"
    assert texts.number(0.5, "en") == "0.5"
    assert texts.number(2.0, "nl") == "2"
    assert texts.number(None, "nl") == ""


def test_a_scan_message_in_both_languages() -> None:
    title = "Strategiescan %(name)s"
    assert NullTranslations().gettext(title) % {"name": "Delft"} == "Strategiescan Delft"
    assert load_catalog("en").gettext(title) % {"name": "Delft"} == "Strategy scan Delft"


def test_links_only_http() -> None:
    assert texts.web_link("https://www.delft.nl/x") == "https://www.delft.nl/x"
    assert texts.web_link("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", "mailto:x@example.org", "ftp://example.org/", "", None):
        assert texts.web_link(bad) is None
    assert texts.web_link("https:///no-host") is None


def test_source_names() -> None:
    assert texts.source_names(["https://www.delft.nl/a", "https://example.org/x"]) == [
        ("https://www.delft.nl/a", "delft.nl"),
        ("https://example.org/x", "example.org"),
    ]
    assert texts.source_names(["http://example.org/a/agenda", "http://example.org/besluit/"]) == [
        ("http://example.org/a/agenda", "example.org/agenda"),
        ("http://example.org/besluit/", "example.org/besluit"),
    ]
