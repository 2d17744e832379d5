"""The words of a search (server/search/text.py): normalised as the store normalises the texts
(case, accents, punctuation), within the limits, hostile text refused with a reason."""

from __future__ import annotations

import pytest
from rdflib import Literal

from server.search.text import (
    MAX_CHARACTERS,
    MAX_WORDS,
    SearchRefused,
    Word,
    normalise,
    parse,
    sparql_normalised,
)
from server.store.embedded import EmbeddedStore
from server.store.values import sparql_term
from tests.support import build_small_store


@pytest.mark.parametrize(
    ("text", "spaced", "joined"),
    [
        ("Zoetermeer", "zoetermeer", "zoetermeer"),
        ("ZOETERMEER", "zoetermeer", "zoetermeer"),
        ("Één", "een", "een"),
        ("Efficiëntere", "efficientere", "efficientere"),
        ("e-Dienstverlening", "e dienstverlening", "edienstverlening"),
        ("eHerkenning", "eherkenning", "eherkenning"),
        ("\u2019s-Gravenhage", "s gravenhage", "sgravenhage"),
        ("  a.*b  [x]  ", "a b x", "a b x"),
        ("e\u0301\u00e9", "ee", "ee"),  # NFD and NFC of é
        ("(.*)", "", ""),
    ],
)
def test_normalise(text: str, spaced: str, joined: str) -> None:
    assert normalise(text) == spaced
    assert normalise(text, joined=True) == joined


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    """A store to evaluate expressions with (its content does not matter)."""
    return EmbeddedStore(build_small_store(tmp_path_factory.mktemp("small") / "store").store)


@pytest.mark.parametrize(
    "text",
    [
        "Zoetermeer",
        "Één digitale ÇA",
        "e-Dienstverlening, 70-kilometerwegen",
        "\u2019s-Gravenhage!",
    ],
)
@pytest.mark.parametrize("joined", [False, True])
def test_the_store_normalises_as_python_does(
    small_store: EmbeddedStore, text: str, joined: bool
) -> None:
    """The SPARQL expression and :func:`normalise` agree, so a word is found in a label."""
    store = small_store
    sparql = (
        f"SELECT ?n WHERE {{ VALUES ?text {{ {sparql_term(Literal(text))} }} "
        f"BIND({sparql_normalised('?text', joined=joined)} AS ?n) }}"
    )
    rows = store.query(sparql).rows()
    assert [str(row["n"]) for row in rows] == [normalise(text, joined=joined)]


def test_words_all_count_once_and_at_most_six() -> None:
    text = parse("Data data DATA één twee drie vier vijf zes zeven")
    assert [word.text for word in text.words] == ["data", "een", "twee", "drie", "vier", "vijf"]
    assert len(text.words) == MAX_WORDS and text.dropped == 2


def test_a_word_keeps_its_joined_form() -> None:
    assert parse("e-dienstverlening").words == (Word("e dienstverlening", "edienstverlening"),)


@pytest.mark.parametrize("given", [None, "", "   ", ".*", "'\"{}\\", "*** ??? ((("])
def test_nothing_to_search_for_is_empty_not_an_error(given: str | None) -> None:
    assert parse(given).empty


def test_too_long_is_refused_with_the_limit_in_the_readers_language() -> None:
    assert len(parse("a" * MAX_CHARACTERS).words) == 1
    with pytest.raises(SearchRefused) as refused:
        parse("a" * (MAX_CHARACTERS + 1))
    assert refused.value.status == 400
    dutch = refused.value.public_message
    assert "te lang" in dutch and "too long" not in dutch and str(MAX_CHARACTERS) in dutch
    english = refused.value.message_in(
        lambda message, **values: message.replace("te lang", "too long") % values
    )
    assert "too long" in english and str(MAX_CHARACTERS) in english


@pytest.mark.parametrize("control", ["\x00", "\n", "\t", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused(control: str) -> None:
    with pytest.raises(SearchRefused, match="stuurtekens"):
        parse(f"data{control}")
