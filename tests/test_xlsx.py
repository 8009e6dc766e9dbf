"""jixiao's own .xlsx writer (analysts/xlsx.py), read back by openpyxl and parsed part by part: every kind of value
the marts hold lands as Excel expects it (a text never read as a formula, a number or a link), the layout
(comments, frozen header, filters, widths, formats) survives the round trip, and openpyxl reads the same cells,
formats and layout from it as from XlsxWriter's workbook of the same sheets (the library as the reference; why jixiao
does not write with it: docs/performance.md, "Scale"). LibreOffice reads the published workbooks too
(tests/test_analyst_tools.py)."""

from __future__ import annotations

import datetime
import math
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter

from analysts import xlsx


def column(header: str, number_format: str | None = None, width: float = 10) -> xlsx.Column:
    return xlsx.Column(header=header, comment=f"english_{header}", width=width, number_format=number_format)


VALUES = [
    ("text", '项目 <a> & "b"', '项目 <a> & "b"'),
    ("formula-like", "=1+1", "=1+1"),
    ("number-like", "0012", "0012"),
    ("link-like", "http://example.org", "http://example.org"),
    ("spaces", "  padded  ", "  padded  "),
    ("control", "a\x01b", "a_x0001_b"),
    ("carriage return", "a\r\nb", "a_x000D_\nb"),  # XML reads a bare \r as \n: Excel's escape keeps it
    ("looks escaped", "_x0041_", "_x005F_x0041_"),  # Excel shows _x0041_, not A (openpyxl does not decode)
    ("integer", 240, 240),
    ("decimal", Decimal("3473.600000"), 3473.6),
    ("float", 0.125, 0.125),
    ("boolean", True, True),
    ("date", datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1)),
    ("datetime", datetime.datetime(2024, 3, 1, 12, 0), datetime.datetime(2024, 3, 1, 12, 0)),
    ("list", ["人次", "次"], "人次、次"),
    ("none", None, None),
    ("nan", float("nan"), "nan"),
]


SHEETS = [
    xlsx.Sheet(
        title="值",
        columns=[
            column(name, "#,##0.00" if name == "decimal" else None, 12 + i) for i, (name, _, _) in enumerate(VALUES)
        ],
        rows=[tuple(value for _, value, _ in VALUES), tuple(None for _ in VALUES)],
    ),
    xlsx.Sheet(title="指标 (2)'s", columns=[column("金额", "0.0%")], rows=[(0.5,)] * 3),
]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "values.xlsx"
    xlsx.write_workbook(SHEETS, path)
    return path


