"""Links from the words of the glossary to their explanation: in a heading or an explanation,
the first time one of :data:`WORDS` (or its plural) appears it links to ``/begrippen#<word>``
(the glossary page is built by the search part). Template filter ``begrippen``: on a text, or
on a block of HTML (``{% filter begrippen %}`` around a section), where only the text outside
links, table heads, summaries, code and scripts gets links.
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


#: A tag of HTML (group 1: ``/`` of an end tag, group 2: its name).
_TAG: Final = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
#: Elements whose text gets no links: links themselves, and what is no running text.
_SKIPPED: Final = frozenset(
    {"a", "button", "code", "option", "script", "select", "style", "summary", "textarea", "thead"}
)


def link_words(text: object) -> Markup:
    """``text`` with the first occurrence of each glossary word as a link. A plain text is
    escaped first; HTML (:class:`~markupsafe.Markup`) keeps its tags, and only its text
    outside the elements of :data:`_SKIPPED` gets links."""
    linked: set[str] = set()

    def link(match: re.Match[str]) -> str:
        word = _FORMS[match.group(1).lower()]
        if word in linked:
            return match.group(0)
        linked.add(word)
        return f'<a class="begrip" href="/begrippen#{word}">{match.group(0)}</a>'

    if not isinstance(text, Markup):
        return Markup(_PATTERN.sub(link, str(escape(text))))
    parts, depth, start = [], 0, 0
    for tag in _TAG.finditer(text):
        piece = text[start : tag.start()]
        parts.append(_PATTERN.sub(link, piece) if depth == 0 else piece)
        parts.append(tag.group(0))
        if tag.group(2).lower() in _SKIPPED and not tag.group(0).endswith("/>"):
            depth = max(0, depth - 1) if tag.group(1) else depth + 1
        start = tag.end()
    tail = text[start:]
    parts.append(_PATTERN.sub(link, tail) if depth == 0 else tail)
    return Markup("".join(parts))
