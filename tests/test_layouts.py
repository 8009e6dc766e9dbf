"""Every layout of the table that real books use extracts to exactly the seed document."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from extract.document import Overrides, extract_document, extract_documents, overrides_for
from extract.locate import cover_year, is_furniture
from extract.model import Document, ExtractionError
from extract.pipeline import read_manifest
from synth.budget_book import Layout, render_book, render_collected
from synth.content import OTHER_DEPARTMENT, in_yuan, many_units, other_department, sparse_cells
from tests.helpers import SAMPLE_PDF, amount, build_warehouse, expected_rows

VARIANTS = {
    "ruled-landscape": dict(layout=Layout()),
    "unruled": dict(layout=Layout(ruled=False)),
    "wider-columns-larger-font": dict(
        layout=Layout(font_size=8.0, name_width=11.0, amount_width=5.0, goal_width=20.0, indicator_width=40.0)
    ),
    "portrait-small-font": dict(
        layout=Layout(
            landscape=False, font_size=5.5, name_width=12.0, amount_width=5.2, goal_width=19.0, indicator_width=38.0
        )
    ),
    "unruled-portrait": dict(
        layout=Layout(
            landscape=False,
            ruled=False,
            font_size=5.5,
            name_width=12.0,
            amount_width=5.2,
            goal_width=19.0,
            indicator_width=38.0,
        )
    ),
    "amounts-left-no-separators-no-indent": dict(
        layout=Layout(amount_align="left", thousands_separator=False, project_indent=0.0)
    ),
    "rows-split-across-pages": dict(layout=Layout(split_rows=True)),
    "unruled-rows-split-across-pages": dict(layout=Layout(ruled=False, split_rows=True)),
    "whole-book-with-decoys": dict(layout=Layout(), whole_book=True),
    "title-with-year-without-transfer-note": dict(layout=Layout(), title="2024年项目支出绩效目标表"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_extracts_exactly(tmp_path: Path, seed: dict, variant: str) -> None:
    path = render_book(seed, tmp_path / f"{variant}.pdf", **VARIANTS[variant])
    document = extract_document(path)
    got = [
        (row.kind, row.cells[0], *(amount(a) for a in row.cells[1:5]), row.cells[5], row.cells[6])
        for row in document.rows
    ]
    assert got == expected_rows(seed)
    assert document.department_name == seed["document"]["department"]
    assert document.fiscal_year == 2024
    assert document.table_chars == document.cell_chars
    if "split" in variant:
        assert sum(row.page_start != row.page_end for row in document.rows) >= 3, "rows do continue on the next page"


# Books as they really come (issue 10): other typesetters' habits, each read back to its seed document exactly.
HABITS = {
    "title-on-first-page-only-unruled-split": dict(
        layout=Layout(ruled=False, split_rows=True, title_on_every_page=False)
    ),
    "no-header-on-continuation-pages": dict(layout=Layout(headerless_pages=(3, 4, 5, 6, 7, 8))),
    "no-header-unruled": dict(layout=Layout(ruled=False, headerless_pages=(3, 5))),
    "running-header-footer-page-of-pages": dict(
        layout=Layout(running_header=True, running_footer=True, page_number_format="第{n}页 共{total}页")
    ),
    "running-header-footer-no-header-rows": dict(
        layout=Layout(running_header=True, running_footer=True, headerless_pages=(3, 4, 5, 6, 7, 8))
    ),
    "page-number-n-slash-total-with-footer": dict(
        layout=Layout(page_number_format="{n}/{total}", running_footer=True, title_on_every_page=False)
    ),
    "next-table-same-size-mid-page": dict(next_table="一般公共预算“三公”经费支出表"),
    "whole-book-title-on-first-page-only": dict(layout=Layout(title_on_every_page=False), whole_book=True),
}


def rows_of(document) -> list[tuple]:
    return [
        (row.kind, row.cells[0], *(amount(a) for a in row.cells[1:5]), row.cells[5], row.cells[6])
        for row in document.rows
    ]


@pytest.mark.parametrize("habit", HABITS)
def test_habit_extracts_exactly(tmp_path: Path, seed: dict, habit: str) -> None:
    path = render_book(seed, tmp_path / f"{habit}.pdf", **HABITS[habit])
    document = extract_document(path)
    assert rows_of(document) == expected_rows(seed)
    assert (document.department_name, document.fiscal_year) == (seed["document"]["department"], 2024)
    assert document.table_chars == document.cell_chars
    first = document.table_pages[0]
    assert document.table_pages == list(range(first, first + len(document.table_pages))), "every page of the span"


CONTENTS = {
    "yuan-book-jine-danwei": (in_yuan, dict(layout=Layout(amount_width=7.5, unit_label="金额单位")), "元"),
    "empty-cells-in-each-column": (sparse_cells, dict(layout=Layout()), "万元"),
    "empty-cells-no-indent": (sparse_cells, dict(layout=Layout(project_indent=0.0, ruled=False)), "万元"),
    "150-units": (lambda seed: many_units(), dict(layout=Layout()), "万元"),
}


@pytest.mark.parametrize("content", CONTENTS)
def test_content_extracts_exactly(tmp_path: Path, seed: dict, content: str) -> None:
    make, options, unit = CONTENTS[content]
    document_json = make(seed)
    document = extract_document(render_book(document_json, tmp_path / f"{content}.pdf", **options))
    assert rows_of(document) == expected_rows(document_json)
    assert document.amount_unit == unit
    assert document.department_name == document_json["document"]["department"]


def test_sparse_rows_are_told_apart_by_position_not_by_empty_cells(tmp_path: Path, seed: dict) -> None:
    """A project printed without goal and indicators is still a project (the old rule took it for a unit)."""
    document = extract_document(render_book(sparse_cells(seed), tmp_path / "sparse.pdf"))
    bare = next(row for row in document.rows if row.cells[0] == seed["units"][0]["projects"][2]["name"])
    assert (bare.cells[5], bare.cells[6], bare.kind) == ("", "", "project")
    assert [row.kind for row in document.rows].count("funding_unit") == len(seed["units"])


def test_continuation_page_without_title_or_header_is_read(tmp_path: Path, seed: dict, extracted: Document) -> None:
    """The table's 3rd page printed with neither title, 部门名称 nor column header: its rows are still read."""
    whole = extracted
    bare = extract_document(render_book(seed, tmp_path / "bare.pdf", layout=Layout(headerless_pages=(3,))))
    on_page_4 = [row for row in bare.rows if row.page_start == 4]
    assert on_page_4 and 4 in bare.table_pages
    assert rows_of(bare) == rows_of(whole) == expected_rows(seed)


