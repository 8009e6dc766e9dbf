"""Every published format in one warehouse with the sample: the same projects, amounts and codes whatever the format.

The four formats' fixtures (synth/cards.py: the sample's projects typeset as project cards, split-value cards, an
indicator table and period cards, each under its own year) and the sample book are extracted from one folder by the
real extractor (python -m extract) and built by the real dbt project into ONE DuckDB file. The expectations are
computed from the content the fixtures were rendered from and from the sample seed: a card's indicator has the
level-2 code the packed sample prints for the same indicator. A sixth document, a copy of the project cards' raw
records under another year with one category name no reference seed knows, is held back by that name; a row of
seeds/reference/indicator_category_synonyms.csv (in a copy of the project) then releases it without a code change.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.seeds import BUILD_FILE_FIELDS, DOCUMENT_FIELDS
from synth import cards
from tests.fixtures.bad_files import without_the_table
from tests.helpers import SAMPLE_PDF, project_copy, run_dbt, run_extract

CONTENT = {
    "project_card": cards.project_card_content,
    "split_value_card": cards.split_value_card_content,
    "indicator_table": cards.indicator_table_content,
    "period_card": cards.period_card_content,
    "national_declaration": cards.national_declaration_content,
    "shanghai_form": cards.shanghai_form_content,
    "county_form": cards.county_form_content,
}
PRINTS_PERIOD_VALUES = ("national_declaration", "county_form")  # 中期指标值 beside 年度指标值, or two grids
PRINTS_PERIOD_FIGURES = ("national_declaration", "shanghai_form", "county_form")  # the period's goal (and amounts)
WITHOUT_THE_TABLE = "whole_department_only.pdf"  # a budget book with no project performance-target table
PRINTS_WEIGHTS = ("split_value_card", "indicator_table")
UNKNOWN_NAME = "社会影响指标"  # a level-2 name under 效益指标 that neither reference seed lists
UNKNOWN_YEAR = "2019"
UNKNOWN_DOCUMENT = "0123456789ab2019"
PART_ABOVE_YEAR = "2017"  # a copy of the national template's book with a 其中 above its total
PART_ABOVE_DOCUMENT = "0123456789ab2017"
COPIES = (int(UNKNOWN_YEAR), int(PART_ABOVE_YEAR))  # the years of the copies, left out where a fixture is counted
SYNONYM = [UNKNOWN_NAME, "2", "22", "another printed name of 社会效益 (test)"]


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _raw_seeds(seed: dict, folder: Path, raw: Path) -> None:
    """The sample, the formats' fixtures and a budget book without the table in one folder through the real
    extractor (python -m extract): the book without the table is no refusal, the run exits 0."""
    pdf_dir = folder / "pdf"
    pdf_dir.mkdir()
    shutil.copy(SAMPLE_PDF, pdf_dir)
    for name, render in cards.RENDERERS.items():
        render(seed, pdf_dir / f"{name}_{cards.YEARS[name]}.pdf")
    without_the_table(seed, pdf_dir / WITHOUT_THE_TABLE)
    extracted = run_extract(pdf_dir, raw, folder / "reports")
    assert extracted.returncode == 0, extracted.stderr
    formats = [row[DOCUMENT_FIELDS.index("table_format")] for row in _read_csv(raw / "raw_documents.csv")[1:]]
    assert sorted(formats) == sorted(["packed_indicator_table", *cards.RENDERERS])
    assert len(_read_csv(raw / "raw_quarantine.csv")) == 1, "nothing refused"
    statuses = {row[0]: row[BUILD_FILE_FIELDS.index("status")] for row in _read_csv(raw / "raw_build_files.csv")[1:]}
    assert statuses[WITHOUT_THE_TABLE] == "no_table" and f"no table {pdf_dir / WITHOUT_THE_TABLE}: " in extracted.stdout


def _add_unknown_name_copy(raw: Path) -> None:
    """A copy of the project cards' records as another year's book whose first 社会效益 prints UNKNOWN_NAME."""
    documents = _read_csv(raw / "raw_documents.csv")
    header = documents[0]
    (card,) = [row for row in documents if row[header.index("table_format")] == "project_card"]
    copy = dict(zip(header, card, strict=True))
    copy.update(document_id=UNKNOWN_DOCUMENT, fiscal_year=UNKNOWN_YEAR, source_file=f"project_card_{UNKNOWN_YEAR}.pdf")
    copy.update(source_sha256=UNKNOWN_DOCUMENT * 4)
    _write_csv(raw / "raw_documents.csv", [*documents, [copy[f] for f in header]])
    for name in ("raw_table_rows", "raw_indicator_rows"):
        rows = _read_csv(raw / f"{name}.csv")
        copied = [[UNKNOWN_DOCUMENT, *row[1:]] for row in rows[1:] if row[0] == card[0]]
        if name == "raw_indicator_rows":
            level2 = rows[0].index("level2_name")
            first = next(row for row in copied if row[level2] == "社会效益")
            first[level2] = UNKNOWN_NAME
        _write_csv(raw / f"{name}.csv", rows + copied)


def _add_part_above_total_copy(raw: Path) -> tuple[str, str]:
    """A copy of the national template's records as another year's book whose first project prints a 其中 above
    its own total (as a real Shanghai card does). Returns the two printed numbers."""
    documents = _read_csv(raw / "raw_documents.csv")
    header = documents[0]
    (book,) = [row for row in documents if row[header.index("table_format")] == "national_declaration"]
    copy = dict(zip(header, book, strict=True))
    copy.update(document_id=PART_ABOVE_DOCUMENT, fiscal_year=PART_ABOVE_YEAR, source_sha256=PART_ABOVE_DOCUMENT * 4)
    copy.update(source_file=f"national_declaration_{PART_ABOVE_YEAR}.pdf")
    _write_csv(raw / "raw_documents.csv", [*documents, [copy[f] for f in header]])
    printed: tuple[str, str] = ("", "")
    for name in ("raw_table_rows", "raw_indicator_rows", "raw_row_fields"):
        rows = _read_csv(raw / f"{name}.csv")
        copied = [[PART_ABOVE_DOCUMENT, *row[1:]] for row in rows[1:] if row[0] == book[0]]
        if name == "raw_table_rows":
            total, fiscal = rows[0].index("total_amount"), rows[0].index("fiscal_appropriation")
            first = next(row for row in copied if row[rows[0].index("row_kind")] == "project")
            first[fiscal] = f"{Decimal(first[total].replace(',', '')) + Decimal('0.50'):.2f}"
            printed = (first[fiscal], first[total])
        _write_csv(raw / f"{name}.csv", rows + copied)
    return printed


def _fetch(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def formats_build(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Iterator[dict]:
    """One build of all formats with the sample (and the unknown-name copy); then the synonym added to the
    project copy's reference seed and the build run again. Yields the held-back state and the final warehouse."""
    folder = tmp_path_factory.mktemp("formats_warehouse")
    project = project_copy(folder)
    raw = project / "raw"
    _raw_seeds(seed, folder, raw)
    _add_unknown_name_copy(raw)
    part_above = _add_part_above_total_copy(raw)
    warehouse = folder / "jixiao.duckdb"
    built = run_dbt(["build", "--full-refresh"], raw, warehouse, folder, project=project)
    assert built.returncode == 0, built.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        held_back = {
            "quarantine": _fetch(
                connection,
                "select document_id, reason_code, subject, printed_value, disposition, reason "
                f"from marts.mart_quarantine where document_id = '{UNKNOWN_DOCUMENT}'",
            ),
            "documents": _fetch(connection, "select document_id from marts.dim_document"),
        }
    with (project / "seeds" / "reference" / "indicator_category_synonyms.csv").open("a", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(SYNONYM)
    # a changed reference seed is a full rebuild, as nightly/build.py decides it (its model fingerprint covers
    # seeds/reference): an incremental night recomputes only documents whose staged record changed
    rebuilt = run_dbt(["build", "--full-refresh"], raw, warehouse, folder, project=project)
    assert rebuilt.returncode == 0, rebuilt.stdout[-4000:]
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield {
        "held_back": held_back,
        "warehouse": connection,
        "built": built.stdout + rebuilt.stdout,
        "part_above": part_above,
    }
    connection.close()


@pytest.fixture(scope="module")
def marts(formats_build: dict) -> duckdb.DuckDBPyConnection:
    return formats_build["warehouse"]


def query(marts: duckdb.DuckDBPyConnection, sql: str, *parameters: object) -> list[tuple]:
    return marts.execute(sql, list(parameters)).fetchall()


def amount(text: str, scale: Decimal = Decimal(1)) -> Decimal:
    return Decimal(text.replace(",", "")) * scale if text else Decimal(0)


def scale_of(name: str) -> Decimal:
    return Decimal("0.0001") if name in cards.IN_YUAN else Decimal(1)


def level2_codes() -> dict[tuple[str, str], str]:
    """(level-1 name, level-2 name) → code, as seeds/reference/indicator_categories.csv names them."""
    path = Path(__file__).resolve().parents[1] / "seeds" / "reference" / "indicator_categories.csv"
    with path.open(encoding="utf-8") as handle:
        return {(row["level1_name"], row["level2_name"]): row["level2_code"] for row in csv.DictReader(handle)}


def expected_indicators(name: str, seed: dict) -> list[tuple]:
    """(project name, seq, level-2 code, indicator name) in print order: the code of a card's indicator is the code
    the packed sample prints for the same indicator of the same project; the placeholder 成本指标 is 14."""
    canonical = level2_codes()
    expected = []
    for printed, (_, project) in zip(CONTENT[name](seed), cards.selected(seed), strict=True):
        codes = defaultdict(set)
        for indicator in project["indicators"]:
            codes[indicator["name"]].add(indicator["level2_code"])
        named = [i for i in printed.indicators if i.name]  # the period card's template rows are no indicators
        for seq, indicator in enumerate(named, start=1):
            if indicator.name in codes:
                (code,) = codes[indicator.name]
            else:
                code = canonical[(indicator.level1, indicator.level2)]
            expected.append((printed.name, seq, code, indicator.name))
    return expected


def document_of(marts: duckdb.DuckDBPyConnection, name: str) -> str:
    """The document of the format's fixture (the unknown-name copy of the project cards is of another year)."""
    sql = "select document_id from marts.dim_document where table_format = ? and fiscal_year = ?"
    [(document_id,)] = query(marts, sql, name, cards.YEARS[name])
    return document_id


def test_one_warehouse_holds_every_format_each_under_its_own_year(marts: duckdb.DuckDBPyConnection, seed: dict):
    rows = query(
        marts,
        "select table_format, fiscal_year, department_name, is_current_edition from marts.dim_document "
        "order by fiscal_year",
    )
    years = {name: year for name, year in cards.YEARS.items()}
    expected = [(name, year, seed["document"]["department"], True) for name, year in years.items()]
    expected += [("project_card", int(UNKNOWN_YEAR), seed["document"]["department"], True)]
    expected += [("national_declaration", int(PART_ABOVE_YEAR), seed["document"]["department"], True)]
    expected += [("packed_indicator_table", seed["document"]["fiscal_year"], seed["document"]["department"], True)]
    assert sorted(rows, key=lambda r: r[1]) == sorted(expected, key=lambda r: r[1])
    assert query(marts, "select count(*) from marts.mart_quarantine") == [(0,)]


def test_projects_and_amounts_are_those_printed_in_every_format(marts: duckdb.DuckDBPyConnection, seed: dict):
    got = query(
        marts,
        "select d.table_format, count(*), sum(p.total_amount) from marts.fct_project_budget p "
        "join marts.dim_document d using (document_id) where d.fiscal_year not in (?, ?) group by 1",
        *COPIES,
    )
    expected = {
        name: (len(content(seed)), sum(amount(p.total, scale_of(name)) for p in content(seed)))
        for name, content in CONTENT.items()
    }
    sample = [p for unit in seed["units"] for p in unit["projects"]]
    expected["packed_indicator_table"] = (len(sample), sum(amount(p["total"]) for p in sample))
    assert {name: (count, total) for name, count, total in got} == expected
    per_project = query(
        marts,
        "select p.project_name, p.total_amount, p.fiscal_appropriation, p.other_funds from marts.fct_project_budget p "
        "join marts.dim_document d using (document_id) where d.table_format = 'project_card' and d.fiscal_year = ? "
        "order by p.project_id",
        cards.YEARS["project_card"],
    )
    assert per_project == [
        (p.name, amount(p.total), amount(p.fiscal), amount(p.other) if p.other else None)
        for p in cards.project_card_content(seed)
    ]


@pytest.mark.parametrize("name", list(CONTENT))
def test_indicator_codes_come_from_the_printed_names(marts: duckdb.DuckDBPyConnection, seed: dict, name: str):
    rows = query(
        marts,
        "select p.project_name, i.indicator_seq, i.level2_code, i.indicator_name "
        "from marts.fct_performance_indicator i join marts.fct_project_budget p using (project_id) "
        "where i.document_id = ? order by i.indicator_id",
        document_of(marts, name),
    )
    assert rows == expected_indicators(name, seed)
    mismatched = query(
        marts,
        "select count(*) from marts.fct_performance_indicator i "
        "join marts.dim_indicator_category c using (level2_code) where i.level1_code != c.level1_code",
    )
    assert mismatched == [(0,)]


def test_a_level2_name_under_the_wrong_level1_is_repaired_and_flagged(marts: duckdb.DuckDBPyConnection, seed: dict):
    """The sample prints 效益指标 + 服务对象满意度 twice: in the packed table and in the formats that print it as it is
    (the period card's template has no such row, so it leaves it out), level 1 becomes 3 and the flag fires."""
    misplaced = {
        name: sum(
            1 for p in content(seed) for i in p.indicators if i.level1 == "效益指标" and i.level2.startswith("服务对象")
        )
        for name, content in CONTENT.items()
    }
    misplaced["packed_indicator_table"] = sum(
        1
        for unit in seed["units"]
        for p in unit["projects"]
        for i in p["indicators"]
        if i["level1_name"] == "效益指标" and i["level2_code"] == "31"
    )
    rows = query(
        marts,
        "select d.table_format, count(*) filter (where i.is_level1_code_repaired), "
        "count(*) filter (where i.is_level1_code_repaired and i.level1_code = '3' and i.printed_level1_code = '2'), "
        "(select count(*) from marts.fct_indicator_quality_flag f where f.document_id = d.document_id "
        "and f.flag_code = 'level1_code_mismatch') "
        "from marts.fct_performance_indicator i join marts.dim_document d using (document_id) "
        "where d.fiscal_year not in (?, ?) group by d.table_format, d.document_id",
        *COPIES,
    )
    assert {name: (n, n, n) for name, n in misplaced.items()} == {row[0]: row[1:] for row in rows}
    assert misplaced["project_card"] > 0 and misplaced["period_card"] == 0


def test_one_value_is_the_annual_target_and_weights_and_directions_are_kept(marts, seed: dict):
    for name, content in CONTENT.items():
        printed = [i for p in content(seed) for i in p.indicators if i.name]
        rows = query(
            marts,
            "select period_target, annual_target, weight, direction, annual_target_kind from "
            "marts.fct_performance_indicator where document_id = ? order by indicator_id",
            document_of(marts, name),
        )
        if name in PRINTS_PERIOD_VALUES:
            assert [row[0] for row in rows] == [i.period_value for i in printed], name
        else:
            assert [row[0] for row in rows] == [None] * len(printed), f"{name}: one value is never a period target"
        assert all(row[1] for row in rows) and all(row[4] for row in rows), name
        if name in PRINTS_WEIGHTS:
            assert [(row[2], row[3]) for row in rows] == [(Decimal(i.weight), i.direction) for i in printed], name
        else:
            assert {(row[2], row[3]) for row in rows} == {(None, None)}, name
            assert [row[1] for row in rows] == [i.value for i in printed], name
    packed = query(
        marts,
        "select count(*), count(period_target), count(weight) from marts.fct_performance_indicator i "
        "join marts.dim_document d using (document_id) where d.table_format = 'packed_indicator_table'",
    )
    count = sum(len(p["indicators"]) for unit in seed["units"] for p in unit["projects"])
    assert packed == [(count, count, 0)]


def test_split_cells_type_the_annual_target_without_reparsing(marts: duckdb.DuckDBPyConnection, seed: dict):
    """The serial date's cells give a deadline; a number with its unit cell gives value and unit as printed."""
    rows = query(
        marts,
        "select printed_target_operator, printed_target_value, printed_target_unit, annual_target_kind, "
        "annual_target_operator, annual_target_value, annual_target_unit, annual_deadline_date "
        "from marts.fct_performance_indicator where document_id = ? and printed_target_unit is not null "
        "order by indicator_id",
        document_of(marts, "split_value_card"),
    )
    printed = [i for p in cards.split_value_card_content(seed) for i in p.indicators if i.unit]
    assert len(rows) == len(printed) > 0
    operators = {"≧": ">=", "≥": ">=", "≤": "<=", "≦": "<=", "": "=", "=": "="}
    for row, i in zip(rows, printed, strict=True):
        assert (row[0], row[2]) == (i.operator or None, i.unit)
        if i.unit == cards.SERIAL_DATE[1]:
            assert (row[1], row[3], row[4], row[5], row[6]) == (cards.SERIAL_DATE[2], "deadline", "<=", None, None)
            assert str(row[7]) == cards.SERIAL_DATE[2]
        else:
            kind = "percent" if i.unit == "%" else "amount" if i.unit in ("元", "万元") else "quantity"
            assert row[3:7] == (kind, operators[i.operator], Decimal(i.target), i.unit)
    assert any(i.unit == cards.SERIAL_DATE[1] for i in printed)


def test_unit_totals_are_computed_where_no_unit_row_is_printed(marts: duckdb.DuckDBPyConnection, seed: dict):
    for name, content in CONTENT.items():
        rows = query(
            marts,
            "select unit_name, total_amount, is_total_printed, project_count from marts.dim_funding_unit "
            "where document_id = ? order by unit_seq",
            document_of(marts, name),
        )
        projects = content(seed)
        if name == "indicator_table":  # subtotal rows 820001-单位 are printed
            subtotals = cards.unit_subtotals(seed)
            expected = [
                (unit["name"], amount(total, scale_of(name)), True, sum(1 for p in projects if p.unit == unit["name"]))
                for (_, total), unit in zip(subtotals, seed["units"], strict=True)
            ]
        else:
            units: dict[str, list] = {}
            for p in projects:
                unit = p.department if name == "period_card" else p.unit
                units.setdefault(re.sub(r"^\(\d+\)", "", unit), []).append(p)
            expected = [
                (unit, sum(amount(p.total, scale_of(name)) for p in ps), False, len(ps)) for unit, ps in units.items()
            ]
        assert rows == expected, name
        document = query(
            marts,
            "select total_amount, is_total_printed from marts.dim_document where document_id = ?",
            document_of(marts, name),
        )
        assert document == [(sum(amount(p.total, scale_of(name)) for p in projects), False)], name
    sample = query(
        marts,
        "select bool_and(u.is_total_printed), bool_and(d.is_total_printed) from marts.dim_funding_unit u "
        "join marts.dim_document d using (document_id) where d.table_format = 'packed_indicator_table'",
    )
    assert sample == [(True, True)]


def test_only_printed_totals_are_reconciled(marts: duckdb.DuckDBPyConnection, seed: dict):
    """A card's 年度资金总额 = 财政拨款 + 其他资金 (+ 上年结转资金: one check per card); the indicator table's unit
    rows = their projects' 预算数; the period card prints one amount per project and nothing to check it against."""
    rows = query(
        marts,
        "select d.table_format, c.check_name, c.amount_column, count(*), bool_and(c.is_within_tolerance) "
        "from marts.mart_reconciliation c join marts.dim_document d using (document_id) "
        "where d.table_format != 'packed_indicator_table' and d.fiscal_year not in (?, ?) group by all",
        *COPIES,
    )
    cards_count = {name: len(content(seed)) for name, content in CONTENT.items()}
    row_checks = ("project_card", "split_value_card", "national_declaration", "shanghai_form", "county_form")
    assert sorted(rows) == sorted(
        [
            *((name, "row_total_equals_sources", "total_amount", cards_count[name], True) for name in row_checks),
            ("indicator_table", "unit_equals_sum_of_projects", "total_amount", len(seed["units"]), True),
        ]
    )


def test_quality_shares_count_only_printed_targets(marts: duckdb.DuckDBPyConnection, seed: dict):
    rows = query(
        marts,
        "select d.table_format, q.indicator_count, q.target_count, q.quantified_target_count "
        "from marts.mart_document_target_quality q join marts.dim_document d using (document_id) "
        "where d.fiscal_year not in (?, ?)",
        *COPIES,
    )
    for name, indicators, targets, quantified in rows:
        two_values = name in ("packed_indicator_table", *PRINTS_PERIOD_VALUES)
        assert targets == (2 * indicators if two_values else indicators), name
        assert 0 < quantified <= targets
    cards_only = {row[0]: row[3] / row[2] for row in rows if row[0] != "packed_indicator_table"}
    assert min(cards_only.values()) > Decimal("0.5"), "one value per indicator is not half unquantified"
    two_value_flags = query(
        marts,
        "select count(*) from marts.fct_indicator_quality_flag f join marts.dim_document d using (document_id) "
        "where d.table_format not in ? and f.flag_code in ('period_annual_differ', 'target_repeats_name')",
        ["packed_indicator_table", *PRINTS_PERIOD_VALUES],
    )
    assert two_value_flags == [(0,)]
    qualitative = query(
        marts,
        "select count(*) filter (where annual_target_kind = 'qualitative'), (select count(*) from "
        "marts.fct_indicator_quality_flag f where f.flag_code = 'qualitative_only' and f.document_id = ?) "
        "from marts.fct_performance_indicator where document_id = ?",
        document_of(marts, "project_card"),
        document_of(marts, "project_card"),
    )
    [(qualitative_targets, flags)] = qualitative
    assert flags == qualitative_targets > 0, "a flag on one qualitative value fires without a second value"


def test_year_over_year_works_across_formats(marts: duckdb.DuckDBPyConnection, seed: dict):
    """Project cards (2020) → split-value cards (2021) → indicator table (2022): the same units, names and amounts,
    so every project is unchanged although the formats differ."""
    for earlier, later in (("project_card", "split_value_card"), ("split_value_card", "indicator_table")):
        before = [(p.name, amount(p.total, scale_of(earlier))) for p in CONTENT[earlier](seed)]
        after = [(p.name, amount(p.total, scale_of(later))) for p in CONTENT[later](seed)]
        assert Counter(before) == Counter(after)
        rows = query(
            marts,
            "select change_status, count(*) from marts.mart_project_yoy where fiscal_year = ? group by 1",
            cards.YEARS[later],
        )
        assert rows == [("unchanged", len(after))], later


def test_an_unknown_category_name_holds_the_document_back_until_the_seed_names_it(formats_build: dict, seed: dict):
    held_back = formats_build["held_back"]
    [(document_id, reason_code, subject, printed_value, disposition, reason)] = held_back["quarantine"]
    assert (document_id, reason_code, subject, printed_value, disposition) == (
        UNKNOWN_DOCUMENT,
        "unknown_indicator_code",
        UNKNOWN_NAME,
        UNKNOWN_NAME,
        "held_back",
    )
    assert UNKNOWN_NAME in reason and "\n" not in reason
    assert (UNKNOWN_DOCUMENT,) not in held_back["documents"]
    assert len(held_back["documents"]) == len(CONTENT) + 2, "the other documents publish"
    marts = formats_build["warehouse"]
    released = query(
        marts,
        "select i.level1_code, i.level2_code, i.printed_level2_name from marts.fct_performance_indicator i "
        "where i.document_id = ? and i.printed_level2_name = ?",
        UNKNOWN_DOCUMENT,
        UNKNOWN_NAME,
    )
    assert released == [("2", "22", UNKNOWN_NAME)]
    same = query(
        marts,
        "select count(*), count(distinct document_id) from marts.fct_performance_indicator where document_id in (?, ?)",
        UNKNOWN_DOCUMENT,
        document_of_year(marts, cards.YEARS["project_card"]),
    )
    assert same[0][0] == 2 * len(expected_indicators("project_card", seed)) and same[0][1] == 2


def document_of_year(marts: duckdb.DuckDBPyConnection, year: int) -> str:
    return query(marts, "select document_id from marts.dim_document where fiscal_year = ?", year)[0][0]


@pytest.mark.parametrize("name", PRINTS_PERIOD_FIGURES)
def test_the_periods_figures_stand_beside_the_years(marts: duckdb.DuckDBPyConnection, seed: dict, name: str):
    """The national template's 中期, Shanghai's 项目 and the county's 长期 amounts and goal are the period's columns
    of fct_project_budget, their 年度 ones the year's (上年结转资金 and 自有资金 their own, parts of the year's
    total); their other fields (项目属性, 项目期, 项目性质, the plan's dates, the coded 主管部门, the money sentence)
    are rows of fct_project_field; a format printing one period has no period figures."""
    projects = query(
        marts,
        "select project_name, total_amount, fiscal_appropriation, other_funds, carryover_funds, own_funds, goal_text, "
        "period_total_amount, period_fiscal_appropriation, period_other_funds, period_goal_text "
        "from marts.fct_project_budget where document_id = ? order by project_id",
        document_of(marts, name),
    )
    content = CONTENT[name](seed)
    scale = scale_of(name)

    def printed(text: str) -> Decimal | None:
        return amount(text, scale) if text else None

    assert projects == [
        (
            *(p.name, amount(p.total, scale), amount(p.fiscal, scale), amount(p.other, scale)),
            *(printed(p.carryover), printed(p.own), p.goal),
            *(printed(p.period_total), printed(p.period_fiscal), printed(p.period_other), p.period_goal),
        )
        for p in content
    ]
    fields = query(
        marts,
        "select f.field_label, f.field_value, count(*) from marts.fct_project_field f "
        "where f.document_id = ? group by all order by all",
        document_of(marts, name),
    )
    kept = Counter(field for p in content for field in p.kept)
    labels = {label for label, _ in kept}
    assert {(label, value): count for label, value, count in fields if label in labels} == kept
    others = query(
        marts,
        "select count(*) from marts.fct_project_budget p join marts.dim_document d using (document_id) "
        "where d.table_format not in ? and (coalesce(p.period_total_amount, p.period_fiscal_appropriation, "
        "p.period_other_funds, p.carryover_funds, p.own_funds) is not null or p.period_goal_text is not null)",
        [*PRINTS_PERIOD_FIGURES, "period_card"],
    )
    assert others == [(0,)]
    period_goals = query(  # the period card's 实施期绩效目标, once only kept in the row's fields and lost
        marts,
        "select period_goal_text from marts.fct_project_budget where document_id = ? order by project_id",
        document_of(marts, "period_card"),
    )
    assert period_goals == [(p.period_goal,) for p in cards.period_card_content(seed)]


def test_a_part_above_its_total_publishes_the_project_with_a_flag_naming_both(formats_build: dict):
    """A card's 其中 above its own 总计 no longer holds the book back: the document publishes, the row check says
    so, and the project carries the quality flag part_above_total with both printed numbers."""
    marts = formats_build["warehouse"]
    fiscal, total = formats_build["part_above"]
    assert query(marts, "select count(*) from marts.mart_quarantine where document_id = ?", PART_ABOVE_DOCUMENT) == [
        (0,)
    ]
    checks = query(
        marts,
        "select is_within_tolerance, is_part_above_total, printed_amount, largest_part from marts.mart_reconciliation "
        "where document_id = ? and not is_within_tolerance",
        PART_ABOVE_DOCUMENT,
    )
    assert checks == [(False, True, Decimal(total.replace(",", "")), Decimal(fiscal))]
    flags = query(
        marts,
        "select flag_scope, document_id, detail from marts.fct_indicator_quality_flag "
        "where flag_code = 'part_above_total'",
    )
    assert flags == [("project", PART_ABOVE_DOCUMENT, f"其中 {fiscal} > 总计 {total.replace(',', '')} 万元")]
