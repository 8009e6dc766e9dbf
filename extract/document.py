"""Extract the table from one budget book PDF, or refuse the file with a one-line reason."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pdfplumber
import pypdfium2 as pdfium

from .columns import ColumnHeader, find_header
from .formats import read_other_format
from .locate import (
    TITLE_LINE,
    HeaderBlock,
    TablePlan,
    compact,
    cover_year,
    file_name_year,
    header_block,
    page_kind,
    plan_tables,
    title_in,
)
from .model import NO_TABLE, TEXT_OCR, Document, ExtractionError, OcrStep, TableRow
from .ocr_text import print_marks
from .page_text import page_texts
from .pdfobjects import LaidOutPage, page_chars
from .rows import cell_text, check_amounts, classify, header_zone_stray, page_rows, text_lines
from .scanned import ScannedBook, ScannedPage


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
    """What one table's pages hold, before it is checked and dated."""

    title: re.Match[str] | None = None
    block: HeaderBlock | None = None
    header: ColumnHeader | None = None  # the last column header row read: a page without one uses its columns
    pages: list[int] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    table_chars: int = 0
    ended: bool = False  # another table's title ended it mid-page

    @property
    def department(self) -> str:
        return self.block.department_name if self.block else ""

    def add_page(self, page: LaidOutPage, number: int, *, tentative: bool = False) -> bool:
        """Read one page of the table's span into it. Returns False for a page that is not (yet) the table: a
        section page or a sentence naming it before the table starts, or a ``tentative`` page after the last
        page known to be the table whose rows do not line up. Any other page that cannot be read as the table
        raises, naming it."""
        lines = ["".join(char["text"] for char in line) for line in text_lines(page_chars(page))]
        title = title_in(lines)
        try:
            header = find_header(page, number)
        except ExtractionError:
            if tentative:
                return False
            raise
        if header is None and not self.rows:
            return False  # a table of contents, a sentence or a section title page naming the table
        headerless = header is None
        if header is not None:
            columns = header
        elif self.header is not None:  # a page without a header row reads under the last header's columns
            columns = replace(self.header, top=float("-inf"), bottom=float("-inf"))
        else:
            raise ExtractionError("a page of the table without its column header row", number, "no_header_row")
        department = self.department or self._department_in(lines)
        try:
            result = page_rows(page, columns, number, department, headerless=headerless)
        except ExtractionError as error:
            if tentative:
                return False
            raise ExtractionError(
                f"a page inside the table cannot be read as the table ({error.reason})", number, error.code
            ) from None
        if tentative and (result.stray or not result.pieces):
            return False
        if header is not None:
            zone_top = self._title_top(page, title) if not self.rows else float("-inf")
            above = [c for c in page_chars(page) if zone_top <= c["top"] < header.top - 0.5 and c["text"].strip()]
            result.stray = header_zone_stray(above, department) + result.stray
        unread = page.unread_refusal(number) if isinstance(page, ScannedPage) else None
        if unread is not None:
            raise unread
        if result.stray:
            stray = cell_text(result.stray)[:40]
            raise ExtractionError(
                f"{len(result.stray)} characters outside the table's cells: '{stray}'", number, "stray_text"
            )
        new_rows: list[TableRow] = []
        for position, piece in enumerate(result.pieces):
            if position == 0 and result.continues_previous:
                if not self.rows:
                    raise ExtractionError("text above the table's first row", number, "stray_text")
                self.rows[-1].append(piece.texts(), number, piece.confidences())
            else:
                row = TableRow(piece.texts(), number, number, name_x=piece.name_x, confidences=piece.confidences())
                new_rows.append(row)
        check_amounts(new_rows, len(self.rows) + 1)
        if header is not None:
            self.title = self.title or title
            self.block = self.block or header_block(lines)
            self.header = header
        self.rows += new_rows
        self.pages.append(number)
        self.table_chars += result.table_chars
        if result.ended and TITLE_LINE.match(result.next_title):
            raise ExtractionError(
                "another 项目支出绩效目标表 starts in the middle of this page (start each table on its own page)",
                number,
                "table_structure",
            )
        self.ended = result.ended
        return True

    @staticmethod
    def _title_top(page: LaidOutPage, title: re.Match[str] | None) -> float:
        """The top of the title line: what is printed above it on the table's first page is another table's."""
        if title is None:
            return float("-inf")
        for line in text_lines(page_chars(page)):
            if compact("".join(c["text"] for c in line)) == title.string:
                return line[0]["top"] - 0.5
        return float("-inf")

    @staticmethod
    def _department_in(lines: list[str]) -> str:
        block = header_block(lines)
        return block.department_name if block else ""


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


