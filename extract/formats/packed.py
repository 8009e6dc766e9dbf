"""The Guangzhou table: every indicator of a project packed into one cell (``1、1-产出指标；11-数量指标；…``).

Read by ``extract.document`` (rows located by its seven column labels); here only detected, so that
``--explain`` and the file's format decision see it beside the other formats. A page is of this format when it
names the table other than in a table of contents and prints no indicator grid (一级指标 … 三级指标).
"""

from __future__ import annotations

from ..locate import _may_hold_the_table, compact

NAME = "packed_indicator_table"
PICTURE = (
    "one row per unit/project: 项目名称|总计|财政拨款|财政专户拨款|其他资金|绩效目标|绩效指标 (`1、1-产出指标；11-…`)"
)
LABELS = ("项目支出绩效目标表",)


def confirm(page_text: str) -> bool:
    text = compact(page_text)
    return _may_hold_the_table(page_text) and not ("一级指标" in text and "三级指标" in text)


def read(pages: list) -> list:
    raise NotImplementedError("the packed table is read by extract.document.read_document")
