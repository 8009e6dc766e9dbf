"""Where the seven columns are on a page, read from that page's own column header row.

Books differ in column widths, fonts and orientation, so nothing here is a fixed coordinate. The
header labels give each column's position; the boundary between two neighbours is the ruling line
between their labels when the table is ruled, otherwise the widest strip between the labels that no
body text crosses (body text never crosses a column boundary, whatever its alignment).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from .locate import compact
from .model import COLUMNS, LABELS, ExtractionError
from .pdfobjects import LaidOutPage, Word, page_chars, page_edges, page_words
from .tolerances import DEFAULT_EDGE_TOLERANCE, DEFAULT_LINE_TOLERANCE

_ALL_LABELS = [label for labels in LABELS.values() for label in labels]
ANCHORS = ("项目名称", "资金使用单位")


def _normalise(text: str) -> str:
    return compact(text).replace("(", "（").replace(")", "）")


@dataclass(frozen=True)
class ColumnHeader:
    """The column header row of one page: its vertical extent and the x boundaries of the columns.

    ``bounds`` has eight entries: the left edge of each of the seven columns, then the right edge
    of the last. Outer edges are infinite when the table is not ruled.
    """

    top: float
    bottom: float
    bounds: tuple[float, ...]

    def column_of(self, x: float) -> int | None:
        for index in range(len(COLUMNS)):
            if self.bounds[index] <= x < self.bounds[index + 1]:
                return index
        return None


def _is_label_part(word: Word) -> bool:
    return any(_normalise(word["text"]) in label for label in _ALL_LABELS)


def _word_lines(words: list[Word]) -> list[list[Word]]:
    """Words on one printed line (tops within ``DEFAULT_LINE_TOLERANCE`` of a word's height), top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) < (word["bottom"] - word["top"]) * DEFAULT_LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _header_words(page: LaidOutPage) -> list[Word] | None:
    """Words of the column header row: the line holding 项目名称, and the lines just above and below
    it made only of pieces of labels (narrow header cells wrap their labels, centred vertically)."""
    lines = _word_lines(page_words(page))
    anchor = next(
        (i for i, line in enumerate(lines) if any(_normalise(w["text"]).startswith(ANCHORS) for w in line)), None
    )
    if anchor is None:
        return None
    first = last = anchor
    while first > 0 and all(_is_label_part(w) for w in lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and all(_is_label_part(w) for w in lines[last + 1]):
        last += 1
    return [w for line in lines[first : last + 1] for w in line if _is_label_part(w)]


def _stack(words: list[Word]) -> list[list[Word]]:
    """Group header words that sit above one another (a label wrapped inside its cell)."""
    stacks: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        last = stacks[-1] if stacks else None
        if last and word["x0"] < max(w["x1"] for w in last) - DEFAULT_EDGE_TOLERANCE:
            last.append(word)
        else:
            stacks.append([word])
    return stacks


def _ruling_between(page: LaidOutPage, left: float, right: float, top: float, bottom: float) -> float | None:
    middle = (top + bottom) / 2
    xs = [
        e["x0"]
        for e in page_edges(page)
        if e["orientation"] == "v" and left < e["x0"] < right and e["top"] <= middle <= e["bottom"]
    ]
    return median(xs) if xs else None


def _gutter_between(body_spans: list[tuple[float, float]], left: float, right: float) -> float:
    """Middle of the widest strip in (left, right) that no body character covers."""
    edge, best, best_width = left, (left + right) / 2, -1.0
    for x0, x1 in sorted(s for s in body_spans if s[1] > left and s[0] < right):
        if x0 - edge > best_width:
            best, best_width = (edge + x0) / 2, x0 - edge
        edge = max(edge, x1)
    if right - edge > best_width:
        best = (edge + right) / 2
    return best


def find_header(page: LaidOutPage, page_number: int) -> ColumnHeader | None:
    """The column header row and column boundaries of a table page; None if the page has no header
    row at all (a section title page). A header row that is not this table's is an error."""
    words = _header_words(page)
    if words is None:
        return None
    labelled: dict[str, list[Word]] = {}
    for stack in _stack(words):
        text = _normalise("".join(w["text"] for w in sorted(stack, key=lambda w: (round(w["top"]), w["x0"]))))
        column = next((c for c, labels in LABELS.items() if text in labels), None)
        if column is not None and column not in labelled:
            labelled[column] = stack
    if list(labelled) != list(COLUMNS):
        missing = [LABELS[c][0] for c in COLUMNS if c not in labelled]
        raise ExtractionError(
            f"the column header row lacks {'、'.join(missing)} (or has them out of order)", page_number, "no_header_row"
        )
    stacks = list(labelled.values())
    top = min(w["top"] for w in words)
    bottom = max(w["bottom"] for w in words)
    body_spans = [(c["x0"], c["x1"]) for c in page_chars(page) if c["top"] > bottom and c["text"].strip()]
    inner = []
    for left_stack, right_stack in pairwise(stacks):
        left = max(w["x1"] for w in left_stack)
        right = min(w["x0"] for w in right_stack)
        ruling = _ruling_between(page, left, right, top, bottom)
        inner.append(ruling if ruling is not None else _gutter_between(body_spans, left, right))
    first_left = min(w["x0"] for w in stacks[0])
    last_right = max(w["x1"] for w in stacks[-1])
    outer_left = _ruling_between(page, float("-inf"), first_left, top, bottom)
    outer_right = _ruling_between(page, last_right, float("inf"), top, bottom)
    bounds = (
        float("-inf") if outer_left is None else outer_left,
        *inner,
        float("inf") if outer_right is None else outer_right,
    )
    return ColumnHeader(top=top, bottom=bottom, bounds=bounds)
