"""Every published format of the table extracts exactly to the seed's projects as that format prints them.

Each fixture is the sample's projects typeset in one format (synth/cards.py), under its own year. The expected
records are computed here from the printed content, with the cleaning rules written out independently of the
readers: merged 一级/二级 cells carried down, operator/value/unit joined, serial dates as ISO dates, amounts as
printed. Detection, the refusal of an unknown format and ``--explain`` are checked on the same files.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from extract import cache, gate
from extract.archive import Archive
from extract.cache import Cache, content_hash, entry_for, results_of
from extract.document import place
from extract.explain import explain
from extract.formats import detect, detect_file, page_texts, read_other_format
from extract.model import Document, ExtractionError, FormatDocument, TableRow
from extract.seeds import INDICATOR_FIELDS, write_seeds
from synth import cards
from synth.budget_book import render_book
from synth.grid import GridStyle
from tests.helpers import REPO, SAMPLE_PDF
from tests.test_layouts import VARIANTS

NOT_OPERATORS = ("", "定性")
ROW_CELLS = ("name", "total_amount", "fiscal_appropriation", "special_account_funds", "other_funds", "goal_text")
PACKED_VARIANTS = ("portrait-small-font", "unruled-rows-split-across-pages", "whole-book-with-decoys")


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    books = {name: render(seed, folder / f"{name}_{cards.YEARS[name]}.pdf") for name, render in cards.RENDERERS.items()}
    books["unknown"] = cards.render_unknown_format(seed, folder / "unknown_format.pdf")
    return books


@pytest.fixture(scope="session")
def documents(books: dict[str, Path]) -> dict[str, list[FormatDocument]]:
    read = {}
    for name in cards.RENDERERS:
        data = books[name].read_bytes()
        found = read_other_format(data, page_texts(data))
        assert found is not None
        read[name] = [place(document, books[name]) for document in found]
    return read


def _unit_rows(projects: list[cards.PrintedProject], unit_of) -> list[tuple]:
    """A funding-unit row (amounts not printed) before each run of projects of one unit, then the projects."""
    rows: list[tuple] = []
    for p in projects:
        unit = unit_of(p)
        if not any(r[0] == "funding_unit" for r in rows) or [r for r in rows if r[0] == "funding_unit"][-1][1] != unit:
            rows.append(("funding_unit", unit, "", "", "", "", ""))
        rows.append(("project", p.name, p.total, p.fiscal, "", p.other, p.goal))
    return rows


def _split_target(i: cards.PrintedIndicator) -> tuple[str, str]:
    """target_value and annual_target of an indicator printed in separate cells."""
    if i.unit in ("年-月-日", "日期"):
        iso = (date(1899, 12, 30) + timedelta(days=int(i.target.replace(",", "")))).isoformat()
        return iso, f"{i.operator}{iso}"
    operator = "" if i.operator in NOT_OPERATORS else i.operator
    return i.target, f"{operator}{i.target}{i.unit}"


def _expected_indicators(rows: list[tuple], projects: list[cards.PrintedProject], fields) -> list[tuple]:
    numbers = [n for n, row in enumerate(rows, start=1) if row[0] == "project"]
    return [
        (str(number), str(seq), *fields(i))
        for number, p in zip(numbers, projects, strict=True)
        for seq, i in enumerate(p.indicators, start=1)
    ]


def _one_value(i: cards.PrintedIndicator) -> tuple:
    return (i.level1, i.level2, i.name, "", "", "", "", i.value, "", "", i.standard, "")


def _two_values(i: cards.PrintedIndicator) -> tuple:
    return (i.level1, i.level2, i.name, "", "", "", i.period_value, i.value, "", "", "", "")


def _split(i: cards.PrintedIndicator) -> tuple:
    value, annual = _split_target(i)
    return (i.level1, i.level2, i.name, i.operator, value, i.unit, "", annual, i.weight, i.direction, "", "")


# Each card format: its content, the field its unit rows come from, and its indicator records' fields.
CARD_FORMATS = {
    "project_card": (cards.project_card_content, "unit", _one_value),
    "split_value_card": (cards.split_value_card_content, "unit", _split),
    "period_card": (cards.period_card_content, "department", _one_value),
    "national_declaration": (cards.national_declaration_content, "unit", _two_values),
    "shanghai_form": (cards.shanghai_form_content, "unit", _one_value),
    "county_form": (cards.county_form_content, "unit", _two_values),
}


def expected(name: str, seed: dict) -> tuple[list[tuple], list[tuple]]:
    """Rows (kind, name, 4 amounts, goal) and indicators (row_number, seq, level1 … remark) the format prints."""
    if name in CARD_FORMATS:
        content, unit, fields = CARD_FORMATS[name]
        projects = content(seed)
        rows = _unit_rows(projects, lambda p: getattr(p, unit))
        return rows, _expected_indicators(rows, projects, fields)
    projects = cards.indicator_table_content(seed)
    rows = []
    for (subtotal_name, subtotal), unit in zip(cards.unit_subtotals(seed), seed["units"], strict=True):
        rows.append(("funding_unit", subtotal_name, subtotal, "", "", "", ""))
        rows += [("project", p.name, p.total, "", "", "", p.goal) for p in projects if p.unit == unit["name"]]
    return rows, _expected_indicators(rows, projects, _split)


@pytest.mark.parametrize("name", list(cards.RENDERERS))
def test_format_extracts_exactly(name: str, seed: dict, documents: dict[str, list[FormatDocument]]) -> None:
    [document] = documents[name]
    rows, indicators = expected(name, seed)
    assert [(row.kind, *row.cells[:6]) for row in document.rows] == rows
    assert all(row.cells[6] == "" for row in document.rows), "indicators are records, not an indicator_text cell"
    got = [tuple(record[f] for f in INDICATOR_FIELDS[1:] if f != "page") for record in document.indicators]
    assert got == indicators
    assert {record["document_id"] for record in document.indicators} == {document.document_id}
    assert document.table_format == name
    assert document.department_name == seed["document"]["department"]  # a printed code is not part of it
    assert document.fiscal_year == cards.YEARS[name]
    assert document.amount_unit == ("元" if name in cards.IN_YUAN else "万元")
    assert document.table_chars == document.cell_chars > 0


# The two-period forms: their content, and the labels of their department and unit fields.
TWO_PERIODS = {
    "national_declaration": (cards.national_declaration_content, "主管部门及代码", "实施单位"),
    "shanghai_form": (cards.shanghai_form_content, "主管部门", "实施单位"),
    "county_form": (cards.county_form_content, "主管部门", "项目（实施）单位"),
}


@pytest.mark.parametrize("name", list(TWO_PERIODS))
def test_two_period_forms_keep_the_periods_figures_apart_from_the_years(
    name: str, seed: dict, documents: dict[str, list[FormatDocument]]
) -> None:
    """The national 申报表, Shanghai's 填报表 and the county form: the period's (中期 / 项目 / 长期) amounts and goal
    land in their own columns, never in the year's; 上年结转资金 and 自有资金 (from the county's money sentence) in
    their own; 项目属性, 项目期, 项目性质, the plan's dates, the sentence itself… are kept as printed, label and value;
    the department's printed code is kept in its field; the year is the title's (or the line under it, （2018年度）)."""
    [document] = documents[name]
    content, department, unit = TWO_PERIODS[name]
    projects = content(seed)
    printed = [row for row in document.rows if row.kind == "project"]
    period = [
        {
            "carryover_funds": p.carryover,
            "own_funds": p.own,
            "period_total_amount": p.period_total,
            "period_fiscal_appropriation": p.period_fiscal,
            "period_other_funds": p.period_other,
            "period_goal_text": p.period_goal,
        }
        for p in projects
    ]
    assert [row.appended for row in printed] == [  # type: ignore[attr-defined]
        {column: value for column, value in cells.items() if value} for cells in period
    ]
    assert any(cells["period_other_funds"] or cells["own_funds"] for cells in period)
    assert [row.fields for row in printed] == [  # type: ignore[attr-defined]
        {department: p.department, unit: p.unit, **dict(p.kept)} for p in projects
    ]
    assert document.fiscal_year == cards.YEARS[name]


def test_project_cards_in_another_layout_read_the_same(tmp_path: Path, seed: dict) -> None:
    """Another typesetter: landscape, a larger font, the title on the first page only, a page of plain text
    between two cards, and the book's next table (with an indicator grid of its own) right after the cards."""
    style = GridStyle(landscape=True, font_size=9.5, title_on_every_page=False, min_rows_on_page=2)
    path = cards.render_project_cards(seed, tmp_path / "cards.pdf", style=style, note_after=2, department_table=True)
    data = path.read_bytes()
    [document] = read_other_format(data, page_texts(data)) or []
    rows, indicators = expected("project_card", seed)
    assert [(row.kind, *row.cells[:6]) for row in document.rows] == rows
    assert [tuple(r[f] for f in INDICATOR_FIELDS[1:] if f != "page") for r in document.indicators] == indicators
    assert document.table_chars == document.cell_chars
    note_page = next(n for n, text in enumerate(page_texts(data), start=1) if "本页无表格" in text)
    assert note_page not in document.table_pages
    assert len(page_texts(data)) not in document.table_pages, "the next table of the book is not a continuation"
    said = explain(path)  # and --explain says so, page by page
    assert f"  page {note_page}: no labels of its own and no grid: not part of the table" in said
    assert f"  page {len(page_texts(data))}: another table of the book (its own title), not read" in said
    continued = [
        n for n in document.table_pages if f"  page {n}: no labels of its own: read as the table's continuation" in said
    ]
    assert continued and not set(continued) & set(detect_file(page_texts(data)).table_pages)
    assert document.title_year == cards.YEARS["project_card"]