@pytest.mark.parametrize("inserted", ["blank", "foreign"])
def test_page_inside_the_table_that_is_not_the_table_refuses_the_file(
    tmp_path: Path, seed: dict, inserted: str
) -> None:
    path = render_book(seed, tmp_path / f"{inserted}.pdf", inserted_page=inserted)
    with pytest.raises(ExtractionError) as refused:
        extract_document(path)
    assert (refused.value.page, refused.value.code) == (3, "unreadable_table_page")


def test_collected_book_is_one_document_per_department(tmp_path: Path, seed: dict) -> None:
    other = other_department(seed)
    path = render_collected([seed, other], tmp_path / "huibian.pdf")
    first, second = extract_documents(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert second.document_id == f"{first.document_id}-t2" and len(first.document_id) == 16
    assert (first.table_ordinal, second.table_ordinal) == (1, 2)
    assert (first.department_name, second.department_name) == (seed["document"]["department"], OTHER_DEPARTMENT)
    assert rows_of(first) == expected_rows(seed)
    assert rows_of(second) == expected_rows(other)
    assert first.table_pages[-1] < second.table_pages[0]


def test_one_bad_table_of_a_collected_book_is_refused_alone(tmp_path: Path, seed: dict) -> None:
    broken = other_department(seed)
    broken["units"][0]["projects"][1]["total"] = "见附表"
    first, second = extract_documents(render_collected([seed, broken], tmp_path / "huibian.pdf"))
    assert isinstance(first, Document) and rows_of(first) == expected_rows(seed)
    assert isinstance(second, ExtractionError)
    assert (second.code, second.row, second.document_id) == ("unreadable_amount", 4, f"{first.document_id}-t2")
    assert second.page == first.table_pages[-1] + 1


def test_title_year_wins_over_the_cover_and_the_conflict_is_kept(tmp_path: Path, seed: dict) -> None:
    path = render_book(seed, tmp_path / "book.pdf", title="2025年项目支出绩效目标表")
    document = extract_document(path)
    assert (document.fiscal_year, document.fiscal_year_source, document.fiscal_year_conflict) == (
        2025,
        "table_title",
        "cover:2024",
    )


def test_cover_year_skips_other_years_comparisons() -> None:
    assert cover_year(["2023年部门预算执行情况对比表\n2024年部门预算"]) == 2024


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("第 3 页", True),
        ("- 3 -", True),
        ("3/12", True),
        ("第3页 共12页", True),
        ("12", True),
        ("2024年广州市荔湾区人民政府多宝街道办事处部门预算", True),
        ("广州市荔湾区人民政府多宝街道办事处 第 3 页", True),
        ("注：本表数据为初步数", False),
        ("3.50", False),
    ],
)
def test_page_furniture_forms(line: str, furniture: bool) -> None:
    assert is_furniture(line, "广州市荔湾区人民政府多宝街道办事处") is furniture


