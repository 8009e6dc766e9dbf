"""Format 2, a card whose value is split into columns: the header block of format 1 (fields may carry codes,
``(433001)…``), then 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标方向 | 目标值 | 计量单位 | 分值 | 备注, rows like
``正向 | = | 8 | 个 | 4``. 指标性质 is the direction (正向/反向), 指标方向 the operator; the typed columns come from
the cells and ``annual_target`` joins them (``=8个``); a serial date target (``44,561``) becomes ``2021-12-31``."""

from __future__ import annotations

from .card import CardReader, CardSpec
from .grid import PageGrids
from .project_card import SPEC as PROJECT_CARD
from .records import ReadTable

NAME = "split_value_card"
PICTURE = "the project card, grid …|三级指标|指标性质|指标方向|目标值|计量单位|分值|备注 (`正向|≥|95|%|10`)"
LABELS = ("项目名称", "主管部门", "一级指标", "三级指标", "指标性质", "指标方向", "目标值", "计量单位", "分值")

SPEC = CardSpec(
    format_name=NAME,
    fields=PROJECT_CARD.fields,
    groups=PROJECT_CARD.groups,
    columns={
        "一级指标": "level1_name",
        "二级指标": "level2_name",
        "三级指标": "indicator_name",
        "指标性质": "direction",
        "指标方向": "operator",
        "目标值": "target_value",
        "计量单位": "target_unit",
        "分值": "weight",
        "备注": "remark",
    },
)


def read(pages: list[PageGrids]) -> list[ReadTable]:
    return CardReader(SPEC).read(pages)
