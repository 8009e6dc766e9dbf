"""The sample's projects typeset in the other published formats of the performance-target table.

Each ``*_content`` function turns the seed JSON into what a book of that format prints (``PrintedProject``), with
the format's habits: a cost indicator left with its template placeholder (``≤**万元``), department codes
(``(433001)…``), a date target as a spreadsheet serial number (``44,561``), amounts in 元, the template's empty
level-2 rows. Each ``render_*`` typesets that content with ``synth.grid`` (merged 一级/二级 cells, a card
continued on the next page, two cards on a page). The tests compute their expected records from the content.

    python -m synth.cards SEED_JSON OUT_DIR    # one PDF per format
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Protocol

from .budget_book import FONT
from .command import seed_and_output
from .grid import Cell, GridStyle, GridWriter

DEFAULT_PROJECTS_PER_UNIT = 4  # the first projects of each unit: enough for every feature, fast to read
SPLIT_VALUE = re.compile(r"^(?P<operator>[≥≤≧≦><=＝]?)(?P<value>\d+(?:\.\d+)?)(?P<unit>[^\d]{0,4})$")
YEARS = {
    "project_card": 2020,
    "split_value_card": 2021,
    "indicator_table": 2022,
    "period_card": 2023,
    "national_declaration": 2018,
    "shanghai_form": 2016,
    "county_form": 2015,
}
IN_YUAN = ("indicator_table", "shanghai_form")  # the formats rendered with their amounts in 元 (the others in 万元)
DEPARTMENT_CODE = "433001"
SERIAL_DATE = ("44,561", "年-月-日", "2021-12-31")  # printed value, unit, what it stands for
PLACEHOLDER = ("产出指标", "成本指标", "项目成本控制在预算范围内", "≤**万元")


@dataclass(frozen=True)
class PrintedIndicator:
    level1: str
    level2: str
    name: str
    value: str = ""  # one-cell value (project card, period card)
    operator: str = ""
    target: str = ""
    unit: str = ""
    weight: str = ""
    direction: str = ""
    standard: str = ""
    period_value: str = ""  # the period card's 实施期 value, when it prints one


@dataclass(frozen=True)
class PrintedProject:
    department: str
    unit: str
    name: str
    total: str
    fiscal: str
    other: str
    goal: str
    indicators: tuple[PrintedIndicator, ...]
    period: str = ""
    period_goal: str = ""
    period_total: str = ""  # the period's amounts (中期资金总额 …), where the form prints them
    period_fiscal: str = ""
    period_other: str = ""
    kept: tuple[tuple[str, str], ...] = ()  # other labelled fields, (label, value) as printed
    carryover: str = ""  # 上年结转资金, a part of the year's total (Shanghai)
    own: str = ""  # 自有资金, a part of the year's total (county forms)
    period_indicators: tuple[PrintedIndicator, ...] = ()  # a county form's 长期 grid, where it differs from the 年度


def selected(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[tuple[dict, dict]]:
    """(unit, project) of the first ``per_unit`` projects of every unit, in printed order."""
    return [(unit, project) for unit in seed["units"] for project in unit["projects"][:per_unit]]


def _amount(value: str | None, scale: int = 1) -> str:
    return "" if value is None else f"{Decimal(value) * scale:,.2f}"


def project_card_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """Format 1: values in one cell as the seed has them; the first project keeps a template placeholder."""
    department = seed["document"]["department"]
    projects = []
    for n, (unit, project) in enumerate(selected(seed, per_unit)):
        indicators = [
            PrintedIndicator(i["level1_name"], i["level2_name"], i["name"], value=i["annual_value"])
            for i in project["indicators"]
        ]
        if n == 0:
            at = next(k for k, i in enumerate(indicators) if i.level1 != "产出指标")
            indicators.insert(at, PrintedIndicator(*PLACEHOLDER[:3], value=PLACEHOLDER[3]))
        amounts = (_amount(project["total"]), _amount(project["fiscal_appropriation"]), _amount(project["other"]))
        projects.append(
            PrintedProject(department, unit["name"], project["name"], *amounts, project["goal"], tuple(indicators))
        )
    return projects


def split_value(value: str) -> tuple[str, str, str]:
    """``≧240次`` → (``≧``, ``240``, ``次``); a value that is not a number stays whole in the value cell."""
    match = SPLIT_VALUE.match(value)
    return (match["operator"], match["value"], match["unit"]) if match else ("", value, "")


def _weights(count: int) -> list[str]:
    base = 100 // count
    return [str(base + (100 - base * count if n == 0 else 0)) for n in range(count)]


def split_value_card_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """Format 2: coded department and unit, operator / value / unit / 分值 / 正向·反向 in their own cells, the
    first 时效 indicator's target a serial date."""
    projects = []
    dated = False
    unit_numbers = {unit["name"]: number for number, unit in enumerate(seed["units"], start=1)}
    for unit, project in selected(seed, per_unit):
        indicators = []
        weights = _weights(len(project["indicators"]))
        for i, weight in zip(project["indicators"], weights, strict=True):
            operator, target, measure = split_value(i["annual_value"])
            if not dated and i["level2_name"] == "时效指标":
                operator, target, measure, dated = "≤", SERIAL_DATE[0], SERIAL_DATE[1], True
            direction = "反向" if operator in ("≤", "≦", "<") else "正向"
            indicators.append(
                PrintedIndicator(
                    i["level1_name"], i["level2_name"], i["name"], "", operator, target, measure, weight, direction
                )
            )
        unit_code = f"{DEPARTMENT_CODE}{unit_numbers[unit['name']]:03d}"
        projects.append(
            PrintedProject(
                f"({DEPARTMENT_CODE}){seed['document']['department']}",
                f"({unit_code}){unit['name']}",
                project["name"],
                _amount(project["total"]),
                _amount(project["fiscal_appropriation"]),
                _amount(project["other"]),
                project["goal"],
                tuple(indicators),
            )
        )
    return projects


