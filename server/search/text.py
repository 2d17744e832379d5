"""What a search request asks: the words, normalised the same way as the texts they are
compared with, within the limits of a search.

Normalising (:func:`normalise`) makes a search blind to case, accents and punctuation:
lower case (Unicode), the accented letters of :data:`FOLDS` written without their accent, and
every run of characters that are neither letter nor digit one space. The store does the same to
the labels and descriptions (:func:`sparql_normalised` writes that expression from the same
tables), so ``"Zoetermeer"``, ``"zoetermeer"`` and ``"ZOETERMEER"`` are one search and
``"Één"`` finds ``"een"``. A word is found where a word of the text begins with it (``data``
finds ``Dataplatform``, ``een`` does not find ``geen``). Hyphens and apostrophes
(:data:`JOINERS`) are also compared left out (``joined=True``), so ``"e-dienstverlening"``,
``"eDienstverlening"`` and ``"E-dienstverlening"`` find each other, and ``"kilometer"`` still
finds ``"70-kilometerwegen"``.

The limits (:data:`MAX_CHARACTERS`, :data:`MAX_WORDS`) keep a search cheap; text that is
longer, or holds control characters, is refused with a message in Dutch and English
(:class:`SearchRefused`, 400). Words beyond :data:`MAX_WORDS` are left out, and said so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from server.errors import BadRequest
from server.messages import N_

__all__ = [
    "FOLDS",
    "JOINERS",
    "MAX_CHARACTERS",
    "MAX_WORDS",
    "SearchRefused",
    "SearchText",
    "Word",
    "normalise",
    "parse",
    "sparql_normalised",
]

#: The longest search text, in characters.
MAX_CHARACTERS: Final = 100
#: How many words a search compares (the first ones; more are left out).
MAX_WORDS: Final = 6
#: Accented letters and the letter they are compared as (after lower-casing).
FOLDS: Final = {
    "a": "àáâãäå",
    "c": "ç",
    "e": "èéêë",
    "i": "ìíîï",
    "n": "ñ",
    "o": "òóôõöø",
    "u": "ùúûü",
    "y": "ýÿ",
}
#: Characters inside a word (``e-mail``, ``'s-Gravenhage``) that the joined form leaves out.
JOINERS: Final = "-\u2010\u2011'\u2019"
_FOLD_TABLE: Final = str.maketrans(
    {accented: plain for plain, chars in FOLDS.items() for accented in chars}
)
_JOIN_TABLE: Final = str.maketrans(dict.fromkeys(JOINERS, None))
#: Anything that is neither letter nor digit (Python's ``\w`` less the underscore).
_SEPARATORS: Final = re.compile(r"[\W_]+")
#: C0 and C1 control characters and DEL (what the OpenAPI document's pattern refuses).
_CONTROL: Final = re.compile("[\u0000-\u001f\u007f-\u009f]")


class SearchRefused(BadRequest, ValueError):
    """A search text this server does not search: too long, or with control characters."""


@dataclass(frozen=True)
class Word:
    """One search word normalised (``text``: ``e-dienst`` is ``e dienst``) and joined
    (``joined``: ``edienst``)."""

    text: str
    joined: str


@dataclass(frozen=True)
class SearchText:
    """A parsed search text: the words to find (all of them; their order is the phrase that a
    whole label is compared with) and how many words were left out (beyond :data:`MAX_WORDS`)."""

    given: str
    words: tuple[Word, ...]
    dropped: int

    @property
    def empty(self) -> bool:
        """Whether there is nothing to search for (no letter or digit in the text)."""
        return not self.words


def normalise(text: str, *, joined: bool = False) -> str:
    """``text`` lower case, without the accents of :data:`FOLDS`, every run of other
    characters than letters and digits one space, no space at either end; with ``joined``
    the :data:`JOINERS` are left out first."""
    folded = unicodedata.normalize("NFC", text).lower().translate(_FOLD_TABLE)
    if joined:
        folded = folded.translate(_JOIN_TABLE)
    return _SEPARATORS.sub(" ", folded).strip()


def parse(given: str | None) -> SearchText:
    """The words of the search text ``given`` (``None``: nothing asked). Raises
    :class:`SearchRefused` for a text longer than :data:`MAX_CHARACTERS` or one with control
    characters."""
    given = given or ""
    if len(given) > MAX_CHARACTERS:
        raise SearchRefused.saying(
            N_("De zoekvraag is te lang: hooguit %(most)s tekens."), most=MAX_CHARACTERS
        )
    if _CONTROL.search(given):
        raise SearchRefused.saying(N_("De zoekvraag bevat stuurtekens; typ alleen woorden."))
    words: list[Word] = []
    for part in given.split():
        word = Word(normalise(part), normalise(part, joined=True))
        if word.text and word not in words:
            words.append(word)
    return SearchText(
        given=given,
        words=tuple(words[:MAX_WORDS]),
        dropped=max(0, len(words) - MAX_WORDS),
    )


def sparql_normalised(expression: str, *, joined: bool = False) -> str:
    """The SPARQL expression that normalises the string ``expression`` as :func:`normalise`
    does (written from the constant tables of this module, never from a request)."""
    text = f"LCASE(STR({expression}))"
    for plain, accented in FOLDS.items():
        text = f'REPLACE({text}, "[{accented}]", "{plain}")'
    if joined:
        text = f'REPLACE({text}, "[{JOINERS}]", "")'
    spaced = f'REPLACE({text}, "[^\\\\p{{L}}\\\\p{{N}}]+", " ")'
    return f'REPLACE({spaced}, "^ | $", "")'