def write_with_xlsxwriter(sheets: list[xlsx.Sheet], path: Path) -> None:
    """The same sheets by XlsxWriter: each value by the method of its type (decimals as floats, lists joined
    and NaN as text first, as jixiao's writer documents), the header bold and filled, a comment a header cell."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), {"constant_memory": True, **options}) as book:
        header = book.add_format({"bold": True, "bg_color": "#" + xlsx.HEADER_FILL[2:], "valign": "vcenter"})
        date = book.add_format({"num_format": xlsx.DATE_FORMAT})
        for sheet in sheets:
            formats = [book.add_format({"num_format": c["number_format"]}) for c in sheet["columns"]]
            target = book.add_worksheet(sheet["title"])
            target.freeze_panes(1, 0)
            for index, name in enumerate(sheet["columns"]):
                target.write_string(0, index, name["header"], header)
                target.write_comment(0, index, name["comment"])
            target.autofilter(0, 0, len(sheet["rows"]), len(sheet["columns"]) - 1)
            for number, row in enumerate(sheet["rows"], start=1):
                for index, value in enumerate(row):
                    style = formats[index] if sheet["columns"][index]["number_format"] else None
                    if isinstance(value, Decimal):
                        value = float(value)
                    if isinstance(value, list) or (isinstance(value, float) and math.isnan(value)):
                        value = "、".join(value) if isinstance(value, list) else str(value)
                    if isinstance(value, str):
                        target.write_string(number, index, value)
                    elif isinstance(value, bool):
                        target.write_boolean(number, index, value)
                    elif isinstance(value, int | float):
                        target.write_number(number, index, value, style)
                    elif isinstance(value, datetime.date):
                        target.write_datetime(number, index, value, date)


def cells_as_read(path: Path) -> list[tuple]:
    """What openpyxl reads of every cell and sheet: value, type, format, font, fill, comment; panes, filters."""
    book = openpyxl.load_workbook(path)
    return [
        (
            sheet.title,
            sheet.freeze_panes,
            sheet.auto_filter.ref,
            [
                (
                    c.coordinate,
                    c.value,
                    c.data_type,
                    c.number_format,
                    c.font.b,
                    c.fill.fgColor.rgb,
                    c.comment and c.comment.text,
                )
                for row in sheet.iter_rows()
                for c in row
            ],
        )
        for sheet in book.worksheets
    ]


def test_openpyxl_reads_what_it_reads_from_xlsxwriters_workbook(workbook: Path, tmp_path: Path) -> None:
    reference = tmp_path / "xlsxwriter.xlsx"
    write_with_xlsxwriter(SHEETS, reference)
    assert cells_as_read(workbook) == cells_as_read(reference)


def test_every_kind_of_value_reads_back_as_excel_holds_it(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["值"]
    cells = next(sheet.iter_rows(min_row=2, max_row=2))
    for (name, _, expected), cell in zip(VALUES, cells, strict=True):
        assert cell.value == expected, name
    by_name = {name: cell for (name, _, _), cell in zip(VALUES, cells, strict=True)}
    assert by_name["decimal"].data_type == "n" and by_name["decimal"].number_format == "#,##0.00"
    assert by_name["integer"].data_type == "n" and by_name["integer"].number_format == "General"
    assert by_name["date"].number_format == xlsx.DATE_FORMAT
    for name in ("text", "formula-like", "number-like", "link-like"):
        assert by_name[name].data_type == "s" and by_name[name].hyperlink is None, name
    assert all(cell.value is None for cell in next(sheet.iter_rows(min_row=3, max_row=3)))
    assert sheet.max_row == 3


def test_layout_reads_back(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["值", "指标 (2)'s"]
    sheet = book["值"]
    header = next(sheet.iter_rows(min_row=1, max_row=1))
    assert [cell.value for cell in header] == [name for name, _, _ in VALUES]
    assert [cell.comment.text for cell in header] == [f"english_{name}" for name, _, _ in VALUES]
    assert header[0].font.b and header[0].fill.fgColor.rgb == xlsx.HEADER_FILL
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(VALUES))}3"
    assert [sheet.column_dimensions[get_column_letter(i + 1)].width for i in range(3)] == [12, 13, 14]
    quoted = book["指标 (2)'s"]
    assert quoted.auto_filter.ref == "A1:A4" and quoted["A2"].number_format == "0.0%"
    with zipfile.ZipFile(workbook) as archive:  # openpyxl drops Excel's reserved names on reading: parse them
        names = ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{{{xlsx.MAIN}}}definedName")
        filters = {(name.get("name"), name.get("localSheetId")): name.text for name in names}
    assert filters == {
        ("_xlnm._FilterDatabase", "0"): f"'值'!$A$1:${get_column_letter(len(VALUES))}$3",
        ("_xlnm._FilterDatabase", "1"): "'指标 (2)''s'!$A$1:$A$4",
    }


def test_every_part_is_well_formed_xml(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        names = archive.namelist()
        assert {"xl/comments1.xml", "xl/drawings/vmlDrawing2.vml", "xl/worksheets/sheet2.xml"} <= set(names)
        for name in names:
            ElementTree.fromstring(archive.read(name))  # raises on a part that is not XML