TEMPLATE = (  # the period card's template: every level-2 row is printed, indicators or not
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)
SATISFACTION_PRINTED = "社会公众或服务对象满意度指标"
PERIOD = "2023.07-2024.01"


def period_card_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """Format 4: the template's level-2 rows in template order (empty ones kept), the satisfaction level-1
    printed as 社会公众或服务对象满意度指标, 绩效标准 beside each value, one 预算部门 and one amount."""
    department = seed["document"]["department"]
    projects = []
    for unit, project in selected(seed, per_unit):
        rows = []
        for level1, level2s in TEMPLATE:
            printed1 = SATISFACTION_PRINTED if level1 == "满意度指标" else level1
            for level2 in level2s:
                mine = [
                    i
                    for i in project["indicators"]
                    if i["level1_name"] == level1 and level2.startswith(i["level2_name"])
                ]
                for i in mine:
                    standard = "计划标准" if any(ch.isdigit() for ch in i["annual_value"]) else "历史标准"
                    rows.append(
                        PrintedIndicator(
                            printed1,
                            i["level2_name"],
                            i["name"],
                            i["annual_value"],
                            standard=standard,
                            period_value=i["period_value"],
                        )
                    )
                if not mine:
                    rows.append(PrintedIndicator(printed1, level2, ""))
        projects.append(
            PrintedProject(
                department,
                unit["name"],
                project["name"],
                _amount(project["total"]),
                "",
                "",
                project["goal"],
                tuple(rows),
                period=PERIOD,
                period_goal=f"{PERIOD[:4]}年起：{project['goal']}",
            )
        )
    return projects


NATIONAL_CODE = "[433]"  # the national template prints 主管部门及代码 as ``[173]中国科学院``
NATIONAL_YEARS = 3  # its 中期: three years


def with_period_values(project: dict) -> tuple[PrintedIndicator, ...]:
    """A project's indicators printing the seed's 实施周期 value as the period's beside the year's."""
    return tuple(
        PrintedIndicator(
            i["level1_name"], i["level2_name"], i["name"], i["annual_value"], period_value=i["period_value"]
        )
        for i in project["indicators"]
    )


def national_declaration_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """The national template (财预〔2015〕88号): the department with its code in square brackets, 项目属性 and 项目期
    kept, the period's (中期, three years) amounts beside the year's, 中期目标 beside 年度目标, and each indicator's
    中期指标值 (the seed's 实施周期 value) beside its 年度指标值."""
    year = YEARS["national_declaration"]
    span = f"{year}年-{year + NATIONAL_YEARS - 1}年"
    projects = []
    for unit, project in selected(seed, per_unit):
        indicators = with_period_values(project)
        projects.append(
            PrintedProject(
                f"{NATIONAL_CODE}{seed['document']['department']}",
                unit["name"],
                project["name"],
                _amount(project["total"]),
                _amount(project["fiscal_appropriation"]),
                _amount(project["other"] or "0"),  # the form prints every amount cell: 0.00 where none
                project["goal"],
                indicators,
                period_goal=f"{span}：{project['goal']}",
                period_total=_amount(project["total"], NATIONAL_YEARS),
                period_fiscal=_amount(project["fiscal_appropriation"], NATIONAL_YEARS),
                period_other=_amount(project["other"] or "0", NATIONAL_YEARS),
                kept=(("项目属性", "延续项目"), ("项目期", f"{NATIONAL_YEARS}年")),
            )
        )
    return projects


