"""The analysts' own tools on real warehouses: the DuckDB 1.x shell opens the warehouse and every mart and view,
the Excel workbooks hold exactly the marts' numbers, and the report loads in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from analysts import excel, report
from analysts import files as analyst_files
from common.dbt_project import project_vars
from extract import gate
from extract.data_docs import site_of
from extract.document import extract_document
from nightly import feeds as write_feeds
from tests.browser import Chromium
from tests.helpers import SAMPLE_PDF

REPO = Path(__file__).resolve().parents[1]
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")
SCREENSHOTS = REPO / "build" / "test-screenshots"
ZH_VIEW_SOURCES = {
    "项目": "fct_project_budget",
    "指标": "fct_performance_indicator",
    "质量问题": "fct_indicator_quality_flag",
    "同比": "mart_project_yoy",
    "资金使用单位": "dim_funding_unit",
    "文档": "dim_document",
    "项目质量": "mart_project_target_quality",
}
# sheet → (mart, key columns): the Excel round trip finds each sheet row's mart row by its ids.
SHEET_SOURCES = {
    "项目": ("fct_project_budget", ("project_id",)),
    "指标": ("fct_performance_indicator", ("indicator_id",)),
    "质量": ("fct_indicator_quality_flag", ("flag_id",)),
    "同比": ("mart_project_yoy", ("project_id", "prior_project_id")),
}


def cli(warehouse: Path, sql: str) -> subprocess.CompletedProcess:
    """The DuckDB shell from PyPI (duckdb-cli 1.x), read-only, CSV output."""
    return subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-csv", str(warehouse)], input=sql, capture_output=True, text=True, check=False
    )


def relations(warehouse: Path) -> dict[str, int]:
    """Every table and view of marts and marts_zh with its row count, as DuckDB 2.x sees them."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        names = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'marts_zh') order by all"
        ).fetchall()
        return {
            f'{schema}."{name}"': connection.execute(f'select count(*) from {schema}."{name}"').fetchone()[0]
            for schema, name in names
        }


# --- A warehouse every current DuckDB opens ---------------------------------------------------------------


def test_cli_is_a_1x_reader() -> None:
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1."), version


@pytest.mark.parametrize("fixture", ["sample_warehouse", "multi_year_warehouse"])
def test_1x_shell_reads_every_mart_and_view(fixture: str, request: pytest.FixtureRequest) -> None:
    warehouse = request.getfixturevalue(fixture)
    expected = relations(warehouse)
    assert {f'marts_zh."{name}"' for name in ZH_VIEW_SOURCES} <= set(expected)
    assert sum(name.startswith("marts.") for name in expected) >= 13  # every mart, not only the views
    for relation, count in expected.items():
        result = cli(warehouse, f"select * from {relation};")
        assert result.returncode == 0, f"{relation}: {result.stderr.strip()}"
        records = list(csv.reader(io.StringIO(result.stdout)))
        assert len(records) - 1 == count, relation  # every row (every column read) through the 1.x reader
    for view, mart in ZH_VIEW_SOURCES.items():
        assert expected[f'marts_zh."{view}"'] == expected[f'marts."{mart}"'], view


def test_chinese_views_answer_in_the_printed_tables_terms(multi_year_warehouse: Path) -> None:
    by_year = cli(
        multi_year_warehouse, "select 财年, count(*), sum(总计) from marts_zh.项目 group by 财年 order by 财年;"
    )
    by_status = cli(multi_year_warehouse, "select 变动类型, count(*) from marts_zh.同比 group by all order by all;")
    assert by_year.returncode == 0 and by_status.returncode == 0, by_year.stderr + by_status.stderr
    with duckdb.connect(str(multi_year_warehouse), read_only=True) as connection:
        years = connection.execute(
            "select fiscal_year, count(*), sum(total_amount) from marts.fct_project_budget group by all order by 1"
        ).fetchall()
        statuses = connection.execute(
            "select change_status, count(*) from marts.mart_project_yoy group by all"
        ).fetchall()
        labels = dict(
            connection.execute(
                "select code, label_zh from marts.dim_code_label where code_set = 'change_status'"
            ).fetchall()
        )
    labels[None] = "NULL"
    records = list(csv.reader(io.StringIO(by_year.stdout)))
    assert records[0] == ["财年", "count_star()", 'sum("总计")']
    assert [[y, n, Decimal(total)] for y, n, total in records[1:]] == [[str(y), str(n), total] for y, n, total in years]
    records = list(csv.reader(io.StringIO(by_status.stdout)))
    assert records[0] == ["变动类型", "count_star()"]
    assert sorted(records[1:]) == sorted([labels[status], str(n)] for status, n in statuses)


