"""The remote store: any SPARQL 1.1 endpoint, queried through SPARQLWrapper (read-only).

``regiograaf query --endpoint URL`` runs the canned queries against another server (or this
project's own ``/sparql``) with it. It implements the reading half of
:class:`server.store.Store`: :meth:`RemoteStore.query` sends the query (HTTP POST, SPARQL 1.1
Protocol) and returns the endpoint's answer; ``bindings`` become a ``VALUES`` block
(:mod:`server.store.values`), since the protocol has no initial bindings.
"""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Mapping
from typing import IO, Any, Unpack, cast

from rdflib import Graph, Literal
from rdflib.term import Identifier
from SPARQLWrapper import JSON as RETURN_JSON
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper import TURTLE as RETURN_TURTLE
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from server.http.media_types import CSV, JSON, SPARQL_JSON, TURTLE
from server.store import (
    QueryKind,
    QueryOptions,
    QuerySyntaxError,
    StoreError,
    UnsupportedMediaType,
)
from server.store.results import parse_sparql_json, to_csv
from server.store.scan import query_form
from server.store.values import with_values

__all__ = ["RemoteResult", "RemoteStore"]


class RemoteResult:
    """An endpoint's answer: SPARQL JSON for SELECT and ASK, Turtle for graphs."""

    def __init__(self, kind: QueryKind, body: bytes) -> None:
        self.kind = kind
        self._body = body

    @property
    def variables(self) -> list[str]:
        if self.kind != "select":
            return []
        return parse_sparql_json(self._body)[0]

    @property
    def media_types(self) -> tuple[str, ...]:
        if self.kind == "graph":
            return (TURTLE,)
        return (SPARQL_JSON, CSV) if self.kind == "select" else (SPARQL_JSON,)

    def serialize(self, media_type: str) -> bytes:
        bare = media_type.split(";", 1)[0].strip().lower()
        if bare in (JSON, SPARQL_JSON) and self.kind != "graph":
            return self._body
        if bare == CSV and self.kind == "select":
            variables, rows = parse_sparql_json(self._body)
            return to_csv(variables, rows)
        if bare == TURTLE and self.kind == "graph":
            return self._body
        raise UnsupportedMediaType(f"{self.kind} results from an endpoint cannot be {media_type}")

    def write(self, media_type: str, output: IO[bytes]) -> None:
        output.write(self.serialize(media_type))

    def rows(self) -> list[dict[str, Identifier]]:
        if self.kind == "ask":
            return [{"boolean": Literal(self.boolean())}]
        if self.kind == "graph":
            return [
                {
                    "subject": cast(Identifier, s),
                    "predicate": cast(Identifier, p),
                    "object": cast(Identifier, o),
                }
                for s, p, o in self.graph()
            ]
        return parse_sparql_json(self._body)[1]

    def boolean(self) -> bool:
        if self.kind != "ask":
            raise TypeError("not an ASK result")
        return bool(json.loads(self._body).get("boolean"))

    def graph(self) -> Graph:
        if self.kind != "graph":
            raise TypeError("not a CONSTRUCT or DESCRIBE result")
        return Graph().parse(data=self._body, format="turtle")


class RemoteStore:
    """A SPARQL 1.1 endpoint as a read-only store."""

    def __init__(self, endpoint: str, *, timeout: float = 60.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    def data_version(self) -> str | None:
        """Unknown for a remote endpoint (so nothing is cached)."""
        return None

    def metadata(self) -> dict[str, Any]:
        return {}

    def exists(self) -> bool:
        return True

    def named_graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows()
        return sorted(str(row["g"]) for row in rows)

    def count(self, graph: str | None = None) -> int:
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows()
        return int(rows[0]["n"]) if rows else 0

    def replace(self, graphs: Mapping[str, Graph], data_version: str, metadata: Any = None) -> None:
        raise StoreError("a remote endpoint is read-only")

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> RemoteResult:
        """Send ``sparql`` to the endpoint (POST) and return its answer."""
        bindings = options.get("bindings")
        if bindings:
            sparql = with_values(sparql, {name: [term] for name, term in bindings.items()})
        form = query_form(sparql)
        kind: QueryKind = (
            "graph" if form in ("CONSTRUCT", "DESCRIBE") else "ask" if form == "ASK" else "select"
        )
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setQuery(sparql)
        wrapper.setReturnFormat(RETURN_TURTLE if kind == "graph" else RETURN_JSON)
        wrapper.setTimeout(int(options.get("timeout") or self.timeout))
        for uri in options.get("default_graph_uris") or ():
            wrapper.addDefaultGraph(uri)
        for uri in options.get("named_graph_uris") or ():
            wrapper.addNamedGraph(uri)
        try:
            response = wrapper.query().response
            body = response.read()
        except QueryBadFormed as error:
            raise QuerySyntaxError(str(error)) from error
        except (EndPointNotFound, EndPointInternalError, Unauthorized) as error:
            raise StoreError(f"{self.endpoint}: {error}") from error
        except SPARQLWrapperException as error:
            raise StoreError(f"{self.endpoint}: {error}") from error
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            raise StoreError(f"{self.endpoint} cannot be reached: {error}") from error
        return RemoteResult(kind, body)
