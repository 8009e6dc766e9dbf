"""Scanned pages read by OCR (issue 23, extract/scanned.py), on a book whose table page alone is scanned (a text
cover, a picture of the table), built beside the same book typeset as text by one nightly build: both publish
the same units and projects with the same amounts, every indicator with its codes, every misread target flagged,
and each record says its text came from OCR and how sure the engine was.

The book is two units of the sample (three projects, one page), typeset with an embedded font (so the picture does
not depend on the machine's fonts) and scanned by synth/scan.py (turned 0.6°, grey, speckled, blurred, JPEG).
Texts and amounts are compared, never the engine's scores (they may differ between CPUs)."""

from __future__ import annotations

import copy
import csv
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract import scanned
from extract.document import read_document
from extract.model import TEXT_OCR, TEXT_PDF
from synth.budget_book import Layout, embedded_font, render_book
from synth.scan import scan_book
from tests.helpers import REPO, load_seed, make_build_command, raw_seeds_dir

# What OCR may get wrong in running text, as a share of the printed characters (issue 23's targets); the small
# book's goals measured 1.8 % (“ read as ”, ； as ：).
MAX_GOAL_ERROR_RATE = 0.025


def two_units(seed: dict) -> dict:
    """The sample's 2nd and 4th funding units (2 and 1 projects) as a book of their own, its 合计 their sum."""
    small = copy.deepcopy(seed)
    small["units"] = [small["units"][1], small["units"][3]]
    for number, unit in enumerate(small["units"], start=1):
        unit["seq"] = number
    total = small["document"]["grand_total"]
    for key in ("total", "fiscal_appropriation"):
        total[key] = str(sum(Decimal(unit[key]) for unit in small["units"]))
    return small