def test_warehouse_is_written_in_v1_2_storage_and_publishing_keeps_it(sample_warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(sample_warehouse), read_only=True) as connection:
        tags = connection.execute("select tags from duckdb_databases() where not internal").fetchone()[0]
    assert tags["storage_version"].startswith("v1.2.0"), tags
    # make build writes its build metadata into the file with a default DuckDB 2.x connection, then renames it.
    building, published = tmp_path / ".jixiao.duckdb.building", tmp_path / "jixiao.duckdb"
    shutil.copy(sample_warehouse, building)
    with duckdb.connect(str(building)) as connection:
        connection.execute("create table main.touched as select 1 as one")
    building.rename(published)
    result = cli(published, "select one from main.touched; select count(*) from marts_zh.项目;")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["one", "1", "count_star()", "53"]


def test_a_default_duckdb_2_file_is_what_1x_cannot_open(tmp_path: Path) -> None:
    """The control: without the storage setting, the 1.x shell refuses the file (why the setting exists)."""
    newest = tmp_path / "newest.duckdb"
    with duckdb.connect(str(newest)) as connection:
        connection.execute("create table t as select 1 as one")
    result = cli(newest, "select * from t;")
    assert result.returncode != 0
    assert "version" in result.stderr.lower()


# --- Excel ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbooks(multi_year_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("excel")
    written = excel.write_workbooks(multi_year_warehouse, folder)
    assert sorted(written) == sorted(p.name for p in folder.glob("*.xlsx"))
    return folder


def sheet_records(worksheet) -> tuple[list[str], list[tuple]]:
    """English column names (from the header comments) and the data rows of a sheet."""
    header = next(worksheet.iter_rows(min_row=1, max_row=1))
    english = [cell.comment.text for cell in header]
    return english, [row for row in worksheet.iter_rows(min_row=2, values_only=True)]


def test_one_workbook_per_department_year_and_per_year(workbooks: Path, multi_year_warehouse: Path) -> None:
    department = "广州市荔湾区人民政府多宝街道办事处"
    assert sorted(p.name for p in workbooks.glob("*.xlsx")) == [
        "2024_全部部门.xlsx",
        f"2024_{department}.xlsx",
        "2025_全部部门.xlsx",
        f"2025_{department}.xlsx",
    ]
    first = openpyxl.load_workbook(workbooks / f"2024_{department}.xlsx")
    later = openpyxl.load_workbook(workbooks / f"2025_{department}.xlsx")
    assert first.sheetnames == ["项目", "指标", "质量"]  # 2024 is the first loaded year: no 同比
    assert later.sheetnames == ["项目", "指标", "质量", "同比"]


def test_every_number_in_the_workbooks_is_the_marts(workbooks: Path, multi_year_warehouse: Path) -> None:
    compared = 0
    with duckdb.connect(str(multi_year_warehouse), read_only=True) as connection:
        for path in sorted(workbooks.glob("*.xlsx")):
            year, department = path.stem.split("_", 1)
            department_filter = "" if department == analyst_files.ALL_DEPARTMENTS else department
            workbook = openpyxl.load_workbook(path)
            for title in workbook.sheetnames:
                mart, keys = SHEET_SOURCES[title]
                english, rows = sheet_records(workbook[title])
                yoy = mart == "mart_project_yoy"  # the one sheet's mart with no document_id
                cursor = connection.execute(
                    f"select m.* from marts.{mart} m "
                    + (
                        "where m.prior_fiscal_year is not null"
                        if yoy
                        else "join marts.dim_document d using (document_id)"
                    )
                    + (" and " if yoy else " where ")
                    + f"m.fiscal_year = ? and (? = '' or {'m' if yoy else 'd'}.department_name = ?)",
                    [int(year), department_filter, department_filter],
                )
                columns = [c[0] for c in cursor.description]
                expected = {tuple(r[columns.index(k)] for k in keys): r for r in cursor.fetchall()}
                assert len(rows) == len(expected), (path.name, title)
                for row in rows:
                    record = expected[tuple(row[english.index(k)] for k in keys)]
                    for name, value in zip(english, row, strict=True):
                        truth = record[columns.index(name)] if name in columns else None
                        if isinstance(truth, Decimal | int) and not isinstance(truth, bool):
                            assert value is not None and Decimal(str(value)) == truth, (path.name, title, name)
                            compared += 1
                        elif truth is None and name in columns:
                            assert value is None, (path.name, title, name)
    assert compared > 5_000


