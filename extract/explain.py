"""``python -m extract --explain FILE``: which table format was found on which pages and why, or why none was.

What a user needs when a new book does not load: each page that looks like a performance-target table, the
format its labels name (or the nearest format and the labels it lacks), then what reading the file gives.
"""

from __future__ import annotations

from pathlib import Path

from .document import read_document
from .formats import FORMATS, detect_file, page_texts, read_formats
from .formats import packed as packed_format
from .model import ExtractionError

PICTURES = {module.NAME: module.PICTURE for module in FORMATS}


def _pages(numbers: list[int]) -> str:
    """``1,2,3,5`` → ``1-3, 5``."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def explain(path: Path) -> list[str]:
    """The explanation, one line each (no traceback, whatever the file)."""
    try:
        data = path.read_bytes()
        texts = page_texts(data)
    except Exception as error:  # not a PDF, damaged: the reason is the answer
        return [f"{path.name}: cannot be opened as a PDF ({type(error).__name__}: {str(error)[:80]})"]
    found = detect_file(texts)
    lines = [f"{path.name}: {len(texts)} pages"]
    continues = False  # the page before was the table's: a page naming no format continues it if it holds a grid
    for detection in found.pages:
        named = detection.format_name is not None and detection.format_name == found.format_name
        if detection.format_name:
            lines.append(f"  page {detection.page}: {detection.format_name} (labels {'、'.join(detection.found)})")
        elif detection.other_table and detection.looks_like_a_target_table:
            lines.append(f"  page {detection.page}: another table of the book (its own title), not read")
        elif continues and found.format_name != packed_format.NAME and not detection.other_table:
            lines.append(
                f"  page {detection.page}: no labels of its own: read as the table's continuation if it holds a grid"
            )
            named = True
        elif detection.looks_like_a_target_table:
            lines.append(
                f"  page {detection.page}: no format (nearest {detection.nearest}: has {'、'.join(detection.found)};"
                f" missing {'、'.join(detection.missing)})"
            )
        continues = named
    if found.format_name is None:
        lines.append(f"no format: {found.refusal().reason}")
        return lines
    lines.append(f"format: {found.format_name} on pages {_pages(found.table_pages)} — {PICTURES[found.format_name]}")
    try:
        if found.format_name == packed_format.NAME:
            for result in read_document(data):
                if isinstance(result, ExtractionError):
                    lines.append(f"refused ({result.code}): {result}")
                else:
                    rows = len(result.rows)
                    lines.append(f"read: table {result.table_ordinal}, {rows} rows ({result.department_name})")
        else:
            for document in read_formats(data, found, len(texts)):
                projects = sum(row.kind == "project" for row in document.rows)
                lines.append(
                    f"read: table {document.table_ordinal} ({document.department_name}, pages "
                    f"{_pages(document.table_pages)}): {projects} projects, {len(document.indicators)} indicators,"
                    f" amounts in {document.amount_unit or '?'}"
                )
    except ExtractionError as error:
        lines.append(f"refused ({error.code}): {error}")
    return lines


def main(argv: list[str]) -> int:
    """Print the explanation of each file; 1 when any of them cannot be read."""
    failed = False
    for name in argv:
        lines = explain(Path(name))
        print("\n".join(lines))
        failed = failed or lines[-1].startswith(("refused", "no format")) or len(lines) == 1
    return 1 if failed else 0
