"""What every format's reader produces, and the cleaning all of them share (done here, once).

- A merged 一级/二级 cell is carried down its rows (``GridRow`` keeps ``None`` for covered positions).
- Where operator, value and unit are printed in separate cells, ``annual_target`` is those cells joined in print
  order (``≥``, ``95``, ``%`` → ``≥95%``); the typed columns keep the cells. A 指标性质 that is not an operator
  (``定性``) stays in ``operator`` but is not joined.
- A target printed as a spreadsheet serial date (``44,561`` with the unit ``日期`` / ``年-月-日``) is converted to
  ``2021-12-31`` in ``target_value`` and ``annual_target`` (serial 1 = 1900-01-01 with the spreadsheet's 1900 leap
  day, so day 0 is 1899-12-30); the unit cell is kept as printed.
- Amounts stay as printed, in the printed unit (``amount_unit``): the SQL scales them to 万元 once.
- A code printed before a department's name (``(433001)…``, ``820-…``) is left out of ``department_name`` (the
  name identifies a department's editions across years); names in rows keep their codes as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from common.dbt_project import project_vars

from ..model import FormatRow, IndicatorRecord

OPERATORS = ("≥", "≤", "≧", "≦", ">", "<", "=", "＝", "＞", "＜", "≠")
DATE_UNITS = ("日期", "年-月-日", "年月日", "年/月/日")
SERIAL_DATE = re.compile(r"^(?P<number>\d{2},?\d{3})(?:\.0+)?$")
SPREADSHEET_EPOCH = date(1899, 12, 30)
LEADING_CODE = re.compile(str(project_vars()["printed_code_pattern"]))  # one grammar with the models' unit_name
AMOUNT_UNIT_IN_LABEL = re.compile(r"^(?P<label>.*?)[（(](?P<unit>千?万?元)[)）]$")
INDICATOR_KEYS = tuple(IndicatorRecord.__annotations__)


def without_code(name: str) -> str:
    """``(433001)湖南省某厅`` → ``湖南省某厅``; ``[173]中国科学院`` → ``中国科学院``; ``820-某某镇`` → ``某某镇``."""
    return LEADING_CODE.sub("", name).strip()


def serial_date(value: str, unit: str) -> str | None:
    """The ISO date a spreadsheet serial number printed as a date target stands for, or None."""
    match = SERIAL_DATE.match(value)
    if unit.strip() not in DATE_UNITS or not match:
        return None
    return (SPREADSHEET_EPOCH + timedelta(days=int(match["number"].replace(",", "")))).isoformat()


def join_target(operator: str, value: str, unit: str) -> str:
    """The target as one text, from cells printed apart: the operator (when it is one), value, unit."""
    return f"{operator if operator in OPERATORS else ''}{value}{unit}"


def indicator(values: dict[str, str], seq: int, page: int) -> IndicatorRecord:
    """An indicator record from a row's mapped cells (keys of IndicatorRecord); ids are set by the document."""
    record: dict[str, str] = {key: "" for key in INDICATOR_KEYS}
    record.update({key: value for key, value in values.items() if key in record})
    record["indicator_seq"], record["page"] = str(seq), str(page)
    if "target_value" in values:  # printed apart: the typed columns come from the cells
        converted = serial_date(record["target_value"], record["target_unit"])
        if converted is not None:
            record["target_value"] = converted
            record["annual_target"] = join_target(record["operator"], converted, "")
        else:
            record["annual_target"] = join_target(record["operator"], record["target_value"], record["target_unit"])
    return record  # type: ignore[return-value]


@dataclass
class ReadTable:
    """One table a reader found (a document to be): rows in print order and their indicators, whose
    ``row_number`` is the 1-based position of their project in ``rows``."""

    format_name: str
    department_name: str
    amount_unit: str
    title: str
    title_year: int | None
    pages: list[int] = field(default_factory=list)
    rows: list[FormatRow] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    table_chars: int = 0
    cell_chars: int = 0

    def add_row(
        self,
        cells: list[str],
        kind: str,
        page: int,
        fields: dict[str, str] | None = None,
        confidence: float | None = None,
    ) -> FormatRow:
        """A row read from grid cells; ``confidence``: the lowest OCR score of what it was read from (None: text)."""
        row = FormatRow(cells, page, page, kind=kind, fields=fields or {})
        row.scored(confidence)
        self.rows.append(row)
        return row

    def add_indicator(self, record: IndicatorRecord) -> None:
        record["row_number"] = str(len(self.rows))  # the project row added last
        self.rows[-1].page_end = max(self.rows[-1].page_end, int(record["page"]))
        self.indicators.append(record)


def table_cells(name: str, total: str = "", fiscal: str = "", special: str = "", other: str = "", goal: str = ""):
    """The seven raw_table_rows cells; ``indicator_text`` stays empty (the indicators are records)."""
    return [name, total, fiscal, special, other, goal, ""]