# LibreOffice's CSV export: comma, double quote, UTF-8, from line 1, standard cells, values not as shown, every
# sheet to its own file (<workbook>-<sheet>.csv).
LIBREOFFICE_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def test_libreoffice_reads_every_workbook_as_openpyxl_does(workbooks: Path, tmp_path: Path) -> None:
    """Another reader than the one the writer was checked with: LibreOffice (headless, from Debian's
    libreoffice-calc-nogui, which `make test-deps` installs) opens every workbook, and every sheet it exports
    holds the same rows, texts and numbers openpyxl reads (the test above ties those to the marts)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is not installed: as root, apt-get install libreoffice-calc-nogui (make test-deps)"
    paths = sorted(workbooks.glob("*.xlsx"))
    profile = (tmp_path / "profile").as_uri()  # its own profile: no lock against another LibreOffice
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", LIBREOFFICE_CSV]
    done = subprocess.run(
        [*command, "--outdir", str(tmp_path), *map(str, paths)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    numbers = 0
    for path in paths:
        workbook = openpyxl.load_workbook(path)
        for title in workbook.sheetnames:
            with (tmp_path / f"{path.stem}-{title}.csv").open(encoding="utf-8", newline="") as handle:
                exported = list(csv.reader(handle))
            shown = [list(row) for row in workbook[title].iter_rows(values_only=True)]
            assert len(exported) == len(shown), (path.name, title)
            for row, cells in zip(shown, exported, strict=True):
                for value, text in zip(row, cells + [""] * (len(row) - len(cells)), strict=True):
                    if isinstance(value, bool) or value is None:
                        continue
                    if isinstance(value, int | float):
                        assert Decimal(text) == Decimal(str(value)), (path.name, title, value, text)
                        numbers += 1
                    elif isinstance(value, str):
                        assert text == value, (path.name, title, value, text)
    assert numbers > 1_000


def test_workbook_layout(workbooks: Path) -> None:
    worksheet = openpyxl.load_workbook(workbooks / "2025_全部部门.xlsx")["项目"]
    header = next(worksheet.iter_rows(min_row=1, max_row=1))
    assert [c.value for c in header][:6] == ["财年", "部门", "资金使用单位", "项目序号", "项目名称", "总计（万元）"]
    assert header[5].comment.text == "total_amount"
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == f"A1:{header[-1].column_letter}{worksheet.max_row}"
    total = next(worksheet.iter_rows(min_row=2, max_row=2))[5]
    assert total.data_type == "n" and total.number_format == "#,##0.00"
    name_width = worksheet.column_dimensions["E"].width
    longest = max(len(row[4]) for row in worksheet.iter_rows(min_row=2, values_only=True))
    assert 2 * longest <= name_width <= excel.DEFAULT_MAX_COLUMN_WIDTH
    assert worksheet.column_dimensions["A"].width < name_width


def test_a_sheet_past_the_row_limit_continues_on_the_next(multi_year_warehouse: Path, tmp_path: Path) -> None:
    excel.write_workbooks(multi_year_warehouse, tmp_path, max_sheet_rows=100)
    workbook = openpyxl.load_workbook(tmp_path / "2025_全部部门.xlsx")
    indicator_sheets = [name for name in workbook.sheetnames if name.startswith("指标")]
    assert indicator_sheets[:3] == ["指标", "指标 (2)", "指标 (3)"]
    rows = [row for name in indicator_sheets for row in sheet_records(workbook[name])[1]]
    assert all(workbook[name].max_row <= 100 for name in workbook.sheetnames)
    with duckdb.connect(str(multi_year_warehouse), read_only=True) as connection:
        ids = connection.execute(
            "select indicator_id from marts.fct_performance_indicator where fiscal_year = 2025 order by 1"
        ).fetchall()
    english = sheet_records(workbook["指标"])[0]
    assert sorted(row[english.index("indicator_id")] for row in rows) == [i for (i,) in ids]


@pytest.fixture(scope="module")
def changed_warehouse(multi_year_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The multi-year warehouse with one 2025 project re-priced: only 2025's department-year changed."""
    copy = tmp_path_factory.mktemp("changed") / "jixiao.duckdb"
    shutil.copy(multi_year_warehouse, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update marts.fct_project_budget set total_amount = total_amount + 1, fiscal_appropriation = "
            "fiscal_appropriation + 1 where project_id = (select max(project_id) from marts.fct_project_budget "
            "where fiscal_year = 2025 and total_amount = (select max(total_amount) from marts.fct_project_budget "
            "where fiscal_year = 2025))"
        )
    return copy


