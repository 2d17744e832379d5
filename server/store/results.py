"""SELECT results as the store layer reads and writes them outside the engine.

- :func:`parse_sparql_json`: SPARQL 1.1 Query Results JSON (the engine's serialisation, or a
  remote endpoint's answer) into variables and rows of rdflib terms;
- :func:`to_csv`: SPARQL 1.1 Query Results CSV (§2 of the CSV and TSV note): a header of
  variable names, IRIs and literal lexical forms, ``_:`` blank nodes, CRLF line ends, fields
  quoted when they hold a comma, quote or line break.

The remote store (:mod:`server.store.remote`) needs both; the canned queries use them too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

__all__ = ["Row", "parse_sparql_json", "to_csv"]

#: One row of SELECT results: variable name → term (unbound variables left out).
Row = Mapping[str, Identifier]


def _term(binding: Mapping[str, Any]) -> Identifier:
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = binding.get("xml:lang")
        if language:
            return Literal(value, lang=language)
        datatype = binding.get("datatype")
        return Literal(value, datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"unknown term type {kind!r} in SPARQL JSON results")


def parse_sparql_json(data: bytes | str) -> tuple[list[str], list[dict[str, Identifier]]]:
    """The variables and rows of SPARQL 1.1 Query Results JSON (unbound variables are left
    out of a row). Raises :class:`ValueError` for anything else."""
    document = json.loads(data)
    if not isinstance(document, dict) or "results" not in document:
        raise ValueError("not SPARQL SELECT results in JSON")
    variables = list(document.get("head", {}).get("vars", []))
    rows = [
        {name: _term(value) for name, value in binding.items()}
        for binding in document["results"].get("bindings", [])
    ]
    return variables, rows


def _csv_value(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    """SPARQL 1.1 Query Results CSV, UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in variables])
    return buffer.getvalue().encode("utf-8")