def _page(plumber: pdfplumber.PDF, index: int, scanned: ScannedBook | None) -> LaidOutPage:
    """Page ``index`` (0-based) laid out: by pdfplumber, or by OCR for a scanned page."""
    return scanned.page(index) if scanned is not None and index in scanned else plumber.pages[index]


def _read_table(
    plumber: pdfplumber.PDF, plan: TablePlan, kinds: list[str] | None = None, scanned: ScannedBook | None = None
) -> TableRead:
    """Read one table's pages, releasing each page as soon as it is read, and stop at the first error.
    ``kinds``: every page's ``page_kind`` (from the plain text), to tell where the table really ends."""
    table = TableRead()
    for index in plan.pages + plan.tail:
        if index not in plan.pages and not table.rows:
            break  # nothing read yet: the pages after a mere mention are not the table's
        if table.ended:
            if index in plan.pages:
                raise ExtractionError(
                    f"the table ended on page {table.pages[-1]} but page {index + 1} repeats it",
                    index + 1,
                    "unreadable_table_page",
                )
            break
        page = _page(plumber, index, scanned)
        try:
            read = table.add_page(page, index + 1, tentative=index not in plan.pages)
        except (ExtractionError, MemoryError):  # out of memory is the limits' to report, not a damaged page
            raise
        except Exception as error:  # pdfminer's own failure on a malformed page
            _reraise_out_of_memory(error)
            reason = f"unreadable page content ({type(error).__name__}: {str(error)[:80]})"
            raise ExtractionError(reason, index + 1, "damaged_pdf") from None
        finally:
            page.close()
        if not read and index not in plan.pages:
            break  # the first tail page that does not continue the table: the table ended on the page before
        if not read and table.rows:
            raise ExtractionError(
                "a page inside the table cannot be read as the table", index + 1, "unreadable_table_page"
            )
    if table.rows and not table.ended and kinds:
        _refuse_a_page_bound_inside(plumber, table, kinds, scanned)
    return table


def _refuse_a_page_bound_inside(
    plumber: pdfplumber.PDF, table: TableRead, kinds: list[str], scanned: ScannedBook | None
) -> None:
    """The table stopped at a page's foot: when its continuation pages print no header, a blank leaf or another
    table's page bound inside it would end it there and drop the rest. So when the page after the one that stopped
    it prints no title and no column header either (``plain``), that one page is read tentatively; if its rows
    continue the table, the stopping page is inside the table and the file is refused naming it."""
    stopped = table.pages[-1]  # 0-based index of the page after the table's last page
    after = stopped + 1
    if after >= len(kinds) or kinds[stopped] not in ("plain", "other", "mention") or kinds[after] != "plain":
        return
    page = _page(plumber, after, scanned)
    try:
        continues = table.add_page(page, after + 1, tentative=True)
    except ExtractionError:
        continues = True  # its rows lie under the table's columns but cannot be read: still the table's
    except Exception as error:  # pdfminer's own failure on a malformed page: not this table's to report
        _reraise_out_of_memory(error)
        continues = False
    finally:
        page.close()
    if continues:
        raise ExtractionError(
            f"a page inside the table cannot be read as the table (page {after + 1} continues the table after it)",
            stopped + 1,
            "unreadable_table_page",
        )


def _cover_year(texts: list[str], first_page: int, scanned: ScannedBook | None) -> int | None:
    """The year the pages before the table (``first_page``, from 1) give (``locate.cover_year``); when they give
    none and the book's first page is scanned, that page read whole. A scanned page that is not the table gives
    only its probe's top band, and a cover prints its year lower (``2024年…部门预算`` mid-page): a scanned book
    with no manifest entry and no year in its file name got none, and its night failed on it."""
    year = cover_year(texts[: first_page - 1])
    if year is None and scanned is not None and 0 in scanned and first_page > 1:
        year = cover_year([scanned.page(0).text])
    return year


