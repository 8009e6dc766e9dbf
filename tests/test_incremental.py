"""Incremental nights (docs/performance.md "Scale"): a warehouse built night after night on copies of the published
one holds exactly what a full rebuild (FULL=1) of the same final inputs holds, and a night recomputes only what
changed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from nightly import build
from synth.budget_book import render_book
from synth.editions import OTHER_DEPARTMENT, corrected_edition, next_year_edition, other_department_edition
from tests.helpers import REPO, SAMPLE_PDF
from tests.nights import Night

SAMPLE = SAMPLE_PDF.name
NEXT_YEAR = "duobao_2025.pdf"
HEALTH_2024 = "health_2024.pdf"
# named to come first: a full rebuild would write its rows first, an incremental night appends them
HEALTH_2025 = "a_health_2025.pdf"
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

    def night(self, name: str, *extra: str) -> subprocess.CompletedProcess:
        result = self.build(*extra)
        self.outputs[name] = result.stdout + result.stderr
        return result


def _mode(output: str) -> str:
    """The build summary's line saying how dbt built (the last one: it counts what was recomputed)."""
    return [line.split(":", 1)[1].strip() for line in output.splitlines() if line.strip().startswith("dbt:")][-1]


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Nights:
    """Night 1 builds three books from nothing; then one change a night: a book added, a book replaced by its
    corrected edition, a book removed, a manifest.csv edit of one book's year, a re-download refused (the last
    good edition kept, stale); then FULL=1
    on the same final inputs. Copies of the warehouse after each night are kept."""
    run = Nights(tmp_path_factory.mktemp("incremental"))
    books = tmp_path_factory.mktemp("incremental_books")
    next_year = next_year_edition(seed)
    render_book(next_year, books / NEXT_YEAR)
    render_book(other_department_edition(seed, OTHER_DEPARTMENT[0]), books / HEALTH_2024)
    render_book(other_department_edition(next_year, OTHER_DEPARTMENT[1]), books / HEALTH_2025)
    render_book(corrected_edition(seed), books / "corrected.pdf")
    for name in (NEXT_YEAR, HEALTH_2024):
        shutil.copy(books / name, run.pdf_dir / name)
    shutil.copy(SAMPLE_PDF, run.pdf_dir / SAMPLE)
    steps = [
        ("first", lambda: None, 0),
        ("added", lambda: shutil.copy(books / HEALTH_2025, run.pdf_dir / HEALTH_2025), 0),
        ("corrected", lambda: shutil.copy(books / "corrected.pdf", run.pdf_dir / SAMPLE), 0),
        ("removed", lambda: (run.pdf_dir / HEALTH_2024).unlink(), 0),
        # the file stays as it was; only its document's year changes (raw_build_files: unchanged)
        ("manifest", lambda: (run.pdf_dir / "manifest.csv").write_text(MANIFEST, encoding="utf-8"), 0),
        ("stale", lambda: (run.pdf_dir / NEXT_YEAR).write_bytes((books / NEXT_YEAR).read_bytes()[:30000]), 1),
    ]
    try:
        for night, change, code in steps:
            change()
            result = run.night(night)
            assert result.returncode == code, run.outputs[night][-3000:]
            run.keep(night)
        result = run.night("full", "--full", "1")
        assert result.returncode == 1, run.outputs["full"][-3000:]
        run.keep("full")
        yield run
    finally:
        run.close()


def test_each_night_says_how_it_was_built(nights: Nights) -> None:
    modes = {night: _mode(output) for night, output in nights.outputs.items()}
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
