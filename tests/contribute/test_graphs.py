"""Contribution graph names (server.contribute.graphs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.contribute.graphs import CONTRIBUTIONS, ContributionGraph
from server.errors import InvalidRequest


def test_iri_file_and_back() -> None:
    graph = ContributionGraph.from_iri(CONTRIBUTIONS + "gm0599/haven-en-kades")
    assert graph == ContributionGraph("gm0599", "haven-en-kades")
    assert graph.relpath == "data/contributions/gm0599/haven-en-kades.ttl"
    assert graph.path(Path("/r")) == Path("/r/data/contributions/gm0599/haven-en-kades.ttl")
    assert ContributionGraph.from_relpath(graph.relpath) == graph
    assert graph.iri == CONTRIBUTIONS + "gm0599/haven-en-kades"


@pytest.mark.parametrize(
    "iri",
    ["https://w3id.org/regiograaf/graph/data/gemeenten", "http://example.org/x"],
)
def test_other_graphs_are_not_contributions(iri: str) -> None:
    assert ContributionGraph.from_iri(iri) is None


@pytest.mark.parametrize(
    "rest",
    ["gm0599", "gm0599/", "gm0599/Haven", "gm0599/a/b", "gm0599/a.ttl", "GM0599/a", "../a/b"],
)
def test_names_that_are_not_allowed_are_a_bad_request(rest: str) -> None:
    with pytest.raises(InvalidRequest):
        ContributionGraph.from_iri(CONTRIBUTIONS + rest)


@pytest.mark.parametrize(
    "relpath",
    ["data/gemeenten.ttl", "data/contributions/gm0599/sub/a.ttl", "data/contributions/a.ttl"],
)
def test_files_that_are_no_contribution_graph(relpath: str) -> None:
    assert ContributionGraph.from_relpath(relpath) is None