def _document(
    data: bytes, ordinal: int, table: TableRead, page_count: int, texts: list[str], scanned: ScannedBook | None
) -> Document:
    """Check one table read and make it a document (its id: the file's hash, ``-t<N>`` from the 2nd on)."""
    identifier = document_id(data) if ordinal == 1 else f"{document_id(data)}-t{ordinal}"
    if table.block is None:
        raise ExtractionError("the header block has no 部门名称 (department name)", table.pages[0], "no_department")
    classify(table.rows)
    _check_structure(table.rows)
    cell_chars = sum(len(cell) for row in table.rows for cell in row.cells)
    if cell_chars != table.table_chars:
        raise ExtractionError(
            f"{table.table_chars} characters in the table but {cell_chars} written to cells", code="char_count_mismatch"
        )
    assert table.title is not None
    for row in table.rows:
        if row.text_source == TEXT_OCR:  # the grammar's marks as printed (after the counts: they may differ)
            print_marks(row)
    return Document(
        document_id=identifier,
        source_sha256=hashlib.sha256(data).hexdigest(),
        table_ordinal=ordinal,
        department_name=table.block.department_name,
        table_title=table.title.string,
        amount_unit=table.block.amount_unit,
        page_count=page_count,
        table_pages=table.pages,
        rows=table.rows,
        table_chars=table.table_chars,
        cell_chars=cell_chars,
        title_year=int(table.title["year"]) if table.title["year"] else None,
        cover_year=_cover_year(texts, table.pages[0], scanned),
        ocr_pages=[page for page in table.pages if scanned is not None and page - 1 in scanned],
    )


TableResult = Document | ExtractionError
T = TypeVar("T")


def _guarded(read: Callable[[], T]) -> T:
    """``read()``, with pdfminer's own failures (a document it cannot open, a malformed page outside a table
    read) refusing the file as ``damaged_pdf`` and running out of memory left to the limits to report."""
    try:
        return read()
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:
        _reraise_out_of_memory(error)
        raise ExtractionError(
            f"the PDF cannot be read ({type(error).__name__}: {str(error)[:80]})", code="damaged_pdf"
        ) from None


def _read_packed(
    data: bytes, plans: list[TablePlan], page_count: int, texts: list[str], scanned: ScannedBook | None = None
) -> list[TableResult]:
    """The packed (Guangzhou) tables of the plans: a table that cannot be read is its ExtractionError."""
    results: list[TableResult] = []
    kinds = [page_kind(text) for text in texts]
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for plan in plans:
            ordinal = len(results) + 1
            try:
                table = _read_table(plumber, plan, kinds, scanned)
                if table.title is None:
                    continue  # only mentioned (a section page, a sentence): not a table
                results.append(_document(data, ordinal, table, page_count, texts, scanned))
            except ExtractionError as error:
                if plan.why:  # what was seen, not its consequence: the page plan and the layout disagree
                    error = ExtractionError(f"{plan.why}: {error.reason}", error.page, "unreadable_column_labels")
                error.document_id = document_id(data) if ordinal == 1 else f"{document_id(data)}-t{ordinal}"
                results.append(error)
    return _trust_no_fallback_table(results, plans)


def _trust_no_fallback_table(results: list[TableResult], plans: list[TablePlan]) -> list[TableResult]:
    """Plans made page by page because no page's text showed the column header (``TablePlan.why``): when one of
    them cannot be read as a table of its own, the ones that could are most likely its first pages, so none is
    published; each is refused saying what was seen."""
    failed = [r for r in results if isinstance(r, ExtractionError) and r.code == "unreadable_column_labels"]
    if not failed or not all(plan.why for plan in plans):
        return results
    pages = ", ".join(str(error.page) for error in failed)
    trusted: list[TableResult] = []
    for result in results:
        if isinstance(result, Document):
            first = result.table_pages[0]
            why = next(plan.why for plan in plans if plan.pages[0] + 1 == first)
            reason = f"{why}; the pages naming the table after it ({pages}) could not be read so"
            refused = ExtractionError(reason, first, "unreadable_column_labels")
            refused.document_id = result.document_id
            result = refused
        trusted.append(result)
    return trusted


