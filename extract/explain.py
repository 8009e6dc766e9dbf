"""``python -m extract --explain FILE``: which table format was found on which pages and why, or why none was.

What a user needs when a new book does not load: each page that looks like a performance-target table, the
format its labels name (or the nearest format and the labels it lacks), then what reading the file gives.
"""

from __future__ import annotations

from pathlib import Path

from .document import read_document
from .formats import FORMATS, Detection, FileDetection, detect_file, page_texts, reader
from .formats import packed as packed_format
from .formats.card import label_of
from .model import COLUMNS, ExtractionError, FormatDocument, TableRow, lowest
from .scanned import scanned_texts

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
        if not all(text.strip() for text in texts):  # scanned pages: detected on what OCR reads of them
            texts = scanned_texts(data, texts)
    except Exception as error:  # not a PDF, damaged: the reason is the answer
        return [f"{path.name}: cannot be opened as a PDF ({type(error).__name__}: {str(error)[:80]})"]
    found = detect_file(texts)
    reading, read_pages = _read(data)
    lines = [f"{path.name}: {len(texts)} pages"]
    lines += [line for d in found.pages if (line := _page_line(d, found, read_pages))]
    if found.format_name is None:
        lines.append(f"no format: {found.refusal().reason}")
    else:
        picture = PICTURES[found.format_name]
        lines.append(f"format: {found.format_name} on pages {_pages(found.table_pages)} — {picture}")
    return lines + reading


def _page_line(detection: Detection, found: FileDetection, read_pages: set[int] | None) -> str:
    """One page: its format and labels, or that it was read as the table's continuation (``read_pages``: the
    pages of the tables read, None when the file was refused), or the nearest format and what it lacks."""
    page = f"  page {detection.page}:"
    if detection.format_name:
        line = f"{page} {detection.format_name} (labels {'、'.join(detection.found)})"
        if detection.format_name != found.format_name:
            return f"{line}, not read: the file's format is {found.format_name}"
        return line
    if read_pages is not None and detection.page in read_pages:
        return f"{page} no labels of its own: read as the table's continuation"
    if detection.other_table and detection.looks_like_a_target_table:
        return f"{page} another table of the book (its own title), not read"
    follows = detection.page - 1 in (read_pages if read_pages is not None else found.table_pages)
    if follows and found.format_name not in (None, packed_format.NAME) and not detection.other_table:
        if read_pages is None:
            return f"{page} no labels of its own: would be read as the table's continuation if it held a grid"
        return f"{page} no labels of its own and no grid: not part of the table"
    if detection.looks_like_a_target_table:
        return (
            f"{page} no format (nearest {detection.nearest}: has {'、'.join(detection.found)};"
            f" missing {'、'.join(detection.missing)})"
        )
    return ""


def _read(data: bytes) -> tuple[list[str], set[int] | None]:
    """What the build's reader (``read_document``, the same call the pipeline makes) gives: each table read, or
    why a table or the whole file is refused; and the pages of the tables read (None when the file is refused)."""
    try:
        results = read_document(data)
    except ExtractionError as error:
        return [f"refused ({error.code}): {error}"], None
    lines = []
    pages: set[int] = set()
    for ordinal, result in enumerate(results, start=1):
        if isinstance(result, ExtractionError):
            lines.append(f"refused table {ordinal} ({result.code}): {result}")
            continue
        pages.update(result.table_pages)
        kinds = [row.kind for row in result.rows]
        indicators = (
            f"{len(result.indicators)} indicators"
            if isinstance(result, FormatDocument)
            else "indicators packed in the 绩效指标 cells"
        )
        lines.append(
            f"read: table {result.table_ordinal} ({result.table_format}, {result.department_name}, pages "
            f"{_pages(result.table_pages)}): {kinds.count('funding_unit')} units, {kinds.count('project')} projects,"
            f" {indicators}, amounts in {result.amount_unit or '?'}"
        )
        if result.ocr_pages:  # scanned pages: their text is OCR's, each row with the engine's lowest score
            lowest = min(row.ocr_confidence for row in result.rows if row.ocr_confidence is not None)
            lines.append(f"  text read by OCR on pages {_pages(result.ocr_pages)} (lowest row confidence {lowest:.2f})")
            lines.append(f"  lowest by column: {_column_scores(result.rows)}")
        unknown = _unknown_labels(result) if isinstance(result, FormatDocument) else []
        if unknown:
            lines.append(f"  kept as printed, labels the template does not know: {'、'.join(unknown)}")
    if any(isinstance(result, ExtractionError) for result in results):
        lines.append("refused: a table of the file cannot be read (the others are extracted)")
    return lines, pages


def _column_scores(rows: list[TableRow]) -> str:
    """Each column's lowest OCR score over the rows (``name 0.99, total_amount 0.98, …``), columns with none left
    out: which field to doubt."""
    found = []
    for index, column in enumerate(COLUMNS):
        score = lowest(row.confidences[index] for row in rows if index < len(row.confidences))
        if score is not None:
            found.append(f"{column} {score:.2f}")
    return ", ".join(found)


def _unknown_labels(document: FormatDocument) -> list[str]:
    """The header labels a card template does not name, kept as printed (label and value) in raw_row_fields."""
    spec = getattr(reader(document.table_format), "spec", None)
    if spec is None:
        return []
    printed = dict.fromkeys(label for row in document.rows for label in getattr(row, "fields", {}))
    return [label for label in printed if label_of(label)[0] not in spec.fields]


def main(argv: list[str]) -> int:
    """Print the explanation of each file; 1 when any of them cannot be read."""
    failed = False
    for name in argv:
        lines = explain(Path(name))
        print("\n".join(lines))
        failed = failed or lines[-1].startswith(("refused", "no format")) or len(lines) == 1
    return 1 if failed else 0
