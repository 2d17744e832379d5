"""What a file is validated against: the shapes, the ontology and the reference data.

Parsed once per project root and kept while none of their files changes (inode, modification
time and size of every file are the cache key); with a cache folder also kept on disk for the
next process, keyed by the files' content (:mod:`.stored`). Parsed files are kept the same way
(:func:`parsed_file`), so validating a file that is also part of the context, or validating the
same files again, does not parse them again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal

from server.build.inference import union
from server.build.turtle import ParsedTurtle, TurtleSyntaxError, parse_turtle
from server.build.validation.engine import Engine, Unsupported, compile_shapes
from server.build.validation.stored import context_key, read_stored, store
from server.build.vocabulary import Vocabulary, declared_terms, vocabularies
from server.store.scratch import ntriples

__all__ = ["Context", "clear_cache", "load_context", "parsed_file"]

log = logging.getLogger(__name__)

#: How many parsed files are kept (a project has a few dozen; a test run a few hundred).
_PARSED_MAX = 512


@dataclass(frozen=True)
class Context:
    """The shapes, the ontology, the reference data by resolved path (and its project root),
    the vocabularies whose terms are checked, the shapes compiled for the fast path (``None``
    when only pySHACL evaluates them, :mod:`.engine`) and which of the ontology (``None``) and
    the data files hold an ill-typed literal (``"soon"^^xsd:date``)."""

    root: Path
    shapes: Graph
    ontology: Graph
    data: dict[Path, Graph]
    vocabularies: tuple[Vocabulary, ...]
    engine: Engine | None = None
    ill_typed: frozenset[Path | None] = frozenset()
    #: The ontology (``None``) and each data file as the engine reads them fastest (N-Triples),
    #: made when first needed unless read back from the stored context.
    texts: dict[Path | None, bytes] = field(default_factory=dict)
    #: The data files as parsed (when they were, not read back from the stored context), so
    #: that validating them does not parse them again.
    parsed: dict[Path, ParsedTurtle] = field(default_factory=dict)

    def graphs_besides(self, validated: Iterable[Path]) -> list[Graph]:
        """The ontology and the reference data except the files in ``validated``."""
        skip = set(validated)
        return [self.ontology] + [graph for path, graph in self.data.items() if path not in skip]

    def engine_graphs_besides(self, validated: Iterable[Path]) -> list[Graph | bytes]:
        """:meth:`graphs_besides`, each as its N-Triples text where there is one."""
        skip = set(validated)
        keys: list[Path | None] = [None, *(path for path in self.data if path not in skip)]
        return [self._text(key) for key in keys]

    def _text(self, key: Path | None) -> bytes:
        """The N-Triples text of the ontology (``None``) or a data file, made when first
        needed (a full build validates every data file, and so never needs theirs)."""
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = ntriples(self._graph(key))
        return text

    def _graph(self, key: Path | None) -> Graph:
        return self.ontology if key is None else self.data[key]

    def ill_typed_besides(self, validated: Iterable[Path]) -> bool:
        """Whether the ontology or a data file except those in ``validated`` holds an
        ill-typed literal."""
        return bool(self.ill_typed - set(validated))

    def relpath(self, path: Path) -> str:
        """``path`` relative to the project root (as given when it lies elsewhere)."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


_CACHE: dict[tuple[object, ...], Context] = {}
_PARSED: OrderedDict[tuple[str, int, int, int], ParsedTurtle] = OrderedDict()


def clear_cache() -> None:
    """Forget the parsed shapes, ontology and reference data of every root, and every parsed
    file."""
    _CACHE.clear()
    _PARSED.clear()


def parsed_file(path: Path) -> ParsedTurtle:
    """:func:`~server.build.turtle.parse_turtle` of ``path``, from the cache while the file's
    modification time and size are unchanged."""
    key = _stamp(path)
    found = _PARSED.get(key)
    if found is not None:
        _PARSED.move_to_end(key)
        return found
    parsed = parse_turtle(path)
    _PARSED[key] = parsed
    while len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)
    return parsed


