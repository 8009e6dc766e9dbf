"""Format 1, one card per project (the most common): a header block 项目名称 / 主管部门 / 实施单位 /
项目资金（万元） 年度资金总额 · 其中：财政拨款 · 其他资金 / 年度目标, then the grid 一级指标 | 二级指标 | 三级指标 |
指标值 with one value per indicator (``8个``, ``≥95%``, ``≤**万元`` as printed: it goes to ``annual_target``)."""

from __future__ import annotations

from .card import CardReader, CardSpec
from .grid import PageGrids
from .records import ReadTable

NAME = "project_card"
PICTURE = "项目名称/主管部门/实施单位/年度资金总额 card, grid 一级指标|二级指标|三级指标|指标值 (`≥95%` in one cell)"
LABELS = ("项目名称", "主管部门", "实施单位", "年度资金总额", "一级指标", "二级指标", "三级指标", "指标值")

SPEC = CardSpec(
    format_name=NAME,
    fields={
        "项目名称": "name",
        "主管部门": "department",
        "实施单位": "unit",
        "年度资金总额": "total",
        "其中：财政拨款": "fiscal",
        "财政拨款": "fiscal",
        "其他资金": "other",
        "年度目标": "goal",
        "中期目标": "period_goal",
        "实施期目标": "period_goal",
    },
    groups=("项目资金",),
    columns={
        "一级指标": "level1_name",
        "二级指标": "level2_name",
        "三级指标": "indicator_name",
        "指标值": "annual_target",
    },
)


def read(pages: list[PageGrids]) -> list[ReadTable]:
    return CardReader(SPEC).read(pages)