SHANGHAI_YEARS = 3  # the project's (项目) span: three years
SHANGHAI_CARRYOVER = Decimal("1")  # 万元 carried over from last year by each unit's first project (of its fiscal part)
SHANGHAI_OPERATORS = {"≧": "≥", "≦": "≤", "": "="}


def shanghai_value(value: str) -> str:
    """A value as Shanghai's system prints it: the operator, two decimals and the unit in brackets (``≧240次`` →
    ``≥240.00(次)``, ``90%`` → ``=90.00(%)``); a value that is no number stays as it is (``按月发放``)."""
    operator, number, unit = split_value(value)
    if not number[:1].isdigit():
        return value
    sign = SHANGHAI_OPERATORS.get(operator, operator)
    return f"{sign}{Decimal(number):.2f}" + (f"({unit})" if unit else "")


def _yuan(value: str | None, scale: int, separators: bool) -> str:
    amount = Decimal(value or "0") * 10000 * scale
    return f"{amount:,.2f}" if separators else f"{amount:.2f}"


def shanghai_form_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """Shanghai's 填报表: amounts in 元 (every other card without thousands separators), each unit's first project
    with 上年结转资金 taken from its 财政拨款, the project's (three years) amounts and goal beside the year's, values
    typed the Shanghai way (``≥240.00(次)``), 项目性质 / 项目类别 / 计划开始日期 / 计划完成日期 kept."""
    year = YEARS["shanghai_form"]
    projects = []
    for n, (unit, project) in enumerate(selected(seed, per_unit)):
        separators = n % 2 == 0
        first_of_unit = project is unit["projects"][0]
        fiscal = Decimal(project["fiscal_appropriation"] or "0")
        carry = min(SHANGHAI_CARRYOVER, fiscal) if first_of_unit else Decimal("0")
        indicators = tuple(
            PrintedIndicator(i["level1_name"], i["level2_name"], i["name"], shanghai_value(i["annual_value"]))
            for i in project["indicators"]
        )
        projects.append(
            PrintedProject(
                seed["document"]["department"],
                unit["name"],
                project["name"],
                _yuan(project["total"], 1, separators),
                _yuan(str(fiscal - carry), 1, separators),
                _yuan(project["other"], 1, separators),
                project["goal"],
                indicators,
                period_goal=f"{year}年-{year + SHANGHAI_YEARS - 1}年：{project['goal']}",
                period_total=_yuan(project["total"], SHANGHAI_YEARS, separators),
                period_fiscal=_yuan(project["fiscal_appropriation"], SHANGHAI_YEARS, separators),
                period_other=_yuan(project["other"], SHANGHAI_YEARS, separators),
                carryover=_yuan(str(carry), 1, separators),
                kept=(
                    ("项目性质", "经常性项目"),
                    ("项目类别", "一般项目"),
                    ("计划开始日期", f"{year}-01-01"),
                    ("计划完成日期", f"{year}-12-31"),
                ),
            )
        )
    return projects


COUNTY_OWN_FUNDS = Decimal("0.5")  # 万元 of each unit's first project paid from the unit's own funds (自有资金)


def _four(value: Decimal) -> str:
    return f"{value:.4f}"


def county_form_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """A county form: money as one sentence in 万元 with four decimals (each unit's first project with 自有资金 taken
    from its 财政拨款), 长期目标 beside 年度目标, each indicator's 长期 value (the seed's 实施周期 value) and 年度 value
    in two grids; 项目属性 as tick boxes, 主管部门编码, 项目负责人, 联系电话, 项目起止时间 and the sentence kept."""
    year = YEARS["county_form"]
    projects = []
    for unit, project in selected(seed, per_unit):
        fiscal = Decimal(project["fiscal_appropriation"] or "0")
        own = min(COUNTY_OWN_FUNDS, fiscal) if project is unit["projects"][0] else Decimal("0")
        total, other = Decimal(project["total"]), Decimal(project["other"] or "0")
        parts = (_four(total), _four(fiscal - own), _four(own), _four(other))
        sentence = "总额：{}万元；一、财政拨款：{}万元；二、自有资金：{}万元；三、其他：{}万元".format(*parts)
        indicators = with_period_values(project)
        projects.append(
            PrintedProject(
                seed["document"]["department"],
                unit["name"],
                project["name"],
                parts[0],
                parts[1],
                parts[3],
                project["goal"],
                indicators,
                period_goal=f"{year}-{year + 2}年：{project['goal']}",
                own=parts[2],
                kept=(
                    ("项目属性", "新增项目□延续项目√"),
                    ("项目起止时间", f"{year}年1月-{year + 2}年12月"),
                    ("主管部门编码", "433"),
                    ("项目负责人", "张三"),
                    ("联系电话", "0731-88888888"),
                    ("资金总额及构成", sentence),
                ),
            )
        )
    return projects


