"""Read the ruled grids of a page as rows of cells, accounting for every character.

The formats that print one indicator per row are spreadsheets printed to PDF: every cell is ruled. pdfplumber
finds the grids from the rulings and gives each row's cells with ``None`` where a merged cell from an
earlier row covers the position; that difference (merged vs printed empty) is what carries a 一级/二级 cell
down. Cell texts are rebuilt from the characters' positions (wrapped lines joined with nothing, as in the
packed format), and every character outside a cell must be page furniture (the title, the unit line, a page
number), or the page is refused with the characters named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pdfplumber.page import Page

from ..clipping import hiding_clip, read_with_clips
from ..locate import PAGE_NUMBER, compact
from ..model import ExtractionError, lowest
from ..pdfobjects import Char, ocr_confidence, page_chars
from ..rows import cell_text, text_lines
from ..scanned import ScannedPage

# Lines printed outside the grids: the table's title (with a year), the unit / department line, a page number.
TITLE_WORDS = ("绩效目标表", "绩效目标申报表", "绩效目标填报表")
TITLE_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
YEAR_LINE = re.compile(r"^[（(](?:19|20)\d{2}年度?[)）]$")  # the national template's line under its title: （2019年度）
UNIT_LINE = re.compile(r"(?:金额)?单位[:：]\s*(?P<unit>千?万?元)\s*$")
ALIGNED = 2.0  # points: a grid row's cells lie exactly under its header's labels
BESIDE = ""  # the key of a column beside the grid (a label cell merged down its rows)
FURNITURE_LINE = re.compile(r"(?:部门|单位|编制单位|填报单位|预算部门)(?:名称)?(?:[（(]盖章[)）])?[:：]")


def normalise(text: str) -> str:
    """A label as compared: no white space, brackets full width."""
    return compact(text).replace("(", "（").replace(")", "）").replace(":", "：")


@dataclass
class GridRow:
    """One printed row of a grid: each column's text, ``None`` where a merged cell above covers it."""

    cells: list[str | None]
    page: int
    bounds: list[tuple[float, float] | None] = field(default_factory=list)  # each cell's x0, x1
    # Each cell's lowest OCR score (``extract.scanned``), None where no character of it was OCR'd.
    confidences: list[float | None] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [cell for cell in self.cells if cell is not None]

    @property
    def confidence(self) -> float | None:
        """The row's lowest OCR score, None for a row of a text page."""
        return lowest(self.confidences)


@dataclass(frozen=True)
class Columns:
    """An indicator grid's columns, from its header row: each label's record key and x extent. Rows are mapped
    by position, not by index, so a continued grid whose page has fewer column rulings reads the same."""

    extents: tuple[tuple[float, float, str], ...]
    beside: tuple[str, ...] = ()  # the labels of a cell merged down beside the grid
    beside_label: str = ""  # the one this grid's header prints (长期绩效指标 / 年度绩效指标 names the grid)

    @classmethod
    def of(cls, header: GridRow, keys: dict[str, str], beside: tuple[str, ...] = ()) -> Columns:
        """The columns of a grid header; a label in ``beside`` is a cell merged down beside the grid (绩效指标):
        its column holds no value."""
        extents = []
        found = ""
        for text, bound in zip(header.cells, header.bounds, strict=True):
            if text is None or bound is None:
                continue
            label = normalise(text)
            if label in beside:
                extents.append((bound[0], bound[1], BESIDE))
                found = label
                continue
            if label not in keys:
                raise ExtractionError(f"a column this format does not know: '{label}'", header.page, "card_structure")
            extents.append((bound[0], bound[1], keys[label]))
        return cls(tuple(extents), beside, found)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for _, _, key in self.extents if key != BESIDE)

    def values(self, row: GridRow) -> dict[str, str | None]:
        """Each column's text in the row; None where no cell of the row lies under it (merged from above). The
        cell beside the grid holds no value: empty, or its label again where a page break cut it."""
        values: dict[str, str | None] = dict.fromkeys(self.keys)
        for text, bound in zip(row.cells, row.bounds, strict=True):
            if text is None or bound is None:
                continue
            key = next((k for x0, x1, k in self.extents if abs(x0 - bound[0]) + abs(x1 - bound[1]) < ALIGNED), None)
            if key is None:  # a cell across columns or under none: not a row of this grid
                raise ExtractionError(
                    f"a row that does not fit the indicator grid's columns: '{''.join(row.texts())[:30]}'",
                    row.page,
                    "card_structure",
                )
            if key == BESIDE and normalise(text) in ("", *self.beside):
                continue
            if key == BESIDE:
                raise ExtractionError(f"a value in the cell beside the grid: '{text[:30]}'", row.page, "card_structure")
            values[key] = text
        return values


