"""A streaming writer for the one kind of workbook jixiao publishes: sheets of a header row (bold, filled, each
cell with a comment) over rows of plain values, with a frozen header, filters, column widths and number formats.

Why not openpyxl or XlsxWriter: a fiscal year's all-department workbook holds about a million cells at 1,000
books, and is rewritten on any night one of its departments changed. XlsxWriter (constant_memory) spends 7 µs on
a cell escaping and dispatching it, openpyxl 30 µs: 7 s and 30 s for that workbook, against 1.5 s here (one
f-string a cell, written straight into the zip member), and with XlsxWriter a 1,000-book night's cost passes its
target (bench (g) 1.66 against 1.35; docs/performance.md, "Scale"). The parts written are the ones XlsxWriter and
openpyxl write for the same features (SpreadsheetML of ECMA-376, comments as a comments part plus the legacy VML
drawing Excel needs to show them, document properties); tests/test_xlsx.py checks that openpyxl reads from a
workbook written here what it reads from XlsxWriter's of the same sheets, and LibreOffice converts every
published workbook. Column letters and date serial numbers are openpyxl's.
"""

from __future__ import annotations

import datetime
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypedDict
from xml.sax.saxutils import escape as xml_escape

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

DEFAULT_COMPRESS_LEVEL = 1  # deflate level: 6 makes files ~15 % smaller and takes three times as long
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "FFDDEBF7"
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # \r too: XML would read it as \n
EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # text that reads like Excel's escape is escaped itself
ZIP64_CELLS = 5_000_000  # more cells may pass 2 GiB of XML (430 bytes a cell): only such a sheet is ZIP64
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ROWS_PER_WRITE = 1_000


class Column(TypedDict):
    header: str  # row 1
    comment: str  # the header cell's comment
    width: float  # in characters of the default font
    number_format: str | None  # for numbers in the column; dates get DATE_FORMAT


class Sheet(TypedDict):
    title: str  # at most 31 characters, none of []:*?/\
    columns: list[Column]
    rows: Sequence[Sequence[object]]


def escape(text: str) -> str:
    """Text as XML character data; a control character XML cannot hold (and a carriage return, which XML reads
    as a line feed) is written as Excel's ``_xHHHH_``, and text that already reads like one as ``_x005F_xHHHH_``."""
    text = xml_escape(text)
    if "_x" in text:
        text = EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return text


def attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def formats_of(sheets: Iterable[Sheet]) -> list[str]:
    """The number formats the sheets use, in order of first use: each becomes a cell style after the header's."""
    found = [DATE_FORMAT]
    for sheet in sheets:
        for column in sheet["columns"]:
            if column["number_format"] and column["number_format"] not in found:
                found.append(column["number_format"])
    return found


