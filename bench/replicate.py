"""Raw seeds of many books replicated from the sample book, for the dbt half of the benchmark ((f), (h)).

Book ``n`` is the sample book under its own document id, file and department: ``departments`` departments
(样本0000街道办事处…) × consecutive fiscal years, as a city publishes them. Every other column is the sample's,
so the models do the same work per book and projects match across years by name.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, SAMPLE_PDF

DEFAULT_DEPARTMENTS = 200
DEFAULT_YEARS = 5
FIRST_YEAR = 2020


def sample_seeds(folder: Path) -> Path:
    """The sample book's raw seeds, extracted once (kept in ``folder``)."""
    if not (folder / "raw_documents.csv").exists():
        pdf_dir = folder.with_name(folder.name + "-pdf")
        pdf_dir.mkdir(parents=True, exist_ok=True)
        (pdf_dir / SAMPLE_PDF.name).write_bytes(SAMPLE_PDF.read_bytes())
        command = [sys.executable, "-m", "extract", str(pdf_dir), str(folder), "--reports", str(folder / "reports")]
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return folder


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


def book_identity(number: int, departments: int) -> dict[str, str]:
    digest = hashlib.sha256(f"replicated book {number}".encode()).hexdigest()
    return {
        "document_id": digest[:16],
        "source_sha256": digest,
        "source_file": f"replicated_{number:05d}.pdf",
        "department_name": f"广州市荔湾区人民政府样本{number % departments:04d}街道办事处",
        "fiscal_year": str(FIRST_YEAR + number // departments),
    }


def replicate(sample: Path, out_dir: Path, books: int, years: int = DEFAULT_YEARS) -> Path:
    """Raw seeds of ``books`` books in ``out_dir`` (relative to the project for dbt), every file 'added': at least
    200 departments, each over ``years`` years (1,000 books: 200 × 5; 10,000: 2,000 × 5)."""
    departments = max(DEFAULT_DEPARTMENTS, -(-books // years))
    out_dir.mkdir(parents=True, exist_ok=True)
    fields, documents = _read(sample / "raw_documents.csv")
    (document,) = documents
    identities = [book_identity(number, departments) for number in range(books)]
    _write(out_dir / "raw_documents.csv", fields, ({**document, **identity} for identity in identities))
    not_per_document = {"raw_documents", "raw_quarantine", "raw_build_files"}
    per_document = {path.stem for path in sample.glob("raw_*.csv")} - not_per_document
    for name in sorted(per_document):  # every seed of rows keyed by document (the extractor's, whatever it adds)
        fields, rows = _read(sample / f"{name}.csv")
        replicated = ({**row, "document_id": i["document_id"]} for i in identities for row in rows)
        _write(out_dir / f"{name}.csv", fields, replicated)
    fields, _ = _read(sample / "raw_quarantine.csv")
    _write(out_dir / "raw_quarantine.csv", fields, [])
    files = (
        {"source_file": i["source_file"], "source_sha256": i["source_sha256"], "status": "added"} for i in identities
    )
    _write(out_dir / "raw_build_files.csv", ["source_file", "source_sha256", "status"], files)
    return out_dir