def test_period_cards_with_both_values_fill_period_and_annual_targets(tmp_path: Path, seed: dict) -> None:
    """A period card printing the 实施期 value beside the annual one: the first to ``period_target``. Two of the
    seed's projects have period values that differ from the annual ones."""
    data = cards.render_period_cards(seed, tmp_path / "period.pdf", per_unit=1, period_values=True).read_bytes()
    [document] = read_other_format(data, page_texts(data)) or []
    printed = [i for p in cards.period_card_content(seed, per_unit=1) for i in p.indicators]
    got = [(r["indicator_name"], r["period_target"], r["annual_target"]) for r in document.indicators]
    assert got == [(i.name, i.period_value, i.value) for i in printed]
    assert any(period != annual for _, period, annual in got)


def test_cards_of_two_departments_in_one_file_are_two_documents(tmp_path: Path, seed: dict) -> None:
    """A collected book (汇编): each department's cards are a table of the file, the second with its ``-t2`` id."""
    content = cards.project_card_content(seed, per_unit=1)
    other = "广州市荔湾区人民政府某某街道办事处"
    content[2:] = [replace(p, department=other, unit=other) for p in content[2:]]
    data = cards.render_project_cards(seed, tmp_path / "collected.pdf", content=content).read_bytes()
    first, second = read_other_format(data, page_texts(data)) or []
    assert (first.department_name, second.department_name) == (seed["document"]["department"], other)
    assert second.document_id == f"{first.document_id}-t2" and second.table_ordinal == 2
    assert [row.kind for row in second.rows] == ["funding_unit", "project", "project"]
    assert {(r["document_id"], r["row_number"]) for r in second.indicators} == {
        (second.document_id, "2"),
        (second.document_id, "3"),
    }
    assert len(first.indicators) + len(second.indicators) == sum(len(p.indicators) for p in content)


