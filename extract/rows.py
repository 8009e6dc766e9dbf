"""Rebuild table rows and their cell texts from the positions of characters on a page.

Rows are separated by the table's horizontal rulings when it has them; otherwise a row begins at
each line of its 总计 cell (every row of this table has a total, printed on the row's first line).
Text above a page's first row belongs to the row left open on the previous page. Within a cell,
wrapped lines are joined with nothing in between: the books wrap by width alone, so a line break
is never a character of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from .columns import ColumnHeader
from .locate import OTHER_TITLE, TITLE_LINE, UNIT_LINE, compact, is_furniture
from .model import AMOUNT_COLUMNS, COLUMNS, TOTAL_COLUMN, ExtractionError, TableRow
from .pdfobjects import Char, LaidOutPage, ocr_confidence, page_chars, page_edges
from .tolerances import (
    DEFAULT_CENTRED,
    DEFAULT_EDGE_TOLERANCE,
    DEFAULT_FURNITURE_GAP,
    DEFAULT_INDENT,
    DEFAULT_LEADING_FURNITURE_GAP,
    DEFAULT_LINE_TOLERANCE,
    DEFAULT_ROW_RULING_SHARE,
    DEFAULT_RULING_MERGE,
    DEFAULT_TITLE_SIZE_RATIO,
)

# An amount as books print it: 3,473.60 / 3473.6 / 12 / -5.00 (negative adjustments exist).
AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Lines the header zone may hold besides the title and the 部门名称 line: 续表 marks and table numbers.
HEADER_ZONE_LINE = re.compile(r"^[（(]?续表?[)）]?$|^附?表[\d一二三四五六七八九十]+(?:[-—]\d+)?$|部门名称[:：]")


@dataclass
class PagePiece:
    """The part of one row printed on one page: its cells, and the characters they were built from."""

    cells: list[list[Char]] = field(default_factory=lambda: [[] for _ in COLUMNS])

    def texts(self) -> list[str]:
        return [cell_text(chars) for chars in self.cells]

    def confidences(self) -> list[float | None]:
        """Per cell, the lowest OCR score of its characters, None for a cell with no OCR'd character; an empty
        list for a piece printed as text."""
        scores = [ocr_confidence(chars) for chars in self.cells]
        return scores if any(score is not None for score in scores) else []

    @property
    def name_x(self) -> float | None:
        """Left edge of the name's first printed line: how far the row is indented."""
        lines = text_lines(self.cells[0])
        return min(c["x0"] for c in lines[0]) if lines else None


@dataclass
class PageRows:
    pieces: list[PagePiece]
    continues_previous: bool
    table_chars: int
    stray: list[Char]
    ended: bool = False  # another table's title ends the table on this page
    next_title: str = ""


def text_lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into printed lines (tops within ``DEFAULT_LINE_TOLERANCE`` of a size), left to right."""
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) < char["size"] * DEFAULT_LINE_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def cell_text(chars: list[Char]) -> str:
    """A cell's text: its lines in reading order, joined without adding anything."""
    return "".join(c["text"] for line in text_lines(chars) for c in line)


def _row_rulings(page: LaidOutPage, header: ColumnHeader) -> list[float]:
    """y positions of horizontal rulings that span most of the table, below the column headers."""
    edges = sorted(
        (e["top"], e["x0"], e["x1"]) for e in page_edges(page) if e["orientation"] == "h" and e["top"] > header.bottom
    )
    rulings: list[list[float]] = []  # [y, left, right] of edges within DEFAULT_RULING_MERGE of each other
    for y, x0, x1 in edges:
        if rulings and y - rulings[-1][0] < DEFAULT_RULING_MERGE:
            rulings[-1][1:] = [min(rulings[-1][1], x0), max(rulings[-1][2], x1)]
        else:
            rulings.append([y, x0, x1])
    if not rulings:
        return []
    widest = max(right - left for _, left, right in rulings)
    return [y for y, left, right in rulings if right - left >= DEFAULT_ROW_RULING_SHARE * widest]


def _line_text(line: list[Char]) -> str:
    return "".join(c["text"] for c in line)


