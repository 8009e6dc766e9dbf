"""Several editions and years in one warehouse: corrected editions replace, projects are matched across years."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from synth.editions import CHANGED_TARGET, CORRECTED, NEW_PROJECTS, OTHER_DEPARTMENT, REMOVED, RENAMED, REPRICED


@pytest.fixture(scope="module")
def years(multi_year_warehouse: Path) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(multi_year_warehouse), read_only=True) as connection:
        yield connection


def test_corrected_edition_replaces_the_original(years: duckdb.DuckDBPyConnection) -> None:
    documents = years.execute(
        "select source_file, fiscal_year, is_current_edition, replaced_by_document_id is not null "
        "from marts.dim_document order by source_file"
    ).fetchall()
    assert documents == [
        ("duobao_street_office_2024.pdf", 2024, False, True),
        ("duobao_street_office_2024_corrected.pdf", 2024, True, False),
        ("synthetic_duobao_street_office_2025.pdf", 2025, True, False),
    ]
    per_year = years.execute(
        "select fiscal_year, count(*), sum(total_amount) from marts.fct_project_budget group by 1 order by 1"
    ).fetchall()
    assert per_year == [(2024, 53, Decimal("3475.61")), (2025, 53, Decimal("3548.82"))]


def test_stable_ids_whatever_else_is_in_the_folder(
    years: duckdb.DuckDBPyConnection, warehouse: duckdb.DuckDBPyConnection
) -> None:
    """The 2024 sample built alone and built beside other files gives the same document id."""
    alone = warehouse.execute("select document_id from marts.dim_document").fetchall()
    beside = years.execute(
        "select document_id from marts.dim_document where source_file = 'duobao_street_office_2024.pdf'"
    ).fetchall()
    assert alone == beside


def test_every_change_of_the_synthetic_edition(years: duckdb.DuckDBPyConnection) -> None:
    """Everything but the exact-name unchanged projects: each change the fixture made, and nothing else."""
    rows = years.execute(
        "select change_status, match_method, prior_project_name, project_name from marts.mart_project_yoy "
        "where fiscal_year = 2025 and not (change_status = 'unchanged' and match_method = 'exact_name')"
    ).fetchall()
    repriced = {name for name, _ in REPRICED} | {CORRECTED[0]}
    expected = (
        [("changed", "exact_name", name, name) for name in repriced]
        + [("discontinued", None, name, None) for _, name in REMOVED]
        + [("new", None, None, spec["name"]) for spec in NEW_PROJECTS.values()]
        + [("unchanged", method, old, new) for old, (new, method) in RENAMED.items()]
    )
    assert sorted(rows, key=str) == sorted(expected, key=str)
    amounts = years.execute(
        "select prior_project_name, prior_total_amount, total_amount, change_amount from marts.mart_project_yoy "
        "where change_status in ('changed', 'discontinued') order by prior_project_name"
    ).fetchall()
    assert amounts == sorted(
        [
            ("人口监测经费", Decimal("0.44"), None, Decimal("-0.44")),
            ("康园工疗站经费", Decimal(CORRECTED[1]), Decimal("10.00"), Decimal("-2.00")),
            ("机构运行辅助经费", Decimal("10.50"), None, Decimal("-10.50")),
            ("环卫保洁类经费", Decimal("386.00"), Decimal("400.00"), Decimal("14.00")),
            ("社区办公经费", Decimal("41.35"), Decimal("45.00"), Decimal("3.65")),
        ]
    )


def test_repeated_names_are_matched_by_occurrence(years: duckdb.DuckDBPyConnection) -> None:
    pairs = years.execute(
        "select prior_total_amount, total_amount, change_status from marts.mart_project_yoy "
        "where fiscal_year = 2025 and project_name = '社区办公经费' order by prior_total_amount desc"
    ).fetchall()
    assert pairs == [(Decimal("50.00"), Decimal("50.00"), "unchanged"), (Decimal("41.35"), Decimal("45.00"), "changed")]


def test_status_counts_and_first_year(years: duckdb.DuckDBPyConnection) -> None:
    """The summary counts mart_project_yoy's statuses: in the first loaded year nothing is known to be new, so
    every count of movement is NULL, as the status is, not 0."""
    summary = years.execute(
        "select fiscal_year, prior_fiscal_year, project_count, new_project_count, discontinued_project_count, "
        "changed_project_count, unchanged_project_count, renamed_project_count "
        "from marts.mart_department_year_summary order by 1"
    ).fetchall()
    assert summary == [(2024, None, 53, None, None, None, None, None), (2025, 2024, 53, 2, 2, 3, 48, len(RENAMED))]
    agree = years.execute(
        "select s.fiscal_year, s.new_project_count, s.unchanged_project_count, s.renamed_project_count, "
        "count(*) filter (where y.change_status = 'new'), count(*) filter (where y.change_status = 'unchanged'), "
        "count(*) filter (where y.is_renamed), count(y.change_status) "
        "from marts.mart_department_year_summary s join marts.mart_project_yoy y using (canonical_department_name, "
        "fiscal_year) group by all order by 1"
    ).fetchall()
    assert agree == [(2024, None, None, None, 0, 0, 0, 0), (2025, 2, 48, 3, 2, 48, 3, 53 + 2)]


def test_renames_are_flagged_whatever_the_amount(years: duckdb.DuckDBPyConnection) -> None:
    renamed = years.execute(
        "select prior_project_name, project_name, match_method, change_status from marts.mart_project_yoy "
        "where is_renamed"
    ).fetchall()
    assert sorted(renamed) == sorted((old, new, method, "unchanged") for old, (new, method) in RENAMED.items())
    flags = years.execute(
        "select fiscal_year, is_renamed, count(*) from marts.mart_project_yoy group by all order by all"
    ).fetchall()
    assert flags == [(2024, None, 53), (2025, False, 55 - len(RENAMED)), (2025, True, len(RENAMED))]


def test_change_pct_is_exact_and_rounded_half_up(years: duckdb.DuckDBPyConnection) -> None:
    pcts = years.execute(
        "select prior_total_amount, total_amount, change_pct from marts.mart_project_yoy "
        "where change_status in ('changed', 'discontinued')"
    ).fetchall()
    assert pcts
    for prior, amount, pct in pcts:
        exact = 100 * ((amount or 0) - prior) / prior
        assert pct == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_renamed_department_is_followed_across_years(departments_warehouse: Path) -> None:
    """The second department prints its old name in 2024 and its new one in 2025 (a 机构改革 rename in
    seeds/reference/department_mapping.csv): its 2025 projects are compared with its 2024 ones, and the printed
    names stay."""
    with duckdb.connect(str(departments_warehouse), read_only=True) as connection:
        summary = connection.execute(
            "select department_name, canonical_department_name, fiscal_year, prior_fiscal_year, new_project_count, "
            "discontinued_project_count, changed_project_count, unchanged_project_count, renamed_project_count "
            "from marts.mart_department_year_summary where canonical_department_name = ? order by fiscal_year",
            [OTHER_DEPARTMENT[1]],
        ).fetchall()
        printed = connection.execute(
            "select distinct fiscal_year, department_name from marts.fct_project_budget "
            "where department_name in (?, ?) order by all",
            list(OTHER_DEPARTMENT),
        ).fetchall()
    old, new = OTHER_DEPARTMENT
    # the same changes as the sample department's (the second department is its books with other amounts)
    assert summary == [
        (old, new, 2024, None, None, None, None, None, None),
        (
            new,
            new,
            2025,
            2024,
            len(NEW_PROJECTS),
            len(REMOVED),
            len(REPRICED),
            53 - len(NEW_PROJECTS) - len(REPRICED),
            len(RENAMED),
        ),
    ]
    assert printed == [(2024, old), (2025, new)]


def test_changed_target(years: duckdb.DuckDBPyConnection) -> None:
    changes = years.execute(
        "select project_name, indicator_name, prior_annual_target, annual_target, prior_annual_target_value, "
        "annual_target_value from marts.mart_indicator_target_changes"
    ).fetchall()
    assert changes == [
        (CHANGED_TARGET[0], "对各社区外环境的消杀防控次数", "≧240次", CHANGED_TARGET[2], Decimal("240"), Decimal("260"))
    ]


def test_feeds_are_partitioned_by_year_and_read_by_a_fresh_duckdb(multi_year_warehouse: Path) -> None:
    feeds = multi_year_warehouse.parent / "feeds"
    assert sorted(p.name for p in (feeds / "mart_project_yoy").iterdir()) == ["fiscal_year=2024", "fiscal_year=2025"]
    with duckdb.connect() as fresh:
        yoy = fresh.execute(
            f"select fiscal_year, change_status, count(*) from read_parquet('{feeds}/mart_project_yoy/*/*.parquet', "
            "hive_partitioning = true) group by all order by all"
        ).fetchall()
        categories = fresh.execute(f"select count(*) from '{feeds}/dim_indicator_category/data.parquet'").fetchall()
    assert yoy == [
        (2024, None, 53),
        (2025, "changed", 3),
        (2025, "discontinued", 2),
        (2025, "new", 2),
        (2025, "unchanged", 48),
    ]
    reference = Path(__file__).resolve().parents[1] / "seeds" / "reference" / "indicator_categories.csv"
    assert categories == [(len(reference.read_text(encoding="utf-8").splitlines()) - 1,)]
