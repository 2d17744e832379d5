"""Parsing a source for the build: the engine's parser, still strict about Turtle 1.1.

The build needs no line numbers (the validation reports have their own parser with a line
index, :mod:`server.build.turtle`), so it reads a file with the engine's parser alone
(:func:`server.store.syntax.read_turtle`, about 40 times faster than rdflib). That parser also
accepts RDF 1.2 syntax, which Regiograaf refuses; and its error messages are not the plain
words of :mod:`server.build.turtle`. So a file that the engine refuses, or whose text could hold
RDF 1.2 syntax (``<<``, ``{|``, ``~``, a ``VERSION`` directive, ``--ltr``/``--rtl``; a
cheap search of the bytes that may also hit a comment or a string), goes through
:func:`server.build.turtle.parse_turtle`, which raises the same
:class:`~server.build.turtle.TurtleSyntaxError` as everywhere else.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from server.build.turtle import TurtleSyntaxError, parse_turtle
from server.store.syntax import RdfSyntaxError, read_turtle
from server.store.terms import Triple

__all__ = ["blank_prefix", "may_be_rdf12", "read_source"]

#: Text that RDF 1.2 syntax needs (it may also be in a comment or a string).
_RDF12_MARKS = (b"<<", b"{|", b"~", b"--ltr", b"--rtl")
_VERSION = re.compile(rb"(?:^|[\s.;])@?version\b")


def may_be_rdf12(data: bytes) -> bool:
    """Whether ``data`` might hold RDF 1.2 syntax (``False``: it certainly does not)."""
    if any(mark in data for mark in _RDF12_MARKS):
        return True
    lowered = data.lower()
    return b"version" in lowered and _VERSION.search(lowered) is not None


def blank_prefix(relpath: str) -> str:
    """The prefix of the blank node labels of the source at ``relpath`` (root-relative): the
    same on every machine, different for every file."""
    return "b" + hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:12] + "n"


def read_source(path: Path, relpath: str) -> list[Triple]:
    """The distinct triples of the Turtle file at ``path`` as engine terms.

    Raises :class:`TurtleSyntaxError` for anything Turtle 1.1 forbids and :class:`OSError`
    when the file cannot be read."""
    data = path.read_bytes()
    if may_be_rdf12(data):
        parse_turtle(path)  # the strict parser refuses RDF 1.2 syntax with a clear message
    try:
        return read_turtle(data, blank_prefix(relpath))
    except RdfSyntaxError as error:
        parse_turtle(path)  # raises the error in plain words
        raise TurtleSyntaxError(path, error.line, error.column, error.message) from None
