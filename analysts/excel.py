"""Excel workbooks for the people who read budgets in Excel: one per department and fiscal year, and one per
fiscal year with every department, in ``EXCEL_DIR`` (``make excel``; ``make build`` writes them too).

Usage: python -m analysts.excel WAREHOUSE EXCEL_DIR

Sheets 项目 (projects with amounts), 指标 (indicators with typed targets), 质量 (quality flags) and 同比
(year-over-year changes, where the department has a prior loaded year) come from the marts_zh views through
the queries in analysts/queries/sheet_*.sql. Row 1 holds the Chinese column names, each with the English mart
column as its cell comment; amounts are numbers formatted ``#,##0.00``; the header row is frozen and filtered.
A sheet that would pass Excel's 1,048,576 rows continues on ``指标 (2)``, ``指标 (3)``…. A workbook is rewritten
only when the rows it shows changed (analysts.files.ChangedOnly).
"""

from __future__ import annotations

import sys
import unicodedata
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypedDict

import duckdb

from analysts import xlsx
from analysts.files import (
    ChangedOnly,
    command_line,
    content_hash,
    department_years,
    english_names,
    file_stem,
    header,
    query,
    safe_name,
    shown_digests,
)
from common.dbt_project import project_vars

DEFAULT_MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header row included
DEFAULT_MAX_COLUMN_WIDTH = 60
DEFAULT_WIDTH_SAMPLE_ROWS = 2_000  # column widths are fitted to the header and this many rows
WORKBOOK_FORMAT = "jixiao-xlsx-3"  # part of every content hash: bump it when the layout below (or xlsx.py) changes
SHEETS = (("项目", "sheet_projects"), ("指标", "sheet_indicators"), ("质量", "sheet_quality"), ("同比", "sheet_yoy"))
YOY_AMOUNT_COLUMNS = {"prior_total_amount", "change_amount"}  # 同比's amounts beside var('amount_columns')
NUMBER_FORMATS = {"quantified_target_share": "0.00", "change_pct": "0.00", "annual_target_value": "General"}
AMOUNT_FORMAT = "#,##0.00"


class Sheet(TypedDict):
    title: str
    columns: list[str]  # Chinese names, as the marts_zh view calls them
    rows: list[tuple]


def read_sheets(connection: duckdb.DuckDBPyConnection, fiscal_year: int, department_name: str | None) -> list[Sheet]:
    """The sheets of one workbook; 同比 only when there is a prior year to compare with."""
    sheets = []
    parameters = {"fiscal_year": fiscal_year, "department_name": department_name}
    for title, name in SHEETS:
        cursor = connection.execute(query(name), parameters)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
        if rows or title != "同比":
            sheets.append(Sheet(title=title, columns=columns, rows=rows))
    return sheets


def split(sheets: list[Sheet], max_rows: int) -> list[Sheet]:
    """Sheets of at most ``max_rows`` rows, header included: a longer one continues on ``<title> (2)``…"""
    body = max_rows - 1
    parts = []
    for sheet in sheets:
        chunks = [sheet["rows"][start : start + body] for start in range(0, len(sheet["rows"]), body)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            title = sheet["title"] if number == 1 else f"{sheet['title']} ({number})"
            parts.append(Sheet(title=safe_name(title, 31), columns=sheet["columns"], rows=chunk))
    return parts


def display_width(value: object) -> int:
    """Characters an Excel column needs for a value: a CJK character takes two."""
    text = f"{value:,.2f}" if isinstance(value, Decimal | float) else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def number_format(column: str) -> str | None:
    if column in YOY_AMOUNT_COLUMNS or column in project_vars()["amount_columns"]:
        return AMOUNT_FORMAT
    return NUMBER_FORMATS.get(column)


def write_workbook(sheets: list[Sheet], path: Path) -> None:
    """One workbook: Chinese headers with their unit (总计（万元）) and the English mart column as their comment,
    widths fitted to the header and the first rows, amounts as numbers in ``#,##0.00``."""
    names = english_names()
    parts = []
    for sheet in sheets:
        sample = sheet["rows"][:DEFAULT_WIDTH_SAMPLE_ROWS]
        columns = []
        for index, name in enumerate(sheet["columns"]):
            english = names.get(name, name)
            shown = header(english) if name in names else name  # with its unit: 总计（万元）
            widths = [display_width(shown)] + [display_width(row[index]) for row in sample if row[index]]
            width = min(DEFAULT_MAX_COLUMN_WIDTH, max(widths) + 2)
            form = number_format(english)
            columns.append(xlsx.Column(header=shown, comment=english, width=width, number_format=form))
        parts.append(xlsx.Sheet(title=sheet["title"], columns=columns, rows=sheet["rows"]))
    xlsx.write_workbook(parts, path)


def write_workbook_of(
    connection: duckdb.DuckDBPyConnection, fiscal_year: int, department_name: str | None, max_rows: int, path: Path
) -> None:
    """The workbook of a department-year (``department_name`` None: of every department of the year)."""
    write_workbook(split(read_sheets(connection, fiscal_year, department_name), max_rows), path)


def write_workbooks(warehouse: Path, excel_dir: Path, max_sheet_rows: int = DEFAULT_MAX_SHEET_ROWS) -> list[str]:
    """Write every department-year's workbook and each year's all-department workbook whose rows changed;
    returns the names of the files written. What changed is found from hashes of the rows (one query per sheet
    for the whole warehouse), so only the workbooks written read their rows."""
    outputs = ChangedOnly(excel_dir)
    layout = [WORKBOOK_FORMAT, max_sheet_rows]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        shown = shown_digests(connection, [name for _, name in SHEETS], "财年", "部门")
        pairs = [(item["fiscal_year"], item["department_name"]) for item in department_years(connection)]
        for fiscal_year, department_name in pairs:
            digest = content_hash([*layout, shown.get((fiscal_year, department_name))])
            name = f"{file_stem(fiscal_year, department_name)}.xlsx"
            writer = partial(write_workbook_of, connection, fiscal_year, department_name, max_sheet_rows)
            outputs.write(name, digest, writer)
        for fiscal_year in sorted({year for year, _ in pairs}):
            # a year's workbook shows the rows of every department of the year: their hashes, in a fixed order
            departments = sorted((key[1] or "", value) for key, value in shown.items() if key[0] == fiscal_year)
            digest = content_hash([*layout, departments])
            writer = partial(write_workbook_of, connection, fiscal_year, None, max_sheet_rows)
            outputs.write(f"{file_stem(fiscal_year, None)}.xlsx", digest, writer)
    outputs.finish()
    print(f"excel: {len(outputs.written)} of {len(outputs.current)} workbooks written -> {excel_dir}")
    return outputs.written


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "excel", write_workbooks)


if __name__ == "__main__":
    sys.exit(main())
