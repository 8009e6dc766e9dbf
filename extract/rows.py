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

from pdfplumber.page import Page

from .columns import ColumnHeader
from .model import COLUMNS, TOTAL_COLUMN, ExtractionError

PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*[/,，]?\s*共\s*\d+\s*页)?[-–—\s]*$")


@dataclass
class PagePiece:
    """The part of one row printed on one page: its cells, and the characters they were built from."""

    cells: list[list[dict]] = field(default_factory=lambda: [[] for _ in COLUMNS])

    def texts(self) -> list[str]:
        return [cell_text(chars) for chars in self.cells]


@dataclass
class PageRows:
    pieces: list[PagePiece]
    continues_previous: bool
    table_chars: int
    stray: list[dict]


def text_lines(chars: list[dict]) -> list[list[dict]]:
    """Group characters into printed lines (same baseline within half a character), left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) < char["size"] / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def cell_text(chars: list[dict]) -> str:
    """A cell's text: its lines in reading order, joined without adding anything."""
    return "".join(c["text"] for line in text_lines(chars) for c in line)


def _row_rulings(page: Page, header: ColumnHeader) -> list[float]:
    """y positions of horizontal rulings that span most of the table, below the column headers."""
    edges = sorted(
        (e["top"], e["x0"], e["x1"]) for e in page.edges if e["orientation"] == "h" and e["top"] > header.bottom
    )
    rulings: list[list[float]] = []  # [y, left, right] of edges within a point of each other
    for y, x0, x1 in edges:
        if rulings and y - rulings[-1][0] < 1.0:
            rulings[-1][1:] = [min(rulings[-1][1], x0), max(rulings[-1][2], x1)]
        else:
            rulings.append([y, x0, x1])
    if not rulings:
        return []
    widest = max(right - left for _, left, right in rulings)
    return [y for y, left, right in rulings if right - left >= 0.6 * widest]


def _page_furniture(chars: list[dict]) -> set[int]:
    """ids of the characters of a page number line printed below the table."""
    lines = text_lines(chars)
    if len(lines) >= 2:
        last, previous = lines[-1], lines[-2]
        gap = last[0]["top"] - previous[0]["bottom"]
        if PAGE_NUMBER.match("".join(c["text"] for c in last)) and gap > last[0]["size"]:
            return {id(c) for c in last}
    return set()


def _next_table_top(chars: list[dict]) -> float:
    """Top of a line set larger than the table's text: the title of another table starting below."""
    sizes = sorted(c["size"] for c in chars if c["text"].strip())
    if not sizes:
        return float("inf")
    body_size = sizes[len(sizes) // 2]
    for line in text_lines(chars):
        if max(c["size"] for c in line) > 1.25 * body_size:
            return line[0]["top"] - 0.5
    return float("inf")


def page_rows(page: Page, header: ColumnHeader, page_number: int) -> PageRows:
    """Split the body of one table page into row pieces, accounting for every character."""
    below_header = [c for c in page.chars if c["top"] >= header.bottom - 0.5]
    furniture = _page_furniture(below_header)
    below_header = [c for c in below_header if id(c) not in furniture]
    table_end = _next_table_top(below_header)
    body = [c for c in below_header if c["top"] < table_end]
    rulings = [y for y in _row_rulings(page, header) if y < table_end]
    if len(rulings) >= 2:
        starts, end = rulings[:-1], rulings[-1]
    else:
        total_x = header.bounds[TOTAL_COLUMN], header.bounds[TOTAL_COLUMN + 1]
        total_chars = [c for c in body if total_x[0] <= (c["x0"] + c["x1"]) / 2 < total_x[1] and c["text"].strip()]
        starts = [line[0]["top"] - line[0]["size"] / 2 for line in text_lines(total_chars)]
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
    return PageRows(pieces=printed, continues_previous=continues, table_chars=len(body), stray=stray)


def _has_total(piece: PagePiece) -> bool:
    return any(c["text"].strip() for c in piece.cells[TOTAL_COLUMN])
