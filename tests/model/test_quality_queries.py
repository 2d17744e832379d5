"""Quality checks: every ``queries/qc/*.rq`` returns no rows on the built store."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import load_settings
from tests.support import BuiltStore

QC_QUERIES = sorted((load_settings().root / "queries" / "qc").glob("*.rq"))


@pytest.mark.parametrize("path", QC_QUERIES, ids=[path.stem for path in QC_QUERIES])
def test_quality_query_returns_no_rows(built_store: BuiltStore, path: Path) -> None:
    rows = built_store.store.query(path.read_text(encoding="utf-8")).rows()
    shown = "\n".join(
        "  " + ", ".join(f"{name}={value}" for name, value in row.items()) for row in rows[:10]
    )
    assert rows == [], f"{path.name} returned {len(rows)} rows:\n{shown}"
