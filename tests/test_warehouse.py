"""The real dbt project on a real DuckDB file, built from the sample PDF: the marts equal the seed."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.helpers import SAMPLE_PDF, raw_seeds_dir, run_dbt


def query(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.sql(sql).fetchall()


def money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def test_marts_are_built_into_schemas_named_exactly(warehouse: duckdb.DuckDBPyConnection) -> None:
    tables = set(query(warehouse, "select table_schema, table_name from information_schema.tables"))
    for mart in ("dim_document", "dim_funding_unit", "fct_project_budget", "fct_performance_indicator"):
        assert ("marts", mart) in tables
    assert ("marts", "dim_indicator_category") in tables
    assert ("marts", "mart_reconciliation") in tables
    assert ("staging", "stg_extract__table_rows") in tables


def test_document(warehouse: duckdb.DuckDBPyConnection, seed: dict) -> None:
    rows = query(
        warehouse,
        "select source_file, department_name, fiscal_year, table_title, amount_unit, total_amount, "
        "fiscal_appropriation, special_account_funds, other_funds from marts.dim_document",
    )
    doc = seed["document"]
    grand = doc["grand_total"]
    assert rows == [
        (
            SAMPLE_PDF.name,
            doc["department"],
            doc["fiscal_year"],
            doc["title"],
            doc["amount_unit"],
            *(money(grand[k]) for k in ("total", "fiscal_appropriation", "special_account", "other")),
        )
    ]


def test_funding_units(warehouse: duckdb.DuckDBPyConnection, seed: dict) -> None:
    rows = query(
        warehouse,
        "select unit_seq, unit_name, total_amount, fiscal_appropriation, special_account_funds, other_funds, "
        "project_count from marts.dim_funding_unit order by unit_seq",
    )
    assert rows == [
        (
            u["seq"],
            u["name"],
            *(money(u[k]) for k in ("total", "fiscal_appropriation", "special_account", "other")),
            len(u["projects"]),
        )
        for u in seed["units"]
    ]


def test_projects_equal_the_seed(warehouse: duckdb.DuckDBPyConnection, seed: dict) -> None:
    rows = query(
        warehouse,
        "select unit_name, project_seq, project_name, total_amount, fiscal_appropriation, special_account_funds, "
        "other_funds, goal_text, fiscal_year, department_name from marts.fct_project_budget "
        "order by funding_unit_id, project_seq",
    )
    want = [
        (
            u["name"],
            p["seq"],
            p["name"],
            *(money(p[k]) for k in ("total", "fiscal_appropriation", "special_account", "other")),
            p["goal"],
            2024,
            seed["document"]["department"],
        )
        for u in seed["units"]
        for p in u["projects"]
    ]
    assert len(rows) == len(want) == 53
    for got, expected in zip(rows, want, strict=True):
        assert got == expected


def test_indicators_equal_the_seed(warehouse: duckdb.DuckDBPyConnection, seed: dict) -> None:
    """All 242 indicators, as printed; the level-1 code printed beside a 31 code is kept in printed_level1_*."""
    rows = query(
        warehouse,
        "select p.unit_name, p.project_seq, i.indicator_seq, i.printed_level1_code, i.printed_level1_name, "
        "i.level2_code, i.level2_name, i.indicator_name, i.period_target, i.annual_target "
        "from marts.fct_performance_indicator i join marts.fct_project_budget p using (project_id) "
        "order by p.funding_unit_id, p.project_seq, i.indicator_seq",
    )
    fields = ("seq", "level1_code", "level1_name", "level2_code", "level2_name", "name", "period_value", "annual_value")
    want = [
        (u["name"], p["seq"], *(i[k] for k in fields))
        for u in seed["units"]
        for p in u["projects"]
        for i in p["indicators"]
    ]
    assert len(rows) == len(want) == 242
    for got, expected in zip(rows, want, strict=True):
        assert got == expected


def test_level1_repaired_from_level2_code(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = query(
        warehouse,
        "select printed_level1_code, level1_code, level1_name, level2_code, indicator_name "
        "from marts.fct_performance_indicator where is_level1_code_repaired order by indicator_id",
    )
    assert rows == [("2", "3", "满意度指标", "31", "居民满意度")] * 2
    mismatched = query(
        warehouse,
        "select count(*) from marts.fct_performance_indicator i join marts.dim_indicator_category c "
        "using (level2_code) where i.level1_code != c.level1_code",
    )
    assert mismatched == [(0,)]


def test_total_amount_and_the_rounding_gap(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert query(warehouse, "select sum(total_amount) from marts.fct_project_budget") == [(Decimal("3473.61"),)]
    gap = query(
        warehouse,
        "select printed_amount, sum_of_parts, difference, addend_count, tolerance, is_within_tolerance "
        "from marts.mart_reconciliation where check_name = 'total_equals_sum_of_units' "
        "and amount_column = 'total_amount'",
    )
    assert gap == [(Decimal("3473.60"), Decimal("3473.61"), Decimal("-0.01"), 4, Decimal("0.020"), True)]
    assert query(warehouse, "select count(*) from marts.mart_reconciliation where not is_within_tolerance") == [(0,)]


def _edit_raw_rows(raw_seeds: Path, edit) -> Path:
    """A copy of the raw seeds with one edit applied to the table rows."""
    edited = raw_seeds_dir()
    shutil.copytree(raw_seeds, edited, dirs_exist_ok=True)
    path = edited / "raw_table_rows.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return edited


def _set_grand_total(rows: list[dict]) -> None:
    rows[0]["total_amount"] = rows[0]["fiscal_appropriation"] = "3,473.70"


def _unknown_level2_code(rows: list[dict]) -> None:
    rows[2]["indicator_text"] = rows[2]["indicator_text"].replace("11-数量指标", "15-数量指标", 1)


def _project_sources_disagree(rows: list[dict]) -> None:
    rows[2]["fiscal_appropriation"] = "16.50"


@pytest.mark.parametrize(
    ("edit", "failing_test"),
    [
        (_set_grand_total, "assert_totals_reconcile"),
        (_unknown_level2_code, "assert_indicator_codes_in_reference"),
        (_project_sources_disagree, "assert_totals_reconcile"),
    ],
    ids=["grand-total-gap-beyond-rounding", "unknown-level2-code", "row-total-not-sum-of-sources"],
)
def test_data_tests_catch_what_the_document_checks_hold_back(
    raw_seeds: Path, tmp_path: Path, edit, failing_test: str
) -> None:
    """The data tests on the marts bite: with the hold-back switched off (var hold_back_failing_documents), a
    document that fails a document check reaches the marts and the test guarding that check fails the build.
    (With the default, the document is held back and the build passes: tests/test_isolation.py.) The build is
    of that data test and what it reads, alone (the whole project's build and tests: sample_warehouse)."""
    edited = _edit_raw_rows(raw_seeds, edit)
    try:
        arguments = ["build", "--full-refresh", "--vars", "{hold_back_failing_documents: false}"]
        arguments += ["--select", f"+{failing_test}", "--indirect-selection", "empty"]
        result = run_dbt(arguments, edited, tmp_path / "jixiao.duckdb", tmp_path)
    finally:
        shutil.rmtree(edited)
    assert result.returncode != 0
    failures = [line for line in result.stdout.splitlines() if "FAIL" in line and failing_test in line]
    assert failures, result.stdout[-3000:]


def test_every_mart_and_column_is_described_in_duckdb(warehouse: duckdb.DuckDBPyConnection) -> None:
    undescribed_tables = query(
        warehouse, "select table_name from duckdb_tables() where schema_name = 'marts' and comment is null"
    )
    undescribed = query(
        warehouse,
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' and comment is null",
    )
    assert undescribed_tables == [] and undescribed == []


def test_docs_site_builds_offline(sample_warehouse: Path, raw_seeds: Path, tmp_path: Path) -> None:
    """`make docs`: the dbt docs site as one static HTML file, from the built warehouse, no network needed."""
    copy = shutil.copy(sample_warehouse, tmp_path / "jixiao.duckdb")  # other tests hold the original open
    result = run_dbt(["docs", "generate", "--static"], raw_seeds, copy, tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    site = (tmp_path / "target" / "static_index.html").read_text(encoding="utf-8")
    assert "model.jixiao.fct_project_budget" in site and "model.jixiao.mart_project_yoy" in site
