"""Nights, one after another (docs/performance.md "Scale"): only new books are extracted, a night with nothing new
changes nothing, a reader keeps the warehouse it opened; a warehouse built night after night on copies of the
published one holds exactly what a full rebuild (FULL=1) of the same final inputs holds, and a night recomputes
only what changed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from nightly import build
from synth.budget_book import render_book
from synth.editions import OTHER_DEPARTMENT, corrected_edition, next_year_edition, other_department_edition
from tests.fixtures.bad_files import without_the_table
from tests.helpers import REPO, SAMPLE_PDF
from tests.nights import Night, digest

SAMPLE = SAMPLE_PDF.name
NEXT_YEAR = "duobao_2025.pdf"
HEALTH_2024 = "health_2024.pdf"
# named to come first: a full rebuild would write its rows first, an incremental night appends them
HEALTH_2025 = "a_health_2025.pdf"
NO_TABLE = "no_table.pdf"
# Built by dbt but not a mart's content: what one night recomputes (by design not what a full build lists).
NIGHT_ONLY = {"int_documents_touched", "int_departments_touched"}
PER_DOCUMENT = ("int_table_rows_in_units", "int_indicators_split", "int_indicator_targets_parsed")
MANIFEST_YEAR = 2026
MANIFEST = f"file,fiscal_year\n{HEALTH_2025},{MANIFEST_YEAR}\n"


class Nights(Night):
    """One PDF folder, cache and published warehouse, built night after night with nightly/build.py; what each
    night printed is kept by its name."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, jobs=2)
        self.outputs: dict[str, str] = {}
        self.reader: duckdb.DuckDBPyConnection | None = None  # a reader holding the published warehouse open
        self.reader_saw: list[tuple] = []
        self.no_table_reason = ""

    def night(self, name: str, *extra: str) -> subprocess.CompletedProcess:
        result = self.build(*extra)
        self.outputs[name] = result.stdout + result.stderr
        return result


