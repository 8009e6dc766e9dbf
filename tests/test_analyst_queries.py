"""The documented queries for analysts answer their question on a warehouse of two departments over two years.

Each query is taken from docs/analysts.md as written and run on the `departments_warehouse` (the 2024 sample, the
synthetic 2025 edition, and both as a second department renamed between the years); its rows are compared with
rows worked out here from the books' JSON (the seed and synth.editions), not with the query's own output.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from synth.editions import (
    NEW_PROJECTS,
    OTHER_DEPARTMENT,
    RENAMED,
    next_year_edition,
    other_department_edition,
)
from tests.helpers import REPO

QUERY_TITLES = {
    "largest": "The ten largest projects",
    "indicators": "One project's indicators",
    "changes": "What changed from one year to the next",
    "satisfaction": "Satisfaction targets",
    "feeds": "The Parquet feeds",
}
INDICATORS_PROJECT = ("广州市荔湾区人民政府多宝街道办事处", 2024, "家庭综合服务中心经费")

# What a reader takes each printed satisfaction target (年度指标值) of the books to say: kind, operator, value.
SATISFACTION_TARGETS = {
    "≧90%": ("percent", ">=", 90),
    "≧95%": ("percent", ">=", 95),
    "≧80%": ("percent", ">=", 80),
    "95%": ("percent", "=", 95),
    "80%": ("percent", "=", 80),
    "达到95%以上": ("percent", ">=", 95),
    "群众对公共环境的满意度达95%以上": ("percent", ">=", 95),
    "满意": ("qualitative", None, None),
}


class Project(NamedTuple):
    fiscal_year: int
    department: str
    unit: str
    name: str
    occurrence: int
    total: Decimal
    indicators: list[dict]
    seq: int  # printed position within its unit (project_seq)


def analyst_queries() -> dict[str, list[str]]:
    """The SQL blocks of docs/analysts.md's "Queries" section, by the first words of the paragraph above each."""
    readme = (REPO / "docs" / "analysts.md").read_text(encoding="utf-8")
    section = readme.split("## Queries", 1)[1].split("\n## ", 1)[0]
    found: dict[str, list[str]] = {}
    for block in re.finditer(r"```sql\n(.*?)```", section, flags=re.S):
        lead = section[: block.start()].strip().split("\n\n")[-1]
        for key, title in QUERY_TITLES.items():
            if lead.startswith(title):
                found.setdefault(key, []).append(block.group(1))
    return found


def readme_query(key: str) -> str:
    return analyst_queries()[key][0]


def books(seed: dict) -> dict[tuple[str, int], dict]:
    """The four books of the warehouse by (canonical department, year), as typeset by the fixture."""
    next_year = next_year_edition(seed)
    own = seed["document"]["department"]
    return {
        (own, 2024): seed,
        (own, 2025): next_year,
        (OTHER_DEPARTMENT[1], 2024): other_department_edition(seed, OTHER_DEPARTMENT[0]),
        (OTHER_DEPARTMENT[1], 2025): other_department_edition(next_year, OTHER_DEPARTMENT[1]),
    }


def projects(book: dict) -> Iterator[Project]:
    for unit in book["units"]:
        seen: Counter[str] = Counter()
        for seq, project in enumerate(unit["projects"], start=1):
            seen[project["name"]] += 1
            yield Project(
                book["document"]["fiscal_year"],
                book["document"]["department"],
                unit["name"],
                project["name"],
                seen[project["name"]],
                Decimal(project["total"]),
                project["indicators"],
                seq,
            )


def percent_change(amount: Decimal, prior: Decimal) -> Decimal:
    return (100 * (amount - prior) / prior).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_changes(seed: dict) -> list[tuple]:
    """Each department's 2025 book against its 2024 book, paired the way the editions were made: the same unit
    (by position: the department's own unit is renamed with it), the name (or its RENAMED successor) and its
    occurrence. Rows: new, discontinued, changed, and renamed whatever the amount."""
    by_book = books(seed)
    inverse_renamed = {new: (old, method) for old, (new, method) in RENAMED.items()}
    rows = []
    for department in (seed["document"]["department"], OTHER_DEPARTMENT[1]):
        prior_book, book = by_book[(department, 2024)], by_book[(department, 2025)]
        prior_units = [unit["name"] for unit in prior_book["units"]]
        units = [unit["name"] for unit in book["units"]]
        prior_projects = {(prior_units.index(p.unit), p.name, p.occurrence): p for p in projects(prior_book)}
        printed_department = book["document"]["department"]
        for project in projects(book):
            old_name, method = inverse_renamed.get(project.name, (project.name, "exact_name"))
            prior = prior_projects.pop((units.index(project.unit), old_name, project.occurrence), None)
            if prior is None:
                rows.append((2025, printed_department, "new", False, project.unit, None, project.name, None,
                             project.total, project.total, None, None))  # fmt: skip
            elif prior.total != project.total or prior.name != project.name:
                status = "changed" if prior.total != project.total else "unchanged"
                rows.append((2025, printed_department, status, prior.name != project.name, project.unit, prior.name,
                             project.name, prior.total, project.total, project.total - prior.total,
                             percent_change(project.total, prior.total), method))  # fmt: skip
        for prior in prior_projects.values():
            rows.append((2025, printed_department, "discontinued", False, prior.unit, prior.name, None, prior.total,
                         None, -prior.total, Decimal("-100.00"), None))  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def marts(departments_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(departments_warehouse), read_only=True) as connection:
        yield connection