def _nature(operator: str, target: str) -> str:
    """The indicator table's 指标性质: the operator, ``=`` for a bare number, ``定性`` for a text target."""
    return operator or ("=" if target[:1].isdigit() else "定性")


def indicator_table_content(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[PrintedProject]:
    """Format 3: amounts in 元, operator in 指标性质 (``定性`` for a text target), 权重 and 指标方向性."""
    projects = []
    for unit, project in selected(seed, per_unit):
        indicators = []
        weights = _weights(len(project["indicators"]))
        for i, weight in zip(project["indicators"], weights, strict=True):
            operator, target, measure = split_value(i["annual_value"])
            direction = "反向" if operator in ("≤", "≦", "<") else "正向"
            indicators.append(
                PrintedIndicator(
                    i["level1_name"],
                    i["level2_name"],
                    i["name"],
                    "",
                    _nature(operator, target),
                    target,
                    measure,
                    weight,
                    direction,
                )
            )
        projects.append(
            PrintedProject(
                seed["document"]["department"],
                unit["name"],
                project["name"],
                _amount(project["total"], 10000),
                "",
                "",
                project["goal"],
                tuple(indicators),
            )
        )
    return projects


def unit_subtotals(seed: dict, per_unit: int = DEFAULT_PROJECTS_PER_UNIT) -> list[tuple[str, str]]:
    """The indicator table's subtotal rows (``820001-单位``, 预算数 in 元): the printed projects' sums."""
    rows = []
    for number, unit in enumerate(seed["units"], start=1):
        total = sum(Decimal(p["total"]) for p in unit["projects"][:per_unit])
        rows.append((f"820{number:03d}-{unit['name']}", f"{total * 10000:,.2f}"))
    return rows


# -- typesetting ------------------------------------------------------------------------------------


def _grid_rows(indicators: tuple[PrintedIndicator, ...], columns: list[tuple[float, float]], cells) -> list[list[Cell]]:
    """The indicator grid, 一级 and 二级 cells merged down their runs."""
    rows: list[list[Cell]] = []
    for n, ind in enumerate(indicators):
        row = []
        for level, (x0, x1) in enumerate(columns[:2]):
            key = (ind.level1,) if level == 0 else (ind.level1, ind.level2)
            previous = indicators[n - 1] if n else None
            if previous and ((previous.level1,) if level == 0 else (previous.level1, previous.level2)) == key:
                continue
            run = 1
            while n + run < len(indicators):
                following = indicators[n + run]
                if ((following.level1,) if level == 0 else (following.level1, following.level2)) != key:
                    break
                run += 1
            row.append(Cell(key[-1], x0, x1, down=run))
        row += [Cell(text, x0, x1) for text, (x0, x1) in zip(cells(ind), columns[2:], strict=True)]
        rows.append(row)
    return rows


def _columns(widths: list[float]) -> list[tuple[float, float]]:
    edges = [sum(widths[:n]) / sum(widths) for n in range(len(widths) + 1)]
    return list(pairwise(edges))


def _card_header(
    p: PrintedProject, fields: tuple[tuple[str, str], ...] = (), money: tuple[tuple[str, str], ...] = ()
) -> list[list[Cell]]:
    """The project card's header block; ``fields`` adds rows of (label, value) after 主管部门, ``money`` rows
    inside the 项目资金 block."""
    return [
        [Cell("项目名称", 0, 0.2), Cell(p.name, 0.2, 1)],
        [Cell("主管部门", 0, 0.2), Cell(p.department, 0.2, 0.5), Cell("实施单位", 0.5, 0.65), Cell(p.unit, 0.65, 1)],
        *([Cell(label, 0, 0.2), Cell(value, 0.2, 1)] for label, value in fields),
        [
            Cell("项目资金（万元）", 0, 0.2, down=3 + len(money)),
            Cell("年度资金总额", 0.2, 0.5),
            Cell(p.total, 0.5, 1, align="right"),
        ],
        [Cell("其中：财政拨款", 0.2, 0.5), Cell(p.fiscal, 0.5, 1, align="right")],
        [Cell("其他资金", 0.2, 0.5), Cell(p.other, 0.5, 1, align="right")],
        *([Cell(label, 0.2, 0.5), Cell(value, 0.5, 1, align="right")] for label, value in money),
        [Cell("年度目标", 0, 0.2), Cell(p.goal, 0.2, 1)],
    ]


def render_project_cards(
    seed: dict,
    path: Path,
    per_unit: int = DEFAULT_PROJECTS_PER_UNIT,
    style: GridStyle | None = None,
    note_after: int | None = None,
    content: list[PrintedProject] | None = None,
    department_table: bool = False,
    footnote: str | None = None,
    fields: tuple[tuple[str, str], ...] = (),
    money: tuple[tuple[str, str], ...] = (),
    beside: bool = False,
    font: str = FONT,
) -> Path:
    """Format 1, cards flowing down the pages: short cards share a page, a long one continues on the next.
    ``note_after`` puts a page of plain text after that many cards (a section note in the middle); ``content``
    replaces the seed's (a collected book of several departments' cards); ``department_table`` ends the book
    with another table that has an indicator grid too (部门整体支出绩效目标表); ``footnote`` prints a line under the
    last card, outside every cell; ``fields`` and ``money`` add header rows (``_card_header``); ``beside`` prints
    the grid beside a 绩效指标 label cell merged down its rows, as the national and Shanghai forms do."""
    title = f"{YEARS['project_card']}年项目支出绩效目标表"
    writer = GridWriter(path, title, subtitle_right="单位：万元", style=style or GridStyle(font=font))
    columns = _columns([0.12, 0.18, 0.18, 0.3, 0.22] if beside else [0.2, 0.2, 0.35, 0.25])[1 if beside else 0 :]
    labels = ["一级指标", "二级指标", "三级指标", "指标值"]
    content = content or project_card_content(seed, per_unit)
    for p in content:
        header = [Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)]
        grid = _grid_rows(p.indicators, columns, lambda i: [i.name, i.value])
        if beside:
            header.insert(0, Cell("绩效指标", 0, columns[0][0], down=len(grid) + 1))
        writer.block([*_card_header(p, fields, money), header, *grid])
        if note_after is not None and p is content[note_after - 1]:
            writer.note_page(["说明：以下为本部门所属单位项目。", "（本页无表格）"])
    if footnote:
        writer.footnote(footnote)
    if department_table:  # the book's next table: the department's own targets, with an indicator grid too
        columns = _columns([0.2, 0.2, 0.35, 0.25])
        writer.other_table(
            "部门整体支出绩效目标表",
            [
                [Cell("部门名称", 0, 0.2), Cell(content[0].department, 0.2, 1)],
                [Cell("年度主要任务", 0, 0.2), Cell("履职效能", 0.2, 1)],
                [Cell(label, x0, x1) for label, (x0, x1) in zip(labels, columns, strict=True)],
                [
                    Cell("产出指标", 0, 0.2),
                    Cell("数量指标", 0.2, 0.4),
                    Cell("服务社区数", 0.4, 0.75),
                    Cell("22个", 0.75, 1),
                ],
            ],
        )
    return writer.save()


