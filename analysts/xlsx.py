"""The one kind of workbook jixiao publishes, written by XlsxWriter: sheets of a header row (bold, filled, each
cell with a comment) over rows of plain values, with a frozen header, filters, column widths and number formats.

XlsxWriter in ``constant_memory`` mode writes each row to a temporary file as soon as the next one starts, so a
fiscal year's all-department workbook (about a million cells at 1,000 books) takes no more memory than one row;
each value is written by the method for its type (never ``write``, which would read ``=…`` as a formula and
``http…`` as a link). What it costs a night is in docs/performance.md ("Scale").
"""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "#DDEBF7"
HEADER_STYLE = {"bold": True, "bg_color": HEADER_FILL, "valign": "vcenter"}
COMMENT_AUTHOR = "jixiao"
ZIP64_CELLS = 5_000_000  # more cells may pass 4 GiB of XML in one member: only such a workbook is ZIP64
MAX_STRING = 32_767  # Excel's limit on a cell's characters; XlsxWriter cuts a longer text there


class Column(TypedDict):
    header: str  # row 1
    comment: str  # the header cell's comment
    width: float  # in characters of the default font
    number_format: str | None  # for numbers in the column; dates get DATE_FORMAT


class Sheet(TypedDict):
    title: str  # at most 31 characters, none of []:*?/\
    columns: list[Column]
    rows: Sequence[Sequence[object]]


def write_cell(sheet: Worksheet, row: int, column: int, value: object, style: Format | None, date: Format) -> None:
    """Numbers as numbers, dates as Excel serial days, lists joined by 、, everything else as text."""
    if value is None:
        return
    if isinstance(value, str):
        sheet.write_string(row, column, value)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal) and math.isfinite(value):
        sheet.write_number(row, column, float(value) if isinstance(value, Decimal) else value, style)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, style or date)
    elif isinstance(value, list | tuple):
        sheet.write_string(row, column, "、".join(map(str, value)))
    else:  # NaN, infinities and anything else: as printed
        sheet.write_string(row, column, str(value))


def write_workbook(sheets: Sequence[Sheet], path: Path) -> None:
    """Write ``sheets`` (at least one) as an .xlsx file at ``path``.

    XlsxWriter keeps the rows and parts in temporary files beside ``path`` and zips the workbook in memory (about
    3 MB for a million cells), so a full disk is the plain ``OSError`` of a write, never XlsxWriter's wrapper of it
    (nor a half-written zip's complaint when it is collected)."""
    cells = sum(len(sheet["rows"]) * len(sheet["columns"]) for sheet in sheets)
    options = {
        "constant_memory": True,
        "tmpdir": str(path.parent),
        "remove_timezone": True,
        "use_zip64": cells > ZIP64_CELLS,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    packed = io.BytesIO()
    workbook = xlsxwriter.Workbook(packed, options)
    header = workbook.add_format(HEADER_STYLE)
    date = workbook.add_format({"num_format": DATE_FORMAT})
    formats: dict[str, Format] = {}
    for sheet in sheets:
        columns = sheet["columns"]
        styles = [
            formats.setdefault(c["number_format"], workbook.add_format({"num_format": c["number_format"]}))
            if c["number_format"]
            else None
            for c in columns
        ]
        worksheet = workbook.add_worksheet(sheet["title"])
        worksheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, column["width"])
            worksheet.write_string(0, index, column["header"], header)
            worksheet.write_comment(0, index, column["comment"], {"author": COMMENT_AUTHOR})
        worksheet.autofilter(0, 0, len(sheet["rows"]), len(columns) - 1)
        for number, row in enumerate(sheet["rows"], start=1):
            for index, value in enumerate(row):
                write_cell(worksheet, number, index, value, styles[index], date)
    try:
        workbook.close()  # the parts go through temporary files in tmpdir first
    except FileCreateError as error:  # XlsxWriter's wrapper of such a file's OSError
        raise error.args[0] from None
    path.write_bytes(packed.getvalue())
