"""Every layout of the table that real books use extracts to exactly the seed document."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.document import Overrides, extract_document, extract_documents, overrides_for
from extract.locate import cover_year, is_furniture
from extract.model import Document, ExtractionError
from extract.pipeline import read_manifest
from synth.budget_book import Layout, render_book, render_collected
from synth.content import AMOUNT_KEYS, OTHER_DEPARTMENT, in_unit, in_yuan, many_units, other_department, sparse_cells
from tests.helpers import REPO, SAMPLE_PDF, amount, expected_rows, make_build_command, raw_seeds_dir

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
    "thousand-yuan-book": (lambda seed: in_unit(seed, "千元"), dict(layout=Layout(amount_width=6.5)), "千元"),
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


CONTINUATIONS = {
    "title-and-header-on-every-page": Layout(),
    "header-row-only": Layout(title_on_every_page=False),
    "no-header-at-all": Layout(headerless_pages=tuple(range(2, 20))),
}


@pytest.mark.parametrize("continuation", CONTINUATIONS)
@pytest.mark.parametrize("inserted", ["blank", "foreign"])
def test_page_inside_the_table_that_is_not_the_table_refuses_the_file(
    tmp_path: Path, seed: dict, inserted: str, continuation: str
) -> None:
    """A blank leaf or another table's page bound after the table's first page (the book's page 3): refused naming
    it, whether the pages after it repeat the title, only the column header row, or nothing (then only their rows
    lining up with the table's columns say they continue it; without that check the table silently ended at the
    inserted page)."""
    layout = CONTINUATIONS[continuation]
    path = render_book(seed, tmp_path / f"{inserted}.pdf", layout=layout, inserted_page=inserted)
    with pytest.raises(ExtractionError) as refused:
        extract_document(path)
    assert (refused.value.page, refused.value.code) == (3, "unreadable_table_page")
    assert refused.value.reason.startswith("a page inside the table cannot be read as the table")


@pytest.mark.parametrize("continuation", CONTINUATIONS)
def test_a_table_ending_at_a_page_foot_before_a_blank_leaf_and_notes_is_read_whole(
    tmp_path: Path, seed: dict, continuation: str
) -> None:
    """The other side of the check above: a blank leaf and a page of 名词解释 after the table's last page are
    not inside it (the page after the blank is read and its text does not continue the table)."""
    path = render_book(seed, tmp_path / "notes.pdf", layout=CONTINUATIONS[continuation], after_table=("blank", "notes"))
    document = extract_document(path)
    assert rows_of(document) == expected_rows(seed)
    assert document.table_pages[-1] == document.page_count - 2, "the blank leaf and the notes are not the table's"


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


# The whole pipeline (the Proof): every layout above, each its own department so that none is taken for a
# corrected edition of another, and two books with a page inside the table that is not the table, published by one
# real `make build` (python -m nightly.build) into one warehouse beside the sample. Rendered and built once for all
# the tests below; each published table is compared with the content it was rendered from.
STREET_OFFICE = "广州市荔湾区人民政府{}街道办事处"
HABITS_LAYOUT = Layout(
    running_header=True,
    running_footer=True,
    title_on_every_page=False,
    headerless_pages=(4,),
    page_number_format="第{n}页 共{total}页",
)
PUBLISHED_TABLES = [
    (SAMPLE_PDF.name, 1),  # the sample, as every other test reads it
    ("liwan_huibian_2024.pdf", 1),  # a district's collected book: two departments' tables in one file
    ("liwan_huibian_2024.pdf", 2),  # in 千元
    ("nanyuan_habits.pdf", 1),  # title on the first page only, running header and footer, 第n页 共m页, a page
    # without any header, the table ending mid-page right before the 三公 table in the same size
    ("caihong_yuan.pdf", 1),  # printed in 元 under 金额单位：
    ("fengyuan_sparse_cells.pdf", 1),  # empty cells in each column, unruled, projects not indented
    ("jiaoyu_150_units.pdf", 1),  # a department with 150 funding units
]
REFUSED_BOOKS = {  # a page bound inside the table: the department's street, the page, how the table continues
    "dongjiao_blank_page.pdf": ("东漖", "blank", "no-header-at-all"),
    "shamian_foreign_page.pdf": ("沙面", "foreign", "header-row-only"),
}
UNREADABLE_PAGE = "a page inside the table cannot be read as the table"
QUARANTINED_LINE = "make build: some files were quarantined (refused, held back or kept stale)"
AMOUNT_COLUMNS = "total_amount, fiscal_appropriation, special_account_funds, other_funds"


@dataclass(frozen=True)
class LayoutsBuild:
    pdf_dir: Path
    warehouse: Path
    result: subprocess.CompletedProcess
    contents: dict[tuple[str, int], dict]  # (source_file, table_ordinal) → the content the table was rendered from


@pytest.fixture(scope="module")
def layouts_build(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Iterator[LayoutsBuild]:
    root = tmp_path_factory.mktemp("layouts_build")
    pdf_dir = root / "pdf"
    pdf_dir.mkdir()
    shutil.copy(SAMPLE_PDF, pdf_dir)
    jinhua, hualin = other_department(seed), in_unit(other_department(seed, STREET_OFFICE.format("华林"), 3), "千元")
    render_collected([jinhua, hualin], pdf_dir / "liwan_huibian_2024.pdf", layout=Layout(amount_width=6.5))
    nanyuan = other_department(seed, STREET_OFFICE.format("南源"), 4)
    render_book(
        nanyuan, pdf_dir / "nanyuan_habits.pdf", layout=HABITS_LAYOUT, next_table="一般公共预算“三公”经费支出表"
    )
    caihong = in_yuan(other_department(seed, STREET_OFFICE.format("彩虹"), 4))
    render_book(caihong, pdf_dir / "caihong_yuan.pdf", layout=Layout(amount_width=7.5, unit_label="金额单位"))
    fengyuan = sparse_cells(other_department(seed, STREET_OFFICE.format("逢源"), 4))
    render_book(fengyuan, pdf_dir / "fengyuan_sparse_cells.pdf", layout=Layout(project_indent=0.0, ruled=False))
    schools = many_units()
    render_book(schools, pdf_dir / "jiaoyu_150_units.pdf")
    for name, (street, inserted, continuation) in REFUSED_BOOKS.items():
        book = other_department(seed, STREET_OFFICE.format(street))
        render_book(book, pdf_dir / name, layout=CONTINUATIONS[continuation], inserted_page=inserted)
    contents = [seed, jinhua, hualin, nanyuan, caihong, fengyuan, schools]
    raw = raw_seeds_dir()
    command = make_build_command(root, pdf_dir, raw)
    try:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    finally:
        shutil.rmtree(raw)
    (root / "build.log").write_text(result.stdout + result.stderr, encoding="utf-8")  # kept for a failure
    yield LayoutsBuild(
        pdf_dir, root / "warehouse" / "jixiao.duckdb", result, dict(zip(PUBLISHED_TABLES, contents, strict=True))
    )


@pytest.fixture(scope="module")
def layouts_warehouse(layouts_build: LayoutsBuild) -> Iterator[duckdb.DuckDBPyConnection]:
    assert layouts_build.warehouse.exists(), layouts_build.result.stdout[-4000:] + layouts_build.result.stderr
    connection = duckdb.connect(str(layouts_build.warehouse), read_only=True)
    yield connection
    connection.close()


def to_wan_yuan() -> dict[str, Decimal]:
    """The factor of each printed unit, from the reference seed the SQL converts with."""
    with (REPO / "seeds" / "reference" / "amount_units.csv").open(encoding="utf-8") as handle:
        return {row["printed_unit"]: Decimal(row["to_wan_yuan"]) for row in csv.DictReader(handle)}


def in_wan_yuan(item: dict, factor: Decimal) -> tuple:
    return tuple(None if item[key] is None else Decimal(item[key]) * factor for key in AMOUNT_KEYS)


def test_every_layout_is_published_by_one_build(layouts_build: LayoutsBuild, layouts_warehouse) -> None:
    """One build: the two books with a page that is not the table are refused (exit 1, listed in the summary),
    every other table is published as the current edition of its own department, ids as the architecture says."""
    result = layouts_build.result
    assert result.returncode == 1, result.stdout[-4000:] + result.stderr
    *refused, last = result.stderr.strip().splitlines()
    assert last == QUARANTINED_LINE
    assert len(refused) == len(REFUSED_BOOKS), "one line per refused file, no traceback"
    for line, name in zip(refused, sorted(REFUSED_BOOKS), strict=True):
        assert line.startswith(f"quarantined {layouts_build.pdf_dir / name}: page 3: {UNREADABLE_PAGE}")
    assert not re.search(r"^ *held back:", result.stdout, re.MULTILINE), "no published table fails a document check"
    documents = layouts_warehouse.execute(
        """select source_file, table_ordinal, document_id, is_current_edition
           from marts.dim_document order by source_file, table_ordinal"""
    ).fetchall()
    assert [(file, ordinal) for file, ordinal, *_ in documents] == sorted(PUBLISHED_TABLES)
    assert all(current for *_, current in documents), "no table is taken for an edition of another"
    ids = {(file, ordinal): document_id for file, ordinal, document_id, _ in documents}
    assert ids[("liwan_huibian_2024.pdf", 2)] == ids[("liwan_huibian_2024.pdf", 1)] + "-t2"
    assert all(len(document_id) == 16 for key, document_id in ids.items() if key[1] == 1)


@pytest.mark.parametrize("table", PUBLISHED_TABLES, ids=[f"{file}#{ordinal}" for file, ordinal in PUBLISHED_TABLES])
def test_each_published_table_holds_exactly_its_content(
    layouts_build: LayoutsBuild, layouts_warehouse, table: tuple[str, int]
) -> None:
    """Department, year, unit, 合计 and every unit, project and indicator in the marts, as rendered (in 万元)."""
    content = layouts_build.contents[table]
    header = content["document"]
    factor = to_wan_yuan()[header["amount_unit"]]
    document_id, *document = layouts_warehouse.execute(
        f"""select document_id, department_name, fiscal_year, amount_unit, {AMOUNT_COLUMNS}
            from marts.dim_document where source_file = ? and table_ordinal = ?""",
        list(table),
    ).fetchone()
    units = layouts_warehouse.execute(
        f"""select funding_unit_id, unit_seq, unit_name, {AMOUNT_COLUMNS}, project_count
            from marts.dim_funding_unit where document_id = ? order by unit_seq""",
        [document_id],
    ).fetchall()
    projects = layouts_warehouse.execute(
        f"""select u.unit_seq, p.project_seq, p.project_name, {", ".join(f"p.{c}" for c in AMOUNT_COLUMNS.split(", "))},
                   p.goal_text, p.indicator_count
            from marts.fct_project_budget as p join marts.dim_funding_unit as u using (funding_unit_id)
            where p.document_id = ? order by u.unit_seq, p.project_seq""",
        [document_id],
    ).fetchall()
    indicators = layouts_warehouse.execute(
        """select u.unit_seq, p.project_seq, i.indicator_seq, i.level2_code, i.indicator_name, i.period_target,
                  i.annual_target
           from marts.fct_performance_indicator as i
           join marts.fct_project_budget as p using (project_id)
           join marts.dim_funding_unit as u using (funding_unit_id)
           where i.document_id = ? order by u.unit_seq, p.project_seq, i.indicator_seq""",
        [document_id],
    ).fetchall()
    expected_projects = [
        (u, p, project["name"], *in_wan_yuan(project, factor), project["goal"] or None, len(project["indicators"]))
        for u, unit in enumerate(content["units"], 1)
        for p, project in enumerate(unit["projects"], 1)
    ]
    expected_indicators = [
        (u, p, i, item["level2_code"], item["name"], item["period_value"], item["annual_value"])
        for u, unit in enumerate(content["units"], 1)
        for p, project in enumerate(unit["projects"], 1)
        for i, item in enumerate(project["indicators"], 1)
    ]
    # the counts and the grand total first (the failure names what is missing), then every row
    assert (len(units), len(projects), len(indicators)) == (
        len(content["units"]),
        len(expected_projects),
        len(expected_indicators),
    )
    assert document == [
        header["department"],
        header["fiscal_year"],
        header["amount_unit"],
        *in_wan_yuan(header["grand_total"], factor),
    ]
    assert [row[1:] for row in units] == [
        (u, unit["name"], *in_wan_yuan(unit, factor), len(unit["projects"]))
        for u, unit in enumerate(content["units"], 1)
    ]
    assert [unit_id for unit_id, *_ in units] == [f"{document_id}-u{u:02d}" for u in range(1, len(units) + 1)]
    assert projects == expected_projects
    assert indicators == expected_indicators


def test_a_page_inside_the_table_that_is_not_the_table_is_quarantined_naming_it(
    layouts_build: LayoutsBuild, layouts_warehouse
) -> None:
    """A blank or a foreign page bound inside the table: the file is refused with the page, in the warehouse's
    quarantine and in the build's summary, and nothing of it is published."""
    refused = layouts_warehouse.execute(
        """select source_file, reason_code, page_number, disposition from marts.mart_quarantine order by all"""
    ).fetchall()
    assert refused == [(name, "unreadable_table_page", 3, "refused") for name in sorted(REFUSED_BOOKS)]
    for name in REFUSED_BOOKS:
        assert re.search(rf"^ +{re.escape(name)}: .+ \(page 3\)$", layouts_build.result.stdout, re.MULTILINE)
    departments = {
        row[0] for row in layouts_warehouse.execute("select department_name from marts.fct_project_budget").fetchall()
    }
    assert not departments & {STREET_OFFICE.format(street) for street, *_ in REFUSED_BOOKS.values()}