def render_split_value_cards(
    seed: dict, path: Path, per_unit: int = DEFAULT_PROJECTS_PER_UNIT, font: str = FONT
) -> Path:
    """Format 2, landscape, one card per page (a long card continues, its grid header repeated)."""
    style = GridStyle(landscape=True, font_size=7.5, font=font)
    writer = GridWriter(path, f"{YEARS['split_value_card']}年度项目支出绩效目标申报表", style=style)
    columns = _columns([0.11, 0.11, 0.26, 0.07, 0.07, 0.1, 0.08, 0.06, 0.14])
    labels = ["一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "目标值", "计量单位", "分值", "备注"]
    for p in split_value_card_content(seed, per_unit):
        header = [Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)]
        grid = _grid_rows(
            p.indicators, columns, lambda i: [i.name, i.direction, i.operator, i.target, i.unit, i.weight, ""]
        )
        writer.block([*_card_header(p), header, *grid], repeat=[header], new_page=True)
    return writer.save()


def render_period_cards(
    seed: dict,
    path: Path,
    per_unit: int = DEFAULT_PROJECTS_PER_UNIT,
    period_values: bool = False,
    font: str = FONT,
) -> Path:
    """Format 4, one card per page when it fits, grid header repeated on a continuation page. With
    ``period_values`` the grid prints the 实施期 value beside the annual one
    (实施期指标值及单位 | 本年度指标值及单位)."""
    writer = GridWriter(
        path, f"{YEARS['period_card']}年项目支出绩效目标表", subtitle_right="金额单位：万元", style=GridStyle(font=font)
    )
    columns = _columns([0.18, 0.16, 0.26, 0.14, 0.14, 0.12] if period_values else [0.2, 0.2, 0.3, 0.18, 0.12])
    labels = ["一级指标", "二级指标", "三级指标", "指标值及单位", "绩效标准"]
    if period_values:
        labels[3:4] = ["实施期指标值及单位", "本年度指标值及单位"]

    def values(i: PrintedIndicator) -> list[str]:
        return [i.name, *([i.period_value] if period_values else []), i.value, i.standard]

    for p in period_card_content(seed, per_unit):
        header = [Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)]
        card = [
            [Cell("项目支出名称", 0, 0.2), Cell(p.name, 0.2, 1)],
            [
                Cell("预算部门", 0, 0.2),
                Cell(p.department, 0.2, 0.6),
                Cell("年度本级预算金额", 0.6, 0.8),
                Cell(p.total, 0.8, 1),
            ],
            [Cell("项目支出实施期", 0, 0.2), Cell(p.period, 0.2, 1)],
            [Cell("实施期绩效目标", 0, 0.2), Cell(p.period_goal, 0.2, 1)],
            [Cell("本年度绩效目标", 0, 0.2), Cell(p.goal, 0.2, 1)],
            header,
            *_grid_rows(p.indicators, columns, values),
        ]
        writer.block(card, repeat=[header])
    return writer.save()


