"""Format 3, a department-wide table with one row per indicator: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 |
二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 指标方向性, its column header repeated on every page.

A project's cells (单位名称, 项目名称, 预算数, 年度目标) are filled (or merged) on its first row only; so are the
一级/二级 cells of a group. Printed from a spreadsheet, a merged project cell split by a page break shows its
whole text (clipped, ``extract.clipping``) on the next page again: the same cells at the top of a page continue the
project in progress, their text taken once. A row with a 单位名称 and a 预算数 but no 项目名称 and no indicator is
a subtotal row (``820001-某某镇机关``): a funding unit with its amount printed. Amounts are often in 元 (the
``单位：元`` line): kept as printed. 指标性质 holds the operator (``≥``), 指标方向性 the direction (正向/反向).
"""

from __future__ import annotations

from ..locate import header_block
from ..model import ExtractionError
from .grid import PageGrids, normalise
from .records import ReadTable, indicator, table_cells, without_code

NAME = "indicator_table"
PICTURE = (
    "a row per indicator: 单位名称|项目名称|预算数|年度目标|一级|二级|三级指标|指标性质|指标值|度量单位|权重|指标方向性"
)
LABELS = ("单位名称", "项目名称", "预算数", "年度目标", "一级指标", "三级指标", "指标性质", "指标值", "度量单位")

COLUMNS = {
    "单位名称": "unit",
    "项目名称": "project",
    "预算数": "amount",
    "年度目标": "goal",
    "一级指标": "level1_name",
    "二级指标": "level2_name",
    "三级指标": "indicator_name",
    "指标性质": "operator",
    "指标值": "target_value",
    "度量单位": "target_unit",
    "权重": "weight",
    "指标方向性": "direction",
}
PROJECT_KEYS = ("unit", "project", "amount", "goal")


def read(pages: list[PageGrids]) -> list[ReadTable]:
    table: ReadTable | None = None
    columns: dict[int, str] | None = None  # grid column index → record key, from the header row
    levels = {"level1_name": "", "level2_name": ""}
    seq = 0
    project_cells: dict[str, str] = {}  # the printed project cells of the project in progress
    page_of_last_row = 0
    for page in pages:
        if table is None:
            block = header_block(page.furniture)
            department = block.department_name if block else ""
            table = ReadTable(NAME, without_code(department), page.amount_unit, page.title or "", page.title_year)
        for row in page.rows:
            texts = [normalise(t) for t in row.texts()]
            if "项目名称" in texts and "三级指标" in texts:
                columns = {}
                for index, cell in enumerate(row.cells):
                    if cell is not None:
                        label = normalise(cell)
                        if label not in COLUMNS:
                            raise ExtractionError(
                                f"a column this format does not know: '{label}'", row.page, "card_structure"
                            )
                        columns[index] = COLUMNS[label]
                continue
            if columns is None:
                raise ExtractionError("a table row before the column header", row.page, "stray_text")
            unlabelled = [cell for i, cell in enumerate(row.cells) if cell and i not in columns]
            if unlabelled:
                raise ExtractionError(
                    f"a cell under no column label: '{unlabelled[0][:30]}'", row.page, "card_structure"
                )
            # By index: the header repeats on every page, and a merged subtotal cell leaves the next ones None.
            values = {key: (row.cells[i] or "") for i, key in columns.items() if i < len(row.cells)}
            printed = {key: values[key] for key in PROJECT_KEYS if values.get(key)}
            if row.page != page_of_last_row and printed and printed == project_cells:
                # the project's merged cells split by the page break, their text again (clipped): taken once
                values.update(dict.fromkeys(printed, ""))
            page_of_last_row = row.page
            if values.get("project"):
                project_cells = {key: values[key] for key in PROJECT_KEYS if values.get(key)}
                seq = 0
                levels = dict.fromkeys(levels, "")
                last_unit = next((r for r in reversed(table.rows) if r.kind == "funding_unit"), None)
                if values.get("unit") and (
                    last_unit is None or without_code(last_unit.cells[0]) != without_code(values["unit"])
                ):
                    table.add_row(table_cells(values["unit"]), "funding_unit", row.page, confidence=row.confidence)
                cells = table_cells(values["project"], values.get("amount", ""), goal=values.get("goal", ""))
                printed_unit = {"单位名称": values["unit"]} if values.get("unit") else {}
                table.add_row(cells, "project", row.page, printed_unit, row.confidence)
            elif values.get("unit") and not values.get("indicator_name"):
                subtotal = table_cells(values["unit"], values.get("amount", ""))
                table.add_row(subtotal, "funding_unit", row.page, confidence=row.confidence)
                continue
            elif any(values.get(key) for key in PROJECT_KEYS):
                raise ExtractionError("a project cell printed on a project's later row", row.page, "card_structure")
            if not table.rows or table.rows[-1].kind != "project":
                raise ExtractionError("an indicator row outside a project", row.page, "card_structure")
            for key in levels:
                levels[key] = values.get(key) or levels[key]
                values[key] = levels[key]
            seq += 1
            table.rows[-1].scored(row.confidence)  # the project's confidence: its lowest row's
            table.add_indicator(indicator({k: v for k, v in values.items() if k not in PROJECT_KEYS}, seq, row.page))
    return [table] if table is not None and table.rows else []
