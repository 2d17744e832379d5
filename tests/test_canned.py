"""Canned queries: the '#+' YAML header parsed into a frozen CannedQuery, errors with file:line,
and the example queries in queries/*.rq return rows on the real data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from server.canned import CannedQuery, CannedQueryError, load_canned_queries, parse_canned_query
from server.settings import load_settings
from tests.conftest import BuiltStore

QUERIES = load_settings().root / "queries"
EXAMPLES = (
    "doelen-zonder-aansluiting",
    "indirecte-bijdragen",
    "projecten-per-gemeente",
    "waardeketen-matrix",
)

GOOD = """\
#+ name: voorbeeld
#+ title:
#+   nl: Een voorbeeld
#+   en: An example
#+ description: Alleen Nederlands.
#+ tags: [a, b]
SELECT * WHERE { ?s ?p ?o }
"""


def test_header_is_parsed_into_a_frozen_dataclass() -> None:
    query = parse_canned_query(Path("queries/voorbeeld.rq"), GOOD)
    assert query.name == "voorbeeld"
    assert dict(query.title) == {"nl": "Een voorbeeld", "en": "An example"}
    assert query.title_in("en") == "An example"
    assert query.title_in("fr") == "Een voorbeeld"
    assert query.description_in("en") == "Alleen Nederlands."
    assert query.tags == ("a", "b")
    assert query.sparql == "SELECT * WHERE { ?s ?p ?o }\n"
    assert query.path == Path("queries/voorbeeld.rq")
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        query.title["nl"] = "changed"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("SELECT * WHERE { ?s ?p ?o }\n", 1, "no '#+' header"),
        ("#+ name: voorbeeld\n#+ title: [unclosed\nSELECT * {}\n", 2, "not valid YAML"),
        ("#+ name: voorbeeld\n#+ description: a: b\nSELECT * {}\n", 2, "not valid YAML"),
        ("#+ - just\n#+ - a list\nSELECT * {}\n", 1, "must be a YAML mapping"),
        ("#+ name: voorbeeld\n#+ titel: Typo\nSELECT * {}\n", 2, "unknown header key 'titel'"),
        ("#+ name: anders\nSELECT * {}\n", 1, "file is named 'voorbeeld.rq'"),
        ("#+ name: Voorbeeld Query\nSELECT * {}\n", 1, "lower-case words"),
        ("#+ name: voorbeeld\n#+ tags:\n#+   - 1\nSELECT * {}\n", 2, "'tags'"),
        ("#+ name: voorbeeld\n#+ title:\n#+   nl: [1]\nSELECT * {}\n", 2, "'title'"),
        ("#+ name: voorbeeld\n#+ title: Leeg\n\n", 3, "no SPARQL"),
        ("#+ name: voorbeeld\n#+title: x\nSELECT * {}\n", 2, "'#+ ' (then a space)"),
    ],
)
def test_broken_header_names_file_and_line(text: str, line: int, fragment: str) -> None:
    path = Path("queries/voorbeeld.rq")
    with pytest.raises(CannedQueryError) as caught:
        parse_canned_query(path, text)
    assert caught.value.path == path
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


def test_only_the_top_folder_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "qc").mkdir()
    (tmp_path / "qc" / "check.rq").write_text("not a canned query\n")
    (tmp_path / "b.rq").write_text("#+ title: B\nASK {}\n")
    (tmp_path / "a.rq").write_text("#+ title: A\nASK {}\n")
    assert [query.name for query in load_canned_queries(tmp_path)] == ["a", "b"]


def test_example_queries_have_full_headers() -> None:
    queries = {query.name: query for query in load_canned_queries(QUERIES)}
    assert set(EXAMPLES) <= set(queries)
    for name in EXAMPLES:
        query = queries[name]
        assert isinstance(query, CannedQuery)
        assert set(query.title) >= {"nl", "en"}, name
        assert set(query.description) >= {"nl", "en"}, name
        assert query.tags, name


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_query_returns_rows(built_store: BuiltStore, name: str) -> None:
    query = parse_canned_query(QUERIES / f"{name}.rq")
    rows = built_store.store.query(query.sparql).rows()
    assert rows, f"{name} returns no rows on the project data"