def render_indicator_table(
    seed: dict, path: Path, per_unit: int = DEFAULT_PROJECTS_PER_UNIT, merged: bool = False, font: str = FONT
) -> Path:
    """Format 3, landscape: subtotal row per unit, project cells and 一级/二级 cells on their first row only. With
    ``merged``, as a spreadsheet prints it: each project's cells merged down its rows, their whole text drawn in
    every part of the cell and clipped to it (a goal longer than its cell is cut; a cell split by a page break
    shows its text in pieces on both pages, the rest still in the content stream)."""
    style = GridStyle(landscape=True, font_size=6.5, font=font)
    department = seed["document"]["department"]
    writer = GridWriter(
        path, f"{YEARS['indicator_table']}年项目支出绩效目标表", f"部门名称：{department}", "单位：元", style
    )
    labels = [
        "单位名称",
        "项目名称",
        "预算数",
        "年度目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "权重",
        "指标方向性",
    ]
    columns = _columns([0.1, 0.1, 0.07, 0.2, 0.06, 0.07, 0.14, 0.05, 0.07, 0.05, 0.04, 0.05])
    header = [Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)]
    rows: list[list[Cell]] = [header]
    content = indicator_table_content(seed, per_unit)
    for (subtotal_name, subtotal), unit in zip(unit_subtotals(seed, per_unit), seed["units"], strict=True):
        rows.append(
            [Cell(t, x0, x1) for t, (x0, x1) in zip([subtotal_name, "", subtotal, *[""] * 9], columns, strict=True)]
        )
        for p in (p for p in content if p.unit == unit["name"]):
            for n, i in enumerate(p.indicators):
                previous = p.indicators[n - 1] if n else None
                first = [p.unit, p.name, p.total, p.goal] if n == 0 else ["", "", "", ""]
                level1 = i.level1 if previous is None or previous.level1 != i.level1 else ""
                level2 = i.level2 if level1 or previous is None or previous.level2 != i.level2 else ""
                texts = [*first, level1, level2, i.name, i.operator, i.target, i.unit, i.weight, i.direction]
                cells = [
                    Cell(t, x0, x1, align="right" if k == 2 else "left")
                    for k, (t, (x0, x1)) in enumerate(zip(texts, columns, strict=True))
                ]
                if merged:  # the project's cells span its rows: printed on its first row, covered below
                    down = len(p.indicators)
                    spans = [replace(cell, down=down, clipped=True) for cell in cells[:4]]
                    cells = [*(spans if n == 0 else []), *cells[4:]]
                rows.append(cells)
    writer.block(rows, repeat=[header])
    return writer.save()


