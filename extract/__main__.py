"""``python -m extract PDF_DIR OUT_DIR``: extract every PDF in a folder into raw CSV seeds.

One line per file. A file that cannot be read is quarantined with its reason; the others still
extract, and the exit status is 1 so that a nightly run notices.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path

from .document import Overrides, extract_document
from .gate import validate
from .model import Document, ExtractionError, Quarantined
from .seeds import write_seeds


def read_manifest(pdf_dir: Path) -> dict[str, Overrides]:
    """``manifest.csv`` beside the PDFs (columns ``file``, ``fiscal_year``, ``department_name``)."""
    path = pdf_dir / "manifest.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["file"].strip(): Overrides(
                fiscal_year=int(row["fiscal_year"]) if (row.get("fiscal_year") or "").strip() else None,
                department_name=(row.get("department_name") or "").strip() or None,
            )
            for row in csv.DictReader(handle)
        }


def pdf_files(pdf_dir: Path) -> list[Path]:
    return sorted(p for p in pdf_dir.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")


def extract_folder(pdf_dir: Path, out_dir: Path, reports_dir: Path) -> tuple[list[Document], list[Quarantined]]:
    manifest = read_manifest(pdf_dir)
    documents: list[Document] = []
    quarantined: list[Quarantined] = []
    for path in pdf_files(pdf_dir):
        try:
            document = extract_document(path, manifest.get(path.name, Overrides()))
        except ExtractionError as error:
            quarantined.append(Quarantined(path.name, error.reason, error.page))
            print(f"quarantined {path}: {error}", file=sys.stderr)
            continue
        except Exception as error:  # a PDF library's own failure on a malformed file
            reason = f"unreadable PDF ({type(error).__name__}: {str(error)[:120]})"
            quarantined.append(Quarantined(path.name, reason))
            print(f"quarantined {path}: {reason}", file=sys.stderr)
            continue
        documents.append(document)
        kinds = [row.kind for row in document.rows]
        print(
            f"extracted {path}: {document.department_name} {document.fiscal_year}, "
            f"{kinds.count('funding_unit')} units, {kinds.count('project')} projects "
            f"(pages {document.table_pages[0]}-{document.table_pages[-1]})"
        )
    failures = {failure.document_id: failure for failure in validate(documents, reports_dir)}
    for document in [d for d in documents if d.document_id in failures]:
        reason = failures[document.document_id].reason
        quarantined.append(Quarantined(document.source_file, reason))
        print(f"quarantined {pdf_dir / document.source_file}: {reason}", file=sys.stderr)
    documents = [d for d in documents if d.document_id not in failures]
    write_seeds(out_dir, documents, quarantined)
    return documents, quarantined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    parser.add_argument("pdf_dir", type=Path, help="folder of budget book PDFs (and an optional manifest.csv)")
    parser.add_argument(
        "out_dir", type=Path, help="folder for raw_documents.csv, raw_table_rows.csv, raw_quarantine.csv"
    )
    parser.add_argument("--reports", type=Path, default=Path("reports"), help="where the quality gate's Data Docs go")
    args = parser.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged files are reported once, by us
    if not args.pdf_dir.is_dir():
        print(f"error: {args.pdf_dir} is not a folder", file=sys.stderr)
        return 2
    documents, quarantined = extract_folder(args.pdf_dir, args.out_dir, args.reports)
    print(f"{len(documents)} documents extracted, {len(quarantined)} quarantined -> {args.out_dir}")
    return 1 if quarantined else 0


if __name__ == "__main__":
    sys.exit(main())