def load_context(
    root: Path, shape_paths: Sequence[Path] | None = None, cache: Path | None = None
) -> Context:
    """The context under ``root`` (``shapes/``, ``ontology/``, ``data/``), from the cache when
    no file changed; ``cache``: a folder where it is also kept between processes
    (:mod:`.stored`). A broken shapes or ontology file raises :class:`TurtleSyntaxError`; a
    broken data file is left out (with a warning)."""
    shape_files = sorted((root / "shapes").glob("*.ttl") if shape_paths is None else shape_paths)
    ontology_files = sorted((root / "ontology").glob("*.ttl"))
    data_files = sorted((root / "data").glob("**/*.ttl"))
    key = (root, *(_stamp(p) for p in (*shape_files, *ontology_files, *data_files)))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    files = [("shapes", p) for p in shape_files] + [("ontology", p) for p in ontology_files]
    files += [("data", p) for p in data_files]
    stored_key = context_key(root, files) if cache is not None else ""
    parts = read_stored(cache, root, stored_key) if cache is not None else None
    parsed: dict[Path, ParsedTurtle] = {}
    if parts is None:
        parts = _parse_context(shape_files, ontology_files, data_files, parsed)
        shapes, ontology, data = parts[:3]
        # Kept on disk with the rest, or else made when first needed (Context._text).
        graphs = [(None, ontology), *data.items()] if cache is not None else []
        texts = {key: ntriples(graph) for key, graph in graphs}
        parts += (_compiled(shapes), _ill_typed(ontology, data), texts)
        if cache is not None:
            store(cache, root, stored_key, parts)
    else:
        for warning in parts[3]:
            log.warning("context file left out: %s", warning)
    shapes, ontology, data, _warnings, engine, ill_typed, texts = parts
    terms = vocabularies(declared_terms(ontology))
    context = Context(root, shapes, ontology, data, terms, engine, ill_typed, texts, parsed)
    for old in [k for k in _CACHE if k[0] == root]:
        del _CACHE[old]
    _CACHE[key] = context
    return context


def _compiled(shapes: Graph) -> Engine | None:
    """The compiled ``shapes``, or ``None`` when only pySHACL evaluates them."""
    try:
        return compile_shapes(shapes)
    except Unsupported as exc:
        log.info("validation runs pySHACL: the shapes use what the fast path does not: %s", exc)
        return None


def _ill_typed(ontology: Graph, data: dict[Path, Graph]) -> frozenset[Path | None]:
    """Which of the ontology (``None``) and the data files hold an ill-typed literal."""
    graphs: list[tuple[Path | None, Graph]] = [(None, ontology), *data.items()]
    return frozenset(
        key
        for key, graph in graphs
        if any(isinstance(o, Literal) and o.ill_typed for o in graph.objects(unique=True))
    )


def _parse_context(
    shape_files: list[Path],
    ontology_files: list[Path],
    data_files: list[Path],
    parsed: dict[Path, ParsedTurtle],
) -> tuple[Any, ...]:
    """The shapes, the ontology, the data files that parse (by resolved path) and what is wrong
    with the others; the parsed data files go into ``parsed`` too."""
    shapes = union(parsed_file(p).graph for p in shape_files)
    ontology = union(parsed_file(p).graph for p in ontology_files)
    data: dict[Path, Graph] = {}
    warnings: list[str] = []
    for path in data_files:
        try:
            found = parsed[path.resolve()] = parsed_file(path)
            data[path.resolve()] = found.graph
        except TurtleSyntaxError as exc:
            log.warning("context file left out: %s", exc)
            warnings.append(str(exc))
    return shapes, ontology, data, warnings


def _stamp(path: Path) -> tuple[str, int, int, int]:
    """What identifies a version of a file: path, inode (a replaced file is a new one),
    modification time and size."""
    stat = path.stat()
    return (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