def render_national_declaration(
    seed: dict, path: Path, per_unit: int = DEFAULT_PROJECTS_PER_UNIT, font: str = FONT
) -> Path:
    """The national template as the Ministry prints it: one card per page, labels with a colon, amounts side by
    side (中期 | 年度), the goals' labels in a row above them, and the grid beside a 绩效指标 cell merged down its
    rows (cut by a page break when a card runs on: its header repeated)."""
    year = YEARS["national_declaration"]
    style = GridStyle(font_size=7.0, padding=2.5, font=font)
    writer = GridWriter(path, "项目支出绩效目标申报表", subtitle_left=f"（{year}年度）", style=style)
    span = f"（{year}年-{year + NATIONAL_YEARS - 1}年）"
    columns = _columns([0.1, 0.14, 0.14, 0.26, 0.18, 0.18])[1:]
    labels = ["一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值"]
    for p in national_declaration_content(seed, per_unit):
        grid = _grid_rows(p.indicators, columns, lambda i: [i.name, i.period_value, i.value])
        header = [
            Cell("绩效指标", 0, 0.1, down=len(grid) + 1),
            *(Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)),
        ]
        (attribute, attribute_value), (term, term_value) = p.kept
        card = [
            [Cell("项目名称", 0, 0.18), Cell(p.name, 0.18, 1)],
            [
                Cell("主管部门及代码", 0, 0.18),
                Cell(p.department, 0.18, 0.55),
                Cell("实施单位", 0.55, 0.7),
                Cell(p.unit, 0.7, 1),
            ],
            [
                Cell(attribute, 0, 0.18),
                Cell(attribute_value, 0.18, 0.55),
                Cell(term, 0.55, 0.7),
                Cell(term_value, 0.7, 1),
            ],
            [
                Cell("项目资金（万元）", 0, 0.18, down=3),
                Cell("中期资金总额：", 0.18, 0.4),
                Cell(p.period_total, 0.4, 0.55, align="right"),
                Cell("年度资金总额：", 0.55, 0.8),
                Cell(p.total, 0.8, 1, align="right"),
            ],
            *(
                [
                    Cell(label, 0.18, 0.4),
                    Cell(period, 0.4, 0.55, align="right"),
                    Cell(label, 0.55, 0.8),
                    Cell(year, 0.8, 1, align="right"),
                ]
                for label, period, year in (
                    ("其中：财政拨款", p.period_fiscal, p.fiscal),
                    ("其他资金", p.period_other, p.other),
                )
            ),
            [
                Cell("总体目标", 0, 0.18, down=2),
                Cell(f"中期目标{span}", 0.18, 0.55, align="centre"),
                Cell("年度目标", 0.55, 1, align="centre"),
            ],
            [Cell(p.period_goal, 0.18, 0.55), Cell(p.goal, 0.55, 1)],
            header,
            *grid,
        ]
        writer.block(card, repeat=[header], new_page=True)
    return writer.save()


def render_shanghai_form(seed: dict, path: Path, per_unit: int = DEFAULT_PROJECTS_PER_UNIT, font: str = FONT) -> Path:
    """Shanghai's form as its system prints it: cards flowing down the pages (a long one runs on, its grid header
    not repeated), two fields to a row, money in 元 side by side (项目 | 年度, the year's side one row longer), the
    goals' labels over them (the second card's 2026-style label with its years), the grid beside 绩效指标."""
    year = YEARS["shanghai_form"]
    style = GridStyle(font_size=7.5, padding=2.0, font=font)
    writer = GridWriter(path, f"{year}年财政项目支出绩效目标填报表", style=style)
    columns = _columns([0.12, 0.16, 0.18, 0.32, 0.22])[1:]
    labels = ["一级指标", "二级指标", "三级指标", "年度指标值"]
    for n, p in enumerate(shanghai_form_content(seed, per_unit)):
        grid = _grid_rows(p.indicators, columns, lambda i: [i.name, i.value])
        header = [
            Cell("绩效指标", 0, 0.12, down=len(grid) + 1),
            *(Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)),
        ]
        kept = dict(p.kept)
        goal_label = f"项目总体目标（{year}年-{year + SHANGHAI_YEARS - 1}年）" if n == 1 else "项目总目标"
        pairs = [("项目性质", "项目类别"), ("主管部门", "实施单位"), ("计划开始日期", "计划完成日期")]
        values = {**kept, "主管部门": p.department, "实施单位": p.unit}
        card = [
            [Cell("项目名称", 0, 0.16), Cell(p.name, 0.16, 1)],
            *(
                [Cell(a, 0, 0.16), Cell(values[a], 0.16, 0.5), Cell(b, 0.5, 0.66), Cell(values[b], 0.66, 1)]
                for a, b in pairs
            ),
            *(
                [
                    *([Cell("项目资金（元）", 0, 0.16, down=4)] if n == 0 else []),
                    Cell(left, 0.16, 0.34),
                    Cell(period, 0.34, 0.5, align="right"),
                    Cell(right, 0.5, 0.76),
                    Cell(year, 0.76, 1, align="right"),
                ]
                for n, (left, period, right, year) in enumerate(
                    (
                        ("项目资金总额", p.period_total, "年度资金申请总额", p.total),
                        ("其中：财政资金", p.period_fiscal, "其中：当年财政拨款", p.fiscal),
                        ("其他资金", p.period_other, "上年结转资金", p.carryover),
                        ("", "", "其他资金", p.other),  # the year's side is one row longer
                    )
                )
            ),
            [
                Cell("项目绩效目标", 0, 0.16, down=2),
                Cell(goal_label, 0.16, 0.5, align="centre"),
                Cell("年度总体目标", 0.5, 1, align="centre"),
            ],
            [Cell(p.period_goal, 0.16, 0.5), Cell(p.goal, 0.5, 1)],
            header,
            *grid,
        ]
        writer.block(card)
    return writer.save()


