"""Card templates are data (extract/formats/templates.yml): a form no Python names reads from its entry alone, and
the card reader is tolerant where it is safe (a header label it does not know is kept as printed, a grid beside a
merged 绩效指标 label cell, a merged cell a page break splits and a clipping path hides in part) and strict where it
matters (an unknown label among the amounts is refused, naming it; two grids that do not pair are refused).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
import yaml

from extract.clipping import hiding_clip, read_with_clips
from extract.explain import explain
from extract.formats import FORMATS, indicator_table, packed, page_texts, read_other_format
from extract.formats.templates import TEMPLATES_FILE, load
from extract.model import ExtractionError
from extract.seeds import INDICATOR_FIELDS
from synth import cards
from synth.grid import Cell, GridStyle, GridWriter
from tests.test_formats import expected

# A province's form that no template describes and no Python names: its entry is all it takes.
PROVINCE = {
    "name": "province_card",
    "picture": "项目名称/预算单位/资金合计（元）/本年目标 card, grid 一级指标|二级指标|三级指标|目标值描述",
    "detect": ["项目名称", "预算单位", "资金合计", "一级指标", "三级指标", "目标值描述"],
    "fields": {"项目名称": "name", "预算单位": "department", "资金合计": "total_amount", "本年目标": "goal_text"},
    "groups": [],
    "money": [],
    "grid": {
        "一级指标": "level1_name",
        "二级指标": "level2_name",
        "三级指标": "indicator_name",
        "目标值描述": "annual_target",
    },
    "beside": [],
}


def _province_book(seed: dict, path: Path) -> tuple[Path, list[cards.PrintedProject]]:
    """The province's cards: another typesetter (landscape, a larger font, no unit line), amounts in 元 said in
    the label, two labelled fields to a row, one card per page."""
    content = [
        replace(p, total=f"{Decimal(p.total.replace(',', '')) * 10000:,.2f}")
        for p in cards.project_card_content(seed, per_unit=1)
    ]
    writer = GridWriter(path, "2018年项目绩效目标表", style=GridStyle(landscape=True, font_size=9.0))
    columns = [(0.0, 0.15), (0.15, 0.3), (0.3, 0.7), (0.7, 1.0)]
    for p in content:
        rows = [
            [
                Cell("项目名称", 0, 0.15),
                Cell(p.name, 0.15, 0.6),
                Cell("预算单位", 0.6, 0.72),
                Cell(p.department, 0.72, 1),
            ],
            [
                Cell("资金合计（元）", 0, 0.15),
                Cell(p.total, 0.15, 0.6, align="right"),
                Cell("本年目标", 0.6, 0.72),
                Cell(p.goal, 0.72, 1),
            ],
            [Cell(label, x0, x1) for label, (x0, x1) in zip(PROVINCE["grid"], columns, strict=True)],
            *(
                [Cell(t, x0, x1) for t, (x0, x1) in zip((i.level1, i.level2, i.name, i.value), columns, strict=True)]
                for i in p.indicators
            ),
        ]
        writer.block(rows, new_page=True)
    return writer.save(), content


def test_a_template_no_python_names_reads_from_its_entry(tmp_path: Path, seed: dict) -> None:
    """Refused as an unknown format without the entry; read exactly with it (in 元, one unit per department)."""
    path, content = _province_book(seed, tmp_path / "province.pdf")
    data = path.read_bytes()
    texts = page_texts(data)
    with pytest.raises(ExtractionError) as refused:
        read_other_format(data, texts)
    assert refused.value.code == "unknown_format"

    entries = yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))
    entries["templates"].append(PROVINCE)
    (tmp_path / "templates.yml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    formats = (packed, *load(tmp_path / "templates.yml"), indicator_table)
    [document] = read_other_format(data, texts, formats) or []
    assert document.table_format == "province_card" and document.amount_unit == "元"
    department = seed["document"]["department"]
    assert [(row.kind, *row.cells[:6]) for row in document.rows] == [
        ("funding_unit", department, "", "", "", "", ""),
        *(("project", p.name, p.total, "", "", "", p.goal) for p in content),
    ]
    got = [
        (r["row_number"], r["level1_name"], r["level2_name"], r["indicator_name"], r["annual_target"])
        for r in document.indicators
    ]
    assert got == [
        (str(n), i.level1, i.level2, i.name, i.value) for n, p in enumerate(content, start=2) for i in p.indicators
    ]
    assert document.table_chars == document.cell_chars


def test_a_field_no_template_knows_is_kept_and_a_grid_beside_a_label_cell_reads(tmp_path: Path, seed: dict) -> None:
    """A project card with one more header field the template names (项目类别), one no template names
    (项目负责人), and its grid beside a 绩效指标 cell merged down its rows (cut by page breaks): read exactly as
    the plain card, both fields kept as printed, and --explain names the one the template does not know."""
    fields = (("项目类别", "经常性项目"), ("项目负责人", "张三"))
    path = cards.render_project_cards(seed, tmp_path / "cards.pdf", fields=fields, beside=True)
    data = path.read_bytes()
    [document] = read_other_format(data, page_texts(data)) or []
    rows, indicators = expected("project_card", seed)
    assert [(row.kind, *row.cells[:6]) for row in document.rows] == rows
    assert [tuple(r[f] for f in INDICATOR_FIELDS[1:] if f != "page") for r in document.indicators] == indicators
    projects = [row for row in document.rows if row.kind == "project"]
    assert all(row.fields["项目类别"] == "经常性项目" and row.fields["项目负责人"] == "张三" for row in projects)  # type: ignore[attr-defined]
    assert any(row.page_end > row.page_start for row in projects), "a card's grid (and its 绩效指标 cell) is cut"
    assert "  kept as printed, labels the template does not know: 项目负责人" in explain(path)


@pytest.mark.parametrize(
    ("fields", "money", "words"),
    [
        ((), (("上年结转", "1.00"),), "in its money block: '上年结转'"),
        ((("项目编码", "2019001"),), (), "whose value reads as an amount (2019001): '项目编码'"),
    ],
    ids=["among-the-amounts", "an-amount-value"],
)
def test_an_unknown_label_that_may_hold_money_is_refused_naming_it(
    tmp_path: Path, seed: dict, fields: tuple, money: tuple, words: str
) -> None:
    """An amount no template places would be lost: the card is refused, the label named, never kept aside."""
    data = cards.render_project_cards(seed, tmp_path / "cards.pdf", per_unit=1, fields=fields, money=money).read_bytes()
    with pytest.raises(ExtractionError) as refused:
        read_other_format(data, page_texts(data))
    assert refused.value.code == "card_structure" and words in refused.value.reason


def test_every_format_reads_its_own_fixture_and_the_templates_are_the_file(seed: dict) -> None:
    """The formats are the packed table, the indicator table and the file's templates, in its order."""
    entries = yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))["templates"]
    assert [f.NAME for f in FORMATS] == [packed.NAME, *(e["name"] for e in entries), indicator_table.NAME]
    assert set(cards.RENDERERS) <= {f.NAME for f in FORMATS}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda indicators: (replace(indicators[0], name="另一个指标"), *indicators[1:]), "differs between"),
        (lambda indicators: indicators[:-1], "has no row in the 长期绩效指标 grid"),
    ],
    ids=["renamed", "missing"],
)
def test_two_grids_that_do_not_pair_refuse_the_card(tmp_path: Path, seed: dict, change, words: str) -> None:
    """The county form's 长期 and 年度 grids give two values of the same indicators: a row renamed or missing in
    one of them is a refusal naming the indicator (grid_pairing), never a guess at which value is whose."""
    content = cards.county_form_content(seed, per_unit=1)
    content[1] = replace(content[1], period_indicators=change(content[1].indicators))
    data = cards.render_county_form(seed, tmp_path / "county.pdf", content=content).read_bytes()
    with pytest.raises(ExtractionError) as refused:
        read_other_format(data, page_texts(data))
    assert refused.value.code == "grid_pairing" and words in refused.value.reason


