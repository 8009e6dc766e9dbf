"""One bad book never stops the others: document checks in dbt hold a document back with every reason, while
the good documents publish and `dbt build` exits 0 (issue 9, "Isolate documents, not builds").

One warehouse, built once: the sample, books rendered with one anomaly each (synth/anomalies.py), a rendered
150-unit book, and the raw seeds of a 150-unit, 2,000-project document (synth/big_book.py) fed to dbt directly.
The project is a copy whose reviewed seeds an operator has edited: one document's grand-total gap accepted, one
misprinted amount corrected, and one new level-2 code (16) added to the indicator framework.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from synth import anomalies
from synth.big_book import big_book, raw_seed_rows
from synth.budget_book import Layout, render_book
from tests.helpers import REPO, SAMPLE_PDF, project_copy, run_dbt, run_extract

SAMPLE = SAMPLE_PDF.name
YUAN = "caihong_in_yuan_2024.pdf"
FLAGGED = "nanyuan_without_indicators_2024.pdf"
UNKNOWN_CODE = "xicun_unknown_code_2024.pdf"
NEW_CODE = "zhanqian_new_code_2024.pdf"
UNITS_OFF = "fengyuan_units_not_adding_up_2024.pdf"
RELEASED = "longjin_grand_total_accepted_2024.pdf"
CORRECTED = "hualin_corrected_2024.pdf"
WIDE = "sports_150_units_2024.pdf"
BIG = "education_2000_projects_2024.pdf"
BIG_ID = "b1gb00k000002000"
PUBLISHED = {SAMPLE, YUAN, FLAGGED, NEW_CODE, RELEASED, CORRECTED, WIDE, BIG}
HELD_BACK = {UNKNOWN_CODE, UNITS_OFF}
SEED_INDICATORS = 242


def _render(seed: dict, pdf_dir: Path) -> None:
    shutil.copy(SAMPLE_PDF, pdf_dir / SAMPLE)
    books = {
        YUAN: anomalies.in_yuan(seed, "彩虹"),
        FLAGGED: anomalies.without_indicators_and_goal(seed, "南源"),
        UNKNOWN_CODE: anomalies.indicator_code(seed, "西村", "15"),
        NEW_CODE: anomalies.indicator_code(seed, "站前", "16"),
        UNITS_OFF: anomalies.unit_total_off(seed, "逢源"),
        RELEASED: anomalies.grand_total_off(seed, "龙津"),
        CORRECTED: anomalies.project_total_misprinted(seed, "华林", "61.56"),
        WIDE: big_book(units=150, projects=150, most_indicators=3, department="广州市荔湾区体育局"),
    }
    for name, book in books.items():
        # amounts in 元 are longer: a typesetter with wider amount columns
        layout = Layout(amount_width=8.5, indicator_width=42) if name == YUAN else Layout()
        render_book(book, pdf_dir / name, layout)


def _append_csv(path: Path, records: list[dict]) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(records[0])).writerows(records)


def _write_csv(path: Path, header: list[str], records: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(records)


def _document_ids(raw: Path) -> dict[str, str]:
    with (raw / "raw_documents.csv").open(encoding="utf-8", newline="") as handle:
        return {row["source_file"]: row["document_id"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="session")
def isolation(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Iterator[tuple]:
    """(connection, document ids by file, dbt build result): the whole set built once."""
    work = tmp_path_factory.mktemp("isolation")
    pdf_dir = work / "pdf"
    pdf_dir.mkdir()
    _render(seed, pdf_dir)
    (REPO / "build" / "tests").mkdir(parents=True, exist_ok=True)
    parent = Path(tempfile.mkdtemp(dir=REPO / "build" / "tests"))
    try:
        project = project_copy(parent)
        raw = project / "raw"
        extracted = run_extract(pdf_dir, raw, work / "reports")
        assert extracted.returncode == 0, extracted.stderr
        document, rows = raw_seed_rows(big_book(), BIG_ID, BIG)
        _append_csv(raw / "raw_documents.csv", [document])
        _append_csv(raw / "raw_table_rows.csv", rows)
        ids = _document_ids(raw)

        reference = project / "seeds" / "reference"
        _write_csv(
            reference / "accepted_discrepancies.csv",
            ["document_id", "check_name", "reason"],
            [[ids[RELEASED], "grand_total_mismatch", "checked against the printed book: 合计 is printed so"]],
        )
        _write_csv(
            reference / "corrections.csv",
            ["document_id", "row_number", "column_name", "corrected_value", "reason"],
            [[ids[CORRECTED], "3", "total_amount", "16.56", "misprint: the digits of 16.56 swapped"]],
        )
        with (reference / "indicator_categories.csv").open("a", encoding="utf-8") as handle:
            handle.write("1,产出指标,output,16,数量指标,quantity (second list)\n")

        warehouse = work / "jixiao.duckdb"
        built = run_dbt(["build", "--full-refresh"], raw, warehouse, work, project=project)
    finally:
        shutil.rmtree(parent)
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection, ids, built
    connection.close()


def query(isolation: tuple, sql: str, *parameters: object) -> list[tuple]:
    return isolation[0].execute(sql, list(parameters)).fetchall()


def test_dbt_build_passes_with_bad_books_in_the_folder(isolation: tuple) -> None:
    built = isolation[2]
    assert built.returncode == 0, built.stdout[-4000:]
    assert "ERROR=0" in built.stdout and "SKIP=0" in built.stdout


def test_good_documents_publish_with_exact_counts(isolation: tuple) -> None:
    ids = isolation[1]
    published = query(isolation, "select source_file from marts.dim_document order by source_file")
    assert {name for (name,) in published} == PUBLISHED
    counts = dict(
        query(
            isolation,
            "select d.source_file, count(p.project_id) from marts.dim_document d "
            "left join marts.fct_project_budget p using (document_id) group by 1",
        )
    )
    assert counts == {**dict.fromkeys(PUBLISHED - {WIDE, BIG}, 53), WIDE: 150, BIG: 2000}
    indicators = dict(query(isolation, "select document_id, count(*) from marts.fct_performance_indicator group by 1"))
    seed_like = PUBLISHED - {WIDE, BIG, FLAGGED}
    assert {name: indicators[ids[name]] for name in seed_like} == dict.fromkeys(seed_like, SEED_INDICATORS)
    first_project = query(
        isolation,
        "select count(*) from marts.fct_performance_indicator where document_id = ? and project_id like '%-u01-p001'",
        ids[SAMPLE],
    )[0][0]
    assert indicators[ids[FLAGGED]] == SEED_INDICATORS - first_project
    assert indicators[ids[WIDE]] == 150 * 3
    assert indicators[ids[BIG]] == 120 + 1999 * 3
    for table in ("fct_project_budget", "fct_performance_indicator", "dim_funding_unit", "mart_reconciliation"):
        held = query(
            isolation,
            f"select count(*) from marts.{table} where document_id in (?, ?)",
            ids[UNKNOWN_CODE],
            ids[UNITS_OFF],
        )
        assert held == [(0,)], table
    yoy = query(isolation, "select count(*) from marts.mart_project_yoy where project_id like ?", ids[UNITS_OFF] + "%")
    assert yoy == [(0,)]


def test_held_back_documents_have_every_reason(isolation: tuple, seed: dict) -> None:
    ids = isolation[1]
    reasons = query(
        isolation,
        "select source_file, document_id, stage, reason_code, page_number, row_number, subject, printed_value, "
        "computed_value, disposition from marts.mart_quarantine order by source_file, reason_code, reason",
    )
    unit = seed["units"][0]
    first_project = unit["projects"][0]
    unit_reason = (UNITS_OFF, ids[UNITS_OFF], "document_check", "unit_total_mismatch", 2, 2, unit["name"])
    code_reason = (UNKNOWN_CODE, ids[UNKNOWN_CODE], "document_check", "unknown_indicator_code", 2, 3, "15-数量指标")
    assert sorted(reasons, key=str) == sorted(
        [
            (*unit_reason, "2303.08", "2302.08", "held_back"),
            (*unit_reason, "2303.08", "2302.08", "held_back"),
            (*code_reason, "15", None, "held_back"),
        ],
        key=str,
    )
    lines = [reason for (reason,) in query(isolation, "select reason from marts.mart_quarantine order by reason")]
    assert lines == [
        "fiscal_appropriation of the funding unit is not the sum of its projects: printed 2303.08, computed 2302.08 "
        "万元 (tolerance 0.00)",
        "indicator 1 of project " + first_project["name"] + ": level-2 code 15 is not in "
        "seeds/reference/indicator_categories.csv",
        "total_amount of the funding unit is not the sum of its projects: printed 2303.08, computed 2302.08 万元 "
        "(tolerance 0.00)",
    ]


def test_accepted_discrepancy_publishes_with_the_flag(isolation: tuple) -> None:
    ids = isolation[1]
    flags = query(isolation, "select source_file, accepted_discrepancies from marts.dim_document order by 1")
    assert [row for row in flags if row[1] is not None] == [(RELEASED, "grand_total_mismatch")]
    gaps = query(
        isolation,
        "select amount_column, printed_amount, sum_of_parts, is_within_tolerance, is_accepted_discrepancy "
        "from marts.mart_reconciliation where document_id = ? and not is_within_tolerance order by 1",
        ids[RELEASED],
    )
    assert gaps == [
        ("fiscal_appropriation", Decimal("3473.70"), Decimal("3473.61"), False, True),
        ("total_amount", Decimal("3473.70"), Decimal("3473.61"), False, True),
    ]
    others = query(isolation, "select count(*) from marts.mart_reconciliation where is_accepted_discrepancy")
    assert others == [(2,)]


def test_correction_is_applied_before_the_checks_and_visible(isolation: tuple, seed: dict) -> None:
    ids = isolation[1]
    first_project = seed["units"][0]["projects"][0]
    corrections = query(
        isolation,
        "select document_id, table_row_number, row_kind, row_name, column_name, printed_value, corrected_value "
        "from marts.mart_corrections",
    )
    assert corrections == [(ids[CORRECTED], 3, "project", first_project["name"], "total_amount", "61.56", "16.56")]
    projects = query(
        isolation,
        "select project_name, total_amount, is_corrected, corrected_columns from marts.fct_project_budget "
        "where document_id = ? and (is_corrected or project_seq = 1) order by funding_unit_id",
        ids[CORRECTED],
    )
    assert projects[0] == (first_project["name"], Decimal("16.56"), True, "total_amount")
    assert [row[2] for row in projects] == [True] + [False] * (len(projects) - 1)
    assert query(
        isolation, "select corrected_row_count from marts.dim_document where document_id = ?", ids[CORRECTED]
    ) == [(1,)]


def test_book_properties_are_published_and_flagged(isolation: tuple) -> None:
    ids = isolation[1]
    flags = query(
        isolation,
        "select project_id, flag_code from marts.fct_indicator_quality_flag "
        "where flag_code in ('no_indicators', 'no_goal', 'unknown_level2_code') order by project_id",
    )
    doc = ids[FLAGGED]
    assert flags == [(f"{doc}-u01-p001", "no_indicators"), (f"{doc}-u01-p002", "no_goal")]


def test_a_new_code_in_the_reference_seed_releases_a_document(isolation: tuple) -> None:
    """Code 16 passes the gate (shape only) and, added to the copy's indicator_categories, publishes."""
    ids = isolation[1]
    codes = query(
        isolation,
        "select level2_code, level1_code from marts.fct_performance_indicator where document_id = ? "
        "and project_id like '%-u01-p001' and indicator_seq = 1",
        ids[NEW_CODE],
    )
    assert codes == [("16", "1")]


