"""The incremental build: the current version copied, only the changed files redone.

The copy is RocksDB's checkpoint (hard links: instant; the current version stays untouched and
keeps serving). Then, for every added, changed or removed file:

1. its named graph gets the new triples (the merge follows);
2. its inferred triples before and after the change are computed (its closure against the
   schema and the context, :mod:`.inferring`), and so is every triple it stops or starts
   asserting: these are the only triples whose place in the inferred graph can change;
3. each of them belongs in the inferred graph when no inference source asserts it and it is
   entailed by a changed file's new closure, by the context, or by an unchanged file. An
   unchanged file can only entail a triple about nodes it mentions or that the context links
   to nodes it mentions (:meth:`~.inferring.Inference.linked`), so only those files are asked.

This holds while the schema and the context stay the same (the state's ``context_hash``): when
they change, or an axiom is beyond the compiled rules, :func:`run` returns ``None`` and the
pipeline builds everything.
"""

from __future__ import annotations

from collections.abc import Callable

from server.build.closure import ill_typed
from server.build.inferring import Inference, Parts, literals_of, messages_of
from server.build.job import META_GRAPH, BuildResult, Job
from server.build.parsing import read_source
from server.build.rules import Rules, Vocabulary, compile_rules
from server.build.sources import inference_sources
from server.build.state import BuildState, Plan, SourceState, context_hash
from server.build.turtle import TurtleSyntaxError
from server.rdf.namespaces import INFERRED_GRAPH
from server.store.syntax import from_ntriples, to_ntriples
from server.store.terms import Triple, is_literal
from server.store.writer import VersionWriter

__all__ = ["run"]

Parsed = dict[str, list[Triple]]


def run(job: Job, plan: Plan) -> BuildResult | None:
    """Build ``plan``'s changes on top of the current version and publish; ``None`` when a full
    build is needed."""
    state = job.state
    assert state is not None
    parsed: Parsed = {}
    with job.progress.stage("parse", total=len(plan.changed)) as stage:
        for source in plan.changed:
            try:
                parsed[source.relpath] = read_source(source.path, source.relpath)
            except TurtleSyntaxError as error:
                return job.failed(error)
            stage.step(item=source.relpath, triples=len(parsed[source.relpath]))
    entries = _entries(job, state, parsed)
    rules = compile_rules(
        [t for entry in entries.values() for t in from_ntriples(entry.schema)], Vocabulary()
    )
    _context_parts(rules, entries, parsed)
    if rules.unsupported or context_hash(entries) != state.context_hash:
        return None
    failure, keys = job.validate()
    if failure is not None:
        return failure
    for relpath, key in keys.items():
        entries[relpath].validation = key
    facts = [t for entry in entries.values() for t in from_ntriples(entry.context)]
    inference = Inference(rules, facts)
    with job.store.writer(job.version, incremental=True) as writer:
        with job.progress.stage("change", total=len(plan.changed) + len(plan.removed)) as stage:
            counts = _apply(job, plan, parsed, _Delta(inference, writer), stage.step)
        literal_messages = [m for entry in entries.values() for m in entry.messages]
        messages = messages_of(rules, writer, literal_messages)
        merged = state.merged + writer.merge_change
        new_state = BuildState(job.code, state.context_hash, merged, entries)
        writer.publish(
            counts,
            sum(counts.values()) + merged,
            job.metadata(messages),
            new_state.to_json(),
            optimize=False,
        )
    return job.built(counts, messages, "incremental", len(plan.changed) + len(plan.removed))


def _entries(job: Job, state: BuildState, parsed: Parsed) -> dict[str, SourceState]:
    """The state of every current source: kept, or made from the new parse (its context facts
    follow once the rules are known, :func:`_context_parts`)."""
    parts = Parts(compile_rules([], Vocabulary()))
    entries: dict[str, SourceState] = {}
    for source in job.sources:
        triples = parsed.get(source.relpath)
        if triples is None:
            entries[source.relpath] = state.sources[source.relpath]
            continue
        entry = SourceState(source.sha256, source.graph, source.kind, len(triples))
        if source.kind != "shapes":
            entry.schema = to_ntriples(parts.schema(triples))
            entry.messages = ill_typed(literals_of(triples))
        entries[source.relpath] = entry
    return entries


