"""Seed documents for the layouts of issue 10, made from the hand-checked sample or generated.

Each function returns a document in the seed JSON's shape (``tests/fixtures/expected/000_*.json``): it is
both what ``budget_book.render_book`` typesets and what the extractor must read back exactly. Totals are
recomputed so that every unit adds up, as the books' own figures do.
"""

from __future__ import annotations

import copy
from decimal import Decimal

AMOUNT_KEYS = ("total", "fiscal_appropriation", "special_account", "other")
OTHER_DEPARTMENT = "广州市荔湾区人民政府金花街道办事处"
MANY_UNITS_DEPARTMENT = "广州市荔湾区教育局"


def _sum(items: list[dict], key: str) -> str | None:
    total = sum((Decimal(item[key]) for item in items if item[key] is not None), Decimal(0))
    return None if total == 0 else f"{total:.2f}"


def recompute_totals(document: dict) -> dict:
    """Unit totals as the sum of their projects, the 合计 row as the sum of the units (column by column)."""
    for unit in document["units"]:
        for key in AMOUNT_KEYS:
            unit[key] = _sum(unit["projects"], key)
    document["document"]["grand_total"] = {key: _sum(document["units"], key) for key in AMOUNT_KEYS}
    return document


# How many of each printed unit make one 万元 (the books' other units; seeds/reference/amount_units.csv converts back).
PER_WAN_YUAN = {"元": 10000, "千元": 10}


def _scaled(value: str | None, factor: int) -> str | None:
    return None if value is None else f"{Decimal(value) * factor:.2f}"


def in_unit(seed: dict, unit: str) -> dict:
    """The document printed in another unit (单位：元 or 千元): every amount × the unit's count per 万元."""
    document = copy.deepcopy(seed)
    document["document"]["amount_unit"] = unit
    items = [document["document"]["grand_total"], *document["units"]]
    items += [project for funding_unit in document["units"] for project in funding_unit["projects"]]
    for item in items:
        for key in AMOUNT_KEYS:
            item[key] = _scaled(item[key], PER_WAN_YUAN[unit])
    return document


def in_yuan(seed: dict) -> dict:
    """The sample printed in 元 (单位：元): every amount × 10,000."""
    return in_unit(seed, "元")


def sparse_cells(seed: dict) -> dict:
    """Projects as books print them, whatever they carry: without 绩效指标, without 绩效目标, without either,
    amounts only in 财政专户拨款 or only in 其他资金, above 10,000 万元, names with ASCII digits and brackets."""
    document = copy.deepcopy(seed)
    projects = document["units"][0]["projects"]
    projects[0]["indicators"] = []
    projects[1]["goal"] = ""
    projects[2]["goal"], projects[2]["indicators"] = "", []
    for project, key in ((projects[3], "special_account"), (projects[4], "other")):
        project[key], project["fiscal_appropriation"] = project["total"], None
    projects[5]["total"] = projects[5]["fiscal_appropriation"] = "12345.67"
    projects[6]["name"] += "(第2批)"
    projects[7]["name"] = "2024年第3季度社区服务经费[专项]"
    return recompute_totals(document)


def other_department(seed: dict, department: str = OTHER_DEPARTMENT, units: int = 2) -> dict:
    """Another department's table for a collected book (汇编): the sample's first units under its name."""
    document = copy.deepcopy(seed)
    old = document["document"]["department"]
    document["document"]["department"] = department
    document["units"] = document["units"][:units]
    for unit in document["units"]:
        if unit["name"] == old:
            unit["name"] = department
    return recompute_totals(document)


def many_units(count: int = 150, year: int = 2024) -> dict:
    """A department with ``count`` funding units (schools), one or two short projects each."""
    units = []
    for number in range(1, count + 1):
        projects = []
        for seq in range(1, 2 + (number % 10 == 0)):
            amount = f"{Decimal(number * 7 + seq * 3) / 4:.2f}"
            projects.append(
                {
                    "seq": seq,
                    "name": f"校园安全保障经费{seq}",
                    "total": amount,
                    "fiscal_appropriation": amount,
                    "special_account": None,
                    "other": None,
                    "goal": "保障校园安全，完成安保人员配备。",
                    "indicators": [
                        {
                            "seq": 1,
                            "level1_code": "1",
                            "level1_name": "产出指标",
                            "level2_code": "11",
                            "level2_name": "数量指标",
                            "name": "安保人员配备人数",
                            "period_value": f"{seq + 2}人",
                            "annual_value": f"{seq + 2}人",
                        }
                    ],
                }
            )
        units.append({"seq": number, "name": f"广州市荔湾区第{number}小学", "projects": projects})
    document = {
        "document": {
            "title": "项目支出绩效目标表（含转移支付项目）",
            "department": MANY_UNITS_DEPARTMENT,
            "amount_unit": "万元",
            "fiscal_year": year,
            "grand_total": None,
        },
        "units": units,
    }
    return recompute_totals(document)
