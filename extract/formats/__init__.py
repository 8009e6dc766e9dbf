"""The published formats of the performance-target table, each a reader module behind one interface.

A format defines ``NAME`` (the ``table_format`` it records), ``PICTURE`` (one line for people), ``LABELS``
(header labels and card fields that all appear on a page of it) and ``read(pages) -> [ReadTable]``: a module
(the packed table, the indicator table) or a card template of ``templates.yml`` (``extract.formats.templates``).
Detection is the same for every format: a page is of the format whose labels all appear in the page's plain
text, the most specific (most labels) winning. Adding a card form is an entry of ``templates.yml``.

The Guangzhou table (every indicator packed into one cell, ``packed``) is detected here but read by
``extract.document``. ``read_formats`` reads a file of any other format into documents whose indicators are
records of ``raw_indicator_rows``; a file whose pages look like a performance-target table that no reader
knows is refused with ``unknown_format``.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.page import Page

from ..locate import compact
from ..model import NO_TABLE, TEXT_OCR, ExtractionError, FormatDocument, TableRow
from ..ocr_text import print_marks
from ..page_text import page_texts as pdf_page_texts
from ..scanned import ScannedBook, ScannedPage
from . import indicator_table, packed
from .grid import PageGrids, page_grids
from .records import ReadTable
from .templates import TEMPLATES

Format = Any  # a format module or a Template: NAME, PICTURE, LABELS, read (and, optionally, confirm)
READERS: tuple[Format, ...] = (*TEMPLATES, indicator_table)
FORMATS: tuple[Format, ...] = (packed, *READERS)
GRID_WORDS = ("一级指标", "三级指标")  # an indicator grid, whatever its other columns
PROJECT_TABLE_TITLES = ("项目支出绩效目标表", "项目绩效目标表", "绩效目标申报表", "绩效目标填报表")
OTHER_TITLE = re.compile(r"^\S{2,30}表$")  # a line that is a table's title (部门整体支出绩效目标表, 三公经费预算表)


@dataclass(frozen=True)
class Detection:
    """Which format a page is, and why: the labels found, and the ones missing for the nearest format."""

    page: int
    format_name: str | None
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    nearest: str | None = None
    other_table: bool = False  # the page is titled as another table of the book: never a continuation

    @property
    def looks_like_a_target_table(self) -> bool:
        return self.format_name is not None or self.nearest is not None


def _labels_in(module: Format, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = tuple(label for label in module.LABELS if label in text)
    return found, tuple(label for label in module.LABELS if label not in found)


def detect(page_text: str, page: int = 0, formats: tuple[Format, ...] = FORMATS) -> Detection:
    """The format of one page from its plain text (``extract.page_text``), among ``formats`` (the packed table
    and the readers)."""
    text = compact(page_text)
    other_table = any(
        OTHER_TITLE.match(compact(line)) and not any(w in compact(line) for w in PROJECT_TABLE_TITLES)
        for line in page_text.splitlines()
    )
    matches = []
    for module in formats:
        found, missing = _labels_in(module, text)
        confirm = getattr(module, "confirm", None)  # a format's own test beyond its labels
        if not missing and (confirm is None or confirm(page_text)):
            matches.append((len(found), module.NAME, found))
    if matches:
        _, name, found = max(matches)
        return Detection(page, name, found, other_table=other_table)
    titled = any(word in text for word in PROJECT_TABLE_TITLES) and "项目名称" in text
    if not (titled or all(word in text for word in GRID_WORDS)):
        return Detection(page, None, other_table=other_table)  # not a page of a project performance-target table
    readers = [module for module in formats if module is not packed]
    nearest = max(readers, key=lambda m: len(_labels_in(m, text)[0]) / len(m.LABELS))
    found, missing = _labels_in(nearest, text)
    return Detection(page, None, found, missing, nearest.NAME, other_table)


@dataclass
class FileDetection:
    pages: list[Detection]
    format_name: str | None = None  # the format of the file's table pages; None when there are none
    table_pages: list[int] = field(default_factory=list)  # 1-based, of that format

    def refusal(self) -> ExtractionError:
        """Why no reader reads this file: an unknown format (with what is missing) or no table at all."""
        unknown = [d for d in self.pages if d.looks_like_a_target_table]
        if not unknown:
            return ExtractionError("no performance-target table (项目支出绩效目标表) in this file", code=NO_TABLE)
        first = unknown[0]
        pages = ", ".join(str(d.page) for d in unknown[:5])
        return ExtractionError(
            f"a performance-target table in a format none of the readers knows (pages {pages}; nearest "
            f"{first.nearest}, missing {'、'.join(first.missing)})",
            first.page,
            "unknown_format",
        )


def detect_file(page_texts: list[str], formats: tuple[Format, ...] = FORMATS) -> FileDetection:
    """Each page's format, and the file's: the format of most pages (the packed table when it is there at all,
    so that today's books read exactly as before)."""
    pages = [detect(text, number, formats) for number, text in enumerate(page_texts, start=1)]
    counts: dict[str, int] = {}
    for detection in pages:
        if detection.format_name:
            counts[detection.format_name] = counts.get(detection.format_name, 0) + 1
    if not counts:
        return FileDetection(pages)
    name = packed.NAME if packed.NAME in counts else max(counts, key=lambda n: counts[n])
    return FileDetection(pages, name, [d.page for d in pages if d.format_name == name])


def reader(name: str, formats: tuple[Format, ...] = FORMATS) -> Format:
    return next(module for module in formats if module.NAME == name)


def _read_pages(data: bytes, found: FileDetection, scanned: ScannedBook | None = None) -> list[PageGrids]:
    """The grids of the format's pages and of the pages that follow one of them without naming a format (a
    card continued on the next page); such a following page without any grid is not part of the table. A
    scanned page is read by OCR (``scanned``), the first time the reader asks for it."""
    grids: list[PageGrids] = []
    previous_read = False
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for detection in found.pages:
            page = None
            mine = detection.format_name == found.format_name
            if mine or (previous_read and detection.format_name is None and not detection.other_table):
                index = detection.page - 1
                laid_out: Page | ScannedPage = (
                    scanned.page(index) if scanned is not None and index in scanned else pdf.pages[index]
                )
                try:
                    page = page_grids(laid_out, detection.page, continuation=not mine)
                finally:
                    laid_out.close()  # released as soon as read, as the packed reader does (a scan's is kept)
            if page is not None:
                grids.append(page)
            previous_read = page is not None
    return grids


def read_formats(
    data: bytes,
    found: FileDetection,
    page_count: int,
    formats: tuple[Format, ...] = FORMATS,
    scanned: ScannedBook | None = None,
) -> list[FormatDocument]:
    """Read a file of a non-packed format into documents (one per table: a department's cards, a table)."""
    if found.format_name is None:
        raise found.refusal()
    pages = _read_pages(data, found, scanned)
    tables = reader(found.format_name, formats).read(pages)
    if not tables:
        raise ExtractionError(f"no project in the {found.format_name} pages", found.table_pages[0], "no_projects")
    digest = hashlib.sha256(data).hexdigest()
    scans = scanned.indexes if scanned is not None else set()
    return [
        _document(table, pages, digest, ordinal, page_count, scans) for ordinal, table in enumerate(tables, start=1)
    ]


def _document(
    table: ReadTable, pages: list[PageGrids], digest: str, ordinal: int, page_count: int, scans: set[int]
) -> FormatDocument:
    document_id = digest[:16] if ordinal == 1 else f"{digest[:16]}-t{ordinal}"
    numbers = sorted({n for row in table.rows for n in range(row.page_start, row.page_end + 1)})
    mine = [page for page in pages if page.number in numbers]
    first = mine[0]
    for record in table.indicators:
        record["document_id"] = document_id
    for row in table.rows:
        if row.text_source == TEXT_OCR:
            print_marks(row)
    rows: list[TableRow] = list(table.rows)
    return FormatDocument(
        document_id=document_id,
        source_sha256=digest,
        department_name=table.department_name,
        table_title=table.title or first.title or "",
        amount_unit=table.amount_unit or first.amount_unit,
        page_count=page_count,
        table_pages=numbers,
        rows=rows,
        table_chars=sum(page.table_chars for page in mine),
        cell_chars=sum(page.cell_chars for page in mine),
        title_year=table.title_year or next((p.title_year for p in mine if p.title_year), None),
        cover_year=None,
        table_ordinal=ordinal,
        table_format=table.format_name,
        indicators=table.indicators,
        ocr_pages=[number for number in numbers if number - 1 in scans],
    )


def page_texts(data: bytes) -> list[str]:
    """Every page's plain text, what detection reads: ``extract.page_text.page_texts`` of the file's bytes."""
    pdf = pdfium.PdfDocument(data)
    try:
        return pdf_page_texts(pdf, data)
    finally:
        pdf.close()


def read_other_format(
    data: bytes, texts: list[str], formats: tuple[Format, ...] = FORMATS, scanned: ScannedBook | None = None
) -> list[FormatDocument] | None:
    """The one call ``extract.document.read_document`` makes: the documents of a file in a format other than
    the packed table; None when the file is the packed table (or holds no performance-target table at all), so
    that it is read exactly as before. Raises ExtractionError ``unknown_format`` when its pages look like a
    performance-target table that no reader knows. ``formats``: the build's; a test passes templates of its own.
    ``scanned``: the book's scanned pages (``texts`` holds what OCR read of them), read whole where the reader
    asks for them."""
    found = detect_file(texts, formats)
    if found.format_name == packed.NAME:
        return None
    if found.format_name is None:
        if any(d.looks_like_a_target_table for d in found.pages):
            raise found.refusal()
        return None
    return read_formats(data, found, len(texts), formats, scanned)
