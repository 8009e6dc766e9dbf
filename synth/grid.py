"""A ruled grid typesetter for the table formats that print one indicator per row (cards, indicator tables).

Real books of these formats are spreadsheets printed to PDF: every cell ruled, label cells beside value
cells, the 一级/二级 indicator cells merged down their rows, a long card continuing on the next page (a merged
cell cut by the page break leaves an empty ruled cell at the top of the next page) and short cards sharing a
page. ``GridWriter`` lays blocks of rows out over pages first, then draws them, so a merged cell knows on
which pages it lies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.pdfgen.canvas import Canvas

from .budget_book import FONT, wrap


@dataclass(frozen=True)
class Cell:
    """A printed cell: its text, its horizontal extent as fractions of the block width, and how many rows it
    spans downwards (a merged cell). ``clipped``: printed as a spreadsheet prints it, the whole text in every
    part of the cell (on each page it lies on), clipped to that part; else the text is in its first part only."""

    text: str
    x0: float
    x1: float
    down: int = 1
    align: str = "left"
    clipped: bool = False


@dataclass
class _Page:
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    note: list[str] = field(default_factory=list)  # a page of text between table pages (a section note)
    title: str | None = None  # another table's title on this page
    texts: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, baseline, text, align
    # texts drawn inside a clipping rectangle (x, y, w, h): a clipped cell's part
    clipped: list[tuple[tuple[float, float, float, float], list[tuple[float, float, str, str]]]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class GridStyle:
    landscape: bool = False
    font_size: float = 8.0
    leading: float = 1.4
    padding: float = 3.0
    margin: float = 36.0
    block_gap: float = 24.0  # between two blocks on one page: separate tables
    min_rows_on_page: int = 3  # a block starts on a new page unless this many of its rows fit
    title_on_every_page: bool = True  # else on the first page only
    font: str = FONT  # a scan needs an embedded one (``synth.budget_book.embedded_font``, ``synth.scan``)


class GridWriter:
    """Pages with a repeated title (and a line under it), blocks of ruled rows, a page number."""

    def __init__(self, path: Path, title: str, subtitle_left: str = "", subtitle_right: str = "", style=None) -> None:
        self.path = path
        self.style = style or GridStyle()
        self.title = title
        self.subtitle_left = subtitle_left
        self.subtitle_right = subtitle_right
        self.width, self.height = landscape(A4) if self.style.landscape else portrait(A4)
        self.left = self.style.margin
        self.block_width = self.width - 2 * self.style.margin
        self.pages: list[_Page] = []
        self.cursor = 0.0
        self._new_page()

    @property
    def body_top(self) -> float:
        return self.height - self.style.margin - 40

    @property
    def bottom(self) -> float:
        return self.style.margin

    def _new_page(self) -> None:
        self.pages.append(_Page())
        self.cursor = self.body_top

    def note_page(self, lines: list[str]) -> None:
        """A page of plain text in the middle of the table (a section note), no grid, no title."""
        self.pages.append(_Page(note=lines))
        self._new_page()

    def footnote(self, text: str) -> None:
        """A line printed under the last block, outside every cell (a note real books sometimes add)."""
        self.cursor -= 2 * self.style.font_size
        self.pages[-1].texts.append((self.left, self.cursor, text, "left"))

    def other_table(self, title: str, rows: list[list[Cell]]) -> None:
        """Another table of the book on a page of its own, under its own title (e.g. 部门整体支出绩效目标表)."""
        self._new_page()
        self.pages[-1].title = title
        self.block(rows)

    def _lines(self, cell: Cell) -> list[str]:
        inner = (cell.x1 - cell.x0) * self.block_width - 2 * self.style.padding
        return wrap(cell.text, inner, self.style.font_size, self.style.font)

    def _height(self, row: list[Cell]) -> float:
        lines = max([len(self._lines(c)) for c in row if c.down == 1] or [1])
        return max(lines, 1) * self.style.font_size * self.style.leading + 2 * self.style.padding

    def block(self, rows: list[list[Cell]], repeat: list[list[Cell]] | None = None, new_page: bool = False) -> None:
        """Lay out one ruled block (a card, a table). Rows that do not fit continue on the next page, after
        the ``repeat`` rows (a repeated column header) when given."""
        heights = [self._height(row) for row in rows]
        if self.cursor != self.body_top:
            self.cursor -= self.style.block_gap
            if new_page or self.cursor - sum(heights[: self.style.min_rows_on_page]) < self.bottom:
                self._new_page()
        placed: list[tuple[int, float, float]] = []  # page index, top, bottom of each row
        repeating = False  # the repeated rows are repeated once the block has printed them
        for row, height in zip(rows, heights, strict=True):
            repeating = repeating or bool(repeat and row is repeat[0])
            if self.cursor - height < self.bottom:
                self._new_page()
                for extra in repeat or [] if repeating else []:
                    self._place_simple(extra)
            placed.append((len(self.pages) - 1, self.cursor, self.cursor - height))
            self.cursor -= height
        for index, row in enumerate(rows):
            for cell in row:
                self._draw(cell, placed[index : index + cell.down])

    def _place_simple(self, row: list[Cell]) -> None:
        height = self._height(row)
        for cell in row:
            self._draw(cell, [(len(self.pages) - 1, self.cursor, self.cursor - height)])
        self.cursor -= height

    def _draw(self, cell: Cell, rows: list[tuple[int, float, float]]) -> None:
        """A merged cell is ruled on each page it lies on; its text is printed in its first part only."""
        x0 = self.left + cell.x0 * self.block_width
        x1 = self.left + cell.x1 * self.block_width
        first = True
        above = 0.0  # the height of the cell's parts on earlier pages
        for page_index in dict.fromkeys(p for p, _, _ in rows):
            part = [(top, bottom) for p, top, bottom in rows if p == page_index]
            top, bottom = part[0][0], part[-1][1]
            page = self.pages[page_index]
            page.rects.append((x0, bottom, x1 - x0, top - bottom))
            if cell.clipped:  # the whole text, placed as if the cell were whole, clipped to this part
                size, pad = self.style.font_size, self.style.padding
                x = {"left": x0 + pad, "right": x1 - pad, "centre": (x0 + x1) / 2}[cell.align]
                lines = [
                    (x, top + above - pad - size * 0.9 - n * size * self.style.leading, line, cell.align)
                    for n, line in enumerate(self._lines(cell))
                ]
                page.clipped.append(((x0, bottom, x1 - x0, top - bottom), lines))
                above += top - bottom
                continue
            if first:
                size, pad = self.style.font_size, self.style.padding
                for n, line in enumerate(self._lines(cell)):
                    baseline = top - pad - size * 0.9 - n * size * self.style.leading
                    x = {"left": x0 + pad, "right": x1 - pad, "centre": (x0 + x1) / 2}[cell.align]
                    page.texts.append((x, baseline, line, cell.align))
            first = False

    def save(self) -> Path:
        canvas = Canvas(str(self.path), pagesize=(self.width, self.height), invariant=1)
        size = self.style.font_size
        for number, page in enumerate(self.pages, start=1):
            if page.note:
                canvas.setFont(self.style.font, 12)
                for n, line in enumerate(page.note):
                    canvas.drawString(self.left, self.height / 2 - n * 20, line)
                canvas.showPage()
                continue
            if number > 1 and not self.style.title_on_every_page:
                self.title = self.subtitle_left = self.subtitle_right = ""
            canvas.setFont(self.style.font, 14)
            title = self.title if page.title is None else page.title
            canvas.drawCentredString(self.width / 2, self.height - self.style.margin - 14, title)
            canvas.setFont(self.style.font, size)
            subtitle = self.height - self.style.margin - 32
            if self.subtitle_left:
                canvas.drawString(self.left, subtitle, self.subtitle_left)
            if self.subtitle_right:
                canvas.drawRightString(self.left + self.block_width, subtitle, self.subtitle_right)
            for x, y, w, h in page.rects:
                canvas.rect(x, y, w, h, stroke=1, fill=0)
            draw = {"left": canvas.drawString, "right": canvas.drawRightString, "centre": canvas.drawCentredString}
            for x, baseline, text, align in page.texts:
                draw[align](x, baseline, text)
            for rect, lines in page.clipped:
                canvas.saveState()
                clip = canvas.beginPath()
                clip.rect(*rect)
                canvas.clipPath(clip, stroke=0, fill=0)
                for x, baseline, text, align in lines:
                    draw[align](x, baseline, text)
                canvas.restoreState()
            canvas.setFont(self.style.font, 8)
            canvas.drawCentredString(self.width / 2, self.style.margin / 2, f"- {number} -")
            canvas.showPage()
        canvas.save()
        return self.path
