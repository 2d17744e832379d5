"""Load a built version into an external store (:mod:`server.store.external`), graph by graph.

:func:`publish` copies the current version of the on-disk store (the build's result) into the
store named by the settings ``store_query``, ``store_update`` and ``store_gsp``:

1. every named graph whose content changed (its N-Triples hash differs from the one the
   store's state records) is uploaded with the Graph Store Protocol (``PUT``) into a staging
   graph of its own, ``urn:regiograaf:store:staging:<version>:<n>``; unchanged graphs stay.
   So is the new merge of all graphs (the default graph of every query,
   :data:`~server.store.external.MERGE`), from the on-disk store's default graph;
2. one SPARQL Update request switches the new version in: it drops the graphs the new version
   no longer has, ``MOVE``\\ s every staging graph onto its real name, and writes the new
   state (data version, metadata, graphs). A reader asks the state for the data version
   first, so it sees the old or the new version.

Atomicity: the switch is one update request. The Oxigraph server runs each update request
in one transaction, so readers see the old or the new content, never a mix. Virtuoso 7 runs it
as one transaction too (its answer ends ``Commit -- done``), but it moves about 2,000 triples a
second and ends a request at its transaction time-out, so for it (setting ``store_in_place``)
each changed graph is uploaded onto its real name and the update request only drops what went
and writes the new state: not atomic (readers may see a mix of versions while it loads; the
data version changes last). While staging graphs exist they are in no query's dataset. A build
that fails leaves its staging graphs dropped (best effort) and the served version unchanged.
Two builds must not publish into one store at the same time (nothing locks an external store).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal

from server.errors import ConfigurationError, StoreError
from server.http.media_types import N_TRIPLES
from server.store import Store
from server.store.external import DATA_VERSION, MERGE, STATE, STATE_JSON, STORE, ExternalStore
from server.store.external_http import ExternalConfig, authorize, form, send
from server.store.values import sparql_term

__all__ = ["Published", "publish"]

#: Seconds one upload or update request may take.
_REQUEST_SECONDS = 600.0


@dataclass
class Published:
    """What :func:`publish` did."""

    data_version: str
    uploaded: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    up_to_date: bool = False


def publish(local: Store, config: ExternalConfig, log: Any = None) -> Published:
    """Copy the current version of ``local`` into the external store of ``config`` (see the
    module docstring); ``log(line)`` is told each step. Raises :class:`StoreError`."""
    if not config.gsp:
        raise ConfigurationError(
            "REGIOGRAAF_STORE_GSP is empty: `regiograaf build` loads the external store "
            "through its Graph Store Protocol endpoint"
        )
    tell = log or (lambda line: None)
    version = local.data_version()
    if version is None:
        raise StoreError("nothing is built to publish")
    external = ExternalStore(config)
    old = external.state()
    done = Published(version)
    if old is not None and old.data_version == version:
        done.up_to_date = True
        return done
    loader = _Loader(config, version)
    try:
        graphs = loader.upload_changed(local, old.graphs if old is not None else {}, done, tell)
        dropped = sorted(set(old.graphs) - set(graphs)) if old is not None else []
        state = {"data_version": version, "metadata": local.metadata(), "graphs": graphs}
        loader.update(_switch_update(loader, dropped, state))
        done.dropped = dropped
        tell(f"switched the external store to data version {version[:16]}")
    except BaseException:
        loader.drop_staging()
        raise
    external.close()
    return done


class _Loader:
    """Staging graphs of one publish, and the requests that write them."""

    def __init__(self, config: ExternalConfig, version: str) -> None:
        self.config = config
        self.opener = config.opener()
        self.prefix = f"{STORE}:staging:{version[:16]}:"
        self.staged: dict[str, str] = {}  # graph IRI → staging graph IRI ("" for none)
        self.emptied: list[str] = []

    def stage(self, graph: str) -> str:
        """Where ``graph`` is uploaded: a staging graph, or itself (``in_place``)."""
        if self.config.in_place:
            self.staged[graph] = ""
            return graph
        return self.staged.setdefault(graph, f"{self.prefix}{len(self.staged)}")

    def upload_changed(
        self, local: Store, old: dict[str, dict[str, Any]], done: Published, tell: Any
    ) -> dict[str, dict[str, Any]]:
        """Upload the graphs of ``local`` whose hash differs from ``old``; the new graphs."""
        graphs: dict[str, dict[str, Any]] = {}
        names = local.named_graphs()
        for number, (iri, body) in enumerate(_dumps(local, names), start=1):
            digest = hashlib.sha256(body).hexdigest()
            if iri != MERGE:  # the merge changes with every version: always sent
                graphs[iri] = {"triples": body.count(b"\n"), "sha256": digest}
            if iri != MERGE and old.get(iri, {}).get("sha256") == digest:
                done.kept.append(iri)
                continue
            if body:
                self.put(self.stage(iri), body)
            else:
                self.emptied.append(iri)  # dropped at the switch
            done.uploaded.append(iri)
            lines = body.count(b"\n")
            tell(f"uploaded {number}/{len(names) + 1}: {iri} ({lines} triples)")
        return graphs

    def put(self, graph: str, body: bytes) -> None:
        """Replace ``graph`` by the N-Triples ``body`` (Graph Store Protocol ``PUT``)."""
        separator = "&" if "?" in self.config.gsp else "?"
        url = f"{self.config.gsp}{separator}{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": N_TRIPLES}, method="PUT"
        )
        authorize(self.config, request)
        self._send(request)

    def update(self, sparql: str) -> None:
        """Send one SPARQL Update request."""
        request = urllib.request.Request(
            self.config.update,
            data=form({"update": sparql}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        self._send(request)

    def _send(self, request: urllib.request.Request) -> None:
        deadline = time.monotonic() + _REQUEST_SECONDS
        send(self.opener, request, deadline=deadline, max_bytes=0)

    def drop_staging(self) -> None:
        """Drop the staging graphs (best effort: the store may be what failed)."""
        staging = [stage for stage in self.staged.values() if stage]
        if not staging:
            return
        drops = [f"DROP SILENT GRAPH <{stage}>" for stage in staging]
        with contextlib.suppress(StoreError):
            self.update(" ;\n".join(drops))


def _dumps(local: Store, names: list[str]) -> Iterator[tuple[str, bytes]]:
    """Each named graph of ``local`` as N-Triples (blank node labels as the store keeps them),
    then its default graph (the merge) as :data:`MERGE`."""
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    for iri in names:
        yield iri, local.query(everything, default_graph_uris=[iri]).serialize(N_TRIPLES)
    yield MERGE, local.query(everything).serialize(N_TRIPLES)


def _switch_update(loader: _Loader, dropped: list[str], state: dict[str, Any]) -> str:
    """The one update request that switches the new version in."""
    parts = [f"DROP SILENT GRAPH <{iri}>" for iri in [*dropped, *loader.emptied]]
    for iri, stage in sorted(loader.staged.items()):
        if stage:
            parts.append(f"DROP SILENT GRAPH <{iri}>")
            parts.append(f"MOVE SILENT <{stage}> TO <{iri}>")
    version = sparql_term(Literal(state["data_version"]))
    text = sparql_term(Literal(json.dumps(state, sort_keys=True)))
    parts.append(f"DROP SILENT GRAPH <{STATE}>")
    parts.append(
        f"INSERT DATA {{ GRAPH <{STATE}> {{ <{STORE}> <{DATA_VERSION}> {version} . "
        f"<{STORE}> <{STATE_JSON}> {text} }} }}"
    )
    return " ;\n".join(parts)
