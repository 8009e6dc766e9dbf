"""Which pages hold the table, and what its header block and the book's cover say.

A whole budget book has a dozen tables; only pages whose own title line *is* the
项目支出绩效目标表 count. Pages are classified from their plain text (``extract.page_text``: the same on every
machine, and next to nothing for a book that embeds its fonts), so the expensive pdfplumber layout work is spent
only on pages that may be the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import LABELS

TITLE_KEYWORD = "项目支出绩效目标表"
# The title line of the table, with spaces removed: an optional year, optional 含转移支付项目.
TITLE_LINE = re.compile(r"^(?:(?P<year>(?:19|20)\d{2})年度?)?项目支出绩效目标表(?:[（(]含转移支付项目[)）])?$")
DEPARTMENT_LINE = re.compile(r"部门名称[:：]\s*(?P<department>.+?)\s*(?:金额)?单位[:：]\s*(?P<unit>\S+)\s*$")
DEPARTMENT_ONLY = re.compile(r"部门名称[:：]\s*(?P<department>.+?)\s*$")
UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]\s*(?P<unit>\S+)\s*$")
COVER_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*度?[^\n]{0,40}?预\s*算")
# A line naming another year's figures (对比表, 上年决算…): its year is not the book's.
OTHER_YEAR_LINE = re.compile(r"对比|比较|上年|决算|执行")
# Another table's or a section's title (spaces removed): ends with 表 (or 表（续）), or a part of the book.
OTHER_TITLE = re.compile(r"^\S{0,40}表(?:[（(]续[)）])?$|^第[一二三四五六七八九十\d]+部分|^目录$")
# A page number in every common form: 3, - 3 -, 第 3 页, 3/12, 第3页 共12页 (checked on the line's text).
PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*(?:[/／,，]\s*(?:共\s*)?|共\s*)\d+\s*(?:页)?)?[-–—\s]*$"
)
# A running header or footer: the book's title (…2024年…部门预算…) or the department's name with a page number.
RUNNING_TITLE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?\S{0,60}预算\S{0,8}$")
GRAND_TOTAL_LINE = re.compile(r"^合计[\d,.\-]*$")
CONTENTS_LINE = re.compile(r"(…|\.{3,}|·{3,}|-{3,})\S*?\d+$")
FILE_NAME_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")


def compact(text: str) -> str:
    """Text with all white space removed, for matching titles however they are spaced."""
    return "".join(text.split())


def is_furniture(text: str, department: str = "") -> bool:
    """A page number, the book's running title, or the department's name (with or without a page number)."""
    line = compact(text)
    if not line:
        return False
    if PAGE_NUMBER.match(text) or RUNNING_TITLE.match(line):
        return True
    if department and compact(department) in line:
        rest = line.replace(compact(department), "", 1)
        return not rest or bool(PAGE_NUMBER.match(rest) or RUNNING_TITLE.match(rest))
    return False


def missing_column_labels(text: str) -> list[str]:
    """The column labels the page's text lacks, each as what was seen of it: ``财政专户拨 without 款`` where the
    text holds the label's beginning only, else the label (labels may wrap: matched on the text without spaces)."""
    flat = compact(text).replace("(", "（").replace(")", "）")
    missing = []
    for labels in LABELS.values():
        if any(label in flat for label in labels):
            continue
        seen = max(
            ((label[:n], label[n:]) for label in labels for n in range(2, len(label)) if label[:n] in flat),
            key=lambda pair: len(pair[0]),
            default=None,
        )
        missing.append(f"{seen[0]} without {seen[1]}" if seen else labels[0])
    return missing


def has_column_labels(text: str) -> bool:
    """The page prints the table's column header row."""
    return not missing_column_labels(text)


@dataclass
class TablePlan:
    """The pages (0-based) that may hold one table, from the plain text alone.

    ``pages`` run from the title page to the last page that names the table or repeats its column header
    (every page in between is read as the table, or the table is refused naming it). ``tail`` are the pages
    after that up to the next table's or section's title: they continue the table while their rows line up.
    """

    pages: list[int]
    department: str | None
    opened: bool = False  # its 合计 row has been printed
    tail: list[int] = field(default_factory=list)
    why: str = ""  # why the plan was made from what the text lacks (the fallback), for the refusal if it fails


