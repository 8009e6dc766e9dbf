"""Targets typed and their quality measured, on the warehouse built from the sample book."""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb

# Counted on the seed document (242 indicators, 484 targets); each flag was checked by hand.
TARGET_KINDS = {"quantity": 225, "qualitative": 127, "percent": 100, "frequency": 22, "deadline": 8, "amount": 2}
FLAGS = {
    "qualitative_only": 60,
    "target_repeats_name": 8,
    "period_annual_differ": 8,
    "unit_contradicts_name": 2,
    "number_without_unit": 9,
    "level1_code_mismatch": 2,
    "satisfaction_below_80": 0,
    "deadline_outside_fiscal_year": 1,
    "no_satisfaction_indicator": 23,
    "no_output_indicator": 0,
    "fewer_than_3_indicators": 0,
    "duplicate_goal_text": 10,
    "goal_names_other_district": 2,
}
# The simple printed forms, parsed independently of the SQL: [≧|近]number[unit].
SIMPLE_TARGET = re.compile(
    r"^(?P<op>≧|近)?(?P<value>\d+)(?P<unit>%|次|人次|家次|个|人|元|小时|处|宗|场|分|面|片|件|户|家|年)?$"
)
OPERATORS = {None: "=", "≧": ">=", "近": "~"}


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def test_every_target_has_a_kind(warehouse: duckdb.DuckDBPyConnection) -> None:
    kinds = rows(
        warehouse,
        "select kind, count(*) from (select period_target_kind as kind from marts.fct_performance_indicator "
        "union all select annual_target_kind from marts.fct_performance_indicator) group by kind",
    )
    assert dict(kinds) == TARGET_KINDS
    assert sum(TARGET_KINDS.values()) == 2 * 242


def test_numeric_targets_have_operator_value_and_unit(warehouse: duckdb.DuckDBPyConnection) -> None:
    parsed = rows(
        warehouse,
        "select period_target, period_target_operator, period_target_value, period_target_unit "
        "from marts.fct_performance_indicator union all "
        "select annual_target, annual_target_operator, annual_target_value, annual_target_unit "
        "from marts.fct_performance_indicator",
    )
    checked = 0
    for printed, operator, value, unit in parsed:
        match = SIMPLE_TARGET.match(printed)
        if match:
            assert (operator, value, unit) == (OPERATORS[match["op"]], Decimal(match["value"]), match["unit"]), printed
            checked += 1
    assert checked == 323


def test_flags_fire_where_the_seed_has_the_problem(warehouse: duckdb.DuckDBPyConnection) -> None:
    counted = dict(rows(warehouse, "select flag_code, count(*) from marts.fct_indicator_quality_flag group by 1"))
    assert {code: counted.get(code, 0) for code in FLAGS} == FLAGS
    assert set(counted) <= set(FLAGS)


def test_name_copied_into_the_period_target(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The seed's 8: two projects whose 实施周期指标值 repeats the indicator name while 年度指标值 has the value."""
    flagged = rows(
        warehouse,
        "select p.project_name, i.annual_target from marts.fct_indicator_quality_flag f "
        "join marts.fct_performance_indicator i using (indicator_id) join marts.fct_project_budget p "
        "on p.project_id = f.project_id where f.flag_code = 'target_repeats_name' order by f.indicator_id",
    )
    assert flagged == [
        ("街道事业单位业务经费", "4次"),
        ("街道事业单位业务经费", "100次"),
        ("街道事业单位业务经费", "6次"),
        ("街道事业单位业务经费", "6次"),
        ("军人服务业务经费", "901人"),
        ("军人服务业务经费", "100%"),
        ("军人服务业务经费", "优"),
        ("军人服务业务经费", "≧95%"),
    ]


def test_goal_copied_from_another_district(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The detail quotes the goal as printed: it writes 宝安 and 大安, not 宝安区 and 大安区."""
    flagged = rows(
        warehouse,
        "select p.project_name, f.detail, p.goal_text from marts.fct_indicator_quality_flag f "
        "join marts.fct_project_budget p using (project_id) where f.flag_code = 'goal_names_other_district' "
        "order by p.project_id",
    )
    assert [row[:2] for row in flagged] == [
        ("安全监察防火安全生产等工作经费", "宝安"),
        ("街道党组织工作经费(荔湾区)", "大安"),
    ]
    assert all(detail in goal and detail + "区" not in goal for _, detail, goal in flagged)


def test_scores_per_project_and_document(warehouse: duckdb.DuckDBPyConnection) -> None:
    document = rows(
        warehouse,
        "select project_count, target_count, quantified_target_count, quantified_target_share, flag_count "
        "from marts.mart_document_target_quality",
    )
    assert document == [(53, 484, 357, Decimal("0.7376"), sum(FLAGS.values()))]
    projects = rows(
        warehouse,
        "select sum(flag_count), count(*), min(quantified_target_share) from marts.mart_project_target_quality",
    )
    assert projects[0][:2] == (sum(FLAGS.values()), 53)
    assert 0 <= projects[0][2] < 1