def test_habits_through_the_whole_pipeline_into_one_warehouse(tmp_path: Path, seed: dict) -> None:
    """The sample beside a collected book (two departments), a book with running headers and footers, page
    numbers as 第n页 共m页, the title on its first page only, a page without any header and the table ending
    mid-page before the 三公 table, and a 元 book: each its own department, all published by one build.
    (Books whose projects print no indicators and the 150-unit department are proven at extraction above; the
    warehouse accepts them once its id widths and indicator checks follow docs/architecture.md.)"""
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    shutil.copy(SAMPLE_PDF, pdf_dir)
    jinhua, hualin = other_department(seed), other_department(seed, "广州市荔湾区人民政府华林街道办事处", 3)
    render_collected([jinhua, hualin], pdf_dir / "liwan_huibian_2024.pdf")
    nanyuan = other_department(seed, "广州市荔湾区人民政府南源街道办事处", 4)
    habits = Layout(
        running_header=True,
        running_footer=True,
        title_on_every_page=False,
        headerless_pages=(4,),
        page_number_format="第{n}页 共{total}页",
    )
    render_book(nanyuan, pdf_dir / "nanyuan.pdf", layout=habits, next_table="一般公共预算“三公”经费支出表")
    caihong = in_yuan(other_department(seed, "广州市荔湾区人民政府彩虹街道办事处", 4))
    render_book(caihong, pdf_dir / "caihong.pdf", layout=Layout(amount_width=7.5, unit_label="金额单位"))
    warehouse = build_warehouse(pdf_dir, tmp_path / "work")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        documents = connection.execute(
            """select d.source_file, d.department_name, d.amount_unit, right(d.document_id, 3),
                      count(p.project_id)
               from marts.dim_document d join marts.fct_project_budget p using (document_id)
               group by all order by all"""
        ).fetchall()
    projects = {name: sum(len(u["projects"]) for u in doc["units"]) for name, doc in [("s", seed), ("j", jinhua)]}
    assert documents == sorted(
        [
            ("caihong.pdf", "广州市荔湾区人民政府彩虹街道办事处", "元", documents[0][3], projects["s"]),
            ("duobao_street_office_2024.pdf", seed["document"]["department"], "万元", documents[1][3], projects["s"]),
            ("liwan_huibian_2024.pdf", "广州市荔湾区人民政府华林街道办事处", "万元", "-t2", 52),
            ("liwan_huibian_2024.pdf", OTHER_DEPARTMENT, "万元", documents[3][3], projects["j"]),
            ("nanyuan.pdf", "广州市荔湾区人民政府南源街道办事处", "万元", documents[4][3], projects["s"]),
        ]
    )
    assert not any(row[3].startswith("-t") for row in documents if row[1] != "广州市荔湾区人民政府华林街道办事处")


def test_manifest_row_names_one_table_or_the_whole_file(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text(
        "file,fiscal_year,department_name,table\nhuibian.pdf,2024,,\nhuibian.pdf,2023,某部门,2\n", encoding="utf-8"
    )
    manifest = read_manifest(tmp_path)
    assert overrides_for(manifest, "huibian.pdf", 1) == Overrides(fiscal_year=2024)
    assert overrides_for(manifest, "huibian.pdf", 2) == Overrides(fiscal_year=2023, department_name="某部门")
    assert overrides_for(manifest, "other.pdf", 1) == Overrides()


def test_a_new_grand_total_opens_a_new_table_of_the_same_department(tmp_path: Path, seed: dict) -> None:
    """Two tables of one department in one file: the second 合计 row starts the second document; the header
    block repeated on every page does not."""
    second = other_department(seed, seed["document"]["department"], units=1)
    first_table, second_table = extract_documents(render_collected([seed, second], tmp_path / "twice.pdf"))
    assert rows_of(first_table) == expected_rows(seed)
    assert rows_of(second_table) == expected_rows(second)
    assert second_table.document_id.endswith("-t2") and second_table.department_name == seed["document"]["department"]


def test_text_above_a_continuation_header_that_is_not_furniture_is_stray(tmp_path: Path, seed: dict) -> None:
    """The header zone is examined: a running title or page number there is dropped, anything else reported."""
    path = render_book(seed, tmp_path / "note.pdf", header_note="注：以下金额含上年结转")
    with pytest.raises(ExtractionError) as refused:
        extract_document(path)
    assert (refused.value.page, refused.value.code) == (3, "stray_text")
    assert "注：以下金额含上年结转" in refused.value.reason