@dataclass
class PageGrids:
    """What one page holds: its grid rows top to bottom, and the furniture lines around them."""

    number: int
    rows: list[GridRow] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    table_chars: int = 0
    cell_chars: int = 0

    @property
    def title(self) -> str | None:
        return next((line for line in self.furniture if any(w in compact(line) for w in TITLE_WORDS)), None)

    @property
    def title_year(self) -> int | None:
        """The year in the title, or on the line under it (``（2019年度）``)."""
        lines = [self.title or "", *(line for line in self.furniture if YEAR_LINE.match(compact(line)))]
        match = next((m for line in lines if (m := TITLE_YEAR.search(line))), None)
        return int(match["year"]) if match else None

    @property
    def amount_unit(self) -> str:
        for line in self.furniture:
            match = UNIT_LINE.search(compact(line))
            if match:
                return match["unit"]
        return ""


def _is_furniture(line: str) -> bool:
    text = compact(line)
    return (
        any(word in text for word in TITLE_WORDS)
        or bool(YEAR_LINE.match(text))
        or bool(UNIT_LINE.search(text))
        or bool(FURNITURE_LINE.match(text))
        or bool(PAGE_NUMBER.match(text))
    )


def _inside_box(box: tuple[float, float, float, float], bbox: tuple[float, float, float, float]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _inside(char: Char, bbox: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _same_box(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return all(abs(p - q) < ALIGNED for p, q in zip(a, b, strict=True))


def page_grids(page: Page | ScannedPage, number: int, continuation: bool = False) -> PageGrids | None:
    """Every grid of the page as rows, top to bottom. Raises ExtractionError for text outside every cell that
    is not page furniture. A ``continuation`` page (one that names no format, after a page that does) without
    any grid is not part of the table: None. A character a clipping path hides belongs to the cell the clip is
    (a merged cell split by a page break: ``extract.clipping``), so each part holds the cell's whole text. A
    scanned page (``extract.scanned``) gives its grids from the rulings and characters OCR found, each cell with
    its confidence; a picture hides nothing."""
    if isinstance(page, Page):
        read_with_clips(page)  # before anything reads its characters
    chars = page_chars(page)
    hidden = {id(c): box for c in chars if isinstance(page, Page) and (box := hiding_clip(c, page)) is not None}
    result = PageGrids(number)
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    if continuation and not tables:
        return None
    unread = page.unread_refusal(number) if isinstance(page, ScannedPage) else None
    if unread is not None:
        raise unread
    in_cells: set[int] = set()
    for table in tables:
        table_chars = [
            c for c in chars if _inside(c, table.bbox) or (id(c) in hidden and _inside_box(hidden[id(c)], table.bbox))
        ]
        result.table_chars += len(table_chars)
        for row in table.rows:
            cells: list[str | None] = []
            bounds: list[tuple[float, float] | None] = []
            confidences: list[float | None] = []
            for bbox in row.cells:
                bounds.append(None if bbox is None else (bbox[0], bbox[2]))
                if bbox is None:
                    cells.append(None)
                    confidences.append(None)
                    continue
                mine = [
                    c for c in table_chars if (_same_box(hidden[id(c)], bbox) if id(c) in hidden else _inside(c, bbox))
                ]
                in_cells.update(id(c) for c in mine)
                cells.append(cell_text(mine))
                confidences.append(ocr_confidence(mine))
                result.cell_chars += len(mine)
            result.rows.append(GridRow(cells, number, bounds, confidences))
    outside = [c for c in chars if id(c) not in in_cells and c["text"].strip()]
    for line in text_lines(outside):
        text = "".join(c["text"] for c in line)
        if not _is_furniture(text):
            raise ExtractionError(
                f"{len(line)} characters outside the table's cells: '{text[:40]}'", number, "stray_text"
            )
        result.furniture.append(text)
    return result