def page_kind(text: str) -> str:
    """``title`` (names the table above its column header), ``mention`` (names it without one: a section page,
    a sentence), ``header`` (repeats its column header), ``other`` (another table's or a section's title near
    the top) or ``plain``."""
    labels = has_column_labels(text)
    if _may_hold_the_table(text):
        return "title" if labels else "mention"  # a section page or a sentence naming the table
    if labels:
        return "header"
    lines = [line for line in (compact(line) for line in text.splitlines()) if line and not is_furniture(line)]
    if any(OTHER_TITLE.match(line) for line in lines[:3]):
        return "other"
    return "plain"


def _opens_with_grand_total(text: str) -> bool:
    """The page's first row, after its column header if it has one, is a 合计 row: a new table begins."""
    lines = [compact(line) for line in text.splitlines()]
    lines = [line for line in lines if line and not is_furniture(line)]
    after = next((i + 1 for i, line in enumerate(lines) if line.endswith("绩效指标")), 0)
    return after < len(lines) and bool(GRAND_TOTAL_LINE.match(lines[after]))


def plan_tables(texts: list[str]) -> list[TablePlan]:
    """Split the file into tables from the plain text: a table starts at a page naming it whose 部门名称 is
    another department's, or whose first row is a new 合计; pages repeating the title or the column header
    continue it, and so do the pages in between."""
    kinds = [page_kind(text) for text in texts]
    plans: list[TablePlan] = []
    pending: list[int] = []
    for index, (kind, text) in enumerate(zip(kinds, texts, strict=True)):
        current = plans[-1] if plans else None
        if kind in ("title", "header"):
            block = header_block(text.splitlines()) if kind == "title" else None
            department = block.department_name if block else None
            opens = _opens_with_grand_total(text)
            if current is None:
                if kind == "title":  # a column header with no table named before it is not this table
                    plans.append(TablePlan([index], department, opened=opens))
                continue
            other_department = None not in (department, current.department) and department != current.department
            if other_department or (opens and current.opened):
                plans.append(TablePlan([index], department, opened=opens))
            else:
                current.pages += [*pending, index]
                current.department = current.department or department
                current.opened = current.opened or opens
                current.tail = []
            pending = []
        elif current is not None:
            pending.append(index)
            if kind in ("plain", "mention") and len(current.tail) == len(pending) - 1:
                current.tail = list(pending)
    if not plans:  # only mentioned, or a title over a header row that cannot be read: let the layout say which
        plans = [
            TablePlan([index], None, why=_mention_why(texts[index]))
            for index, kind in enumerate(kinds)
            if kind == "mention"
        ]
    return plans


def _mention_why(text: str) -> str:
    """Why a page naming the table became a table of its own: no page's text showed the column header."""
    return (
        f"the page names the table but its column labels could not be read from its text "
        f"({'、'.join(missing_column_labels(text))}), so it was read as a table of its own"
    )


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
    """部门名称 and the amount unit (``单位：万元``, ``金额单位：元``), on one line or the unit on its own."""
    for line in lines:
        match = DEPARTMENT_LINE.search(line) or DEPARTMENT_ONLY.search(line)
        if match:
            unit = (match.groupdict().get("unit") or "").strip()
            if not unit:
                units = (UNIT_LINE.search(other.strip()) for other in lines)
                unit = next((found["unit"] for found in units if found), "")
            return HeaderBlock(match["department"].strip(), unit)
    return None


def cover_year(texts: list[str]) -> int | None:
    """A year the book's cover or opening pages give for the budget (``2024年…部门预算``); lines about
    another year's figures (a comparison with 上年, 决算) do not count."""
    for text in texts:
        for line in text.splitlines():
            match = COVER_YEAR.search(line)
            if match and not OTHER_YEAR_LINE.search(line):
                return int(match["year"])
    return None


def file_name_year(name: str) -> int | None:
    match = FILE_NAME_YEAR.search(name)
    return int(match["year"]) if match else None
