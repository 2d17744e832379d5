"""The value chain at a glance (``/waardeketen``): the matrix of lead municipalities by
value-chain stage, and the alignment graph from projects to the goals of every level."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from server.canned.running import run_canned_query
from server.maps.data import ENABLERS, PREFIXES, MapData
from server.rdf.namespaces import INFERRED_GRAPH
from server.settings import Settings
from server.store import Store

#: Asserted alignments between goals (not the inferred transitive closure).
ALIGNMENTS: Final = (
    PREFIXES
    + f"""
SELECT DISTINCT ?from ?to WHERE {{
  GRAPH ?g {{ ?from rg:alignsWith ?to }}
  FILTER(?g != <{INFERRED_GRAPH}>)
}}"""
)


@dataclass(frozen=True)
class MatrixRow:
    """A lead municipality with its project counts per value-chain column."""

    municipality: str
    name: str
    counts: tuple[int, ...]
    total: int


#: The columns of the canned query ``waardeketen-matrix``: (variable, stage ref, nl, en).
MATRIX_COLUMNS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("infrastructuur", "digitale-infrastructuur", "Digitale infrastructuur", "Infrastructure"),
    ("data", "data", "Data", "Data"),
    ("toepassingen", "toepassingen-en-diensten", "Toepassingen en diensten", "Applications"),
    ("waarde", "maatschappelijke-waarde", "Maatschappelijke waarde", "Societal value"),
    ("randvoorwaarden", ENABLERS, "Randvoorwaarden", "Enablers"),
)


def value_chain_matrix(store: Store, settings: Settings) -> list[MatrixRow]:
    """Municipalities by stages (canned query ``waardeketen-matrix``)."""
    result = run_canned_query("waardeketen-matrix", {}, store=store, settings=settings)
    return [
        MatrixRow(
            str(row["gemeente"]),
            str(row["naam"] or row["gemeente"]),
            tuple(int(row[column] or 0) for column, _, _, _ in MATRIX_COLUMNS),
            int(row["totaal"] or 0),
        )
        for row in result.records()
    ]


@dataclass(frozen=True)
class Node:
    """A node of the alignment view: a project or a goal, in a column."""

    iri: str
    label: str
    column: int
    example: bool = False


@dataclass(frozen=True)
class Alignment:
    """Projects → municipal goals → regional goals → provincial and national goals."""

    columns: tuple[tuple[str, str], ...]
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]


def alignment(data: MapData, store: Store) -> Alignment:
    """The alignment graph: each project to the goals it contributes to directly, and each
    goal that projects reach to the goals it aligns with (asserted, not the inferred
    closure)."""
    column_of = {"gemeente": 1, "regio": 2, "provincie": 3, "rijk": 3}
    edges: list[tuple[str, str]] = []
    for project in data.projects:
        edges.extend((project.iri, goal) for goal in project.goals)
    rows = store.query(ALIGNMENTS).rows()
    edges.extend(sorted({(str(row["from"]), str(row["to"])) for row in rows}))
    # Only what projects reach: a goal no project feeds (directly or through others) is left out.
    targets: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        targets[source].append(target)
    used = {p.iri for p in data.projects}
    frontier = list(used)
    while frontier:
        for target in targets[frontier.pop()]:
            if target not in used:
                used.add(target)
                frontier.append(target)
    edges = [(source, target) for source, target in edges if source in used]
    nodes = [Node(p.iri, p.nl, 0, p.example) for p in data.projects if p.goals]
    goals = [
        Node(c.iri, c.nl, column_of[c.level or "gemeente"], c.example)
        for c in data.concepts.values()
        if c.level and c.iri in used
    ]
    nodes.extend(sorted(goals, key=lambda n: (n.column, n.label.casefold())))
    known = {n.iri for n in nodes}
    columns = (
        ("Projecten", "Projects"),
        ("Gemeentelijke doelen", "Municipal goals"),
        ("Regionale doelen", "Regional goals"),
        ("Provinciale en nationale doelen", "Provincial and national goals"),
    )
    return Alignment(
        columns,
        tuple(nodes),
        tuple(e for e in dict.fromkeys(edges) if e[0] in known and e[1] in known),
    )
