"""Interface texts marked for the gettext catalog where they are defined, and translated where
they are shown (the web layer's ``_``, or a document's own translations): :func:`N_`.

The lowest layer, so that any layer can name a text people will read without depending on
the web layer; ``pybabel extract`` (``babel.cfg``) finds ``N_`` by its name.
"""

from __future__ import annotations

__all__ = ["N_"]


def N_(message: str) -> str:  # pybabel's name for a message only marked
    """``message`` as it is, marked for the catalog: it is translated where it is shown, in
    the language of the page or document."""
    return message
