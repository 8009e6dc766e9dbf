"""Write extracted documents as raw CSV seeds for dbt: every value text, exactly as printed."""

from __future__ import annotations

import csv
from pathlib import Path

from common.atomic import write_atomic

from . import __version__
from .model import APPENDED_COLUMNS, COLUMNS, Document, FormatDocument, FormatRow, IndicatorRecord, Quarantined

DOCUMENT_FIELDS = tuple(
    "document_id source_file department_name fiscal_year fiscal_year_source table_title "
    "amount_unit page_count table_pages table_chars cell_chars extractor_version source_modified_at "
    "source_sha256 table_ordinal table_format is_stale stale_reason fiscal_year_conflict text_source ocr_pages".split()
)
# text_source, ocr_confidence and ocr_cell_confidences (issue 23): where a row's text came from (pdf / ocr) and,
# for OCR, the engine's lowest score over the row's cells, and each cell's (COLUMNS order, ';'-separated, empty for a
# cell with nothing OCR'd).
ROW_FIELDS = (
    *("document_id", "row_number", "row_kind", *COLUMNS, "page_start", "page_end", *APPENDED_COLUMNS),
    *("text_source", "ocr_confidence", "ocr_cell_confidences"),
)
OCR_CONFIDENCE_DIGITS = 3  # engines' scores differ in later digits between CPUs
# raw_row_fields: every other labelled value a card prints (项目属性, 项目期, 主管部门, …), label and value as printed.
ROW_FIELD_FIELDS = ("document_id", "row_number", "label", "value")
QUARANTINE_FIELDS = (
    *("source_file", "reason", "page", "stage", "reason_code", "document_id", "row_number"),
    *("subject", "printed_value", "computed_value", "disposition"),
)


BUILD_FILE_FIELDS = ("source_file", "source_sha256", "status")
# raw_build_files statuses (docs/architecture.md): what happened to each file since the published build.
FILE_STATUSES = ("added", "changed", "unchanged", "removed", "refused", "stale", "no_table")


def _write(path: Path, fields: tuple[str, ...], records: list[tuple]) -> None:
    """Written atomically, so a crash never leaves half a seed behind."""

    def rows(handle) -> None:
        writer = csv.writer(handle)
        writer.writerow(fields)
        writer.writerows(records)

    write_atomic(path, rows)


def _document_record(d: Document) -> tuple:
    pages = ";".join(map(str, d.table_pages))
    return (
        *(d.document_id, d.source_file, d.department_name, d.fiscal_year or "", d.fiscal_year_source),
        *(d.table_title, d.amount_unit, d.page_count, pages, d.table_chars, d.cell_chars, __version__),
        *(d.source_modified_at, d.source_sha256, d.table_ordinal, d.table_format, str(d.is_stale).lower()),
        *(d.stale_reason, d.fiscal_year_conflict, d.text_source, ";".join(map(str, d.ocr_pages))),
    )


def table_row_records(documents: list[Document]) -> list[tuple]:
    """One record per printed row, in ROW_FIELDS order: what the raw seed holds and the gate checks."""
    return [
        (
            *(d.document_id, str(number), row.kind, *row.cells, str(row.page_start), str(row.page_end)),
            *(row.appended.get(column, "") if isinstance(row, FormatRow) else "" for column in APPENDED_COLUMNS),
            row.text_source,
            _score(row.ocr_confidence),
            ";".join(_score(score) for score in row.confidences) if row.ocr_confidence is not None else "",
        )
        for d in documents
        for number, row in enumerate(d.rows, start=1)
    ]


def _score(score: float | None) -> str:
    return "" if score is None else f"{score:.{OCR_CONFIDENCE_DIGITS}f}"


def row_field_records(documents: list[Document]) -> list[tuple]:
    """One record per labelled value a row keeps as printed (``FormatRow.fields``), in ROW_FIELD_FIELDS order."""
    return [
        (d.document_id, str(number), label, value)
        for d in documents
        for number, row in enumerate(d.rows, start=1)
        if isinstance(row, FormatRow)
        for label, value in row.fields.items()
    ]


def write_seeds(
    out_dir: Path,
    documents: list[Document],
    quarantined: list[Quarantined],
    build_files: list[tuple[str, str, str]] | None = None,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / "raw_documents.csv", DOCUMENT_FIELDS, [_document_record(d) for d in documents])
    _write(out_dir / "raw_table_rows.csv", ROW_FIELDS, table_row_records(documents))
    write_indicator_rows(out_dir, documents)
    _write(out_dir / "raw_row_fields.csv", ROW_FIELD_FIELDS, row_field_records(documents))
    refused = [
        (
            *(q.source_file, q.reason, q.page or "", q.stage, q.reason_code, q.document_id, q.row_number or ""),
            *(q.subject, q.printed_value, q.computed_value, q.disposition),
        )
        for q in quarantined
    ]
    _write(out_dir / "raw_quarantine.csv", QUARANTINE_FIELDS, refused)
    _write(out_dir / "raw_build_files.csv", BUILD_FILE_FIELDS, sorted(build_files or []))


# --- raw_indicator_rows: formats that print one indicator per row or card line (extract/formats/) ---
INDICATOR_FIELDS = tuple(IndicatorRecord.__annotations__)


def indicator_row_records(documents: list[Document]) -> list[tuple]:
    """One record per printed indicator of the documents that have them, in INDICATOR_FIELDS order."""
    return [
        tuple(record[name] for name in INDICATOR_FIELDS)  # type: ignore[literal-required]
        for d in documents
        if isinstance(d, FormatDocument)
        for record in d.indicators
    ]


def write_indicator_rows(out_dir: Path, documents: list[Document]) -> None:
    """raw_indicator_rows.csv, written (header only) even when no document has indicator records, so the
    seed always exists for dbt."""
    _write(out_dir / "raw_indicator_rows.csv", INDICATOR_FIELDS, indicator_row_records(documents))
