"""The workbooks analysts/xlsx.py has XlsxWriter write, read back by openpyxl and parsed part by part: every kind
of value the marts hold lands as Excel expects it (a text never read as a formula or a number), and the layout
(comments, frozen header, filters, widths, formats) survives the round trip. LibreOffice reads the published
workbooks too (tests/test_analyst_tools.py)."""

from __future__ import annotations

import datetime
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from analysts import xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "values.xlsx"
    values = xlsx.Sheet(
        title="值",
        columns=[
            column(name, "#,##0.00" if name == "decimal" else None, 12 + i) for i, (name, _, _) in enumerate(VALUES)
        ],
        rows=[tuple(value for _, value, _ in VALUES), tuple(None for _ in VALUES)],
    )
    quoted = xlsx.Sheet(title="指标 (2)'s", columns=[column("金额", "0.0%")], rows=[(0.5,)] * 3)
    xlsx.write_workbook([values, quoted], path)
    return path


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
    assert header[0].font.b and header[0].fill.fgColor.rgb == "FF" + xlsx.HEADER_FILL.removeprefix("#")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(VALUES))}3"
    # XlsxWriter stores a width in characters with Excel's cell padding (5 pixels, 0.71 of a character) added
    assert [round(sheet.column_dimensions[get_column_letter(i + 1)].width) for i in range(3)] == [13, 14, 15]
    quoted = book["指标 (2)'s"]
    assert quoted.auto_filter.ref == "A1:A4" and quoted["A2"].number_format == "0.0%"
    with zipfile.ZipFile(workbook) as archive:  # openpyxl drops Excel's reserved names on reading: parse them
        names = ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{{{MAIN}}}definedName")
        filters = {(name.get("name"), name.get("localSheetId")): name.text for name in names}
    assert filters == {
        ("_xlnm._FilterDatabase", "0"): f"值!$A$1:${get_column_letter(len(VALUES))}$3",
        ("_xlnm._FilterDatabase", "1"): "'指标 (2)''s'!$A$1:$A$4",
    }


def test_every_part_is_well_formed_xml(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        names = archive.namelist()
        assert {"xl/comments1.xml", "xl/drawings/vmlDrawing2.vml", "xl/worksheets/sheet2.xml"} <= set(names)
        for name in names:
            ElementTree.fromstring(archive.read(name))  # raises on a part that is not XML