def render_county_form(
    seed: dict,
    path: Path,
    per_unit: int = DEFAULT_PROJECTS_PER_UNIT,
    content: list[PrintedProject] | None = None,
    font: str = FONT,
) -> Path:
    """A county form: 填报单位（盖章） above each card, fields two to a row, money as one sentence, goals' labels over
    them, then the 长期 grid and the 年度 grid, each beside its label merged down its rows (cut where a page
    breaks, no header repeated), landscape. ``content`` replaces the seed's (a 长期 grid that does not pair)."""
    year = YEARS["county_form"]
    style = GridStyle(landscape=True, font_size=8.0, font=font)
    writer = GridWriter(
        path,
        f"{year}年项目绩效目标表",
        subtitle_left=f"填报单位（盖章）：{seed['document']['department']}",
        style=style,
    )
    columns = _columns([0.12, 0.14, 0.16, 0.3, 0.16, 0.12])[1:]
    labels = ["一级指标", "二级指标", "指标内容", "指标值", "备注"]
    for p in content or county_form_content(seed, per_unit):
        kept = dict(p.kept)
        values = {**kept, "主管部门": p.department, "项目（实施）单位": p.unit}
        pairs = [("项目属性", "项目起止时间"), ("主管部门", "主管部门编码"), ("项目（实施）单位", "项目负责人")]
        card = [
            [Cell("项目名称", 0, 0.14), Cell(p.name, 0.14, 1)],
            *(
                [Cell(a, 0, 0.14), Cell(values[a], 0.14, 0.5), Cell(b, 0.5, 0.64), Cell(values[b], 0.64, 1)]
                for a, b in pairs
            ),
            [Cell("联系电话", 0, 0.14), Cell(kept["联系电话"], 0.14, 1)],
            [Cell("资金总额及构成", 0, 0.14), Cell(kept["资金总额及构成"], 0.14, 1)],
            [
                Cell("项目绩效目标", 0, 0.14, down=2),
                Cell("长期目标", 0.14, 0.57, align="centre"),
                Cell("年度目标", 0.57, 1, align="centre"),
            ],
            [Cell(p.period_goal, 0.14, 0.57), Cell(p.goal, 0.57, 1)],
        ]
        grids = (
            ("长期绩效指标", p.period_indicators or p.indicators, lambda i: [i.name, i.period_value, ""]),
            ("年度绩效指标", p.indicators, lambda i: [i.name, i.value, ""]),
        )
        for label, indicators, value in grids:
            grid = _grid_rows(indicators, columns, value)
            header = [
                Cell(label, 0, columns[0][0], down=len(grid) + 1),
                *(Cell(text, x0, x1, align="centre") for text, (x0, x1) in zip(labels, columns, strict=True)),
            ]
            card += [header, *grid]
        writer.block(card, new_page=True)
    return writer.save()


def render_unknown_format(seed: dict, path: Path, per_unit: int = 1) -> Path:
    """A card no reader knows (项目负责人, 指标内容, 评（扣）分标准): the extractor must refuse it and say so."""
    writer = GridWriter(path, "项目支出绩效目标表", subtitle_right="单位：万元")
    columns = _columns([0.2, 0.2, 0.35, 0.15, 0.1])
    labels = ["一级指标", "二级指标", "三级指标", "指标内容", "评（扣）分标准"]
    for p in project_card_content(seed, per_unit):
        header = [Cell(label, x0, x1, align="centre") for label, (x0, x1) in zip(labels, columns, strict=True)]
        grid = _grid_rows(p.indicators, columns, lambda i: [i.name, i.value, "按比例扣分"])
        card = [
            [Cell("项目名称", 0, 0.2), Cell(p.name, 0.2, 1)],
            [Cell("项目负责人", 0, 0.2), Cell("张三", 0.2, 0.5), Cell("联系电话", 0.5, 0.7), Cell("020-0000", 0.7, 1)],
            header,
            *grid,
        ]
        writer.block(card, new_page=True)
    return writer.save()


class Renderer(Protocol):
    """A format's renderer: the seed's first ``per_unit`` projects of each unit typeset in ``path`` (in ``font``)."""

    def __call__(self, seed: dict, path: Path, per_unit: int = ..., *, font: str = ...) -> Path: ...


RENDERERS: dict[str, Renderer] = {
    "project_card": render_project_cards,
    "split_value_card": render_split_value_cards,
    "indicator_table": render_indicator_table,
    "period_card": render_period_cards,
    "national_declaration": render_national_declaration,
    "shanghai_form": render_shanghai_form,
    "county_form": render_county_form,
}


def main() -> None:
    seed, out_dir = seed_and_output(__doc__.splitlines()[0], "out_dir", "a folder for one book per format")
    out_dir.mkdir(exist_ok=True)
    for name, render in RENDERERS.items():
        print(f"wrote {render(seed, out_dir / f'{name}_{YEARS[name]}.pdf')}")


if __name__ == "__main__":
    main()