def test_amounts_in_yuan_are_converted_to_wan_yuan(isolation: tuple) -> None:
    ids = isolation[1]
    pairs = query(
        isolation,
        "select y.project_name, y.total_amount, s.total_amount, y.fiscal_appropriation, s.fiscal_appropriation "
        "from marts.fct_project_budget y join marts.fct_project_budget s "
        "on s.document_id = ? and y.document_id = ? and s.unit_name = y.unit_name and s.project_seq = y.project_seq",
        ids[SAMPLE],
        ids[YUAN],
    )
    assert len(pairs) == 53
    assert all(row[1] == row[2] and row[3] == row[4] for row in pairs)
    document = query(
        isolation, "select amount_unit, total_amount from marts.dim_document where document_id = ?", ids[YUAN]
    )
    assert document == [("元", Decimal("3473.61"))]
    types = query(
        isolation,
        "select distinct data_type from duckdb_columns() where schema_name = 'marts' "
        "and column_name in ('total_amount', 'fiscal_appropriation', 'special_account_funds', 'other_funds')",
    )
    assert types == [("DECIMAL(20,6)",)]


def test_ids_widen_beyond_todays_widths_and_never_collide(isolation: tuple) -> None:
    ids = isolation[1]
    big = ids[BIG]
    assert query(isolation, "select count(*) from marts.dim_funding_unit where funding_unit_id = ?", big + "-u150") == [
        (1,)
    ]
    assert query(
        isolation, "select count(*) from marts.fct_project_budget where project_id = ?", big + "-u01-p1200"
    ) == [(1,)]
    indicator = big + "-u01-p001-i120"
    assert query(
        isolation, "select count(*) from marts.fct_performance_indicator where indicator_id = ?", indicator
    ) == [(1,)]
    check = f"{big}-row_total_equals_sources-r2151-total_amount"
    assert query(isolation, "select count(*) from marts.mart_reconciliation where check_id = ?", check) == [(1,)]
    wide = query(
        isolation, "select count(*) from marts.dim_funding_unit where funding_unit_id = ?", ids[WIDE] + "-u150"
    )
    assert wide == [(1,)]
    for table, key in (
        ("dim_funding_unit", "funding_unit_id"),
        ("fct_project_budget", "project_id"),
        ("fct_performance_indicator", "indicator_id"),
        ("mart_reconciliation", "check_id"),
    ):
        assert query(isolation, f"select count(*) = count(distinct {key}) from marts.{table}") == [(True,)], table