def _mode(output: str) -> str:
    """The build summary's line saying how dbt built (the last one: it counts what was recomputed)."""
    return [line.split(":", 1)[1].strip() for line in output.splitlines() if line.strip().startswith("dbt:")][-1]


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Nights:
    """Night 1 builds three books from nothing; a night with nothing new; then one change a night: a book added
    (with a budget book without the table beside it, while a reader holds the published warehouse open), a book
    replaced by its corrected edition, a book removed, a manifest.csv edit of one book's year, a re-download
    refused (the last good edition kept, stale); then FULL=1 on the same final inputs. Copies of the warehouse
    after each night are kept."""
    run = Nights(tmp_path_factory.mktemp("incremental"))
    books = tmp_path_factory.mktemp("incremental_books")
    next_year = next_year_edition(seed)
    render_book(next_year, books / NEXT_YEAR)
    render_book(other_department_edition(seed, OTHER_DEPARTMENT[0]), books / HEALTH_2024)
    render_book(other_department_edition(next_year, OTHER_DEPARTMENT[1]), books / HEALTH_2025)
    render_book(corrected_edition(seed), books / "corrected.pdf")
    run.no_table_reason = without_the_table(seed, books / NO_TABLE)
    for name in (NEXT_YEAR, HEALTH_2024):
        shutil.copy(books / name, run.pdf_dir / name)
    shutil.copy(SAMPLE_PDF, run.pdf_dir / SAMPLE)

    def add() -> None:
        for name in (HEALTH_2025, NO_TABLE):
            shutil.copy(books / name, run.pdf_dir / name)
        run.reader = duckdb.connect(str(run.warehouse), read_only=True)

    def edit_manifest_and_truncate_parse_state() -> None:
        (run.pdf_dir / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
        state = REPO / build.PARSE_STATE
        state.write_bytes(state.read_bytes()[:30000])

    steps = [
        ("first", lambda: None, 0),
        ("unchanged", lambda: None, 0),
        ("added", add, 0),
        ("corrected", lambda: shutil.copy(books / "corrected.pdf", run.pdf_dir / SAMPLE), 0),
        ("removed", lambda: (run.pdf_dir / HEALTH_2024).unlink(), 0),
        # the file stays as it was; only its document's year changes (raw_build_files: unchanged); and dbt's saved
        # parse replaced by a truncated copy: dbt cannot read it, parses the project again, and the night goes on
        ("manifest", edit_manifest_and_truncate_parse_state, 0),
        ("stale", lambda: (run.pdf_dir / NEXT_YEAR).write_bytes((books / NEXT_YEAR).read_bytes()[:30000]), 1),
    ]
    try:
        for night, change, code in steps:
            change()
            result = run.night(night)
            assert result.returncode == code, run.outputs[night][-3000:]
            run.keep(night)
            if run.reader is not None:
                run.reader_saw = run.documents(run.reader)
                run.reader.close()
                run.reader = None
        result = run.night("full", "--full", "1")
        assert result.returncode == 1, run.outputs["full"][-3000:]
        run.keep("full")
        yield run
    finally:
        if run.reader is not None:
            run.reader.close()
        run.close()


def test_each_night_says_how_it_was_built(nights: Nights) -> None:
    modes = {night: _mode(output) for night, output in nights.outputs.items() if night != "unchanged"}
    assert modes["first"] == "full rebuild (no published warehouse to build on)"
    assert modes["added"] == "incremental (on a copy of the published build): 1 of 4 documents recomputed"
    # the corrected edition replaces the 2024 sample: a new document of the same department-year
    assert modes["corrected"] == "incremental (on a copy of the published build): 1 of 4 documents recomputed"
    assert modes["removed"] == "incremental (on a copy of the published build): 0 of 3 documents recomputed"
    # the manifest moves one document from 2025 to 2026: both department-years, one document
    assert modes["manifest"] == "incremental (on a copy of the published build): 1 of 3 documents recomputed"
    assert modes["stale"] == "incremental (on a copy of the published build): 1 of 3 documents recomputed"
    assert modes["full"] == "full rebuild (FULL=1)"
    statuses = nights.outputs["stale"]
    assert f"stale {NEXT_YEAR}" in statuses and "last good edition kept, stale" in statuses
    # dbt kept its parse of the project from night to night (nightly.build.PARSE_STATE), the full rebuild included
    reparsed = [night for night, output in nights.outputs.items() if "Unable to do partial parsing" in output]
    assert reparsed in ([], ["first"]), reparsed


def test_only_new_books_are_extracted_and_a_night_with_nothing_new_changes_nothing(nights: Nights) -> None:
    assert "3 documents (3 extracted, 0 from cache)" in nights.outputs["first"]
    unchanged = nights.outputs["unchanged"]
    assert "3 documents (0 extracted, 3 from cache)" in unchanged and "up to date: nothing new to build" in unchanged
    assert digest(nights.root / "unchanged.duckdb") == digest(nights.root / "first.duckdb")
    assert "4 documents (2 extracted, 3 from cache), 0 quarantined" in nights.outputs["added"]


def test_a_book_without_the_table_is_said_and_no_failure(nights: Nights) -> None:
    """A budget book without the table (status no_table) is named with its reason on stdout; the night exits 0."""
    added = nights.outputs["added"]
    assert f"no table {nights.pdf_dir / NO_TABLE}: {nights.no_table_reason}" in added
    assert "1 no table" in added and "make build:" not in added


def test_a_reader_keeps_the_warehouse_it_opened_and_a_removed_book_leaves(nights: Nights) -> None:
    assert nights.reader_saw == sorted([(HEALTH_2024,), (NEXT_YEAR,), (SAMPLE,)])
    with duckdb.connect(str(nights.root / "added.duckdb"), read_only=True) as connection:
        assert HEALTH_2025 in {row[0] for row in nights.documents(connection)}
    with duckdb.connect(str(nights.root / "removed.duckdb"), read_only=True) as connection:
        assert HEALTH_2024 not in {row[0] for row in nights.documents(connection)}


def _tables(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = connection.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where schema_name in ('staging', 'intermediate', 'marts') order by all"
    ).fetchall()
    return [(schema, table) for schema, table in rows if table not in NIGHT_ONLY]


def _contents(path: Path) -> dict[str, tuple[list, list]]:
    """Every mart and intermediate table: its columns with their types, and its rows sorted."""
    with duckdb.connect(str(path), read_only=True) as connection:
        contents = {}
        for schema, table in _tables(connection):
            columns = connection.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index",
                [schema, table],
            ).fetchall()
            rows = connection.execute(f'select * from "{schema}"."{table}"').fetchall()
            contents[f"{schema}.{table}"] = (columns, sorted(rows, key=repr))
    return contents