def test_only_changed_department_years_are_rewritten(
    multi_year_warehouse: Path, changed_warehouse: Path, tmp_path: Path
) -> None:
    department = "广州市荔湾区人民政府多宝街道办事处"
    assert len(excel.write_workbooks(multi_year_warehouse, tmp_path)) == 4
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.xlsx")}
    assert excel.write_workbooks(multi_year_warehouse, tmp_path) == []
    assert sorted(excel.write_workbooks(changed_warehouse, tmp_path)) == [
        "2025_全部部门.xlsx",
        f"2025_{department}.xlsx",
    ]
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.xlsx")}
    assert after[f"2024_{department}.xlsx"] == before[f"2024_{department}.xlsx"]
    assert after[f"2025_{department}.xlsx"] != before[f"2025_{department}.xlsx"]
    assert not list(tmp_path.glob(".*.partial"))


IN_2025 = "where document_id in (select document_id from marts.dim_document where fiscal_year = 2025)"


@pytest.mark.parametrize(
    ("change", "report_page", "workbooks"),
    [
        pytest.param(
            f"update marts.dim_funding_unit set unit_name = unit_name || '*' {IN_2025}", True, False, id="units"
        ),
        pytest.param(
            f"update marts.fct_project_budget set project_name = project_name || '*' {IN_2025}",
            True,
            True,
            id="projects",
        ),
        pytest.param(
            "update marts.mart_project_yoy set unit_name = unit_name || '*' where fiscal_year = 2025",
            True,
            True,
            id="yoy",
        ),
        pytest.param(
            f"update marts.fct_indicator_quality_flag set flag_description_zh = flag_description_zh || '*' {IN_2025}",
            True,
            True,
            id="flags",
        ),
        pytest.param(
            f"update marts.fct_performance_indicator set indicator_name = indicator_name || '*' {IN_2025}",
            False,
            True,
            id="indicators",
        ),
        pytest.param(
            f"update marts.mart_document_target_quality set target_count = target_count + 1 {IN_2025}",
            True,
            False,
            id="summary",
        ),
    ],
)
def test_whatever_a_file_shows_decides_whether_it_is_rewritten(
    change: str, report_page: bool, workbooks: bool, multi_year_warehouse: Path, tmp_path: Path
) -> None:
    """Each query a page or a sheet shows feeds the hash that decides whether it is rewritten (the hashes are
    computed in DuckDB, a query for all department-years at once): a change in any of them rewrites the 2025
    department-year's files, and only those."""
    changed = tmp_path / "changed.duckdb"
    shutil.copy(multi_year_warehouse, changed)
    with duckdb.connect(str(changed)) as connection:
        assert connection.execute(change).fetchone()[0] > 0
    excel.write_workbooks(multi_year_warehouse, tmp_path / "excel")
    report.write_report(multi_year_warehouse, tmp_path / "report")
    department = "广州市荔湾区人民政府多宝街道办事处"
    pages = set(report.write_report(changed, tmp_path / "report")) - {"index.html"}
    assert pages == ({f"2025_{department}.html"} if report_page else set())
    written = set(excel.write_workbooks(changed, tmp_path / "excel"))
    assert written == ({f"2025_{department}.xlsx", "2025_全部部门.xlsx"} if workbooks else set())