def test_todays_ids_are_unchanged(isolation: tuple) -> None:
    """Up to today's widths the ids are exactly as before: -uNN, -pNNN, -iNN, -rNNN."""
    sample = isolation[1][SAMPLE]
    projects = query(
        isolation,
        "select count(*), count(*) filter (where regexp_full_match(project_id, ? || '-u\\d{2}-p\\d{3}')) "
        "from marts.fct_project_budget where document_id = ?",
        sample,
        sample,
    )
    assert projects == [(53, 53)]
    first = query(
        isolation,
        "select min(indicator_id), min(project_id) from marts.fct_performance_indicator where document_id = ?",
        sample,
    )
    assert first == [(f"{sample}-u01-p001-i01", f"{sample}-u01-p001")]
    checks = query(isolation, "select min(check_id) from marts.mart_reconciliation where document_id = ?", sample)
    assert checks == [(f"{sample}-row_total_equals_sources-r001-total_amount",)]


def test_gate_checks_shape_only_with_the_models_grammar(seed: dict) -> None:
    """The gate's cell pattern is built from the dbt var that int_indicators_split splits with; any digits are a
    level-2 code (codes are a document check in dbt), but a character outside an indicator still fails."""
    import re

    import yaml

    from extract.gate import indicator_cell_pattern
    from synth.budget_book import indicator_text

    grammar = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]["indicator_pattern"]
    split_model = (REPO / "models" / "intermediate" / "int_indicators_split.sql").read_text(encoding="utf-8")
    assert "var('indicator_pattern')" in split_model and "(\\d+)、" not in split_model
    pattern = indicator_cell_pattern()
    assert grammar in pattern
    cells = [indicator_text(p["indicators"]) for u in seed["units"] for p in u["projects"]]
    assert all(re.match(pattern, cell) for cell in cells)
    unknown = anomalies.indicator_code(seed, "西村", "15")["units"][0]["projects"][0]["indicators"]
    assert re.match(pattern, indicator_text(unknown))
    assert not re.match(pattern, cells[0] + "备注")
