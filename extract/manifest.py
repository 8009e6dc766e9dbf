"""``manifest.csv`` beside the PDFs: the fiscal year or department of a file, checked row by row.

Operators save it from Excel, so UTF-8 (with or without BOM) and GB18030/GBK are accepted. Every problem is
one line naming the line and the column (``ManifestError``), never a traceback; a row naming no file found is
a warning, because the file may simply not have been copied yet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .document import Overrides

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "fiscal_year", "department_name", "table")
# A row applies to every table of its file, or (optional ``table`` column, 1-based) to that table only.
Manifest = dict[str | tuple[str, int], Overrides]
# A plausible fiscal year: four digits, so `24` is never published as the year 24.
MIN_FISCAL_YEAR = 1990
MAX_FISCAL_YEAR = 2100
ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK, what Excel writes on Chinese Windows


class ManifestError(Exception):
    """A manifest that cannot be used; the message is one line naming the line and column."""


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ManifestError(f"{path}: not UTF-8 or GB18030/GBK text")


def _year(text: str, where: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (len(text) == 4 and text.isdigit() and MIN_FISCAL_YEAR <= int(text) <= MAX_FISCAL_YEAR):
        raise ManifestError(
            f"{where}, column fiscal_year: {text!r} is not a four-digit year in {MIN_FISCAL_YEAR}..{MAX_FISCAL_YEAR}"
        )
    return int(text)


def _table(text: str, where: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isdigit() and int(text) >= 1):
        raise ManifestError(f"{where}, column table: {text!r} is not a table number (1, 2, …)")
    return int(text)


def read_manifest(pdf_dir: Path) -> Manifest:
    """The overrides by file path relative to ``pdf_dir`` ('/'-separated), or by (path, table) for a row naming
    one table of the file. Raises ManifestError."""
    path = pdf_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        reader = csv.DictReader(io.StringIO(_decode(path), newline=""))
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise ManifestError(f"{path}: not a CSV file ({error})") from None
    if "file" not in header:
        raise ManifestError(f"{path}: no 'file' column (expected columns {', '.join(MANIFEST_COLUMNS)})")
    unknown = [name for name in header if name not in MANIFEST_COLUMNS]
    if unknown:  # a misspelled column (fiscal_yaer) would otherwise be ignored without a word
        raise ManifestError(
            f"{path} line 1: unknown column {unknown[0]!r} (expected columns {', '.join(MANIFEST_COLUMNS)})"
        )
    reader.fieldnames = header
    overrides: Manifest = {}
    try:
        for row in reader:
            where = f"{path} line {reader.line_num}"
            if None in row:
                raise ManifestError(f"{where}: more cells than the header has columns")
            name = (row.get("file") or "").strip().replace("\\", "/").removeprefix("./")
            if not name:
                raise ManifestError(f"{where}, column file: empty")
            table = _table(row.get("table") or "", where)
            key: str | tuple[str, int] = name if table is None else (name, table)
            if key in overrides:
                raise ManifestError(f"{where}, column file: {name!r} is named twice")
            overrides[key] = Overrides(
                fiscal_year=_year(row.get("fiscal_year") or "", where),
                department_name=(row.get("department_name") or "").strip() or None,
            )
    except csv.Error as error:
        raise ManifestError(f"{path}: not a CSV file ({error})") from None
    return overrides


def unmatched(overrides: Manifest, found: list[str]) -> list[str]:
    """Warning lines for manifest rows naming no file found."""
    present = set(found)
    names = dict.fromkeys(key if isinstance(key, str) else key[0] for key in overrides)
    return [
        f"warning: manifest.csv names {name!r}, which is not in the folder" for name in names if name not in present
    ]