def _context_parts(rules: Rules, entries: dict[str, SourceState], parsed: Parsed) -> None:
    """The context facts of the changed inference sources."""
    parts = Parts(rules)
    for relpath, triples in parsed.items():
        if entries[relpath].kind != "shapes":
            entries[relpath].context = to_ntriples(parts.context(triples))


def _apply(
    job: Job, plan: Plan, parsed: Parsed, delta: _Delta, step: Callable[..., None]
) -> dict[str, int]:
    """Change the graphs of the changed sources, the inferred and the meta graph; the new
    triples per graph."""
    assert job.state is not None
    writer = delta.writer
    counts = dict((job.store.stamp() or {}).get("graphs") or {})
    changes: list[tuple[str, str, list[Triple], str]] = [
        (s.graph, s.kind, parsed[s.relpath], s.relpath) for s in plan.changed
    ]
    for relpath in plan.removed:
        kept = job.state.sources[relpath]
        changes.append((kept.graph, kept.kind, [], relpath))
        counts.pop(kept.graph, None)
    for graph, kind, triples, relpath in changes:
        old = writer.graph_triples(graph)
        writer.set_graph(graph, triples)
        if relpath not in plan.removed:
            counts[graph] = len(triples)
        if kind != "shapes":
            delta.file(graph, old, triples)
        step(item=relpath, triples=len(triples))
    sources = frozenset(s.graph for s in inference_sources(job.sources))
    add, remove = delta.resolve(sources)
    writer.change(INFERRED_GRAPH, add, remove)
    counts[INFERRED_GRAPH] = counts.get(INFERRED_GRAPH, 0) + len(add) - len(remove)
    meta = job.meta()
    writer.set_graph_rdflib(META_GRAPH, meta)
    counts[META_GRAPH] = len(meta)
    return counts


class _Delta:
    """The triples whose place in the inferred graph may change, and where they belong."""

    def __init__(self, inference: Inference, writer: VersionWriter) -> None:
        self.inference = inference
        self.writer = writer
        self.candidates: set[Triple] = set()
        #: What the changed files entail now.
        self.entailed: set[Triple] = set()
        self.changed: set[str] = set()
        self._closures: dict[str, set[Triple]] = {}

    def file(self, graph: str, old: list[Triple], new: list[Triple]) -> None:
        """One inference source changed from ``old`` to ``new``."""
        before = self.inference.of_file(old)
        after = self.inference.of_file(new)
        self.entailed |= after
        self.candidates |= before | after | (set(old) ^ set(new))
        self.changed.add(graph)

    def resolve(self, sources: frozenset[str]) -> tuple[list[Triple], list[Triple]]:
        """The triples to add to and remove from the inferred graph; ``sources`` are the
        graphs of the inference sources."""
        context = self.inference.of_context()
        unchanged = sources - self.changed
        add: list[Triple] = []
        remove: list[Triple] = []
        for triple in self.candidates:
            holding = self.writer.graphs_holding(triple)
            wanted = (
                not holding & sources
                and self.inference.useful(triple)
                and (
                    triple in self.entailed
                    or triple in context
                    or self._entailed_elsewhere(triple, unchanged)
                )
            )
            present = INFERRED_GRAPH in holding
            if wanted and not present:
                add.append(triple)
            elif present and not wanted:
                remove.append(triple)
        return add, remove

    def _entailed_elsewhere(self, triple: Triple, unchanged: frozenset[str]) -> bool:
        """Whether an unchanged inference source entails ``triple``."""
        subject, _predicate, obj = triple
        nodes = self.inference.linked(subject)
        if not is_literal(obj):
            nodes |= self.inference.linked(obj)
        graphs: set[str] = set()
        for node in nodes:
            graphs |= self.writer.graphs_mentioning(node) & unchanged
        for graph in sorted(graphs):
            closure = self._closures.get(graph)
            if closure is None:
                closure = self.inference.of_file(self.writer.graph_triples(graph))
                self._closures[graph] = closure
            if triple in closure:
                return True
        return False
