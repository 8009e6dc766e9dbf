"""A very large document: a department with 150 funding units (an education bureau with its schools) and 2,000
projects, one unit holding 1,200 of them and one project 120 indicators.

Real books this big exist and today's id widths (``-u01``, ``-p001``, ``-i01``, ``-r001``) are too narrow for them:
the ids must widen (``-u150``, ``-p1200``, ``-i120``) without colliding. Typesetting 2,000 projects is slow, so
besides the seed JSON this module writes the raw seeds the extractor would write for it (``raw_seed_rows``), to be
fed to dbt directly; a smaller book of the same shape (``big_book(units=150, projects=150)``) renders quickly.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path

from extract.model import APPENDED_COLUMNS, TEXT_PDF
from extract.seeds import DOCUMENT_FIELDS, ROW_FIELDS

from .budget_book import TABLE_TITLE, table_rows

DEFAULT_UNITS = 150
DEFAULT_PROJECTS = 2000
DEFAULT_LARGEST_UNIT = 1200
DEFAULT_MOST_INDICATORS = 120
DEPARTMENT = "广州市荔湾区教育局"
INDICATOR_KINDS = (
    ("1", "产出指标", "11", "数量指标", "开展活动次数", "≧{n}次"),
    ("1", "产出指标", "13", "时效指标", "完成时间", "2024年12月底前"),
    ("3", "满意度指标", "31", "服务对象满意度", "师生满意度", "≧90%"),
)


def _indicators(count: int) -> list[dict]:
    indicators = []
    for seq in range(1, count + 1):
        level1_code, level1_name, level2_code, level2_name, name, value = INDICATOR_KINDS[(seq - 1) % 3]
        target = value.format(n=seq)
        indicators.append(
            {
                "seq": seq,
                "level1_code": level1_code,
                "level1_name": level1_name,
                "level2_code": level2_code,
                "level2_name": level2_name,
                "name": f"{name}{seq}",
                "period_value": target,
                "annual_value": target,
            }
        )
    return indicators


def _amounts(total: Decimal) -> dict:
    return {"total": f"{total:.2f}", "fiscal_appropriation": f"{total:.2f}", "special_account": None, "other": None}


def big_book(
    units: int = DEFAULT_UNITS,
    projects: int = DEFAULT_PROJECTS,
    largest_unit: int = DEFAULT_LARGEST_UNIT,
    most_indicators: int = DEFAULT_MOST_INDICATORS,
    department: str = DEPARTMENT,
    fiscal_year: int = 2024,
) -> dict:
    """A seed JSON (the shape of tests/fixtures/expected/*.json) whose totals reconcile: unit 1 holds
    ``largest_unit`` projects (at most what ``projects`` leaves after one per other unit), the others share the
    rest; the first project has ``most_indicators`` indicators, every other one 3."""
    largest = min(largest_unit, projects - (units - 1))
    counts = [largest] + [0] * (units - 1)
    for n in range(projects - largest):
        counts[1 + n % (units - 1)] += 1
    seed_units = []
    project_number = 0
    for unit_seq, count in enumerate(counts, start=1):
        unit_projects = []
        for project_seq in range(1, count + 1):
            project_number += 1
            total = Decimal(project_number % 97 + 1) + Decimal("0.25")
            unit_projects.append(
                {
                    "seq": project_seq,
                    "name": f"第{unit_seq}校项目{project_seq}",
                    **_amounts(total),
                    "goal": f"保障第{unit_seq}校项目{project_seq}顺利实施。",
                    "indicators": _indicators(most_indicators if project_number == 1 else 3),
                }
            )
        unit_total = sum((Decimal(p["total"]) for p in unit_projects), Decimal(0))
        seed_units.append(
            {
                "seq": unit_seq,
                "name": f"广州市荔湾区第{unit_seq}学校",
                **_amounts(unit_total),
                "projects": unit_projects,
            }
        )
    grand_total = sum((Decimal(u["total"]) for u in seed_units), Decimal(0))
    return {
        "document": {
            "title": TABLE_TITLE,
            "department": department,
            "amount_unit": "万元",
            "fiscal_year": fiscal_year,
            "grand_total": _amounts(grand_total),
        },
        "units": seed_units,
    }


def raw_seed_rows(document: dict, document_id: str, source_file: str) -> tuple[dict, list[dict]]:
    """What ``python -m extract`` would write for the book typeset from ``document``: its raw_documents record
    and raw_table_rows records (every value text as printed), keyed by DOCUMENT_FIELDS and ROW_FIELDS."""
    head = document["document"]
    record = dict.fromkeys(DOCUMENT_FIELDS, "")
    record.update(
        document_id=document_id,
        source_file=source_file,
        department_name=head["department"],
        fiscal_year=str(head["fiscal_year"]),
        fiscal_year_source="table_title",
        table_title=head["title"],
        amount_unit=head["amount_unit"],
        page_count="1",
        table_pages="1",
        table_chars="0",
        cell_chars="0",
        extractor_version="synthetic",
        source_modified_at="2025-01-01T00:00:00+00:00",
        source_sha256=document_id,
        table_ordinal="1",
        table_format="packed_indicator_table",
        is_stale="false",
        text_source=TEXT_PDF,
    )
    rows = [
        dict(
            zip(
                ROW_FIELDS,
                (
                    *(document_id, str(number), row.kind, row.name, *row.amounts, row.goal, row.indicators, "1", "1"),
                    *("" for _ in APPENDED_COLUMNS),  # the packed table prints one period's amounts
                    *(TEXT_PDF, "", ""),  # text_source, ocr_confidence, ocr_cell_confidences: a text page's
                ),
                strict=True,
            )
        )
        for number, row in enumerate(table_rows(document), start=1)
    ]
    return record, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_json", type=Path)
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS)
    parser.add_argument("--projects", type=int, default=DEFAULT_PROJECTS)
    args = parser.parse_args()
    document = big_book(args.units, args.projects)
    args.out_json.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out_json}")


if __name__ == "__main__":
    main()