def edit_distance(printed: str, read: str) -> int:
    """Characters to insert, delete or replace to make ``read`` the ``printed`` text (Levenshtein)."""
    previous = list(range(len(read) + 1))
    for i, a in enumerate(printed, start=1):
        current = [i]
        for j, b in enumerate(read, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> tuple[Path, Path]:
    """The book typeset as text (its cover's fiscal year, 2024), and its copy whose table page (page 2) is scanned
    (2025 in the folder's manifest.csv, so both are published), in one folder."""
    folder = tmp_path_factory.mktemp("ocr") / "pdf"
    folder.mkdir()
    book = render_book(two_units(seed), folder / "text_2024.pdf", Layout(font=embedded_font()))
    (folder / "manifest.csv").write_text("file,fiscal_year\nscanned_2025.pdf,2025\n", encoding="utf-8")
    return book, scan_book(book, folder / "scanned_2025.pdf", scanned_pages=[2])


@pytest.fixture(scope="module")
def built(pdfs: tuple[Path, Path]) -> Iterator[tuple[dict[str, list[dict[str, str]]], duckdb.DuckDBPyConnection]]:
    """One nightly build of the folder (the real extractor in its worker under the default limits, the gate, dbt):
    its raw seeds, and its warehouse."""
    root, raw = pdfs[0].parent.parent, raw_seeds_dir()
    try:
        result = subprocess.run(make_build_command(root, pdfs[0].parent, raw), cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        seeds = {}
        for name in ("raw_documents", "raw_table_rows"):
            with (raw / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
                seeds[name] = list(csv.DictReader(handle))
    finally:
        shutil.rmtree(raw)
    connection = duckdb.connect(str(root / "warehouse" / "jixiao.duckdb"), read_only=True)
    yield seeds, connection
    connection.close()


def by_year(connection: duckdb.DuckDBPyConnection, sql: str) -> dict[int, list[tuple]]:
    """The query's rows (its first column the fiscal year) by year, the year left out."""
    rows: dict[int, list[tuple]] = {}
    for year, *rest in connection.execute(sql).fetchall():
        rows.setdefault(year, []).append(tuple(rest))
    return rows


def test_a_scanned_table_page_publishes_the_figures_of_its_text(built) -> None:
    _, warehouse = built
    documents = by_year(warehouse, "select fiscal_year, text_source, ocr_pages, total_amount from marts.dim_document")
    total = Decimal(two_units(load_seed())["document"]["grand_total"]["total"])
    assert documents == {2024: [(TEXT_PDF, None, total)], 2025: [(TEXT_OCR, "2", total)]}
    # every unit and project at its place, its name and every amount exact
    projects = by_year(
        warehouse,
        "select fiscal_year, unit_name, project_seq, project_name, total_amount, fiscal_appropriation, "
        "special_account_funds, other_funds from marts.fct_project_budget order by all",
    )
    assert len(projects[2024]) == 3 and projects[2025] == projects[2024]
    sources = by_year(warehouse, "select fiscal_year, text_source, ocr_confidence from marts.fct_project_budget")
    assert sources[2024] == [(TEXT_PDF, None)] * 3
    assert all(source == TEXT_OCR and 0 < confidence <= 1 for source, confidence in sources[2025]), sources
    goals = by_year(warehouse, "select fiscal_year, goal_text from marts.fct_project_budget order by project_id")
    printed, read = ("".join(goal for (goal,) in goals[year]) for year in (2024, 2025))
    errors = edit_distance(printed, read)
    assert errors / len(printed) <= MAX_GOAL_ERROR_RATE, (errors, len(printed))


def test_no_annual_target_differs_from_the_printed_one_without_a_flag(built) -> None:
    """Every indicator is published with its codes; where OCR read an annual target other than the printed one
    (here ≧95% read as 295%: the engine reads the sign as a digit), the target carries ocr_uncertain."""
    _, warehouse = built
    indicators = by_year(
        warehouse,
        "select i.fiscal_year, p.unit_name, p.project_seq, i.indicator_seq, i.level1_code, i.level2_code, "
        "i.annual_target, exists (select 1 from marts.fct_indicator_quality_flag f "
        "where f.indicator_id = i.indicator_id and f.flag_code = 'ocr_uncertain') "
        "from marts.fct_performance_indicator i join marts.fct_project_budget p using (project_id) order by all",
    )
    printed = {row[:5]: row[5] for row in indicators[2024]}
    read = {row[:5]: (row[5], row[6]) for row in indicators[2025]}
    assert len(printed) == 12 and read.keys() == printed.keys()  # every indicator, with its codes
    misread = {key: target for key, (target, flagged) in read.items() if target != printed[key]}
    assert misread == {("广州市荔湾区多宝街道退役军人服务站", 1, 4, "3", "31"): "295%"}, misread
    assert all(read[key][1] for key in misread)
    assert not any(row[-1] for row in indicators[2024]), "a text page's target flagged"


def test_the_analysts_query_for_uncertain_values_finds_it(built) -> None:
    """docs/analysts.md's query for the uncertain values of a year (2025, the scanned book's here)."""
    _, warehouse = built
    analysts = (REPO / "docs" / "analysts.md").read_text(encoding="utf-8")
    query = re.search(r"\*\*Scanned books\.\*\*.*?```sql\n(.*?)```", analysts, flags=re.S)
    assert query is not None
    rows = warehouse.execute(query.group(1)).fetchall()
    assert [row[:4] for row in rows] == [
        ("广州市荔湾区人民政府多宝街道办事处", "军人服务业务经费", "服务对象对退役站拥军优属工作的满意度", "295%")
    ], rows


def test_each_raw_row_says_where_its_text_came_from(built) -> None:
    seeds, _ = built
    documents = {row["source_file"]: row for row in seeds["raw_documents"]}
    assert [(d["text_source"], d["ocr_pages"]) for _, d in sorted(documents.items())] == [("ocr", "2"), ("pdf", "")]
    scanned_id = documents["scanned_2025.pdf"]["document_id"]
    for row in seeds["raw_table_rows"]:
        if row["document_id"] == scanned_id:
            assert row["text_source"] == TEXT_OCR and 0 < float(row["ocr_confidence"]) <= 1, row
        else:
            assert (row["text_source"], row["ocr_confidence"]) == (TEXT_PDF, ""), row


def test_a_text_book_never_loads_the_engine(pdfs: tuple[Path, Path]) -> None:
    """What the OCR path costs a book with no scanned page: nothing, the engine is not even loaded."""
    scanned._engine.cache_clear()
    read_document(pdfs[0].read_bytes())
    assert scanned._engine.cache_info().misses == 0
