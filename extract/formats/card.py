"""The reader every card template shares: one card per project, a header block of labelled fields, then an
indicator grid. A template is data (``templates.yml``, loaded by ``extract.formats.templates``); the reading is
here once.

A card starts at the row whose first cell is its name label (项目名称 / 项目支出名称). In the header block each
label is paired with the next cell; a group label (项目资金（万元）, 总体目标) only groups the rows beside it (its
bracketed unit is the amount unit). Amounts printed side by side are placed by the side of their total label
(中期资金总额 | 年度资金总额); labels printed in a row of their own (中期目标 | 年度目标) take the values printed
under them in the next row; money written as one sentence (总额：…万元；一、财政拨款：…) is split into its parts. A
label the template does not know is kept as printed (label and value) unless it sits in a money group or its value
reads as an amount: then the card is refused naming it, since an amount nobody places would be lost. The grid starts
at the row holding 一级指标 and the template's indicator-name label (三级指标, 指标内容); its columns are mapped by
their labels, so column order and extra columns do not matter (a label cell merged down beside the grid, 绩效指标,
is skipped); two grids named by the cell beside them (长期绩效指标, 年度绩效指标) give the period's and the year's
value of the same indicators, paired by position and name (a pair that differs refuses the card, never a guess). A
card continues across pages (rows above the first card of a page belong to the card left open; a repeated grid
header is skipped). Cards of one department (主管部门 / 预算部门) make one table; consecutive cards of one unit
(实施单位) are preceded by a funding-unit row whose amounts are not printed (the SQL sums them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import (
    AMOUNT_PATTERN,
    APPENDED_COLUMNS,
    COLUMNS,
    PERIOD_AMOUNT_COLUMNS,
    YEAR_AMOUNT_COLUMNS,
    ExtractionError,
    lowest,
)
from .grid import Columns, GridRow, PageGrids, normalise
from .records import AMOUNT_UNIT_IN_LABEL, ReadTable, indicator, table_cells, without_code

LEVEL1 = "一级指标"  # a grid header prints it and the template's indicator-name label (三级指标, 指标内容)
LEVEL_KEYS = ("level1_name", "level2_name")
# What a header label may fill besides the raw_table_rows columns: the department (one document each), the
# funding unit, or a field kept as printed.
HEADER_KEYS = ("department", "unit", "kept")
ROW_COLUMNS = ("name", "total_amount", "fiscal_appropriation", "other_funds", "goal_text", *APPENDED_COLUMNS)
TOTALS = {"total_amount": "", "period_total_amount": "period_"}  # a total label names its side of the money block
PARTS = ("fiscal_appropriation", "other_funds", "carryover_funds", "own_funds")  # 其中: placed on their side
YEAR_RANGE = re.compile(r"（[^（）]*\d{2}[^（）]*[-－—~至][^（）]*）$")  # 中期目标（2024年-2026年）, （20××年－20××年）
AMOUNT = re.compile(AMOUNT_PATTERN)
# One part of money written as a sentence: ``一、财政拨款：100.0000万元`` (parts separated by ；).
SENTENCE_PART = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．])?(?P<label>[^：:]+)[：:](?P<amount>[\d,]+(?:\.\d+)?)(?P<unit>千?万?元)$"
)
# Where money written as a sentence breaks into parts: at ；, or at a colon before a numbered part (OCR reads the
# ； before ``二、自有资金`` as ：; a colon before a part's number ends the part before, whatever was printed).
PART_BREAK = re.compile(r"[；;]|[：:](?=[一二三四五六七八九十]+[、.．])")
PAIRED_KEYS = ("level1_name", "level2_name", "indicator_name")  # what two grids' indicators must share
# An amount read by OCR that no printed sum checks (a card printing its total without parts, the period's amounts:
# ``int_reconciliation_checks``) must be read with at least this score, or the card is refused naming it. The
# engine reads the sample's amounts at 0.99 or more; a digit it hesitates over scores lower.
DEFAULT_AMOUNT_CONFIDENCE = 0.95


@dataclass(frozen=True)
class CardSpec:
    """A card template as ``templates.yml`` describes it (see the file's head for each key)."""

    format_name: str
    fields: dict[str, str]  # printed label → a ROW_COLUMNS column or a HEADER_KEYS key
    groups: tuple[str, ...]  # labels of a cell that only groups the rows beside it
    columns: dict[str, str]  # grid header label → IndicatorRecord key
    money: tuple[str, ...] = ()  # the groups whose rows hold amounts
    beside: tuple[str, ...] = ()  # labels of a cell merged down beside the grid
    sentences: dict[str, dict[str, str]] = field(default_factory=dict)  # label → {part label → column}
    grids: dict[str, str] = field(default_factory=dict)  # label beside a grid → the column its 指标值 fills

    @property
    def name_labels(self) -> tuple[str, ...]:
        return tuple(label for label, key in self.fields.items() if key == "name")

    @property
    def indicator_labels(self) -> tuple[str, ...]:
        return tuple(label for label, key in self.columns.items() if key == "indicator_name")


@dataclass
class _Card:
    fields: dict[str, str] = field(default_factory=dict)  # key → value as printed
    printed: dict[str, str] = field(default_factory=dict)  # printed label → value, for the other fields
    page: int = 0
    grid: list[tuple[GridRow, dict[str, str], str]] = field(default_factory=list)  # row, values, grid label
    sides: list[tuple[float, str]] = field(default_factory=list)  # (x0 of a total label, its column prefix)
    group: str = ""  # the group label beside the current row
    stacked: list[tuple[str, str, tuple[float, float]]] = field(default_factory=list)  # labels awaiting values
    confidence: float | None = None  # the lowest OCR score of its rows (None: printed as text)
    scores: dict[str, tuple[str, float]] = field(default_factory=dict)  # amount key → (label, its cell's OCR score)


def label_of(text: str) -> tuple[str, str]:
    """A label as compared, and the amount unit it carries in brackets: ``年度本级预算金额（万元）`` → (…, 万元);
    ``中期资金总额：`` → 中期资金总额; ``中期目标（2024年-2026年）`` → 中期目标."""
    label = normalise(text).rstrip("：")
    match = AMOUNT_UNIT_IN_LABEL.match(label)
    if match:
        return match["label"], match["unit"]
    return YEAR_RANGE.sub("", label), ""


class CardReader:
    """Reads the grid rows of a book's card pages, in order, into tables."""

    def __init__(self, spec: CardSpec) -> None:
        self.spec = spec
        self.tables: list[ReadTable] = []
        self.card: _Card | None = None
        self.columns: Columns | None = None
        self.in_grid = False
        self.amount_unit = ""
        self.unit_page_unit = ""
        self.levels = {key: "" for key in LEVEL_KEYS}
        self.grid_page = 0  # the page of the last grid row: the first row on a new page may be cut by the break
        self.grid_label = ""  # the label beside the current grid (长期绩效指标), if any

    def read(self, pages: list[PageGrids]) -> list[ReadTable]:
        for page in pages:
            self.unit_page_unit = page.amount_unit or self.unit_page_unit
            for row in page.rows:
                self._row(row)
        self._finish_card()
        return self.tables

    # -- rows ------------------------------------------------------------------------------------
    def _row(self, row: GridRow) -> None:
        texts = [normalise(t) for t in row.texts()]
        first = label_of(texts[0])[0] if texts else ""
        if first in self.spec.name_labels:
            self._finish_card()
            self.card = _Card(page=row.page)
            self.in_grid, self.columns, self.grid_label = False, None, ""
            self.levels = {key: "" for key in LEVEL_KEYS}
            self._header(row)
        elif LEVEL1 in texts and any(label in texts for label in self.spec.indicator_labels):
            self._grid_header(row)
        elif self.card is None:
            raise ExtractionError(f"a grid row before the first card: '{''.join(texts)[:40]}'", row.page, "stray_text")
        elif self.in_grid and first not in self.spec.fields and first not in self.spec.groups:
            self._grid_row(row)
        else:  # a header row (also after a grid header repeated above the header block's last rows)
            self.in_grid = False
            self._header(row)
        self._scored(row)

    def _scored(self, row: GridRow) -> None:
        """The card's lowest OCR score so far, with this row's."""
        card = self.card
        if card is not None and row.confidence is not None:
            card.confidence = lowest([row.confidence, card.confidence])

    def _header(self, row: GridRow) -> None:
        card = self.card
        assert card is not None
        scores = row.confidences or [None] * len(row.cells)
        cells = [
            (text, bound, score)
            for text, bound, score in zip(row.cells, row.bounds, scores, strict=True)
            if text is not None
        ]
        if row.cells and row.cells[0] is not None:  # the row's first cell is printed: a group starts or ends
            card.group = ""
        if card.stacked:
            self._stacked_values(row, cells)
            return
        labels = [label_of(text) for text, _, _ in cells]
        for label, unit in labels:
            self.amount_unit = unit or self.amount_unit
            if label in self.spec.groups:
                card.group = label
        named = [(label, *cell) for (label, _), cell in zip(labels, cells, strict=True)]
        named = [item for item in named if item[0] not in self.spec.groups]
        if len(named) > 1 and all(item[0] in self.spec.fields for item in named):  # labels over their values
            card.stacked = [(label, text, bound) for label, text, bound, _ in named if bound is not None]
            return
        index = 0
        while index < len(named):
            label, text, bound, _ = named[index]
            if not label:  # a group's merged cell cut by a page break
                index += 1
                continue
            _, value, _, score = named[index + 1] if index + 1 < len(named) else ("", "", None, None)
            self._field(label, text, value, bound, row.page, score)
            index += 2

    def _stacked_values(self, row: GridRow, cells: list[tuple[str, tuple[float, float] | None, float | None]]) -> None:
        """The row under a row of labels: each value is the label's whose cell it lies under (its middle: the
        rulings of two pages differ by a hair)."""
        card = self.card
        assert card is not None
        pending, card.stacked = card.stacked, []
        for label, text, (x0, x1) in pending:
            value, score = next(
                ((t, c) for t, b, c in cells if b is not None and x0 <= (b[0] + b[1]) / 2 < x1), ("", None)
            )
            self._field(label, text, value, (x0, x1), row.page, score)

    def _field(
        self,
        label: str,
        printed: str,
        value: str,
        bound: tuple[float, float] | None,
        page: int,
        score: float | None = None,
    ) -> None:
        """A label and its value; ``score``: the value cell's OCR score (None: printed as text)."""
        card = self.card
        assert card is not None
        if label in self.spec.sentences:
            self._sentence(label, value, page, score)
        key = self.spec.fields.get(label)
        in_money = card.group in self.spec.money
        if key is None and (in_money or AMOUNT.match(value.strip())):
            where = "in its money block" if in_money else f"whose value reads as an amount ({value.strip()[:20]})"
            unknown = f"a card field this template does not know, {where}: '{normalise(printed)[:30]}'"
            raise ExtractionError(unknown, page, "card_structure")
        if key in TOTALS and bound is not None:
            card.sides.append((bound[0], TOTALS[key]))
        elif key in PARTS and bound is not None:
            key = self._side(bound[0]) + key
            if key not in ROW_COLUMNS:
                raise ExtractionError(f"an amount this template does not place: '{label}'", page, "card_structure")
        if key is None or key == "kept" or key not in ROW_COLUMNS:
            card.printed[normalise(printed)] = value
        if key is not None and key != "kept":
            card.fields[key] = value
            if score is not None:
                card.scores[key] = (normalise(printed), score)

    def _sentence(self, label: str, value: str, page: int, score: float | None) -> None:
        """Money written as one sentence: each part to its column; a part the template does not place refuses."""
        card = self.card
        assert card is not None
        parts = self.spec.sentences[label]
        for text in (t for t in PART_BREAK.split(value.strip().rstrip("。")) if t):
            match = SENTENCE_PART.match(text)
            column = parts.get(match["label"]) if match else None
            if match is None or column is None:
                raise ExtractionError(
                    f"a part of '{label}' this template does not place: '{text[:30]}'", page, "card_structure"
                )
            card.fields[column] = match["amount"]
            if score is not None:
                card.scores[column] = (f"{label}（{match['label']}）", score)
            self.amount_unit = match["unit"]

    def _side(self, x0: float) -> str:
        """The column prefix of the money side an amount label lies on: that of the nearest total label at or
        left of it (the year's when the card prints one total)."""
        sides = [side for side in self.card.sides if side[0] <= x0 + 1] if self.card else []
        return max(sides)[1] if sides else ""

    def _grid_header(self, row: GridRow) -> None:
        if self.card is None:
            raise ExtractionError("an indicator grid before the first card", row.page, "stray_text")
        columns = Columns.of(row, self.spec.columns, (*self.spec.beside, *self.spec.grids))
        another_grid = columns.beside_label != self.grid_label and columns.beside_label in self.spec.grids
        if self.columns is not None and columns.keys != self.columns.keys and self.card.grid and not another_grid:
            raise ExtractionError("the indicator grid's columns change inside a card", row.page, "card_structure")
        if another_grid:
            self.levels = {key: "" for key in LEVEL_KEYS}
            self.grid_label = columns.beside_label
        self.columns, self.in_grid = columns, True

    def _grid_row(self, row: GridRow) -> None:
        assert self.card is not None and self.columns is not None
        values = self.columns.values(row)
        cut_by_page_break = row.page != self.grid_page and not values.get("level1_name")
        self.grid_page = row.page
        for key in LEVEL_KEYS:
            printed = values.get(key)
            if printed is None or (cut_by_page_break and printed == ""):
                values[key] = self.levels[key]  # merged down (or cut by the page break): carried
            self.levels[key] = values[key] or ""
            if key == "level1_name" and printed:
                self.levels["level2_name"] = ""  # a new level-1 group starts its level-2 cells afresh
        target = self.spec.grids.get(self.grid_label, "annual_target")
        if target != "annual_target":  # the 指标值 of the period's grid
            values[target] = values.pop("annual_target", "")
        self.card.grid.append((row, {k: v or "" for k, v in values.items()}, self.grid_label))

    # -- cards into tables -----------------------------------------------------------------------
    def _finish_card(self) -> None:
        card, self.card = self.card, None
        if card is None:
            return
        f = card.fields
        department = f.get("department", "")
        unit = f.get("unit") or department
        table = self.tables[-1] if self.tables else None
        if table is None or table.department_name != without_code(department):
            table = ReadTable(self.spec.format_name, without_code(department), "", "", None)
            self.tables.append(table)
        table.amount_unit = table.amount_unit or self.amount_unit or self.unit_page_unit
        last_unit = next((r for r in reversed(table.rows) if r.kind == "funding_unit"), None)
        if last_unit is None or last_unit.cells[0] != unit:
            unit_row = table.add_row(table_cells(unit), "funding_unit", card.page, confidence=card.confidence)
            if card.confidence is not None:  # its one cell, the name: the score of the field it was read from
                named = card.scores.get("unit", card.scores.get("department", ("", card.confidence)))
                unit_row.confidences = [named[1], *[None] * (len(COLUMNS) - 1)]
        _check_unchecked_amounts(card)
        cells = table_cells(*(f.get(column, "") for column in ("name", "total_amount", "fiscal_appropriation")))
        cells[4], cells[5] = f.get("other_funds", ""), f.get("goal_text", "")
        row = table.add_row(cells, "project", card.page, dict(card.printed), card.confidence)
        if card.confidence is not None:  # each cell its field's score; the indicators their grid's (the card's) lowest
            row.confidences = [*(card.scores.get(c, ("", None))[1] for c in COLUMNS[:-1]), card.confidence]
        row.appended = {column: f[column] for column in APPENDED_COLUMNS if f.get(column)}
        for seq, (page, values) in enumerate(self._paired(card), start=1):
            table.add_indicator(indicator(values, seq, page))

    def _paired(self, card: _Card) -> list[tuple[int, dict[str, str]]]:
        """Each indicator's page and values; a card printing two grids (the period's and the year's) gives each
        indicator once, its two values paired by position and name."""
        grids: dict[str, list[tuple[GridRow, dict[str, str], str]]] = {}
        for item in card.grid:
            grids.setdefault(item[2], []).append(item)
        if len(grids) < 2 or not set(grids) <= set(self.spec.grids):
            return [(row.page, values) for row, values, _ in card.grid]
        period_label, year_label = sorted(grids, key=lambda label: self.spec.grids[label] == "annual_target")
        period, year = grids[period_label], grids[year_label]
        paired = []
        for n in range(max(len(period), len(year))):
            if n >= len(period) or n >= len(year):
                short = period_label if n >= len(period) else year_label
                row = (year if n >= len(period) else period)[n][0]
                raise ExtractionError(f"indicator {n + 1} has no row in the {short} grid", row.page, "grid_pairing")
            (_, early, _), (row, values, _) = period[n], year[n]
            names = [tuple(v[k] for k in PAIRED_KEYS) for v in (early, values)]
            remarks = {early.get("remark", ""), values.get("remark", "")} - {""}
            if names[0] != names[1] or len(remarks) > 1:
                raise ExtractionError(
                    f"indicator {n + 1} differs between the {period_label} and {year_label} grids: "
                    f"'{'/'.join(names[0])[:30]}' vs '{'/'.join(names[1])[:30]}'",
                    row.page,
                    "grid_pairing",
                )
            merged = {**early, **{k: v for k, v in values.items() if v or k not in early}}
            paired.append((row.page, merged))
        return paired


def _check_unchecked_amounts(card: _Card) -> None:
    """Refuses the card when OCR read an amount below ``DEFAULT_AMOUNT_CONFIDENCE`` that no printed sum checks: the
    year's amounts unless the card prints the total and a part of it (``row_total_equals_sources``), the period's
    always. A misread amount that a sum covers is the document checks' to hold back, printed vs computed."""
    fields = card.fields
    year_checked = bool(fields.get(YEAR_AMOUNT_COLUMNS[0])) and any(fields.get(c) for c in YEAR_AMOUNT_COLUMNS[1:])
    unchecked = [*(() if year_checked else YEAR_AMOUNT_COLUMNS), *PERIOD_AMOUNT_COLUMNS]
    for column in (c for c in unchecked if fields.get(c) and c in card.scores):
        label, score = card.scores[column]
        if score < DEFAULT_AMOUNT_CONFIDENCE:
            raise ExtractionError(
                f"an amount OCR read with confidence {score:.2f} (< {DEFAULT_AMOUNT_CONFIDENCE}) that no printed sum "
                f"checks: {label} '{fields[column]}'",
                card.page,
                "ocr_unsure_amount",
            )