def test_the_features_are_in_the_fixtures(seed: dict, documents: dict[str, list[FormatDocument]]) -> None:
    """The typesetting habits the readers must survive are really there (else exactness would prove little)."""
    for name in ("project_card", "period_card"):
        projects = [row for row in documents[name][0].rows if row.kind == "project"]
        assert any(row.page_start < row.page_end for row in projects), f"{name}: a card continues on the next page"
        assert max(Counter(row.page_start for row in projects).values()) >= 2, f"{name}: two cards share a page"
    for name in ("project_card", "split_value_card", "indicator_table"):  # one unit row per printed unit
        assert [row.kind for row in documents[name][0].rows].count("funding_unit") == len(seed["units"]), name
    records = {name: docs[0].indicators for name, docs in documents.items()}
    assert "≤**万元" in {r["annual_target"] for r in records["project_card"]}, "a template placeholder, as printed"
    assert "2021-12-31" in {r["target_value"] for r in records["split_value_card"]}, "a serial date converted"
    assert any(r["indicator_name"] == "" and r["level2_name"] for r in records["period_card"]), "empty level-2 rows"
    assert "社会公众或服务对象满意度指标" in {r["level1_name"] for r in records["period_card"]}
    table = documents["indicator_table"][0]
    assert table.rows[1].cells[1] == f"{float(seed['units'][0]['projects'][0]['total']) * 10000:,.2f}", "元 as printed"
    coded = documents["split_value_card"][0].rows[1].fields["主管部门"]
    assert coded.startswith(f"({cards.DEPARTMENT_CODE})"), "the printed code is kept in the row's fields"


