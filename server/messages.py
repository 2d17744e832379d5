"""Interface texts marked for the gettext catalog where they are defined, and translated where
they are shown (the web layer's ``_``, or a document's own translations): :func:`N_`; and the
shape of a gettext function that a lower layer is handed to write a text in the reader's
language (:class:`Gettext`, :func:`untranslated`).

The lowest layer, so that any layer can name a text people will read without depending on
the web layer; ``pybabel extract`` (``babel.cfg``) finds ``N_`` and ``gettext`` by their names.
"""

from __future__ import annotations

from typing import Final, Protocol, TypeVar, cast

__all__ = ["NOT_MODIFIED", "NO_DATA", "N_", "TEXT_KEYS", "Gettext", "translated", "untranslated"]


def N_(message: str) -> str:  # pybabel's name for a message only marked
    """``message`` as it is, marked for the catalog: it is translated where it is shown, in
    the language of the page or document."""
    return message


#: Texts of answers that several parts of the OpenAPI document describe (304 and 503).
NOT_MODIFIED: Final = N_("Niet gewijzigd: de ETag in If-None-Match klopt nog")
NO_DATA: Final = N_("Er zijn (nog) geen gegevens")


class Gettext(Protocol):
    """A gettext function (Flask-Babel's ``gettext`` in a request): ``message`` (a Dutch msgid)
    in the reader's language, its ``%(name)s`` placeholders filled from ``variables``."""

    def __call__(self, message: str, /, **variables: object) -> str: ...


def untranslated(message: str, /, **variables: object) -> str:
    """The gettext of Dutch outside a request: the msgid itself, its placeholders filled."""
    return message % variables if variables else message


#: The keys whose text values people read in a described structure (OpenAPI, JSON Schema).
TEXT_KEYS = frozenset({"description", "summary", "title"})


_Structure = TypeVar("_Structure")


def translated(structure: _Structure, gettext: Gettext) -> _Structure:
    """A copy of ``structure`` (dicts, lists, values) with every text under
    :data:`TEXT_KEYS` passed through ``gettext``: for a constant fragment of a document whose
    texts are marked with :func:`N_`."""
    if isinstance(structure, dict):
        return cast(
            "_Structure",
            {
                key: gettext(value)
                if key in TEXT_KEYS and isinstance(value, str)
                else translated(value, gettext)
                for key, value in structure.items()
            },
        )
    if isinstance(structure, list):
        return cast("_Structure", [translated(value, gettext) for value in structure])
    return structure
