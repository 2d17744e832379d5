"""``FILTER [NOT] EXISTS`` groups taken out of a SPARQL constraint, to be evaluated once for
all its solutions.

The engine evaluates a ``FILTER [NOT] EXISTS`` group once per solution of the query, with a
plan made without knowing which variables the solution binds: a group that joins two patterns
scans one of them in full for every solution. For the lead municipality's membership at the
start date (two patterns joined in a ``NOT EXISTS``) that took 0.35 s for 1,000 projects.
:func:`exists_tests` takes such groups out of a batched query (:mod:`.batch`);
:meth:`~server.store.scratch.ScratchGraph.select_tested` runs the rest and evaluates each
group once, joined with the distinct values of its variables in all solutions. A filter of a
group applies to all of the group's solutions wherever it stands in it, so the query without
the filter, filtered afterwards, has the same solutions; joining the group with a solution's
values is how the engine evaluates ``EXISTS`` (a variable the solution leaves unbound stays
free: ``UNDEF``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.store.scratch import ExistsTest

__all__ = ["STRINGS_AND_COMMENTS", "Split", "exists_tests"]

STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\n]*"|\'[^\'\n]*\'|#[^\n]*'
)


@dataclass(frozen=True)
class Split:
    """A batched query without its top-level ``FILTER [NOT] EXISTS`` groups that join patterns
    (``outer``, which also projects the variables the groups need; ``hidden``: those it adds),
    and the groups."""

    outer: str
    tests: tuple[ExistsTest, ...]
    hidden: frozenset[str]


#: As :data:`STRINGS_AND_COMMENTS`, and IRIs (whose ``#`` starts no comment).
_IRIS_STRINGS_AND_COMMENTS = re.compile(r'<[^<>"{}|^`\\\s]*>|' + STRINGS_AND_COMMENTS.pattern)
_EXISTS = re.compile(r"\bEXISTS\b", re.I)
_TOP_FILTER = re.compile(r"\bFILTER\s+(NOT\s+)?EXISTS\s*\{", re.I)
_VARIABLE = re.compile(r"[?$](\w+)")
_BIND = re.compile(r"\bBIND\b", re.I)
_AGGREGATE = re.compile(r"\b(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)


def exists_tests(text: str) -> Split | None:
    """The batched query ``text`` split into the query without the ``FILTER [NOT] EXISTS``
    groups at the top of its pattern that join patterns (:func:`_joins`) and those groups;
    ``None`` when it has none, when ``EXISTS`` stands elsewhere at the top (in an
    expression), when such a group binds a variable (``BIND``), which a group joined with a
    solution would not mean, or when the query aggregates."""
    bare = _IRIS_STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m[0]), text)
    select = re.search(r"\bSELECT\b", bare, re.I)
    if select is None or _AGGREGATE.search(bare, select.end()):
        return None
    start = bare.index("{", select.end())
    end = _closing(bare, start)
    if _EXISTS.search(bare, select.end(), start) or end != len(bare.rstrip()) - 1:
        return None
    spans: list[tuple[int, int, int, bool]] = []
    for match in _TOP_FILTER.finditer(bare, start + 1, end):
        if spans and match.start() < spans[-1][1]:
            continue  # inside the previous group
        close = _closing(bare, match.end() - 1)
        spans.append((match.start(), close + 1, match.end(), bool(match[1])))
    if _EXISTS.search("".join(bare[i:j] for i, j in _between(spans, start, end))):
        return None
    spans = [span for span in spans if _joins(bare[span[2] : span[1] - 1])]
    if not spans or any(_BIND.search(bare[s:e]) for s, e, *_ in spans):
        return None
    outer = "".join(bare[i:j] for i, j in _between(spans, start, end))
    known = set(_VARIABLE.findall(outer)) | {"this"}
    tests, needed = [], set()
    for _begin, close, group, negated in spans:
        variables = tuple(sorted(set(_VARIABLE.findall(bare[group : close - 1])) & known))
        needed |= set(variables)
        tests.append(
            ExistsTest(negated, variables, text[group : close - 1], text[: select.start()])
        )
    head = bare[select.end() : start]
    extra = _extra_projection(head, needed)
    if extra is None:
        return None
    kept = "".join(text[i:j] for i, j in _between(spans, start, end))
    where = re.search(r"\bWHERE\b", head, re.I)
    cut = select.end() + (where.start() if where else len(head))
    outer_text = (
        f"{text[:cut]}{''.join(f' ?{v}' for v in extra)} {text[cut:start]}{kept}{text[end:]}"
    )
    return Split(outer_text, tuple(tests), frozenset(extra))


def _joins(group: str) -> bool:
    """Whether the group ``group`` (without strings) joins triple patterns: then the engine
    evaluates it per solution scanning one of them in full, else it looks the one pattern up
    (and a test of its own would cost more than it saves)."""
    top = re.sub(r"\bFILTER\s*(?:NOT\s+)?EXISTS\s*\{[^{}]*\}", " ", group, flags=re.I)
    while re.search(r"\{[^{}]*\}", top):
        top = re.sub(r"\{[^{}]*\}", " ", top)
    while re.search(r"\([^()]*\)", top):
        top = re.sub(r"\([^()]*\)", " ", top)
    top = re.sub(r"\bFILTER\b", " ", top, flags=re.I)
    return bool(re.search(r"[;,]|\.\s*[^\s.]", top))


def _extra_projection(head: str, needed: set[str]) -> list[str] | None:
    """The variables of ``needed`` that the projection ``head`` (without strings) must add so
    that the solutions bind them; ``None`` when adding them would change the solutions
    (``DISTINCT``, ``REDUCED``)."""
    if re.match(r"\s*(?:(?:DISTINCT|REDUCED)\s*)?\*", head, re.I):
        return []
    plain = set(_VARIABLE.findall(re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", " ", head)))
    extra = sorted(needed - plain)
    if extra and re.search(r"\b(?:DISTINCT|REDUCED)\b", head, re.I):
        return None
    return extra


def _closing(bare: str, opening: int) -> int:
    """The position of the ``}`` that closes the ``{`` at ``opening``."""
    depth = 0
    for match in re.finditer(r"[{}]", bare[opening:]):
        depth += 1 if match[0] == "{" else -1
        if depth == 0:
            return opening + match.start()
    raise ValueError("unbalanced braces")


def _between(
    spans: list[tuple[int, int, int, bool]], start: int, end: int
) -> list[tuple[int, int]]:
    """The parts of ``start..end`` (the outer group with its braces) outside ``spans``."""
    parts, at = [], start
    for begin, stop, _group, _negated in spans:
        parts.append((at, begin))
        at = stop
    parts.append((at, end))
    return parts
