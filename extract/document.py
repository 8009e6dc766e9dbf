"""Extract the table from one budget book PDF, or refuse the file with a one-line reason."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.page import Page

from .columns import find_header
from .locate import HeaderBlock, candidate_pages, cover_year, file_name_year, header_block, title_in
from .model import Document, ExtractionError, TableRow
from .rows import cell_text, page_rows, text_lines


@dataclass(frozen=True)
class Overrides:
    """What ``manifest.csv`` says about a file; it wins over what the file itself says."""

    fiscal_year: int | None = None
    department_name: str | None = None


def document_id(data: bytes) -> str:
    """Ids follow the file's content, so the same book gets the same id wherever it is stored."""
    return hashlib.sha256(data).hexdigest()[:16]


def _open(data: bytes) -> pdfium.PdfDocument:
    if not data:
        raise ExtractionError("empty file", code="empty_file")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ExtractionError("not a PDF file", code="not_a_pdf")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise ExtractionError("the PDF is password-protected", code="password_protected") from None
        raise ExtractionError(f"the PDF cannot be read ({error})", code="damaged_pdf") from None


def _check_structure(rows: list[TableRow]) -> None:
    """The table is a 合计 row, then funding units each followed by their projects."""
    if not rows or rows[0].kind != "total":
        raise ExtractionError(
            "the table does not start with its 合计 (grand total) row",
            rows[0].page_start if rows else None,
            code="no_grand_total",
        )
    if len(rows) < 2 or rows[1].kind != "funding_unit":
        raise ExtractionError(
            "no funding unit (资金使用单位) row follows the 合计 row", rows[0].page_start, code="table_structure"
        )
    for row in rows[1:]:
        if row.kind == "total":
            raise ExtractionError("a second 合计 row inside the table", row.page_start, code="table_structure")


@dataclass
class TableRead:
    """What the table's pages hold, before it is checked and dated."""

    title: re.Match[str] | None = None
    block: HeaderBlock | None = None
    pages: list[int] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    table_chars: int = 0

    def add_page(self, page: Page, number: int) -> None:
        lines = ["".join(char["text"] for char in line) for line in text_lines(page.chars)]
        title = title_in(lines)
        if title is None:
            return  # a table of contents or a sentence naming the table
        header = find_header(page, number)
        if header is None:
            return  # a section title page carrying the table's name
        self.title = self.title or title
        self.block = self.block or header_block(lines)
        result = page_rows(page, header, number)
        if result.stray:
            stray = cell_text(result.stray)[:40]
            raise ExtractionError(
                f"{len(result.stray)} characters outside the table's cells: '{stray}'", number, "stray_text"
            )
        for position, piece in enumerate(result.pieces):
            if position == 0 and result.continues_previous:
                if not self.rows:
                    raise ExtractionError("text above the table's first row", number, "stray_text")
                self.rows[-1].append(piece.texts(), number)
            else:
                self.rows.append(TableRow(piece.texts(), number, number))
        self.pages.append(number)
        self.table_chars += result.table_chars


def _reraise_out_of_memory(error: BaseException) -> None:
    """pdfplumber wraps pdfminer's errors, running out of memory included: that is no damaged page but the
    per-file memory limit's to report (``extract.limits``)."""
    cause: BaseException | None = error
    for _ in range(8):
        if cause is None:
            return
        if isinstance(cause, MemoryError):
            raise MemoryError from None
        cause = cause.__cause__ or cause.__context__


def _read_table(data: bytes, candidates: list[int]) -> TableRead:
    table = TableRead()
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for index in candidates:
            try:
                table.add_page(plumber.pages[index], index + 1)
            except (ExtractionError, MemoryError):  # out of memory is the limits' to report, not a damaged page
                raise
            except Exception as error:  # pdfminer's own failure on a malformed page
                _reraise_out_of_memory(error)
                reason = f"unreadable page content ({type(error).__name__}: {str(error)[:80]})"
                raise ExtractionError(reason, index + 1, "damaged_pdf") from None
    return table


def read_document(data: bytes) -> Document:
    """Read the table from a PDF's bytes: everything that depends on the content alone (and so can be
    cached by content hash). Raises ExtractionError, naming the page when there is one, if it cannot."""
    pdf = _open(data)
    try:
        candidates, page_texts = candidate_pages(pdf)
        page_count = len(pdf)
    finally:
        pdf.close()
    if not any(text.strip() for text in page_texts):
        raise ExtractionError("no text layer (a scanned PDF?)", code="no_text_layer")
    if not candidates:
        raise ExtractionError("no 项目支出绩效目标表 in this file", code="no_table")

    try:
        table = _read_table(data, candidates)
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:  # pdfminer failing to open the document itself
        _reraise_out_of_memory(error)
        raise ExtractionError(
            f"the PDF cannot be read ({type(error).__name__}: {str(error)[:80]})", code="damaged_pdf"
        ) from None
    if table.title is None:
        raise ExtractionError(
            "no 项目支出绩效目标表 in this file (only mentioned, e.g. in a table of contents)", code="no_table"
        )
    if table.block is None:
        raise ExtractionError("the header block has no 部门名称 (department name)", table.pages[0], "no_department")
    _check_structure(table.rows)
    cell_chars = sum(len(cell) for row in table.rows for cell in row.cells)
    if cell_chars != table.table_chars:
        raise ExtractionError(
            f"{table.table_chars} characters in the table but {cell_chars} written to cells", code="char_count_mismatch"
        )
    return Document(
        document_id=document_id(data),
        source_sha256=hashlib.sha256(data).hexdigest(),
        department_name=table.block.department_name,
        table_title=table.title.string,
        amount_unit=table.block.amount_unit,
        page_count=page_count,
        table_pages=table.pages,
        rows=table.rows,
        table_chars=table.table_chars,
        cell_chars=cell_chars,
        title_year=int(table.title["year"]) if table.title["year"] else None,
        cover_year=cover_year(page_texts[: table.pages[0] - 1]),
    )


def place(document: Document, path: Path, overrides: Overrides = Overrides()) -> Document:
    """Where the file is and what the manifest says: file name, modification time, and the fiscal year from
    the manifest, the table title, the cover or the file name, in that order."""
    year, source = overrides.fiscal_year, "manifest"
    for candidate, candidate_source in (
        (document.title_year, "table_title"),
        (document.cover_year, "cover"),
        (file_name_year(path.name), "file_name"),
    ):
        if year is None:
            year, source = candidate, candidate_source
    return replace(
        document,
        source_file=path.name,
        source_modified_at=datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds"),
        department_name=overrides.department_name or document.department_name,
        fiscal_year=year,
        fiscal_year_source=source if year is not None else "",
    )


def extract_document(path: Path, overrides: Overrides = Overrides()) -> Document:
    """Read one PDF file and place it. Raises ExtractionError if it cannot be read as the table."""
    return place(read_document(path.read_bytes()), path, overrides)