def test_readme_has_the_five_queries_for_analysts() -> None:
    assert {key: len(sqls) for key, sqls in analyst_queries().items()} == dict.fromkeys(QUERY_TITLES, 1)


def test_ten_largest_projects_of_the_latest_year(marts: duckdb.DuckDBPyConnection, seed: dict) -> None:
    rows = marts.execute(readme_query("largest")).fetchall()
    latest = [p for book in books(seed).values() for p in projects(book) if p.fiscal_year == 2025]
    ranked = sorted(latest, key=lambda p: (-p.total, p.department, p.unit, p.name))[:10]
    assert rows == [(p.fiscal_year, p.department, p.unit, p.name, p.total) for p in ranked]
    assert {row[1] for row in rows} <= {seed["document"]["department"], OTHER_DEPARTMENT[1]}


def test_one_projects_indicators_in_one_year(marts: duckdb.DuckDBPyConnection, seed: dict) -> None:
    """14 indicators, once: the project of one department in one year (not twice, as across two years)."""
    rows = marts.execute(readme_query("indicators")).fetchall()
    with (REPO / "seeds" / "reference" / "indicator_categories.csv").open(encoding="utf-8") as categories:
        level1_of = {row["level2_code"]: row["level1_name"] for row in csv.DictReader(categories)}
    department, year, name = INDICATORS_PROJECT
    (project,) = [p for p in projects(books(seed)[(department, year)]) if p.name == name]
    expected = []
    for indicator in project.indicators:
        number, unit = re.fullmatch(r"(\d+)(\D+)", indicator["annual_value"]).groups()  # the forms this project prints
        expected.append((year, indicator["seq"], level1_of[indicator["level2_code"]], indicator["level2_name"],
                         indicator["name"], indicator["annual_value"], "=", Decimal(number), unit))  # fmt: skip
    assert len(expected) == 14
    assert [(row[0], *row[2:]) for row in rows] == expected
    assert len({row[1] for row in rows}) == 1


def test_what_changed_lists_renames_per_department_and_year(marts: duckdb.DuckDBPyConnection, seed: dict) -> None:
    rows = marts.execute(readme_query("changes")).fetchall()
    expected = expected_changes(seed)
    assert Counter(rows) == Counter(expected)
    assert sum(1 for row in rows if row[3]) == 2 * len(RENAMED)  # renames are listed, in both departments
    assert sum(1 for row in rows if row[2] == "new") == 2 * len(NEW_PROJECTS)
    departments = [row[1] for row in rows]
    assert departments == sorted(departments, key=lambda name: name != seed["document"]["department"])


def test_satisfaction_targets_per_year_and_department(marts: duckdb.DuckDBPyConnection, seed: dict) -> None:
    """Counted per year and department: the ≧90% targets are 23 in each book, never 46 for two years together."""
    rows = marts.execute(readme_query("satisfaction")).fetchall()
    expected: Counter[tuple] = Counter()
    for book in books(seed).values():
        for project in projects(book):
            for indicator in project.indicators:
                if indicator["level2_code"] == "31":
                    kind, operator, value = SATISFACTION_TARGETS[indicator["annual_value"]]
                    value = None if value is None else Decimal(value)
                    expected[(project.fiscal_year, project.department, kind, operator, value)] += 1
    assert Counter({row[:-1]: row[-1] for row in rows}) == expected
    assert len(rows) == len(expected)
    assert expected[(2024, seed["document"]["department"], "percent", ">=", Decimal(90))] == 23
    order = [(row[0], row[1], -row[-1]) for row in rows]
    assert order == sorted(order)


def test_feeds_per_year_and_department(
    departments_warehouse: Path, monkeypatch: pytest.MonkeyPatch, seed: dict
) -> None:
    monkeypatch.chdir(departments_warehouse.parent)  # feeds/ is beside the warehouse, as in the project
    with duckdb.connect() as fresh:  # a fresh DuckDB: the feeds alone, no warehouse
        rows = fresh.execute(readme_query("feeds")).fetchall()
    expected = sorted(
        (year, book["document"]["department"], sum(1 for _ in projects(book)), sum(p.total for p in projects(book)))
        for (_, year), book in books(seed).items()
    )
    assert rows == expected


def target_quality_queries() -> list[str]:
    """The two queries of docs/analysts.md's "Target quality" section."""
    readme = (REPO / "docs" / "analysts.md").read_text(encoding="utf-8")
    section = readme.split("## Target quality", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    return [query for query in block.split(";") if query.strip()]


def test_target_quality_queries_per_year(marts: duckdb.DuckDBPyConnection, seed: dict) -> None:
    """At least 90% satisfaction, per year and department; the least measurable projects of one year only."""
    satisfaction, least_measurable = target_quality_queries()
    rows = marts.execute(satisfaction).fetchall()
    expected = Counter()
    for book in books(seed).values():
        for project in projects(book):
            for indicator in project.indicators:
                kind, operator, value = SATISFACTION_TARGETS.get(indicator["annual_value"], (None, None, None))
                if indicator["level2_code"] == "31" and kind == "percent" and operator in (">=", "=") and value >= 90:
                    key = (project.fiscal_year, project.department, project.unit, project.seq, project.name)
                    expected[(*key, indicator["name"], value)] += 1
    assert Counter(rows) == expected
    assert [row[:4] for row in rows] == sorted(row[:4] for row in rows)
    scores = marts.execute(least_measurable).fetchall()
    assert len(scores) == 10 and {row[0] for row in scores} == {2024}
    assert [row[3] for row in scores] == sorted(row[3] for row in scores)
