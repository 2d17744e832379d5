"""How the scan writes for people: both languages complete, dates as precise as given,
numbers, source names, and only http(s) as links."""

from __future__ import annotations

import re
import string

import pytest

from server.scan import texts


def test_every_text_in_both_languages_with_the_same_fields() -> None:
    for key, (dutch, english) in texts.TEXTS.items():
        assert dutch.strip() and english.strip(), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (dutch, english)]
        assert fields[0] == fields[1], key


def test_no_internal_names_in_texts() -> None:
    """No prefixed names, IRIs or camelCase variables in text meant for people."""
    for key, pair in texts.TEXTS.items():
        for text in pair:
            assert not re.search(r"\b(rg|skos|dct):", text), key
            assert "https://" not in text and "?" + "gemeente" not in text, key


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


def test_text_and_language() -> None:
    assert texts.text("title", "nl", name="Delft") == "Strategiescan Delft"
    assert texts.text("title", "en", name="Delft") == "Strategy scan Delft"
    assert texts.language("en") == "en"
    assert texts.language("fr") == texts.language(None) == "nl"


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