def test_detection_names_each_format_and_leaves_the_packed_table_alone(
    tmp_path: Path, seed: dict, books: dict[str, Path]
) -> None:
    for name in cards.RENDERERS:
        found = detect_file(page_texts(books[name].read_bytes()))
        assert found.format_name == name
        assert found.table_pages[0] == 1
    for variant in PACKED_VARIANTS:  # the packed layouts whose labels or pages differ most go to the packed reader
        options = VARIANTS[variant]
        data = render_book(seed, tmp_path / f"{variant}.pdf", **options).read_bytes()
        assert detect_file(page_texts(data)).format_name == "packed_indicator_table", variant
        assert read_other_format(data, page_texts(data)) is None, variant
    assert detect("部门整体支出绩效目标表 项目名称 总计 绩效目标 绩效指标").format_name is None
    assert not detect("本表反映本部门2024年项目支出绩效目标。").looks_like_a_target_table


def test_unknown_format_is_refused_with_its_reason(books: dict[str, Path]) -> None:
    data = books["unknown"].read_bytes()
    with pytest.raises(ExtractionError) as refused:
        read_other_format(data, page_texts(data))
    assert refused.value.code == "unknown_format"
    assert "none of the readers knows" in refused.value.reason
    assert "主管部门" in refused.value.reason and "\n" not in refused.value.reason
    assert refused.value.page == 1


def test_text_outside_the_cards_is_refused_not_dropped(tmp_path: Path, seed: dict) -> None:
    path = cards.render_project_cards(seed, tmp_path / "note.pdf", per_unit=1, footnote="注：本表金额含上年结转。")
    data = path.read_bytes()
    with pytest.raises(ExtractionError) as refused:
        read_other_format(data, page_texts(data))
    assert refused.value.code == "stray_text"
    assert "注：本表金额含上年结转" in refused.value.reason


