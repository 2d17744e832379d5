"""One query on one pyoxigraph database: the options of its dataset, its bindings and base IRI,
and the engine's errors as Regiograaf's. Used in the server worker's own process
(:class:`~server.store.embedded.EmbeddedStore`) and in query processes
(:mod:`server.store.isolation`).

Relative IRIs in a query are resolved against the base IRI the caller gives (``base_iri``);
``/sparql`` gives its documented base (:data:`server.rdf.namespaces.DATA_BASE`), SPARQL 1.1
Query §4.1.1.1 (a ``BASE`` in the query itself takes precedence).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from server.errors import QuerySyntaxError, StoreError
from server.store.channel import QueryRequest
from server.store.embedded_results import EmbeddedResult
from server.store.terms import ToOxigraph, graph_name

__all__ = ["evaluate"]


#: How RocksDB's messages about a damaged or unreadable database begin (pyoxigraph passes them
#: on as RuntimeError).
STORAGE_FAILURES = ("Corruption", "IO error")


def evaluate(database: ox.Store, default: dict[str, Any], request: QueryRequest) -> EmbeddedResult:
    """Evaluate ``request.sparql`` on ``database``; ``default`` are the options of the default
    graph when the request names none (the stored merge, or the union of all graphs)."""
    options: dict[str, Any] = {}
    # None means "not given": the merge of all graphs is the default graph and every named
    # graph is available; an empty sequence means an empty default graph / no named graphs.
    if request.default_graph_uris is not None:
        options["default_graph"] = [graph_name(iri) for iri in request.default_graph_uris]
    else:
        options.update(default)
    if request.named_graph_uris is not None:
        options["named_graphs"] = [graph_name(iri) for iri in request.named_graph_uris]
    if request.bindings:
        convert = ToOxigraph()
        options["substitutions"] = {
            ox.Variable(name): convert.term(value) for name, value in request.bindings.items()
        }
    if request.base_iri:
        options["base_iri"] = request.base_iri
    try:
        return EmbeddedResult(database.query(request.sparql, **options))
    except (SyntaxError, RuntimeError) as error:
        # pyoxigraph raises RuntimeError for a substitution of an unprojected variable, and
        # for RocksDB's storage failures (a damaged database): those are the store's.
        if isinstance(error, RuntimeError) and str(error).startswith(STORAGE_FAILURES):
            raise StoreError(str(error)) from error
        raise QuerySyntaxError(str(error)) from error
    except OSError as error:
        raise StoreError(str(error)) from error
