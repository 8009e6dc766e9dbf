"""Format 4, a card with implementation-period and annual targets: 项目支出名称 / 预算部门 / 年度本级预算金额 /
项目支出实施期 (``2023.07-2024.01``) / 实施期绩效目标 / 本年度绩效目标, then 一级指标 | 二级指标 | 三级指标 |
指标值及单位 | 绩效标准 (or 实施期指标值及单位 | 本年度指标值及单位: the 实施期 value goes to ``period_target``).
Template rows with no indicator (a level-2 name and empty cells) are kept as printed;
the satisfaction category reads ``社会公众或服务对象满意度指标``. The funding unit is the 预算部门 (no unit is
printed); 本年度绩效目标 is the goal, 实施期绩效目标 and 项目支出实施期 are kept in the row's fields."""

from __future__ import annotations

from .card import CardReader, CardSpec
from .grid import PageGrids
from .records import ReadTable

NAME = "period_card"
PICTURE = "项目支出名称/预算部门/项目支出实施期/实施期·本年度绩效目标 card, grid …|三级指标|指标值及单位|绩效标准"
LABELS = ("项目支出名称", "预算部门", "项目支出实施期", "本年度绩效目标", "一级指标", "三级指标", "指标值及单位")

SPEC = CardSpec(
    format_name=NAME,
    fields={
        "项目支出名称": "name",
        "预算部门": "department",
        "年度本级预算金额": "total",
        "项目支出实施期": "period",
        "实施期绩效目标": "period_goal",
        "本年度绩效目标": "goal",
    },
    groups=(),
    columns={
        "一级指标": "level1_name",
        "二级指标": "level2_name",
        "三级指标": "indicator_name",
        "指标值及单位": "annual_target",
        "本年度指标值及单位": "annual_target",
        "实施期指标值及单位": "period_target",
        "绩效标准": "standard",
    },
)


def read(pages: list[PageGrids]) -> list[ReadTable]:
    return CardReader(SPEC).read(pages)
