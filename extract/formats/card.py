"""The reader every card format shares: one card per project, a header block of labelled fields, then an
indicator grid. A format is a ``CardSpec`` (its labels); the reading is here once.

A card starts at the row whose first cell is its name label (项目名称 / 项目支出名称). In the header block each
known label is paired with the next cell (a group label such as 项目资金（万元） only gives the amount unit). The
grid starts at the row holding 一级指标 and 三级指标; its columns are mapped by their labels, so column order
and extra columns do not matter. A card continues across pages (rows above the first card of a page belong to
the card left open; a repeated grid header is skipped). Cards of one department (主管部门 / 预算部门) make one
table; consecutive cards of one unit (实施单位) are preceded by a funding-unit row whose amounts are not printed
(the SQL sums them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ExtractionError
from .grid import Columns, GridRow, PageGrids, normalise
from .records import AMOUNT_UNIT_IN_LABEL, ReadTable, indicator, table_cells, without_code

GRID_MARKERS = ("一级指标", "三级指标")
LEVEL_KEYS = ("level1_name", "level2_name")
ROW_KEYS = ("name", "total", "fiscal", "other", "goal")  # the fields that are cells of raw_table_rows


@dataclass(frozen=True)
class CardSpec:
    format_name: str
    fields: dict[str, str]  # printed label → key: ROW_KEYS are cells, the others (department, unit, …) are kept
    groups: tuple[str, ...]  # labels that only group rows (their unit in brackets is the amount unit)
    columns: dict[str, str]  # grid header label → IndicatorRecord key

    @property
    def name_labels(self) -> tuple[str, ...]:
        return tuple(label for label, key in self.fields.items() if key == "name")


@dataclass
class _Card:
    fields: dict[str, str] = field(default_factory=dict)  # key → value as printed
    printed: dict[str, str] = field(default_factory=dict)  # printed label → value, for the other fields
    page: int = 0
    grid: list[tuple[GridRow, dict[str, str]]] = field(default_factory=list)


def _label(text: str) -> tuple[str, str]:
    """A label and the amount unit it carries in brackets: ``年度本级预算金额（万元）`` → (…, 万元)."""
    label = normalise(text)
    match = AMOUNT_UNIT_IN_LABEL.match(label)
    return (match["label"], match["unit"]) if match else (label, "")


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

    def read(self, pages: list[PageGrids]) -> list[ReadTable]:
        for page in pages:
            self.unit_page_unit = page.amount_unit or self.unit_page_unit
            for row in page.rows:
                self._row(row, page)
        self._finish_card()
        return self.tables

    # -- rows ------------------------------------------------------------------------------------
    def _row(self, row: GridRow, page: PageGrids) -> None:
        texts = [normalise(t) for t in row.texts()]
        if texts and _label(texts[0])[0] in self.spec.name_labels:
            self._finish_card()
            self.card = _Card(page=row.page)
            self.in_grid, self.columns = False, None
            self.levels = {key: "" for key in LEVEL_KEYS}
            self._header(row)
        elif all(marker in texts for marker in GRID_MARKERS):
            self._grid_header(row)
        elif self.card is None:
            raise ExtractionError(f"a grid row before the first card: '{''.join(texts)[:40]}'", row.page, "stray_text")
        elif self.in_grid and _label(texts[0] if texts else "")[0] not in self.spec.fields:
            self._grid_row(row)
        else:  # a header row (also after a grid header repeated above the header block's last rows)
            self.in_grid = False
            self._header(row)

    def _header(self, row: GridRow) -> None:
        assert self.card is not None
        cells = row.texts()
        index = 0
        while index < len(cells):
            label, unit = _label(cells[index])
            self.amount_unit = unit or self.amount_unit
            if label in self.spec.groups or not label:  # a group label, or its merged cell cut by a page break
                index += 1
                continue
            if label not in self.spec.fields:
                raise ExtractionError(
                    f"a card field this format does not know: '{cells[index][:30]}'", row.page, "card_structure"
                )
            value = cells[index + 1] if index + 1 < len(cells) else ""
            key = self.spec.fields[label]
            self.card.fields[key] = value
            if key not in ROW_KEYS:
                self.card.printed[label] = value
            index += 2

    def _grid_header(self, row: GridRow) -> None:
        if self.card is None:
            raise ExtractionError("an indicator grid before the first card", row.page, "stray_text")
        columns = Columns.of(row, self.spec.columns)
        if self.columns is not None and columns.keys != self.columns.keys and self.card.grid:
            raise ExtractionError("the indicator grid's columns change inside a card", row.page, "card_structure")
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
        self.card.grid.append((row, {k: v or "" for k, v in values.items()}))

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
            table.add_row(table_cells(unit), "funding_unit", card.page)
        cells = table_cells(f.get("name", ""), f.get("total", ""), f.get("fiscal", ""), "", f.get("other", ""))
        cells[5] = f.get("goal", "")
        table.add_row(cells, "project", card.page, dict(card.printed))
        for seq, (row, values) in enumerate(card.grid, start=1):
            table.add_indicator(indicator(values, seq, row.page))
