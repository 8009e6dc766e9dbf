"""Bad files get one clear line naming the file and the reason; the rest of the folder still builds."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.document import extract_document
from extract.model import Document, ExtractionError
from synth.budget_book import Layout, render_book
from tests.fixtures.bad_files import BAD_FILES
from tests.helpers import REPO, raw_seeds_dir

WITHOUT_THE_TABLE = "whole_department_only.pdf"  # no table at all: not quarantined, status no_table
REFUSED_LATER = ("unreadable_total.pdf", "no_year.pdf")  # by the document checks; where the manifest is read
REFUSED_BY_THE_EXTRACTOR = {name: make for name, make in BAD_FILES.items() if name not in REFUSED_LATER}


@pytest.mark.parametrize("name", REFUSED_BY_THE_EXTRACTOR)
def test_bad_file_is_refused_with_its_reason(tmp_path: Path, seed: dict, name: str) -> None:
    reason = BAD_FILES[name](seed, tmp_path / name)
    with pytest.raises(ExtractionError) as refused:
        extract_document(tmp_path / name)
    assert refused.value.reason.startswith(reason)
    assert "\n" not in str(refused.value)


def test_folder_with_bad_files_builds_the_good_book_and_fails(tmp_path: Path, seed: dict) -> None:
    """`make build` on one good book and every kind of bad file: the good book lands in the warehouse,
    each bad file is listed with its reason (in the log and in marts.mart_quarantine), exit is non-zero; a book
    without the table is said, with status no_table, and is not quarantined."""
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    render_book(seed, pdf_dir / "good.pdf", cover=False)
    (pdf_dir / "manifest.csv").write_text("file,fiscal_year,department_name\ngood.pdf,2024,\n", encoding="utf-8")
    reasons = {name: make(seed, pdf_dir / name) for name, make in BAD_FILES.items()}
    raw = raw_seeds_dir()
    warehouse = tmp_path / "jixiao.duckdb"
    try:
        result = subprocess.run(
            [
                "make",
                "-s",
                "build",
                f"PDF_DIR={pdf_dir}",
                f"WAREHOUSE={warehouse}",
                f"RAW_SEEDS={raw.relative_to(REPO)}",
                f"REPORTS={tmp_path / 'reports'}",
                f"CACHE={tmp_path / 'cache'}",
                f"FEEDS={tmp_path / 'feeds'}",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")},
        )
    finally:
        shutil.rmtree(raw)
    assert result.returncode != 0
    refused = {name: reason for name, reason in reasons.items() if name != WITHOUT_THE_TABLE}
    for name, reason in refused.items():
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"quarantined {pdf_dir / name}: ")]
        assert len(lines) == 1 and reason in lines[0], result.stderr
    # a book with no performance-target table is no refusal: its own status, said on stdout
    assert f"no table {pdf_dir / WITHOUT_THE_TABLE}: {reasons[WITHOUT_THE_TABLE]}" in result.stdout
    assert f"{pdf_dir / WITHOUT_THE_TABLE}" not in result.stderr
    assert "quarantined: 9" in result.stdout and "1 no table" in result.stdout
    assert "projects: 53" in result.stdout
    assert "make build: some files were quarantined" in result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        listed = dict(connection.execute("select source_file, reason from marts.mart_quarantine").fetchall())
        assert connection.execute("select fiscal_year, fiscal_year_source from marts.dim_document").fetchall() == [
            (2024, "manifest")
        ]
        statuses = dict(connection.execute("select source_file, status from meta.build_files").fetchall())
        no_table = connection.execute("select files_no_table, files_refused from meta.build_runs").fetchall()
    assert listed.keys() == refused.keys()
    assert all(listed[name].startswith(reason) for name, reason in refused.items())
    assert statuses[WITHOUT_THE_TABLE] == "no_table" and no_table == [(1, 9)]
    assert (tmp_path / "reports" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> bytes:
    """One funding unit with three projects, page streams uncompressed so corruption hits the content."""
    small = {"document": seed["document"], "units": [{**seed["units"][1], "projects": seed["units"][1]["projects"]}]}
    small["units"][0]["projects"] = small["units"][0]["projects"] + seed["units"][3]["projects"]
    path = render_book(small, tmp_path_factory.mktemp("fuzz") / "small.pdf", Layout(compress=False, split_rows=True))
    return path.read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_books_extract_or_are_refused(tmp_path: Path, small_book: bytes, data: st.DataObject) -> None:
    """Random byte damage anywhere in the file, or in the page content: extracted or refused, never a crash."""
    damaged = bytearray(small_book)
    content_start = small_book.index(b"stream")
    for _ in range(data.draw(st.integers(1, 20), label="damages")):
        position = data.draw(st.integers(content_start, len(damaged) - 1), label="position")
        damaged[position] = data.draw(st.integers(0, 255), label="byte")
    if data.draw(st.booleans(), label="truncate"):
        damaged = damaged[: data.draw(st.integers(0, len(damaged)), label="length")]
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(damaged))
    try:
        document = extract_document(path)
    except ExtractionError as refused:
        assert refused.reason and "\n" not in str(refused)
    else:
        assert isinstance(document, Document)
        assert document.table_chars == document.cell_chars
