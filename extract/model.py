"""The records the extractor produces: plain dataclasses, written to CSV by ``seeds``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TypedDict

# The seven columns of the table, in printed order, with the names the raw seed uses.
COLUMNS = (
    "name",  # 项目名称（资金使用单位）
    "total_amount",  # 总计
    "fiscal_appropriation",  # 财政拨款
    "special_account_funds",  # 财政专户拨款
    "other_funds",  # 其他资金
    "goal_text",  # 绩效目标
    "indicator_text",  # 绩效指标
)
# Columns appended to raw_table_rows (issue 22) for what the two-period forms print beside the year's cells.
APPENDED_COLUMNS = (
    "carryover_funds",  # 上年结转资金: a part of the year's total, beside 财政拨款 and 其他资金
    "own_funds",  # 自有资金: the unit's own funds, a part of the year's total (county forms)
    "period_total_amount",  # 中期资金总额 / 项目资金总额: the whole period's (中期 / 项目 / 实施期 / 长期)
    "period_fiscal_appropriation",  # the period's 其中：财政拨款 / 财政资金
    "period_other_funds",  # the period's 其他资金
    "period_goal_text",  # 中期目标 / 项目总目标 / 长期目标 / 实施期绩效目标
)
# Where a record's text came from (raw seeds' text_source, issue 23): the PDF's text layer, or OCR of a picture.
TEXT_PDF, TEXT_OCR = "pdf", "ocr"
TEXT_SOURCES = (TEXT_PDF, TEXT_OCR)
# The OCR steps a worker reports as it starts them (``extract.scanned.ScannedBook``): a page's top band probed, or a
# page read whole. Each adds its allowance to the file's timer (``extract.limits.OCR_STEP_SECONDS``).
OCR_PROBE, OCR_WHOLE_PAGE = "probe", "page"
OcrStep = Callable[[str, int], None]  # an OCR step starting: its kind (OCR_PROBE, OCR_WHOLE_PAGE), its page from 1
# The year's amounts, 总计 and its parts (the dbt var amount_columns), and the period's beside them (the dbt var
# period_amount_columns): 总计 = 财政拨款 + 财政专户拨款 + 其他资金 + 上年结转资金 + 自有资金.
YEAR_AMOUNT_COLUMNS = (*COLUMNS[1:5], *APPENDED_COLUMNS[:2])
PERIOD_AMOUNT_COLUMNS = APPENDED_COLUMNS[2:5]
TOTAL_COLUMN = COLUMNS.index("total_amount")
AMOUNT_COLUMNS = range(TOTAL_COLUMN, TOTAL_COLUMN + 4)
# An amount as printed: digits with or without thousands separators, at most four decimals (county forms print
# ``124.8000``); never negative. The gate's amount grammar, and how a card tells an amount from other values.
AMOUNT_PATTERN = r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,4})?$"
# Header labels as books print them (brackets normalised to full width), per column.
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称（资金使用单位）", "项目名称", "资金使用单位（项目名称）"),
    "total_amount": ("总计",),
    "fiscal_appropriation": ("财政拨款",),
    "special_account_funds": ("财政专户拨款", "财政专户管理资金"),
    "other_funds": ("其他资金",),
    "goal_text": ("绩效目标",),
    "indicator_text": ("绩效指标",),
}


class ExtractionError(Exception):
    """A file that cannot be read as this table. The message is one line meant for people; ``code`` is the
    stable ``reason_code`` of the quarantine reason schema (docs/architecture.md); ``stage`` is ``read``, or
    ``limits`` for a file refused for its size, time or memory before it was read (``extract.limits``)."""

    def __init__(
        self,
        reason: str,
        page: int | None = None,
        code: str = "unreadable",
        row: int | None = None,
        stage: str = "read",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.page = page
        self.code = code
        self.row = row  # the table row (1-based, as row_number in raw_table_rows), when one is concerned
        self.stage = stage
        self.document_id = ""  # set when one table of a file is refused while its other tables are read

    def __str__(self) -> str:
        return self.reason if self.page is None else f"page {self.page}: {self.reason}"


def lowest(scores: Iterable[float | None]) -> float | None:
    """The lowest OCR score among ``scores``, None where none was OCR'd (text)."""
    return min((score for score in scores if score is not None), default=None)


@dataclass
class TableRow:
    """One printed row of the table, its cells as printed (wrapped lines joined, nothing added).

    ``kind`` is 合计 (``total``), funding unit (资金使用单位, ``funding_unit``) or ``project``, told apart by
    ``rows.classify`` from what the page shows: the name's indentation, or the unit totals.
    ``name_x`` is where the name's first character is printed (left edge, in points).
    """

    cells: list[str]
    page_start: int
    page_end: int
    kind: str = "project"
    name_x: float | None = None
    # Per cell, the lowest score OCR gave a line of it (0 to 1), None where no character was OCR'd: empty for a
    # row printed on text pages only (``extract.scanned``).
    confidences: list[float | None] = dataclass_field(default_factory=list)

    def append(self, cells: list[str], page: int, confidences: list[float | None] | None = None) -> None:
        """Continue this row with text printed further down (or on the next page)."""
        self.cells = [old + new for old, new in zip(self.cells, cells, strict=True)]
        self.page_end = page
        if confidences and any(score is not None for score in confidences):
            self.confidences = [
                lowest(pair) for pair in zip(self.confidences or [None] * len(cells), confidences, strict=True)
            ]

    def scored(self, confidence: float | None) -> None:
        """The row was read from OCR'd text scored ``confidence`` (its other cells on a card, a later row of its
        project): its lowest score, in every cell, where no cell says which (None: text, nothing changes)."""
        if confidence is not None:
            self.confidences = [lowest([confidence, self.ocr_confidence])] * len(self.cells)

    @property
    def text_source(self) -> str:
        """Where the row's text came from: ``ocr`` when any of its characters was read from a picture."""
        return TEXT_OCR if any(score is not None for score in self.confidences) else TEXT_PDF

    @property
    def ocr_confidence(self) -> float | None:
        """The lowest score of the row's OCR'd cells (None for a row of text pages)."""
        return lowest(self.confidences)