def _page_furniture(chars: list[Char], department: str, leading: bool) -> set[int]:
    """ids of the characters of page furniture: lines printed below the table (and, with ``leading``, above
    its first row) that are a page number in any common form, the book's running title or the department's
    name, set apart from the table by more than a line's height."""
    lines = text_lines(chars)
    furniture: set[int] = set()
    while lines:
        last = lines[-1]
        gap = last[0]["top"] - max(c["bottom"] for c in lines[-2]) if len(lines) >= 2 else float("inf")
        if not (is_furniture(_line_text(last), department) and gap > last[0]["size"] * DEFAULT_FURNITURE_GAP):
            break
        furniture |= {id(c) for c in last}
        lines.pop()
    while leading and len(lines) >= 2:
        first, following = lines[0], lines[1]
        gap = following[0]["top"] - max(c["bottom"] for c in first)
        if not (is_furniture(_line_text(first), department) and gap > first[0]["size"] * DEFAULT_LEADING_FURNITURE_GAP):
            break
        furniture |= {id(c) for c in first}
        lines.pop(0)
    return furniture


def header_zone_stray(chars: list[Char], department: str) -> list[Char]:
    """Characters above the column header row that are not the title, the 部门名称/单位 block or furniture."""
    stray = []
    for line in text_lines(chars):
        text = compact(_line_text(line))
        known = TITLE_LINE.match(text) or HEADER_ZONE_LINE.search(text) or UNIT_LINE.match(text)
        if not (known or is_furniture(_line_text(line), department)):
            stray += line
    return stray


