"""Values for SPARQL variables, written as a ``VALUES`` block: terms serialised by the store layer.

A canned query's parameters are given to the engine as *initial bindings*: one inline-data
block per parameter (SPARQL 1.1 §10.2.1, ``VALUES ?gemeente { <...> <...> }``) placed as the
first element of the query's outermost group graph pattern (:func:`with_values`). The query
is then evaluated exactly as if those variables had those values from the start, by any
SPARQL 1.1 engine: the embedded store and, for ``regiograaf query --endpoint``, any remote
endpoint. One value or several work the same way.

No text a client sent is ever copied into a query: only RDF terms are written, each checked
and serialised by :func:`sparql_term`:

- an IRI must be a valid absolute IRI (RFC 3987, checked by the engine's own IRI parser), so
  it contains none of ``<>"{}|^`\\`` nor spaces and cannot end the ``<...>`` it is written in;
- a literal is written as a quoted string with every ``"``, ``\\`` and line break escaped, so
  its lexical form cannot end the string; a language tag and a datatype IRI are checked too;
- blank nodes are refused (a blank node in a query is a variable).

Why not pyoxigraph's ``substitutions`` (``Store.query(..., bindings=...)``)? They only accept
projected variables, and the substituted value is not seen by ``FILTER`` expressions (a
``FILTER(?x != ?gemeente)`` sees ``?gemeente`` unbound), so a query could not, for example,
leave out the municipality that asks. A ``VALUES`` block has the standard semantics, also
for several values and on a remote endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from server.errors import BadRequest
from server.store.scan import where_group_start

__all__ = ["InvalidTerm", "sparql_term", "values_block", "with_values"]

#: SPARQL 1.1 §19.8 VARNAME (the characters of a variable name after ``?``).
_VARNAME: Final = re.compile(r"[0-9A-Za-z_\u00B7\u00C0-\uFFFF]+")
#: BCP 47 language tag as SPARQL accepts it (LANGTAG).
_LANGTAG: Final = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
#: How the characters that could end or break a string literal are written (SPARQL ECHAR).
_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPED: Final = re.compile(r'[\\"\n\r\t]')


class InvalidTerm(BadRequest, ValueError):
    """A term that cannot be written into a query (an invalid IRI, a blank node, ...)."""


def _iri(value: str) -> str:
    try:
        return str(ox.NamedNode(value))
    except ValueError as error:
        raise InvalidTerm(f"not a valid IRI: {value!r} ({error})") from None


def sparql_term(term: Identifier) -> str:
    """``term`` in SPARQL syntax (an IRI reference or a quoted literal), after checking it."""
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        lexical = _ESCAPED.sub(lambda match: _ESCAPES[match.group()], str(term))
        if term.language:
            if not _LANGTAG.fullmatch(term.language):
                raise InvalidTerm(f"not a valid language tag: {term.language!r}")
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{lexical}"^^{_iri(str(term.datatype))}'
        return f'"{lexical}"'
    if isinstance(term, BNode):
        raise InvalidTerm("a blank node cannot be a value (it would act as a variable)")
    raise InvalidTerm(f"not an RDF term: {term!r}")


def values_block(variable: str, terms: Sequence[Identifier]) -> str:
    """``VALUES ?variable { term ... }`` for the given terms (at least one)."""
    if not _VARNAME.fullmatch(variable):
        raise InvalidTerm(f"not a valid variable name: {variable!r}")
    if not terms:
        raise InvalidTerm(f"no values for ?{variable}")
    return f"VALUES ?{variable} {{ {' '.join(sparql_term(term) for term in terms)} }}"


def with_values(sparql: str, values: Mapping[str, Sequence[Identifier]]) -> str:
    """``sparql`` with one ``VALUES`` block per variable as the first element of its outermost
    group graph pattern (the ``WHERE`` clause). An empty ``values`` returns ``sparql`` as is.

    Raises :class:`InvalidTerm` for a term that cannot be written and
    :class:`server.store.scan.ScanError` when the query has no ``WHERE`` group.
    """
    if not values:
        return sparql
    blocks = "".join(f"\n  {values_block(variable, terms)}" for variable, terms in values.items())
    offset = where_group_start(sparql)
    return sparql[:offset] + blocks + "\n" + sparql[offset:]
