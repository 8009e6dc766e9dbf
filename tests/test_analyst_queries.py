"""The README's queries for analysts run against the sample (with a synthetic next year) and its Parquet feeds."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO


def analyst_queries() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For analysts", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_readme_has_five_queries_for_analysts() -> None:
    assert len(analyst_queries()) == 5


@pytest.mark.parametrize("number", range(5))
def test_analyst_query_returns_rows(multi_year_warehouse: Path, monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    query = analyst_queries()[number]
    if "read_parquet" in query:
        monkeypatch.chdir(multi_year_warehouse.parent)  # feeds/ is beside the warehouse, as in the project
        connection = duckdb.connect()  # a fresh DuckDB: the feeds alone, no warehouse
    else:
        connection = duckdb.connect(str(multi_year_warehouse), read_only=True)
    with connection:
        rows = connection.execute(query).fetchall()
    assert rows
    if "read_parquet" in query:
        assert [row[:2] for row in rows] == [(2024, 53), (2025, 53)]
