"""Real data and invented examples apart: the two datasets the dumps and the catalog publish.

The build loads the examples (``data/voorbeelden/``, only with the ``examples`` setting on) into
graphs of their own, which the meta graph marks ``rg:isExample true``. A portal that harvests
the real dataset must get no invented statement, so :func:`split` puts every quad of the store
in exactly one of two datasets:

- **examples**: every quad of an example graph, and every quad elsewhere (the inferred and meta
  graphs: inverses such as ``gemeente rg:hasProject voorbeeldproject``, the meta graph's
  ``dct:hasPart`` of an example graph) whose subject or object is an *example thing*: an
  example graph, or a subject described only in example graphs (an invented project, its
  geometry, ...; a real municipality that an example names is described in the real graphs);
- **real**: the rest.

Without example graphs the examples dataset is empty and nothing is published for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, URIRef
from rdflib.term import Node

from server.rdf.iris import IriMap, bind_prefixes
from server.rdf.namespaces import INFERRED_GRAPH, META_GRAPH, sparql_prefixes
from server.store import Store

__all__ = ["EXAMPLE_GRAPHS", "Parts", "example_graphs", "has_examples", "split"]

#: The graphs of invented examples, as the build marks them in the meta graph.
EXAMPLE_GRAPHS = (
    sparql_prefixes("rg")
    + f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?g rg:isExample true }} }} ORDER BY ?g"
)
#: Graphs that hold statements derived from all sources (not a source file of their own).
_DERIVED = frozenset({INFERRED_GRAPH, META_GRAPH})


@dataclass(frozen=True)
class Parts:
    """The store's quads in two datasets: the real data and the invented examples."""

    real: Dataset
    examples: Dataset


def example_graphs(store: Store) -> frozenset[str]:
    """The IRIs of the example graphs in ``store``."""
    return frozenset(str(row["g"]) for row in store.query(EXAMPLE_GRAPHS).rows())


def has_examples(store: Store) -> bool:
    """Whether ``store`` holds invented examples (the ``examples`` setting was on)."""
    return bool(example_graphs(store))


def split(store: Store, iri_map: IriMap) -> Parts:
    """Every named graph of ``store``, its quads divided between the real data and the
    examples (see the module docstring)."""
    invented_graphs = example_graphs(store)
    graphs = {
        name: store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph_uris=[name]).graph()
        for name in store.named_graphs()
    }
    described_elsewhere = {
        subject
        for name, graph in graphs.items()
        if name not in invented_graphs and name not in _DERIVED
        for subject in graph.subjects(unique=True)
    }
    things: set[Node] = {URIRef(name) for name in invented_graphs}
    for name in invented_graphs:
        things.update(set(graphs[name].subjects(unique=True)) - described_elsewhere)
    parts = Parts(Dataset(), Dataset())
    for name, graph in graphs.items():
        real, invented = parts.real.graph(URIRef(name)), parts.examples.graph(URIRef(name))
        for triple in graph:
            example = name in invented_graphs or triple[0] in things or triple[2] in things
            (invented if example else real).add(triple)
    bind_prefixes(parts.real, iri_map.base)
    bind_prefixes(parts.examples, iri_map.base)
    return parts
