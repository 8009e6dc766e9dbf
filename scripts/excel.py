"""Excel workbooks for the people who read budgets in Excel: one per department and fiscal year, and one per
fiscal year with every department, in ``EXCEL_DIR`` (``make excel``; ``make build`` writes them too).

Usage: python -m scripts.excel WAREHOUSE EXCEL_DIR

Sheets 项目 (projects with amounts), 指标 (indicators with typed targets), 质量 (quality flags) and 同比
(year-over-year changes, where the department has a prior loaded year) come from the marts_zh views through
the queries in report/queries/sheet_*.sql. Row 1 holds the Chinese column names, each with the English mart
column as its cell comment; amounts are numbers formatted ``#,##0.00``; the header row is frozen and filtered.
A sheet that would pass Excel's 1,048,576 rows continues on ``指标 (2)``, ``指标 (3)``…. A workbook is rewritten
only when the rows it shows changed (scripts.analysts.ChangedOnly).
"""

from __future__ import annotations

import datetime
import sys
import unicodedata
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypedDict

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scripts.analysts import (
    ChangedOnly,
    command_line,
    content_hash,
    department_years,
    english_names,
    file_stem,
    query,
    safe_name,
)

DEFAULT_MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header row included
DEFAULT_MAX_COLUMN_WIDTH = 60
DEFAULT_WIDTH_SAMPLE_ROWS = 2_000  # column widths are fitted to the header and this many rows
WORKBOOK_FORMAT = "jixiao-xlsx-1"  # part of every content hash: bump it when the layout below changes
SHEETS = (("项目", "sheet_projects"), ("指标", "sheet_indicators"), ("质量", "sheet_quality"), ("同比", "sheet_yoy"))
AMOUNT_COLUMNS = {
    "total_amount",
    "fiscal_appropriation",
    "special_account_funds",
    "other_funds",
    "prior_total_amount",
    "change_amount",
}
NUMBER_FORMATS = {"quantified_target_share": "0.0%", "change_pct": "0.00", "annual_target_value": "General"}
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


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
    if column in AMOUNT_COLUMNS:
        return AMOUNT_FORMAT
    return NUMBER_FORMATS.get(column)


def cell_value(value: object) -> object:
    """What openpyxl stores: amounts as numbers (never text), lists as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    return value


def write_workbook(sheets: list[Sheet], path: Path) -> None:
    workbook = Workbook(write_only=True)
    names = english_names()
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet["title"])
        english = [names.get(column, column) for column in sheet["columns"]]
        formats = [number_format(column) for column in english]
        sample = sheet["rows"][:DEFAULT_WIDTH_SAMPLE_ROWS]
        for index, column in enumerate(sheet["columns"], start=1):
            widths = [display_width(column)] + [display_width(row[index - 1]) for row in sample if row[index - 1]]
            width = min(DEFAULT_MAX_COLUMN_WIDTH, max(widths) + 2)
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        last = get_column_letter(len(sheet["columns"]))
        worksheet.auto_filter.ref = f"A1:{last}{len(sheet['rows']) + 1}"
        header = []
        for column, name in zip(sheet["columns"], english, strict=True):
            cell = WriteOnlyCell(worksheet, value=column)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center")
            cell.comment = Comment(name, "jixiao", width=200, height=40)
            header.append(cell)
        worksheet.append(header)
        for row in sheet["rows"]:
            cells = []
            for value, fmt in zip(row, formats, strict=True):
                cell = WriteOnlyCell(worksheet, value=cell_value(value))
                if fmt:
                    cell.number_format = fmt
                elif isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                cells.append(cell)
            worksheet.append(cells)
    workbook.save(path)


def write_workbooks(warehouse: Path, excel_dir: Path, max_sheet_rows: int = DEFAULT_MAX_SHEET_ROWS) -> list[str]:
    """Write every department-year's workbook and each year's all-department workbook whose rows changed;
    returns the names of the files written."""
    outputs = ChangedOnly(excel_dir)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        pairs = [(item["fiscal_year"], item["department_name"]) for item in department_years(connection)]
        years = sorted({year for year, _ in pairs})
        for fiscal_year, department_name in [*pairs, *((year, None) for year in years)]:
            sheets = split(read_sheets(connection, fiscal_year, department_name), max_sheet_rows)
            digest = content_hash([WORKBOOK_FORMAT, *((s["title"], s["columns"], s["rows"]) for s in sheets)])
            name = f"{file_stem(fiscal_year, department_name)}.xlsx"
            outputs.write(name, digest, partial(write_workbook, sheets))
    outputs.finish()
    print(f"excel: {len(outputs.written)} of {len(outputs.current)} workbooks written -> {excel_dir}")
    return outputs.written


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "excel", write_workbooks)


if __name__ == "__main__":
    sys.exit(main())