def styles_part(formats: list[str]) -> str:
    """Style 0 plain, 1 the header (bold, filled, centred vertically), 2… one per number format."""
    number_formats = "".join(
        f'<numFmt numFmtId="{164 + index}" formatCode="{attribute(code)}"/>' for index, code in enumerate(formats)
    )
    styles = "".join(
        f'<xf numFmtId="{164 + index}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for index in range(len(formats))
    )
    return (
        f'{XML_DECLARATION}<styleSheet xmlns="{MAIN}">'
        f'<numFmts count="{len(formats)}">{number_formats}</numFmts>'
        '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><sz val="8"/><color indexed="81"/><name val="Tahoma"/><family val="2"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/><bgColor indexed="64"/></patternFill>'
        "</fill></fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{2 + len(formats)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
        f'<alignment vertical="center"/></xf>{styles}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def cell(reference: str, value: object, style: int, date_style: int) -> str:
    """One ``<c>`` element: numbers as numbers, dates as Excel serial days, everything else as inline text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal) and math.isfinite(value):
        number = repr(float(value)) if isinstance(value, Decimal) else repr(value)
        return (
            f'<c r="{reference}" s="{style}"><v>{number}</v></c>'
            if style
            else f'<c r="{reference}"><v>{number}</v></c>'
        )
    if isinstance(value, datetime.date):  # a serial day number of Excel's 1900 date system
        serial = to_excel(value.replace(tzinfo=None) if isinstance(value, datetime.datetime) else value)
        return f'<c r="{reference}" s="{style or date_style}"><v>{serial!r}</v></c>'
    if isinstance(value, list | tuple):
        return cell(reference, "、".join(map(str, value)), style, date_style)
    return cell(reference, str(value), style, date_style)


def worksheet_rows(sheet: Sheet, styles: list[int], date_style: int) -> Iterable[str]:
    """The ``<row>`` elements of a sheet, a thousand at a time."""
    letters = [get_column_letter(index) for index in range(1, len(sheet["columns"]) + 1)]
    header = "".join(
        f'<c r="{letter}1" s="1" t="inlineStr"><is><t>{escape(column["header"])}</t></is></c>'
        for letter, column in zip(letters, sheet["columns"], strict=True)
    )
    chunk = [f'<row r="1">{header}</row>']
    for number, row in enumerate(sheet["rows"], start=2):
        cells = "".join(
            cell(f"{letter}{number}", value, style, date_style)
            for letter, value, style in zip(letters, row, styles, strict=True)
        )
        chunk.append(f'<row r="{number}">{cells}</row>')
        if len(chunk) == ROWS_PER_WRITE:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def worksheet_part(sheet: Sheet, styles: list[int], date_style: int) -> Iterable[str]:
    last = f"{get_column_letter(len(sheet['columns']))}{len(sheet['rows']) + 1}"
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{column["width"]}" customWidth="1"/>'
        for index, column in enumerate(sheet["columns"], start=1)
    )
    yield (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
        ' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
    )
    yield from worksheet_rows(sheet, styles, date_style)
    yield (
        f'</sheetData><autoFilter ref="A1:{last}"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<legacyDrawing r:id="rId1"/></worksheet>'
    )


def comments_part(sheet: Sheet) -> str:
    comments = "".join(
        f'<comment ref="{get_column_letter(index)}1" authorId="0"><text><r><rPr><sz val="8"/><color indexed="81"/>'
        f'<rFont val="Tahoma"/><family val="2"/></rPr><t>{escape(column["comment"])}</t></r></text></comment>'
        for index, column in enumerate(sheet["columns"], start=1)
    )
    return (
        f'{XML_DECLARATION}<comments xmlns="{MAIN}"><authors><author>jixiao</author></authors>'
        f"<commentList>{comments}</commentList></comments>"
    )


def drawing_part(sheet: Sheet) -> str:
    """The legacy VML shapes Excel draws comments with (one hidden note per header cell), as openpyxl writes them."""
    shapes = "".join(
        f'<v:shape id="_x0000_s{1025 + index}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        'margin-top:1.5pt;width:144pt;height:40pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
        'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False'
        f"</x:AutoFill><x:Row>0</x:Row><x:Column>{index}</x:Column></x:ClientData></v:shape>"
        for index in range(len(sheet["columns"]))
    )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
        'data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
        f'o:connecttype="rect"/></v:shapetype>{shapes}</xml>'
    )


def relationships(targets: list[tuple[str, str]]) -> str:
    """A relationships part: (type under the officeDocument relationships namespace, or a whole type URI;
    target) each."""
    items = "".join(
        f'<Relationship Id="rId{index}" Type="{kind if ":" in kind else f"{RELATIONSHIPS}/{kind}"}" Target="{target}"/>'
        for index, (kind, target) in enumerate(targets, start=1)
    )
    return f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{items}</Relationships>'


def package_parts(sheets: Sequence[Sheet]) -> dict[str, str]:
    """Every part but the worksheets: content types, relationships, document properties, the workbook, comments
    and their drawings."""
    count = len(sheets)
    overrides = [
        ("/xl/workbook.xml", f"{CONTENT_TYPE}.sheet.main+xml"),
        ("/xl/styles.xml", f"{CONTENT_TYPE}.styles+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    for number in range(1, count + 1):
        overrides.append((f"/xl/worksheets/sheet{number}.xml", f"{CONTENT_TYPE}.worksheet+xml"))
        overrides.append((f"/xl/comments{number}.xml", f"{CONTENT_TYPE}.comments+xml"))
    types = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    sheet_list = "".join(
        f'<sheet name="{attribute(sheet["title"])}" sheetId="{number}" r:id="rId{number}"/>'
        for number, sheet in enumerate(sheets, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{number}" hidden="1">'
        f"{attribute(chr(39) + sheet['title'].replace(chr(39), chr(39) * 2) + chr(39))}!$A$1:"
        f"${get_column_letter(len(sheet['columns']))}${len(sheet['rows']) + 1}</definedName>"
        for number, sheet in enumerate(sheets)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            f"{types}</Types>"
        ),
        "_rels/.rels": relationships(
            [
                ("officeDocument", "xl/workbook.xml"),
                (f"{PACKAGE_RELATIONSHIPS}/metadata/core-properties", "docProps/core.xml"),
                ("extended-properties", "docProps/app.xml"),
            ]
        ),
        # the document properties Excel shows under File > Info (no dates: a workbook's bytes follow its rows)
        "docProps/core.xml": (
            f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>jixiao</dc:creator>'
            "</cp:coreProperties>"
        ),
        "docProps/app.xml": (
            f'{XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>jixiao</Application></Properties>'
        ),
        "xl/workbook.xml": (
            f'{XML_DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheet_list}</sheets><definedNames>{filters}</definedNames></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": relationships(
            [("worksheet", f"worksheets/sheet{number}.xml") for number in range(1, count + 1)]
            + [("styles", "styles.xml")]
        ),
    }
    for number, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/_rels/sheet{number}.xml.rels"] = relationships(
            [("vmlDrawing", f"../drawings/vmlDrawing{number}.vml"), ("comments", f"../comments{number}.xml")]
        )
        parts[f"xl/comments{number}.xml"] = comments_part(sheet)
        parts[f"xl/drawings/vmlDrawing{number}.vml"] = drawing_part(sheet)
    return parts


def write_workbook(sheets: Sequence[Sheet], path: Path, compress_level: int = DEFAULT_COMPRESS_LEVEL) -> None:
    """Write ``sheets`` (at least one) as an .xlsx file at ``path``, streaming each sheet's rows into the zip."""
    formats = formats_of(sheets)
    date_style = 2
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compress_level) as archive:
        for name, text in package_parts(sheets).items():
            archive.writestr(name, text)
        archive.writestr("xl/styles.xml", styles_part(formats))
        for number, sheet in enumerate(sheets, start=1):
            styles = [2 + formats.index(c["number_format"]) if c["number_format"] else 0 for c in sheet["columns"]]
            large = len(sheet["rows"]) * len(sheet["columns"]) > ZIP64_CELLS  # Excel is wary of ZIP64 entries
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=large) as member:
                for text in worksheet_part(sheet, styles, date_style):
                    member.write(text.encode())