def test_a_renamed_column_rewrites_every_file_showing_it(multi_year_warehouse: Path, tmp_path: Path) -> None:
    """Row hashes cover values only: the columns' names and types are hashed too, so a header renamed (a label of
    var zh_column_labels) rewrites every workbook showing it, though no value changed."""
    changed = tmp_path / "changed.duckdb"
    shutil.copy(multi_year_warehouse, changed)
    with duckdb.connect(str(changed)) as connection:
        (definition,) = connection.execute(
            "select sql from duckdb_views() where schema_name = 'marts_zh' and view_name = '项目'"
        ).fetchone()
        renamed = definition.replace('project_name AS "项目名称"', 'project_name AS "项目名"')
        assert renamed != definition
        connection.execute(renamed.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
    excel.write_workbooks(multi_year_warehouse, tmp_path / "excel")
    report.write_report(multi_year_warehouse, tmp_path / "report")
    assert len(excel.write_workbooks(changed, tmp_path / "excel")) == 4  # 项目 is in every workbook
    assert openpyxl.load_workbook(tmp_path / "excel" / "2024_全部部门.xlsx")["项目"]["E1"].value == "项目名"
    assert report.write_report(changed, tmp_path / "report") == []  # the report does not read marts_zh


def test_a_department_year_that_left_the_warehouse_loses_its_files(
    multi_year_warehouse: Path, sample_warehouse: Path, tmp_path: Path
) -> None:
    excel.write_workbooks(multi_year_warehouse, tmp_path / "excel")
    report.write_report(multi_year_warehouse, tmp_path)
    assert len(list(tmp_path.glob("2025_*.html"))) == 1
    excel.write_workbooks(sample_warehouse, tmp_path / "excel")  # 2024 only
    report.write_report(sample_warehouse, tmp_path)
    assert sorted(p.name[:4] for p in (tmp_path / "excel").glob("*.xlsx")) == ["2024", "2024"]
    assert [p.name[:4] for p in tmp_path.glob("*_*.html")] == ["2024"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('2024_a/b\\c:d*e?f"g<h>i|j', "2024_a_b_c_d_e_f_g_h_i_j"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("部门. ", "部门"),
        ("[同比]", "_同比_"),
        ("x" * 300, "x" * analyst_files.DEFAULT_MAX_NAME_CHARS),
    ],
)
def test_file_and_sheet_names_are_safe_on_windows(text: str, expected: str) -> None:
    assert analyst_files.safe_name(text) == expected


# --- The report ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_dir(multi_year_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    report.write_report(multi_year_warehouse, folder)
    return folder


@pytest.fixture(scope="module")
def chromium():
    with Chromium() as browser:
        yield browser


def test_report_pages_load_in_headless_chromium_without_errors(report_dir: Path, chromium: Chromium) -> None:
    pages = sorted(report_dir.glob("*.html"))
    assert [p.name for p in pages][-1] == "index.html" and len(pages) == 3
    for page in pages:
        screenshot = SCREENSHOTS / f"{page.stem}.png"
        result = chromium.check(page.as_uri(), screenshot)
        assert result["failed_requests"] == [], page.name
        assert result["console_errors"] == [], page.name
        assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one
        print(f"screenshot: {screenshot}")


def test_the_browser_check_catches_a_failed_request_and_a_console_error(tmp_path: Path, chromium: Chromium) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text('<img src="missing.png"><script>console.error("boom")</script>', encoding="utf-8")
    result = chromium.check(broken.as_uri(), tmp_path / "broken.png")
    assert any("ERR_FILE_NOT_FOUND" in failure for failure in result["failed_requests"])
    assert any("boom" in error for error in result["console_errors"])
    assert any(url.endswith("/missing.png") for url in result["requests"])


def test_report_figures_are_the_marts(report_dir: Path, multi_year_warehouse: Path) -> None:
    index = (report_dir / "index.html").read_text(encoding="utf-8")
    assert "http://" not in index.replace('xmlns="http://www.w3.org/2000/svg"', "")
    with duckdb.connect(str(multi_year_warehouse), read_only=True) as connection:
        for year, department, printed, summed, projects in connection.execute(
            "select d.fiscal_year, d.department_name, d.total_amount, sum(p.total_amount), count(*) "
            "from marts.dim_document d join marts.fct_project_budget p using (document_id) group by all"
        ).fetchall():
            page = (report_dir / f"{year}_{department}.html").read_text(encoding="utf-8")
            assert f"<b>{printed:,.2f}</b><span>总计（万元，合计）</span>" in page, "the 合计 as printed"
            if summed != printed:  # the sample prints 3,473.60; its projects add up to 3,473.61
                assert f"合计按书中所印：{printed:,.2f} 万元；各项目之和 {summed:,.2f} 万元" in page
            assert f"<b>{projects}</b><span>项目数</span>" in page
            assert f'href="{year}_{department}.html"' in index
            for unit, amount in connection.execute(
                "select unit_name, total_amount from marts.dim_funding_unit where fiscal_year = ?", [year]
            ).fetchall():
                assert re.search(rf"<td>{re.escape(unit)}</td><td class=\"n\">{amount:,.2f}</td>", page), unit
        new, gone = connection.execute(
            "select count(*) filter (change_status = 'new'), count(*) filter (change_status = 'discontinued') "
            "from marts.mart_project_yoy where fiscal_year = 2025"
        ).fetchone()
    later = (report_dir / "2025_广州市荔湾区人民政府多宝街道办事处.html").read_text(encoding="utf-8")
    assert later.count("<tr><td>新增</td>") == new and later.count("<tr><td>取消</td>") == gone
    assert "无同比" in (report_dir / "2024_广州市荔湾区人民政府多宝街道办事处.html").read_text(encoding="utf-8")


def test_unchanged_report_pages_are_not_rewritten(
    multi_year_warehouse: Path, changed_warehouse: Path, tmp_path: Path
) -> None:
    assert len(report.write_report(multi_year_warehouse, tmp_path)) == 3
    assert report.write_report(multi_year_warehouse, tmp_path) == []
    written = report.write_report(changed_warehouse, tmp_path)
    # the index shows mart_department_year_summary, which the re-pricing left alone
    assert written == ["2025_广州市荔湾区人民政府多宝街道办事处.html"]


def test_what_analysts_read_says_its_unit_and_shows_no_code(workbooks: Path, multi_year_warehouse: Path) -> None:
    """As an analyst reads them: every marts_zh column's comment names the mart column and its unit, every coded
    column shows Chinese labels (no English code), and every workbook header of a column with a unit says it."""
    units, coded = project_vars()["zh_column_units"], project_vars()["zh_coded_columns"]
    labels, english = analyst_files.zh_labels(), analyst_files.english_names()
    with duckdb.connect(str(multi_year_warehouse), read_only=True) as connection:
        columns = connection.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts_zh'"
        ).fetchall()
        assert len(columns) > 50
        for view, column, comment in columns:
            name = english[column]
            assert comment == name + (f"（{units[name]}）" if name in units else "") + (
                "，中文标签" if name in coded else ""
            )
            if name in coded:
                values = connection.execute(f'select distinct "{column}" from marts_zh."{view}"').fetchall()
                assert all(not value.isascii() for (value,) in values if value is not None), (view, column, values)
    headers = 0
    for path in sorted(workbooks.glob("*.xlsx")):
        for worksheet in openpyxl.load_workbook(path):
            for cell in next(worksheet.iter_rows(min_row=1, max_row=1)):
                name = cell.comment.text
                assert name in labels, (path.name, worksheet.title, name)  # a mart column that exists
                assert cell.value == labels[name] + (f"（{units[name]}）" if name in units else "")
                headers += name in units
    assert headers > 20