def test_incremental_nights_hold_what_a_full_rebuild_holds(nights: Nights) -> None:
    incremental, full = _contents(nights.root / "stale.duckdb"), _contents(nights.root / "full.duckdb")
    assert sorted(incremental) == sorted(full)
    assert {"intermediate.int_project_matches", "marts.mart_project_yoy", "marts.fct_project_budget"} <= set(full)
    for table, (columns, rows) in full.items():
        assert incremental[table][0] == columns, table
        assert incremental[table][1] == rows, table
    with duckdb.connect(str(nights.root / "full.duckdb"), read_only=True) as connection:
        documents = connection.execute(
            "select source_file, is_current_edition, is_stale from marts.dim_document order by all"
        ).fetchall()
        years = connection.execute(
            "select distinct documents.source_file, projects.fiscal_year from marts.fct_project_budget as projects "
            "inner join marts.dim_document as documents using (document_id) order by all"
        ).fetchall()
    # what the nights did reached the marts: corrected edition current, health 2024 gone, 2025 kept stale, the
    # health book's year as the manifest says
    assert documents == [(HEALTH_2025, True, False), (NEXT_YEAR, True, True), (SAMPLE, True, False)]
    assert years == [(HEALTH_2025, MANIFEST_YEAR), (NEXT_YEAR, 2025), (SAMPLE, 2024)]


def _rows_by_rowid(path: Path, table: str) -> dict[int, tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(f"select rowid, * from intermediate.{table}").fetchall()
    return {row[0]: row[1:] for row in rows}


@pytest.mark.parametrize("table", PER_DOCUMENT)
def test_a_night_rewrites_only_the_touched_documents_rows(nights: Nights, table: str) -> None:
    """Adding one book: the rows of the three other documents stay where they were (same row ids, same values:
    not deleted and written again), and only the new book's rows are inserted, after them (a full rebuild would
    write the new book's rows first: its file name sorts first)."""
    before = _rows_by_rowid(nights.root / "first.duckdb", table)
    after = _rows_by_rowid(nights.root / "added.duckdb", table)
    with duckdb.connect(str(nights.root / "added.duckdb"), read_only=True) as connection:
        (added,) = connection.execute(
            "select document_id from raw.raw_documents where source_file = ?", [HEALTH_2025]
        ).fetchone()
        columns = [c[0] for c in connection.execute(f"describe intermediate.{table}").fetchall()]
    position = columns.index("document_id")
    kept = {rowid: row for rowid, row in after.items() if row[position] != added}
    inserted = {rowid: row for rowid, row in after.items() if row[position] == added}
    assert kept == before
    assert inserted and min(inserted) > max(before)


def test_a_changed_reference_seed_or_model_makes_the_next_night_a_full_rebuild() -> None:
    """An incremental night recomputes only documents whose staged record changed, so a change of what the models
    compute (a synonym added to a reference seed releases a held-back book) must rebuild everything."""
    inputs = {path.relative_to(REPO).as_posix() for path in build._project_files(build.MODEL_INPUTS)}
    for needed in ("seeds/reference/indicator_category_synonyms.csv", "models/intermediate/int_documents_touched.sql"):
        assert needed in inputs
    published = {"model_fingerprint": build.model_fingerprint()}
    assert build.build_mode(False, published) is None
    assert "changed since the published build" in str(build.build_mode(False, {"model_fingerprint": "older"}))
