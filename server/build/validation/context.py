"""What a file is validated against: the shapes, the ontology and the reference data.

Parsed once per project root and kept while none of their files changes (modification time
and size of every file are the cache key).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from server.build.inference import union
from server.build.turtle import TurtleSyntaxError, parse_turtle
from server.build.vocabulary import declared_terms

__all__ = ["Context", "clear_cache", "load_context"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """The shapes, the ontology, the reference data by resolved path, and the declared
    ``rg:`` terms."""

    shapes: Graph
    ontology: Graph
    data: dict[Path, Graph]
    terms: frozenset[URIRef]

    def graphs_besides(self, validated: list[Path]) -> list[Graph]:
        """The ontology and the reference data except the files in ``validated``."""
        return [self.ontology] + [
            graph for path, graph in self.data.items() if path not in validated
        ]


_CACHE: dict[tuple[object, ...], Context] = {}


def clear_cache() -> None:
    """Forget the parsed shapes, ontology and reference data of every root."""
    _CACHE.clear()


def load_context(root: Path, shape_paths: Sequence[Path] | None = None) -> Context:
    """The context under ``root`` (``shapes/``, ``ontology/``, ``data/``), from the cache when
    no file changed. A broken shapes or ontology file raises :class:`TurtleSyntaxError`; a
    broken data file is left out (with a warning)."""
    shape_files = sorted((root / "shapes").glob("*.ttl") if shape_paths is None else shape_paths)
    ontology_files = sorted((root / "ontology").glob("*.ttl"))
    data_files = sorted((root / "data").glob("**/*.ttl"))
    key = (root, *(_stamp(p) for p in (*shape_files, *ontology_files, *data_files)))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    shapes = union(parse_turtle(p).graph for p in shape_files)
    ontology = union(parse_turtle(p).graph for p in ontology_files)
    data: dict[Path, Graph] = {}
    for path in data_files:
        try:
            data[path.resolve()] = parse_turtle(path).graph
        except TurtleSyntaxError as exc:
            log.warning("context file left out: %s", exc)
    context = Context(shapes, ontology, data, declared_terms(ontology))
    for old in [k for k in _CACHE if k[0] == root]:
        del _CACHE[old]
    _CACHE[key] = context
    return context


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)