def test_a_spreadsheet_printout_with_merged_cells_split_by_a_page_break_reads_whole(tmp_path: Path, seed: dict) -> None:
    """The indicator table printed from a spreadsheet: each project's cells merged down its rows, their text clipped
    to each part of the cell (a goal longer than its cell is cut, a cell split by a page break shows pieces on both
    pages, the hidden rest still in the content stream). Read exactly as the plain table: every goal whole, taken
    once, no character outside the cells."""
    path = cards.render_indicator_table(seed, tmp_path / "merged.pdf", merged=True)
    data = path.read_bytes()
    [document] = read_other_format(data, page_texts(data)) or []
    rows, indicators = expected("indicator_table", seed)
    assert [(row.kind, *row.cells[:6]) for row in document.rows] == rows
    assert [tuple(r[f] for f in INDICATOR_FIELDS[1:] if f != "page") for r in document.indicators] == indicators
    assert document.table_chars == document.cell_chars
    assert any(row.page_end > row.page_start for row in document.rows), "a project's merged cells cross a page break"
    with pdfplumber.open(path) as pdf:  # and its text is really hidden in part: clipped, not just printed
        hidden = 0
        for page in pdf.pages:
            read_with_clips(page)
            hidden += sum(1 for char in page.chars if hiding_clip(char, page) is not None)
    assert hidden > 0