@dataclass
class Document:
    """One budget book in which the table was found.

    The first block is what the file's content says (and what the cache keeps); the second is where the
    file is and what the manifest says about it, set for each run by ``document.place``.
    """

    document_id: str
    department_name: str
    table_title: str
    amount_unit: str
    page_count: int
    table_pages: list[int]
    rows: list[TableRow]
    table_chars: int
    cell_chars: int
    title_year: int | None  # 2025年项目支出绩效目标表
    cover_year: int | None  # 2024年…部门预算 on the pages before the table

    source_file: str = ""  # path relative to PDF_DIR, '/'-separated
    source_modified_at: str = ""  # the file's modification time (UTC, ISO 8601): a later edition replaces an earlier
    fiscal_year: int | None = None
    fiscal_year_source: str = ""

    # Appended columns of raw_documents (docs/architecture.md, "Raw record schema").
    source_sha256: str = ""  # the whole file's content hash
    table_ordinal: int = 1  # 1..n: the file's n-th table (document_id gets "-t<n>" from the second on)
    table_format: str = "packed_indicator_table"  # the Guangzhou table: every indicator of a project in one cell
    is_stale: bool = False  # the file at this path now holds a copy that was refused; this is the last good edition
    stale_reason: str = ""
    fiscal_year_conflict: str = ""  # another year a source gave (e.g. "cover:2023"), when the sources disagree
    ocr_pages: list[int] = dataclass_field(default_factory=list)  # table pages read by OCR (scanned pages)

    @property
    def text_source(self) -> str:
        """``ocr`` when any page of the table was a picture read by OCR, else ``pdf``."""
        return TEXT_OCR if self.ocr_pages else TEXT_PDF


# A file that holds no performance-target table at all (most Shanghai books print only a sentence about it): not
# quarantined, its own file status, and no reason to fail the night (docs/architecture.md, "Files without the table").
NO_TABLE = "no_table"

# The stages and dispositions of the quarantine reason schema (docs/architecture.md).
STAGES = ("find", "limits", "read", "gate", "document_check")
DISPOSITIONS = ("refused", "held_back", "stale")


@dataclass(frozen=True)
class Quarantined:
    """One reason a file or document was refused, held back or published stale (the quarantine reason schema)."""

    source_file: str
    reason: str
    page: int | None = None
    stage: str = "read"
    reason_code: str = "unreadable"
    document_id: str = ""
    row_number: int | None = None
    subject: str = ""
    printed_value: str = ""
    computed_value: str = ""
    disposition: str = "refused"


# --- Table formats that print one indicator per row or card line (extract/formats/, docs/architecture.md) ---


class IndicatorRecord(TypedDict):
    """One printed indicator of a format that prints one indicator per row or card line: a row of
    ``raw_indicator_rows``, every value text as printed (``row_number`` is its project's row in
    ``raw_table_rows``). A format printing one value per indicator fills ``annual_target`` only; a format
    printing operator, value and unit in separate cells fills them and joins them into ``annual_target``."""

    document_id: str
    row_number: str
    indicator_seq: str  # 1..n within its project, in print order
    level1_name: str  # 一级指标 (merged cells carried down)
    level2_name: str  # 二级指标 (merged cells carried down; empty when printed empty)
    indicator_name: str  # 三级指标
    operator: str  # 指标方向 / 指标性质 cell when printed apart from the value
    target_value: str  # 目标值 / 指标值 cell (a spreadsheet serial date converted to YYYY-MM-DD)
    target_unit: str  # 计量单位 / 度量单位
    period_target: str  # 实施期 / 中期 value
    annual_target: str  # the value as printed, or operator + value + unit joined in print order
    weight: str  # 分值 / 权重
    direction: str  # 正向 / 反向 (指标性质 / 指标方向性)
    page: str
    standard: str  # appended: 绩效标准 (the period card's standard column)
    remark: str  # appended: 备注


@dataclass
class FormatRow(TableRow):
    """A row of a format other than the packed table: its ``kind`` is what the reader saw (a card prints no unit
    row and may print no goal, so it cannot be told from its cells), and ``fields`` keeps every other labelled
    value the format prints (主管部门, 实施单位, 项目支出实施期, 项目属性, …) as printed, label → value;
    ``appended`` the cells of ``APPENDED_COLUMNS`` it prints (the period's amounts and goal, 上年结转资金)."""

    fields: dict[str, str] = dataclass_field(default_factory=dict)
    appended: dict[str, str] = dataclass_field(default_factory=dict)


@dataclass
class FormatDocument(Document):
    """A document of a format that prints one indicator per row or card line: its indicators are records of
    ``raw_indicator_rows``; its rows' ``indicator_text`` is empty."""

    indicators: list[IndicatorRecord] = dataclass_field(default_factory=list)
    # Rebuilt from the cache or the archive by ``extract.archive.document_from_record``.
