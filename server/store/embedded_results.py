"""The answers of the embedded store: pyoxigraph query results behind :class:`QueryResult`.

Results serialise themselves with pyoxigraph's own writers (no per-row Python work); only
:meth:`EmbeddedResult.rows` and :meth:`EmbeddedResult.graph` convert terms to rdflib.
"""

from __future__ import annotations

import io
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.term import Identifier

from server.http.media_types import (
    CSV,
    JSON,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TEXT,
    TRIG,
    TSV,
    TURTLE,
    XML,
)
from server.store import (
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    QueryKind,
    StoreError,
    UnsupportedMediaType,
)
from server.store.terms import to_rdflib

__all__ = ["EmbeddedResult", "serialized", "write_result"]

_RESULT_FORMATS = {
    SPARQL_JSON: ox.QueryResultsFormat.JSON,
    JSON: ox.QueryResultsFormat.JSON,
    SPARQL_XML: ox.QueryResultsFormat.XML,
    XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    TEXT: ox.RdfFormat.N_TRIPLES,
    JSON_LD: ox.RdfFormat.JSON_LD,
    JSON: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
    N_QUADS: ox.RdfFormat.N_QUADS,
    TRIG: ox.RdfFormat.TRIG,
}


class EmbeddedResult:
    """A pyoxigraph query result (single-use): see :class:`server.store.QueryResult`."""

    def __init__(self, result: Any) -> None:
        self._result = result
        self.kind: QueryKind
        if isinstance(result, ox.QuerySolutions):
            self.kind = "select"
        elif isinstance(result, ox.QueryBoolean):
            self.kind = "ask"
        else:
            self.kind = "graph"

    @property
    def variables(self) -> list[str]:
        """The projected variables of a SELECT query (empty for other kinds)."""
        if self.kind != "select":
            return []
        return [variable.value for variable in self._result.variables]

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media types :meth:`serialize` can produce, preferred first."""
        return GRAPH_MEDIA_TYPES if self.kind == "graph" else RESULTS_MEDIA_TYPES

    def _format(self, media_type: str) -> Any:
        bare = media_type.split(";", 1)[0].strip().lower()
        formats = _GRAPH_FORMATS if self.kind == "graph" else _RESULT_FORMATS
        try:
            return formats[bare]
        except KeyError:
            raise UnsupportedMediaType(f"{self.kind} results cannot be {media_type}") from None

    def serialize(self, media_type: str) -> bytes:
        """The result in ``media_type`` (raises :class:`UnsupportedMediaType`)."""
        fmt = self._format(media_type)
        try:
            body: bytes = self._result.serialize(format=fmt)
            return body
        except ValueError as error:
            raise UnsupportedMediaType(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    def write(self, media_type: str, output: IO[bytes]) -> None:
        """Write the result in ``media_type`` to a binary file object."""
        fmt = self._format(media_type)
        try:
            self._result.serialize(output, format=fmt)
        except ValueError as error:
            raise UnsupportedMediaType(str(error)) from error
        except (OSError, RuntimeError) as error:  # reading the database failed midway
            raise StoreError(str(error)) from error

    def boolean(self) -> bool:
        """The answer of an ASK query."""
        if self.kind != "ask":
            raise TypeError("not an ASK result")
        return bool(self._result)

    def rows(self) -> list[dict[str, Identifier]]:
        """Python rows (see :meth:`server.store.QueryResult.rows`)."""
        try:
            if self.kind == "ask":
                return [{"boolean": Literal(bool(self._result))}]
            if self.kind == "graph":
                return [
                    {
                        "subject": to_rdflib(triple.subject),
                        "predicate": to_rdflib(triple.predicate),
                        "object": to_rdflib(triple.object),
                    }
                    for triple in self._result
                ]
            return self._solutions()
        except OSError as error:
            raise StoreError(str(error)) from error

    def _solutions(self) -> list[dict[str, Identifier]]:
        names = self.variables
        rows = []
        for solution in self._result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query as an rdflib graph."""
        if self.kind != "graph":
            raise TypeError("not a CONSTRUCT or DESCRIBE result")
        graph = Graph()
        for row in self.rows():
            graph.add((row["subject"], row["predicate"], row["object"]))
        return graph


def write_result(result: EmbeddedResult, media_type: str, output: IO[bytes]) -> None:
    """Write ``result`` in ``media_type`` to ``output``.

    The SPARQL 1.1 CSV and TSV formats define no boolean result; an ASK answer in them is
    written as Apache Jena writes and reads it (a one-column table ``_askResult``, ``?_askResult``
    in TSV, holding ``true`` or ``false``), the only form a SPARQL client library reads as a
    boolean (Jena's ``RowSetReaderCSV``/``RowSetReaderTSV``; rdflib and SPARQLWrapper read it as
    a one-row table)."""
    if result.kind == "ask" and media_type.split(";")[0].strip().lower() in (CSV, TSV):
        value = "true" if result.boolean() else "false"
        csv = media_type.startswith(CSV)
        text = f"_askResult\r\n{value}\r\n" if csv else f"?_askResult\n{value}\n"
        output.write(text.encode("ascii"))
        return
    result.write(media_type, output)


def serialized(result: EmbeddedResult, media_type: str) -> bytes:
    """``result`` in ``media_type`` as bytes (see :func:`write_result`)."""
    buffer = io.BytesIO()
    write_result(result, media_type, buffer)
    return buffer.getvalue()