def test_explain_says_which_format_on_which_pages_or_why_none(seed: dict, books: dict[str, Path]) -> None:
    pages = len(page_texts(books["period_card"].read_bytes()))
    known = "\n".join(explain(books["period_card"]))
    assert "format: period_card on pages 1-" in known
    assert "page 1: period_card (labels 项目支出名称" in known
    assert f"page {pages}: no labels of its own: read as the table's continuation\n" in known
    assert (
        f"read: table 1 (period_card, {seed['document']['department']}, pages 1-{pages}): 1 units, 11 projects" in known
    )
    command = [sys.executable, "-m", "extract", "--explain", str(books["unknown"])]
    unknown = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert unknown.returncode == 1 and not unknown.stderr
    assert "page 1: no format (nearest project_card" in unknown.stdout
    assert "missing 主管部门、实施单位、年度资金总额" in unknown.stdout
    assert "no format: a performance-target table in a format none of the readers knows" in unknown.stdout
    assert unknown.stdout.splitlines()[-1].startswith("refused (unknown_format): page 1: a performance-target table")
    packed = explain(SAMPLE_PDF)  # the packed table is read through the same call as in a build
    units, projects = len(seed["units"]), sum(len(unit["projects"]) for unit in seed["units"])
    assert packed[-1].startswith(f"read: table 1 (packed_indicator_table, {seed['document']['department']}, pages ")
    assert (
        f"): {units} units, {projects} projects, indicators packed in the 绩效指标 cells, amounts in 万元" in packed[-1]
    )


def test_indicator_records_are_written_as_a_raw_seed(
    tmp_path: Path, documents: dict[str, list[FormatDocument]]
) -> None:
    everything = [document for docs in documents.values() for document in docs]
    write_seeds(tmp_path, everything, [])
    with (tmp_path / "raw_indicator_rows.csv").open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert tuple(records[0]) == INDICATOR_FIELDS
    assert len(records) == sum(len(d.indicators) for d in everything)
    with (tmp_path / "raw_table_rows.csv").open(encoding="utf-8") as handle:
        rows = {(r["document_id"], r["row_number"]): r for r in csv.DictReader(handle)}
    assert all(rows[(r["document_id"], r["row_number"])]["row_kind"] == "project" for r in records)


# --- The real pipeline: ``python -m extract`` on a folder of every format, the packed sample and an unknown one ---


@dataclass(frozen=True)
class Run:
    """One ``python -m extract`` run: its exit code, output and raw seeds."""

    returncode: int
    stdout: str
    stderr: str
    out_dir: Path

    def seed(self, name: str) -> list[dict[str, str]]:
        with (self.out_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))


def _extract(pdf_dir: Path, out_dir: Path, work: Path) -> Run:
    command = [sys.executable, "-m", "extract", str(pdf_dir), str(out_dir), "-j", "2"]
    command += ["--cache", str(work / "cache"), "--reports", str(work / "reports")]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    return Run(done.returncode, done.stdout, done.stderr, out_dir)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, books: dict[str, Path]) -> tuple[Run, Run]:
    """The folder extracted twice with one cache: the second run reads every book from the cache."""
    work = tmp_path_factory.mktemp("pipeline")
    pdf_dir = work / "pdf"
    pdf_dir.mkdir()
    for path in [*books.values(), SAMPLE_PDF]:
        shutil.copy2(path, pdf_dir / path.name)
    return _extract(pdf_dir, work / "first", work), _extract(pdf_dir, work / "second", work)


