"""The indicator and amount cells of scanned pages, their punctuation put back where the grammar decides it (issue 23).

OCR reads the grammar's separators unreliably: ``；`` as ``：``, the hyphen after a code as ``.`` or not at all
(``1.产出指标``, ``2效益指标``), the colon after 指标值 or a cell's last full stop not at all. The grammar (the dbt
var ``indicator_pattern``) splits on exactly those marks, so such a cell would fail the quality gate although every
word and value in it was read. Here an OCR'd cell is matched, indicator after indicator, against the grammar with
each separator position taking any of the marks OCR confuses, and written back with the printed marks. Only
separators change: codes, names and target values stay as read (a value's misread sign is the ``ocr_uncertain``
flag's, in the marts), and a cell that does not match whole is kept as read, for the gate to refuse with its reason.

Amounts likewise: OCR reads a separator full width or wide (``94，700.00``) and a thousands comma as a point
(``165.600.00``); the digits stay as read, and the sums that cover them check them.
"""

from __future__ import annotations

import re

from .model import AMOUNT_COLUMNS, COLUMNS, PERIOD_AMOUNT_COLUMNS, YEAR_AMOUNT_COLUMNS, TableRow

SEPARATOR = "[；：;:]"  # what OCR reads the grammar's ； as
CODE_MARK = "[-.．·]?"  # what OCR reads the hyphen after a code as, when it reads it
COLON = "[:：]?"  # after 指标值: both are printed and the grammar takes both; OCR sometimes reads neither
PRINTED_COLON = "："  # put back where OCR read none
VALUE = r"((?:(?!\d+、\d).)*?)"  # a target: never across the next indicator's number (a full stop OCR missed)
OCR_INDICATOR = re.compile(
    rf"(\d+)、(\d+){CODE_MARK}(\D.*?){SEPARATOR}(\d+){CODE_MARK}(\D.*?){SEPARATOR}(.*?)"
    rf"{SEPARATOR}实施周期指标值({COLON}){VALUE}{SEPARATOR}年度指标值({COLON}){VALUE}(?:。|\Z)"
)


def printed_indicators(cell: str) -> str:
    """An OCR'd 绩效指标 cell with the grammar's separators as printed, when every indicator in it matches
    ``OCR_INDICATOR`` end to end; else the cell as read. The cell's last full stop may be missing (OCR misses a
    small mark alone at a line's end), never one between indicators."""
    position, indicators = 0, []
    while position < len(cell):
        match = OCR_INDICATOR.match(cell, position)
        if match is None:
            return cell
        number, level1, level1_name, level2, level2_name, name, period_colon, period, annual_colon, annual = (
            match.groups()
        )
        period_label = f"实施周期指标值{period_colon or PRINTED_COLON}"
        annual_label = f"年度指标值{annual_colon or PRINTED_COLON}"
        indicators.append(
            f"{number}、{level1}-{level1_name}；{level2}-{level2_name}；{name}；{period_label}{period}；{annual_label}{annual}。"
        )
        position = match.end()
    return "".join(indicators)


AMOUNT_MARKS = str.maketrans("，．", ",.")  # full width, as OCR reads a narrow mark beside wide characters
POINTS_FOR_COMMAS = re.compile(r"^\d{1,3}(?:\.\d{3})+\.\d{1,4}$")  # 165.600.00: a number has one decimal point
INDICATORS = COLUMNS.index("indicator_text")


def printed_amount(cell: str) -> str:
    """An OCR'd amount with its separators as printed: ASCII marks, and where several points are read, all but the
    last are thousands commas (``165.600.00`` → ``165,600.00``). Digits never change; any other cell stays as read,
    for the gate to refuse."""
    amount = cell.translate(AMOUNT_MARKS)
    if POINTS_FOR_COMMAS.match(amount):
        whole, _, decimals = amount.rpartition(".")
        amount = f"{whole.replace('.', ',')}.{decimals}"
    return amount


def print_marks(row: TableRow) -> None:
    """An OCR'd row's amounts (its cells and the appended columns a form prints) and its 绩效指标 cell with the
    grammar's marks as printed."""
    for index in AMOUNT_COLUMNS:
        row.cells[index] = printed_amount(row.cells[index])
    row.cells[INDICATORS] = printed_indicators(row.cells[INDICATORS])
    appended = getattr(row, "appended", {})  # a form's row (FormatRow): 上年结转资金, the period's amounts
    for column in (*YEAR_AMOUNT_COLUMNS, *PERIOD_AMOUNT_COLUMNS):
        if column in appended:
            appended[column] = printed_amount(appended[column])