def read_document(data: bytes, on_ocr_step: OcrStep | None = None) -> list[TableResult]:
    """Read every table of a PDF from its bytes: everything that depends on the content alone (and so can be
    cached by content hash). A table that cannot be read is an ExtractionError in the list (naming its page and
    document id) while the file's other tables are read; a file with no readable table raises. Scanned pages
    (pictures without text) are read by OCR where they may hold the table (``extract.scanned``), each step told
    to ``on_ocr_step`` as it starts."""
    pdf = _open(data)
    try:
        texts = _guarded(lambda: page_texts(pdf, data))
        page_count = len(pdf)
    finally:
        pdf.close()
    scanned = ScannedBook(data, on_ocr_step) if not all(text.strip() for text in texts) else None
    try:
        if scanned is not None and not scanned.indexes:
            scanned.close()
            scanned = None
        if scanned is None and not any(text.strip() for text in texts):
            raise ExtractionError("no text layer and no picture on any page", code="no_text_layer")
        if scanned is not None:
            texts = scanned.texts(texts)
            if not any(text.strip() for text in texts):
                raise ExtractionError(
                    f"no text layer, and OCR read no text on {scanned.described}", code="no_text_layer"
                )
        return _read_tables(data, texts, page_count, scanned)
    finally:
        if scanned is not None:
            scanned.close()


def _read_tables(data: bytes, texts: list[str], page_count: int, scanned: ScannedBook | None) -> list[TableResult]:
    others = _guarded(lambda: read_other_format(data, texts, scanned=scanned))
    if others is not None:  # a card, indicator-table or period format: its reader's documents
        return [replace(d, cover_year=_cover_year(texts, d.table_pages[0], scanned)) for d in others]
    plans = plan_tables(texts)
    scans = f" (OCR read {scanned.described})" if scanned is not None else ""
    if not plans:
        raise ExtractionError(f"no 项目支出绩效目标表 in this file{scans}", code=NO_TABLE)

    results = _guarded(lambda: _read_packed(data, plans, page_count, texts, scanned))
    if not results:
        raise ExtractionError(
            f"no 项目支出绩效目标表 in this file{scans} (only mentioned, e.g. in a table of contents)", code=NO_TABLE
        )
    return results


def place(document: Document, path: Path, overrides: Overrides = Overrides()) -> Document:
    """Where the file is and what the manifest says: file name, modification time, and the fiscal year from
    the manifest, the table title, the cover or the file name, in that order. The table's own title wins over
    the cover; when the manifest, title or cover give another year, ``fiscal_year_conflict`` names it."""
    sources = [
        (overrides.fiscal_year, "manifest"),
        (document.title_year, "table_title"),
        (document.cover_year, "cover"),
        (file_name_year(path.name), "file_name"),
    ]
    year, source = next(((y, s) for y, s in sources if y is not None), (None, ""))
    conflict = next(
        (f"{s}:{y}" for y, s in sources[:3] if y is not None and year is not None and y != year),
        "",
    )
    return replace(
        document,
        source_file=path.name,
        source_modified_at=datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds"),
        department_name=overrides.department_name or document.department_name,
        fiscal_year=year,
        fiscal_year_source=source,
        fiscal_year_conflict=conflict,
    )


def extract_documents(path: Path, manifest: dict | None = None) -> list[TableResult]:
    """Read one PDF file and place each of its tables (``manifest``: ``overrides_for``'s mapping)."""
    manifest = manifest or {}
    return [
        r if isinstance(r, ExtractionError) else place(r, path, overrides_for(manifest, path.name, r.table_ordinal))
        for r in read_document(path.read_bytes())
    ]


def overrides_for(manifest: dict, file_name: str, ordinal: int) -> Overrides:
    """A manifest row naming the table (``table`` column) wins over one for the whole file."""
    return manifest.get((file_name, ordinal)) or manifest.get(file_name) or Overrides()


def extract_document(path: Path, overrides: Overrides = Overrides()) -> Document:
    """Read a PDF file holding one table and place it. Raises ExtractionError if it cannot be read as the
    table (or holds several: use ``extract_documents``)."""
    results = extract_documents(path, {path.name: overrides})
    if len(results) > 1:
        raise ExtractionError(f"{len(results)} tables in this file", code="several_tables")
    if isinstance(results[0], ExtractionError):
        raise results[0]
    return results[0]
