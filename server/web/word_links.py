"""Links from the words of the glossary to their explanation: in a heading or an explanation,
the first time one of :data:`WORDS` (or its plural) appears it links to ``/begrippen#<word>``
(the glossary page is built by the search part). Template filter ``begrippen``.
"""

from __future__ import annotations

import re
from typing import Final

from markupsafe import Markup, escape

#: The glossary's words and the forms they take in running text (Dutch and English).
WORDS: Final = {
    "schakel": ("schakels", "schakel", "stages", "stage"),
    "randvoorwaarde": ("randvoorwaarden", "randvoorwaarde", "enablers", "enabler"),
    "opgave": ("opgaven", "opgaves", "opgave", "challenges", "challenge"),
    "aansluiting": ("aansluiting", "alignment"),
    "bouwsteen": ("bouwstenen", "bouwsteen", "building blocks", "building block"),
    "handelingsperspectief": (
        "handelingsperspectieven",
        "handelingsperspectief",
        "action perspectives",
        "action perspective",
    ),
}
_FORMS: Final = {form: word for word, forms in WORDS.items() for form in forms}
_PATTERN: Final = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _FORMS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def link_words(text: object) -> Markup:
    """``text`` (escaped) with the first occurrence of each glossary word as a link."""
    linked: set[str] = set()

    def link(match: re.Match[str]) -> str:
        word = _FORMS[match.group(1).lower()]
        if word in linked:
            return match.group(0)
        linked.add(word)
        return f'<a class="begrip" href="/begrippen#{word}">{match.group(0)}</a>'

    return Markup(_PATTERN.sub(link, str(escape(text))))
