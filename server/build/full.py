"""The full build: every source parsed once by the engine's parser and bulk-loaded.

One pass over the sources, in order: each file is parsed (:func:`~.parsing.read_source`; the
first syntax error stops the build), handed to the bulk loader (its named graph and the merge),
and, for an inference source, run through the rules with one premise (the schema comes from the
ontology, parsed first). Then the data is validated, the chains are followed through the
context (:class:`~.inferring.Accumulator`), entailments that some source asserts are dropped,
and the inferred and meta graphs are loaded. Nothing is published before all of that worked.

When the data states axioms of its own, the rules are compiled again from the whole schema and
the inference sources parsed a second time; when an axiom is beyond the compiled rules
(:attr:`~.rules.Rules.unsupported`), owlrl infers over everything (:mod:`.inference`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from server.build.closure import ill_typed
from server.build.inference import infer_with_messages
from server.build.inferring import Accumulator, literals_of, messages_of, not_asserted
from server.build.job import META_GRAPH, BuildResult, Job
from server.build.parsing import read_source
from server.build.rules import Rules, Vocabulary, compile_rules, is_schema
from server.build.sources import Source, inference_sources
from server.build.state import BuildState, SourceState, context_hash
from server.build.turtle import TurtleSyntaxError
from server.rdf.namespaces import INFERRED_GRAPH
from server.store.syntax import to_ntriples
from server.store.terms import Triple, to_rdflib
from server.store.writer import VersionWriter

__all__ = ["run"]


@dataclass
class _Pass:
    """What the pass over the sources collected."""

    rules: Rules
    accumulator: Accumulator
    #: How many schema triples the rules were compiled from.
    schema_size: int
    counts: dict[str, int] = field(default_factory=dict)
    entries: dict[str, SourceState] = field(default_factory=dict)
    #: Hashes of every triple an inference source asserts.
    asserted: set[int] = field(default_factory=set)


def run(job: Job, reason: str) -> BuildResult:
    """Build everything into a new version and publish it (or stop at the first problem)."""
    inference_graphs = frozenset(s.graph for s in inference_sources(job.sources))
    with job.store.writer(job.version, incremental=False) as writer:
        loaded = _load(job, writer, *_ontology_rules(job.sources))
        if isinstance(loaded, BuildResult):
            return loaded
        failure, keys = job.validate()
        if failure is not None:
            return failure
        rules = _final_rules(job, loaded)
        with job.progress.stage("infer", unit="triples") as stage:
            messages = _infer(job, writer, loaded, rules, inference_graphs)
            stage.step(writer.count(INFERRED_GRAPH))
        meta = job.meta()
        writer.append_rdflib(META_GRAPH, meta)
        counts = {
            **loaded.counts,
            INFERRED_GRAPH: writer.count(INFERRED_GRAPH),
            META_GRAPH: len(meta),
        }
        with job.progress.stage("publish", unit="quads") as stage:
            merged = writer.count()
            for relpath, key in keys.items():
                loaded.entries[relpath].validation = key
            state = BuildState(job.code, context_hash(loaded.entries), merged, loaded.entries)
            writer.publish(
                counts,
                sum(counts.values()) + merged,
                job.metadata(messages),
                state.to_json(),
                optimize=True,
            )
            stage.step(sum(counts.values()) + merged)
    result = job.built(counts, messages, "full", len(job.sources))
    result.reason = reason
    return result


def _ontology_rules(sources: list[Source]) -> tuple[Rules, int]:
    """The rules of the ontology's axioms and their number (a broken ontology file is
    reported by the pass)."""
    vocabulary = Vocabulary()
    memo: dict[object, bool] = {}
    schema = []
    for source in sources:
        if source.kind == "ontology":
            try:
                triples = read_source(source.path, source.relpath)
            except TurtleSyntaxError:
                continue
            schema += [t for t in triples if is_schema(t, vocabulary, memo)]
    return compile_rules(schema, vocabulary), len(set(schema))


def _load(job: Job, writer: VersionWriter, rules: Rules, schema_size: int) -> _Pass | BuildResult:
    """Parse and bulk-load every source, collecting what inference needs."""
    done = _Pass(rules, Accumulator(rules), schema_size)
    with job.progress.stage("parse and load", total=len(job.sources)) as stage:
        for source in job.sources:
            try:
                triples = read_source(source.path, source.relpath)
            except TurtleSyntaxError as error:
                return job.failed(error)
            writer.append(source.graph, triples)
            done.counts[source.graph] = len(triples)
            done.entries[source.relpath] = _entry(source, triples, done)
            stage.step(item=source.relpath, triples=len(triples))
        writer.flush()
    return done


def _entry(source: Source, triples: list[Triple], done: _Pass) -> SourceState:
    """The state of one source; for an inference source, its single-premise entailments go
    into the accumulator."""
    entry = SourceState(source.sha256, source.graph, source.kind, len(triples))
    if source.kind != "shapes":
        done.asserted.update(map(hash, triples))
        schema, context = done.accumulator.add_file(triples)
        entry.schema = to_ntriples(schema)
        entry.context = to_ntriples(context)
        entry.messages = ill_typed(literals_of(triples))
    return entry


def _final_rules(job: Job, done: _Pass) -> Rules:
    """The rules of the whole schema. When data files state axioms of their own, the rules
    differ from the ontology's: the inference sources are parsed again with them."""
    schema = set(done.accumulator.schema)
    if len(schema) == done.schema_size:
        return done.rules
    rules = compile_rules(schema, done.rules.vocabulary)
    done.rules, done.accumulator = rules, Accumulator(rules)
    for source in job.sources:
        if source.kind != "shapes":
            triples = read_source(source.path, source.relpath)
            _schema, context = done.accumulator.add_file(triples)
            done.entries[source.relpath].context = to_ntriples(context)
    return rules


def _infer(
    job: Job, writer: VersionWriter, done: _Pass, rules: Rules, graphs: frozenset[str]
) -> list[str]:
    """Load the inferred graph; owlrl's messages."""
    if rules.unsupported:
        return _infer_with_owlrl(job, writer, rules)
    candidates = done.accumulator.finish()
    writer.append(INFERRED_GRAPH, not_asserted(candidates, done.asserted, writer, graphs))
    literal_messages = [m for entry in done.entries.values() for m in entry.messages]
    return messages_of(rules, writer, literal_messages)


def _infer_with_owlrl(job: Job, writer: VersionWriter, rules: Rules) -> list[str]:
    """The reference for a schema beyond the compiled rules: owlrl over all inference sources."""
    job.progress.note(
        "axioms beyond the compiled rules, inferring with owlrl: "
        + "; ".join(rules.unsupported[:3])
    )
    union = Graph()
    for source in job.sources:
        if source.kind != "shapes":
            for subject, predicate, obj in read_source(source.path, source.relpath):
                union.add(
                    (
                        to_rdflib(subject, normalize=False),
                        to_rdflib(predicate, normalize=False),
                        to_rdflib(obj, normalize=False),
                    )
                )
    inferred, messages = infer_with_messages(union)
    writer.append_rdflib(INFERRED_GRAPH, inferred)
    return messages
