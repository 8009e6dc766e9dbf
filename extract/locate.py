"""Which pages hold the table, and what its header block and the book's cover say.

A whole budget book has a dozen tables; only pages whose own title line *is* the
项目支出绩效目标表 count. Candidate pages are found from pypdfium2's plain text, which costs next to
nothing, so the expensive pdfplumber layout work is spent only on pages that may be the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium

TITLE_KEYWORD = "项目支出绩效目标表"
# The title line of the table, with spaces removed: an optional year, optional 含转移支付项目.
TITLE_LINE = re.compile(r"^(?:(?P<year>(?:19|20)\d{2})年度?)?项目支出绩效目标表(?:[（(]含转移支付项目[)）])?$")
DEPARTMENT_LINE = re.compile(r"部门名称[:：]\s*(?P<department>.+?)\s*(?:金额)?单位[:：]\s*(?P<unit>\S+)\s*$")
DEPARTMENT_ONLY = re.compile(r"部门名称[:：]\s*(?P<department>.+?)\s*$")
COVER_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*度?[^\n]{0,40}?预\s*算")
CONTENTS_LINE = re.compile(r"(…|\.{3,}|·{3,}|-{3,})\S*?\d+$")
FILE_NAME_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")


def compact(text: str) -> str:
    """Text with all white space removed, for matching titles however they are spaced."""
    return "".join(text.split())


def candidate_pages(pdf: pdfium.PdfDocument) -> tuple[list[int], list[str]]:
    """0-based indexes of pages that may hold the table, and every page's text.

    A table of contents names the table on a line with leaders and a page number: not a candidate.
    pdfplumber confirms the title line on the candidates from the characters' positions.
    """
    texts = []
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    return [i for i, text in enumerate(texts) if _may_hold_the_table(text)], texts


def _may_hold_the_table(text: str) -> bool:
    """The page names the table other than in table-of-contents lines (title, leaders, page number)."""
    if TITLE_KEYWORD not in compact(text):
        return False
    naming = [compact(line) for line in text.splitlines() if TITLE_KEYWORD in compact(line)]
    return not naming or not all(CONTENTS_LINE.search(line) for line in naming)


def title_in(lines: list[str]) -> re.Match[str] | None:
    """The table title among a page's text lines, if the page is a page of this table."""
    for line in lines:
        match = TITLE_LINE.match(compact(line))
        if match:
            return match
    return None


@dataclass(frozen=True)
class HeaderBlock:
    """What the block above the column headers says: 部门名称 and 单位."""

    department_name: str
    amount_unit: str


def header_block(lines: list[str]) -> HeaderBlock | None:
    for line in lines:
        match = DEPARTMENT_LINE.search(line) or DEPARTMENT_ONLY.search(line)
        if match:
            unit = match.groupdict().get("unit") or ""
            return HeaderBlock(match["department"].strip(), unit.strip())
    return None


def cover_year(texts: list[str]) -> int | None:
    """A year the book's cover or opening pages give for the budget (``2024年…部门预算``)."""
    for text in texts:
        match = COVER_YEAR.search(text)
        if match:
            return int(match["year"])
    return None


def file_name_year(name: str) -> int | None:
    match = FILE_NAME_YEAR.search(name)
    return int(match["year"]) if match else None