def _next_table_top(chars: list[Char], page_width: float) -> tuple[float, str]:
    """Top of the title of another table starting below, and that title: a line set larger than the table's
    text, or a table title in any size printed alone on its line, centred on the page."""
    sizes = sorted(c["size"] for c in chars if c["text"].strip())
    if not sizes:
        return float("inf"), ""
    body_size = sizes[len(sizes) // 2]
    for line in text_lines(chars):
        text = _line_text(line)
        if max(c["size"] for c in line) > DEFAULT_TITLE_SIZE_RATIO * body_size:
            return line[0]["top"] - DEFAULT_EDGE_TOLERANCE, compact(text)
        middle = (min(c["x0"] for c in line) + max(c["x1"] for c in line)) / 2
        centred = abs(middle - page_width / 2) < DEFAULT_CENTRED * line[0]["size"]
        if centred and (OTHER_TITLE.match(compact(text)) or TITLE_LINE.match(compact(text))):
            return line[0]["top"] - DEFAULT_EDGE_TOLERANCE, compact(text)
    return float("inf"), ""


def page_rows(
    page: LaidOutPage, header: ColumnHeader, page_number: int, department: str = "", headerless: bool = False
) -> PageRows:
    """Split the body of one table page into row pieces, accounting for every character.

    ``headerless``: the page prints no column header row; ``header`` is the table's from an earlier page,
    and every character must line up with its columns or the page is not the table's.
    """
    below_header = [c for c in page_chars(page) if c["top"] >= header.bottom - DEFAULT_EDGE_TOLERANCE]
    furniture = _page_furniture(below_header, department, leading=headerless)
    below_header = [c for c in below_header if id(c) not in furniture]
    table_end, next_title = _next_table_top(below_header, float(page.width))
    body = [c for c in below_header if c["top"] < table_end]
    if headerless:
        _check_alignment(body, header, page_number)
    rulings = [y for y in _row_rulings(page, header) if y < table_end]
    if len(rulings) >= 2:
        starts, end = rulings[:-1], rulings[-1]
    else:
        total_x = header.bounds[TOTAL_COLUMN], header.bounds[TOTAL_COLUMN + 1]
        total_chars = [c for c in body if total_x[0] <= (c["x0"] + c["x1"]) / 2 < total_x[1] and c["text"].strip()]
        starts = [line[0]["top"] - line[0]["size"] * DEFAULT_LINE_TOLERANCE for line in text_lines(total_chars)]
        end = float("inf")

    # Piece 0 holds text above the first row start: the end of a row begun on the previous page.
    pieces = [PagePiece() for _ in range(len(starts) + 1)]
    stray = []
    for char in body:
        column = header.column_of((char["x0"] + char["x1"]) / 2)
        middle = (char["top"] + char["bottom"]) / 2
        if column is None or middle > end:
            stray.append(char)
            continue
        pieces[bisect_right(starts, middle)].cells[column].append(char)

    printed = [piece for piece in pieces if any(piece.cells)]
    continues = bool(printed) and not _has_total(printed[0])
    for piece in printed[1:]:
        if not _has_total(piece):
            raise ExtractionError(
                f"a row has no 总计 (total) near '{piece.texts()[0][:20]}'", page_number, "unreadable_amount"
            )
    if headerless and not printed:
        raise ExtractionError("the page holds no row of the table", page_number, "unreadable_table_page")
    return PageRows(
        pieces=printed,
        continues_previous=continues,
        table_chars=len(body),
        stray=stray,
        ended=table_end != float("inf"),
        next_title=next_title,
    )


def _has_total(piece: PagePiece) -> bool:
    return any(c["text"].strip() for c in piece.cells[TOTAL_COLUMN])


def _check_alignment(body: list[Char], header: ColumnHeader, page_number: int) -> None:
    """On a page without its own column header, text must sit inside the table's columns, as rows do."""
    inner = header.bounds[1:-1]
    for char in body:
        crosses = (
            char["x0"] < edge - DEFAULT_EDGE_TOLERANCE and char["x1"] > edge + DEFAULT_EDGE_TOLERANCE for edge in inner
        )
        if char["text"].strip() and any(crosses):
            raise ExtractionError(
                f"text does not line up with the table's columns near '{char['text']}' (not a page of the table)",
                page_number,
                "unreadable_table_page",
            )


def check_amounts(rows: list[TableRow], first_number: int) -> None:
    """Every amount cell is a number as printed (or empty); ``first_number`` is the first row's number."""
    for number, row in enumerate(rows, start=first_number):
        for column in AMOUNT_COLUMNS:
            text = "".join(row.cells[column].split())
            if text and not AMOUNT.match(text):
                raise ExtractionError(
                    f"row {number}: the {COLUMNS[column]} cell '{text[:20]}' is not an amount",
                    row.page_start,
                    "unreadable_amount",
                    row=number,
                )


def classify(rows: list[TableRow]) -> None:
    """Tell 合计, funding unit and project rows apart by what the page shows.

    A table that indents its projects says so by the names' positions. Without indentation, a funding unit
    is a row whose total is the sum of the rows that follow it up to the next unit; when the totals do not
    say, a row without goal and indicators is taken for a unit (the books print units that way).
    """
    for row in rows:
        row.kind = "total" if compact(row.cells[0]) == "合计" else "project"
    body = [row for row in rows if row.kind != "total"]
    positions = [row.name_x for row in body if row.name_x is not None]
    if positions:
        left, right = min(positions), max(positions)
        if right - left > DEFAULT_INDENT:
            for row in body:
                row.kind = "funding_unit" if row.name_x is None or row.name_x - left < (right - left) / 2 else "project"
            return
    if not _units_by_totals(body):
        for row in body:
            row.kind = "funding_unit" if not row.cells[5].strip() and not row.cells[6].strip() else "project"


def _amount(text: str) -> Decimal:
    cleaned = "".join(text.split()).replace(",", "")
    return Decimal(cleaned) if cleaned else Decimal(0)


def _units_by_totals(body: list[TableRow]) -> bool:
    """Mark units where each unit's total is exactly the sum of the totals of the rows after it."""
    kinds: list[str] = []
    index = 0
    while index < len(body):
        unit_total, running, end = _amount(body[index].cells[TOTAL_COLUMN]), Decimal(0), index + 1
        while end < len(body) and running < unit_total:
            running += _amount(body[end].cells[TOTAL_COLUMN])
            end += 1
        if running != unit_total or end == index + 1:
            return False
        kinds += ["funding_unit"] + ["project"] * (end - index - 1)
        index = end
    for row, kind in zip(body, kinds, strict=True):
        row.kind = kind
    return True
