"""Initial bindings for a store that takes only query text (:mod:`server.store.external`).

The embedded store gives a query's bindings to the engine as substitutions: the variable is
the given term wherever it occurs, also inside a ``BIND`` or a branch of a ``UNION``, and a
SELECT still projects it. A ``VALUES`` block (:func:`server.store.values.with_values`) is not
the same: SPARQL evaluates groups bottom up, so ``{ BIND(?this AS ?x) } UNION { ... }`` sees
``?this`` unbound inside the branch: the describe page's label query then reads every label
in the store (1,677 rows, 6.6 s on the Oxigraph server, where substitution reads the 88 it
needs in 10 ms; pyoxigraph's own substitutions also give the 1,677 rows). So
:func:`substituted` writes the term in place of the variable, with the one tokenizer
(:mod:`server.store.scan`), and leaves it a variable where a term cannot stand: in a
projection (``SELECT ?this``), after ``AS``, in the head of a ``VALUES`` block and in
``GROUP BY`` and ``ORDER BY`` (where SPARQL allows no bare term; the variable is bound there,
or in a subquery unbound, which groups and orders as one constant would). A SELECT
gets a ``VALUES`` block as well, so the variable is bound in its results as the engine's
substitution binds it.

Terms are written by :func:`server.store.values.sparql_term`, which checks them; no text a
client sent is copied into a query.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib.term import Identifier

from server.store.scan import query_form, tokens
from server.store.values import sparql_term, with_values

__all__ = ["substituted"]


def substituted(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """``sparql`` with each variable of ``bindings`` replaced by its term (module docstring)."""
    if not bindings:
        return sparql
    terms = {name: sparql_term(term) for name, term in bindings.items()}
    pieces: list[str] = []
    written = 0
    keep_variables = False  # in a projection or the head of a VALUES block
    previous = None
    for token in tokens(sparql):
        if token.is_word("SELECT", "VALUES", "GROUP", "ORDER"):
            keep_variables = True
        elif token.is_word("WHERE", "FROM", "HAVING", "LIMIT", "OFFSET") or (
            token.kind == "other" and token.text in ("{", "}")
        ):
            keep_variables = False
        elif token.kind == "var" and token.text in terms:
            after_as = previous is not None and previous.is_word("AS")
            if not keep_variables and not after_as:
                pieces += [sparql[written : token.start], terms[token.text]]
                written = token.end
        previous = token
    pieces.append(sparql[written:])
    text = "".join(pieces)
    if query_form(text) == "SELECT":
        text = with_values(text, {name: [term] for name, term in bindings.items()})
    return text