def test_every_feed_reads_back_with_the_marts_column_types(sample_warehouse: Path) -> None:
    """The target-quality marts are fed too, and every feed read as docs/analysts.md says (the partition column
    typed as the marts type it) has each mart column under its mart type."""
    feeds = sample_warehouse.parent / "feeds"
    fed = write_feeds.fed_models(sample_warehouse.parent / "target" / "manifest.json")
    quality = {"fct_indicator_quality_flag", "mart_project_target_quality", "mart_document_target_quality"}
    assert quality <= {name for _, name in fed}
    with duckdb.connect(str(sample_warehouse), read_only=True) as connection:
        for schema, name in fed:
            mart = {row[0]: row[1] for row in connection.execute(f'describe "{schema}"."{name}"').fetchall()}
            typed = ", hive_types = {'fiscal_year': integer}" if "fiscal_year" in mart else ""
            source = f"read_parquet('{feeds / name}/**/*.parquet', hive_partitioning = true{typed})"
            feed = {row[0]: row[1] for row in connection.execute(f"describe select * from {source}").fetchall()}
            assert feed == mart, name


def test_the_quality_gates_data_docs_open_offline_from_the_reports_index(
    multi_year_warehouse: Path, tmp_path: Path, chromium: Chromium
) -> None:
    """The gate's Data Docs (the real gate run on the sample, as a build runs it) use only the site's own copies of
    their styles and scripts: no page asks anything of the network, and the report's index links to them."""
    reports = tmp_path / "reports"
    assert gate.validate([extract_document(SAMPLE_PDF)], reports) == []
    pages = sorted(site_of(reports).rglob("*.html"))
    assert len(pages) >= 3, "index, suites and validation results"
    report.write_report(multi_year_warehouse, reports)
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="gx/uncommitted/data_docs/local_site/index.html"' in index
    for page in pages:
        result = chromium.check(page.as_uri(), tmp_path / f"{page.stem}.png")
        remote = [url for url in result["requests"] if not url.startswith(("file:", "data:"))]
        assert remote == [] and result["failed_requests"] == [], (page.name, remote, result["failed_requests"])
        assert len(result["requests"]) > 10, "the page loads its styles and scripts"  # from the vendored copy
        assert result["console_errors"] == [], (page.name, result["console_errors"])