@pytest.mark.parametrize("name", list(cards.RENDERERS))
def test_the_extractor_writes_each_format_exactly(name: str, seed: dict, runs: tuple[Run, Run]) -> None:
    run = runs[0]
    [document] = [d for d in run.seed("raw_documents") if d["source_file"] == f"{name}_{cards.YEARS[name]}.pdf"]
    assert (document["table_format"], document["fiscal_year"], document["table_ordinal"]) == (
        name,
        str(cards.YEARS[name]),
        "1",
    )
    assert document["department_name"] == seed["document"]["department"]
    assert document["amount_unit"] == ("元" if name in cards.IN_YUAN else "万元")
    assert document["table_chars"] == document["cell_chars"] != "0"
    assert document["is_stale"] == "false" and document["stale_reason"] == ""
    mine = document["document_id"]
    rows, indicators = expected(name, seed)
    written = [r for r in run.seed("raw_table_rows") if r["document_id"] == mine]
    assert [r["row_number"] for r in written] == [str(n) for n in range(1, len(rows) + 1)]
    assert [(r["row_kind"], *(r[c] for c in ROW_CELLS)) for r in written] == rows
    assert {r["indicator_text"] for r in written} == {""}, "indicators are records, not an indicator_text cell"
    pages = set(document["table_pages"].split(";"))
    assert all({r["page_start"], r["page_end"]} <= pages for r in written)
    records = [r for r in run.seed("raw_indicator_rows") if r["document_id"] == mine]
    assert [tuple(r[f] for f in INDICATOR_FIELDS[1:] if f != "page") for r in records] == indicators
    assert {r["page"] for r in records} <= pages


def test_the_packed_sample_in_the_same_folder_is_its_own_document(seed: dict, runs: tuple[Run, Run]) -> None:
    run = runs[0]
    documents = {d["source_file"]: d for d in run.seed("raw_documents")}
    sample = documents[SAMPLE_PDF.name]
    assert sample["table_format"] == "packed_indicator_table" and sample["fiscal_year"] == "2024"
    assert len({d["document_id"] for d in documents.values()}) == len(documents) == len(cards.RENDERERS) + 1
    rows = [r for r in run.seed("raw_table_rows") if r["document_id"] == sample["document_id"]]
    projects = [r for r in rows if r["row_kind"] == "project"]
    assert [r["name"] for r in projects] == [p["name"] for unit in seed["units"] for p in unit["projects"]]
    assert all(r["indicator_text"].startswith("1、") for r in projects), "packed indicators stay in their cell"
    assert sample["document_id"] not in {r["document_id"] for r in run.seed("raw_indicator_rows")}


def test_an_unknown_format_is_refused_with_its_reason_while_the_others_extract(runs: tuple[Run, Run]) -> None:
    run = runs[0]
    assert run.returncode == 1, run.stderr  # a file was refused: the nightly notices
    [refused] = run.seed("raw_quarantine")
    assert refused["source_file"] == "unknown_format.pdf"
    assert (refused["stage"], refused["reason_code"], refused["disposition"]) == ("read", "unknown_format", "refused")
    assert refused["page"] == "1" and refused["document_id"] == ""
    assert "none of the readers knows" in refused["reason"] and "missing 主管部门" in refused["reason"]
    assert "Traceback" not in run.stderr
    statuses = {r["source_file"]: r["status"] for r in run.seed("raw_build_files")}
    assert statuses.pop("unknown_format.pdf") == "refused"
    assert set(statuses.values()) == {"added"} and len(statuses) == len(cards.RENDERERS) + 1
    assert f"{len(cards.RENDERERS) + 1} documents ({len(cards.RENDERERS) + 2} extracted, 0 from cache)" in run.stdout


def test_a_run_from_the_cache_writes_byte_identical_seeds(runs: tuple[Run, Run]) -> None:
    first, second = runs
    assert f"(0 extracted, {len(cards.RENDERERS) + 2} from cache)" in second.stdout
    assert second.returncode == first.returncode
    written = sorted(path.name for path in first.out_dir.glob("raw_*.csv"))
    assert written == sorted(path.name for path in second.out_dir.glob("raw_*.csv"))
    assert "raw_indicator_rows.csv" in written
    for name in written:
        assert (first.out_dir / name).read_bytes() == (second.out_dir / name).read_bytes(), name


def test_format_documents_round_trip_the_cache_entry_and_the_archive(
    tmp_path: Path, documents: dict[str, list[FormatDocument]]
) -> None:
    """A document read back from the cache or the archive is the one that was read: its class, its rows'
    fields (主管部门, 实施期…) and its indicator records."""
    read = [document for docs in documents.values() for document in docs]
    entry = json.loads(json.dumps(entry_for(read), ensure_ascii=False))  # as stored on disk
    assert results_of(entry) == read
    archive = Archive(tmp_path)
    archive.keep("cards.pdf", "ab" * 32, read)
    assert archive.last_good("cards.pdf") == ("ab" * 32, read)


def test_the_fingerprint_covers_the_readers_and_only_the_gates_grammar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change to a format reader or a template (a province's form added to templates.yml) starts a fresh cache,
    and so does a change to the indicator grammar the gate checks with; a change elsewhere in the dbt project does
    not."""
    source = tmp_path / "extract"
    shutil.copytree(REPO / "extract", source, ignore=shutil.ignore_patterns("__pycache__"))
    project = tmp_path / "dbt_project.yml"
    project.write_text((REPO / "dbt_project.yml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(cache, "EXTRACTOR_DIRS", (source, REPO / "common"))
    monkeypatch.setattr(gate, "DBT_PROJECT", project)
    before = cache.extractor_fingerprint()
    reader = source / "formats" / "card.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\n# another habit\n", encoding="utf-8")
    after_reader = cache.extractor_fingerprint()
    assert after_reader != before
    templates = source / "formats" / "templates.yml"
    templates.write_text(templates.read_text(encoding="utf-8") + "\n# another province\n", encoding="utf-8")
    assert cache.extractor_fingerprint() != after_reader
    after_reader = cache.extractor_fingerprint()
    project.write_text(project.read_text(encoding="utf-8") + "\n# a model's comment\n", encoding="utf-8")
    assert cache.extractor_fingerprint() == after_reader
    settings = yaml.safe_load(project.read_text(encoding="utf-8"))
    settings["vars"]["indicator_pattern"] += "?"
    project.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    assert cache.extractor_fingerprint() != after_reader


def _broken(document: Document, suffix: str, breaking) -> Document:
    """A copy of the document under its own id, with one thing broken by ``breaking(copy)``."""
    copy = deepcopy(document)
    copy.document_id = f"{document.document_id}-{suffix}"
    for record in getattr(copy, "indicators", []):
        record["document_id"] = copy.document_id
    breaking(copy)
    return copy


def _project(document: Document) -> TableRow:
    return next(row for row in document.rows if row.kind == "project")


def test_the_gate_passes_what_the_formats_print_and_refuses_what_is_broken(
    tmp_path: Path, documents: dict[str, list[FormatDocument]], runs: tuple[Run, Run]
) -> None:
    """Each format as read passes (card unit rows print no amount, indicators come as records), and so does the
    packed sample; each broken copy fails with its own expectation, all validated at once as in a build."""
    entry = Cache(runs[0].out_dir.parent / "cache").load(content_hash(SAMPLE_PDF))
    [packed] = results_of(entry or {})
    assert isinstance(packed, Document) and packed.table_format == "packed_indicator_table"
    good = [docs[0] for docs in documents.values()] + [packed]
    card = documents["split_value_card"][0]
    packed_breaks = {  # what is legitimate for a card is broken for the packed table, and the reverse
        "unit-without-total": (
            lambda d: d.rows[1].cells.__setitem__(1, ""),
            "expect_column_values_to_not_be_null(total_amount)",
        ),
        "cell-grammar": (
            lambda d: _project(d).cells.__setitem__(6, "见附件"),
            "expect_column_values_to_match_regex(indicator_text)",
        ),
    }

    def record(number: int, key: str, value: str):
        return lambda d: d.indicators[number].__setitem__(key, value)

    breaks = {
        "packed-cell": (
            lambda d: _project(d).cells.__setitem__(6, "1、1-产出指标；11-数量指标；x；年度指标值:1。"),
            "expect_column_values_to_be_null(indicator_text)",
        ),
        "no-total": (
            lambda d: _project(d).cells.__setitem__(1, ""),
            "expect_column_values_to_not_be_null(total_amount)",
        ),
        "amount": (
            lambda d: _project(d).cells.__setitem__(2, "12.345.6"),
            "expect_column_values_to_match_regex(fiscal_appropriation)",
        ),
        "kind": (lambda d: setattr(d.rows[0], "kind", "subtotal"), "expect_column_values_to_be_in_set(row_kind)"),
        "on-unit-row": (
            record(0, "row_number", "1"),
            "raw_indicator_rows: expect_column_values_to_be_in_set(project_row_kind)",
        ),
        "beyond-rows": (
            record(0, "row_number", "999"),
            "raw_indicator_rows: expect_column_values_to_not_be_null(project_row_kind)",
        ),
        "seq-twice": (record(1, "indicator_seq", "1"), "raw_indicator_rows: expect_compound_columns_to_be_unique"),
        "no-level1": (
            record(0, "level1_name", ""),
            "raw_indicator_rows: expect_column_values_to_not_be_null(level1_name)",
        ),
        "weight": (record(0, "weight", "十分"), "raw_indicator_rows: expect_column_values_to_match_regex(weight)"),
    }
    broken = [_broken(card, suffix, breaking) for suffix, (breaking, _) in breaks.items()]
    broken += [_broken(packed, suffix, breaking) for suffix, (breaking, _) in packed_breaks.items()]
    failures = {f.document_id: f for f in gate.validate(good + broken, tmp_path / "reports")}
    assert not {d.document_id for d in good} & set(failures), [f.reason for f in failures.values()]
    got = {document_id.split("-", 1)[1]: f.reason for document_id, f in failures.items()}
    assert set(got) == set(breaks) | set(packed_breaks)
    for suffix, (_, expectation) in (breaks | packed_breaks).items():
        assert got[suffix].startswith(f"quality gate: {expectation} failed"), got[suffix]
    assert got["seq-twice"].endswith("(table row 2, indicator 1)")


def test_a_refused_copy_of_a_card_book_publishes_its_last_good_edition_with_its_records(
    tmp_path: Path, books: dict[str, Path], runs: tuple[Run, Run]
) -> None:
    """The nightly's fallback for a card book: its last good edition comes back from the archive with every
    indicator record, row field and appended cell (the period's amounts), marked stale, when the copy at its path
    is truncated."""
    from extract.pipeline import Settings, run

    cache_dir = runs[0].out_dir.parent / "cache"  # the card book's entry is there: read from the cache
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    book = shutil.copy2(books["shanghai_form"], pdf_dir / "cards.pdf")  # with the period's and 上年结转资金
    archive = tmp_path / "archive"
    settings = Settings(reports_dir=tmp_path / "reports", cache_dir=cache_dir)
    good = run(pdf_dir, tmp_path / "good", settings, archive_dir=archive)
    assert (good.cached, len(good.documents), good.quarantined) == (1, 1, [])
    data = Path(book).read_bytes()
    Path(book).write_bytes(data[: len(data) // 2])
    stale = run(pdf_dir, tmp_path / "stale", settings, archive_dir=archive)
    [refused] = stale.quarantined
    assert (refused.reason_code, refused.disposition) == ("damaged_pdf", "stale"), refused
    [document] = stale.documents
    assert document.is_stale and document.document_id == good.documents[0].document_id
    assert document.indicators == good.documents[0].indicators  # type: ignore[attr-defined]
    assert [r.fields for r in document.rows] == [r.fields for r in good.documents[0].rows]  # type: ignore[attr-defined]
    assert any(r.appended for r in document.rows)  # type: ignore[attr-defined]
    for name in ("raw_table_rows.csv", "raw_indicator_rows.csv", "raw_row_fields.csv"):
        assert (tmp_path / "stale" / name).read_bytes() == (tmp_path / "good" / name).read_bytes(), name
