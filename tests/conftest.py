from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extract.document import extract_document
from extract.model import Document
from tests.fixtures.budget_book import render_book
from tests.helpers import SAMPLE_PDF, load_seed, raw_seeds_dir, run_dbt_build, run_extract


@pytest.fixture(scope="session")
def seed() -> dict:
    return load_seed()


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """The seed document typeset as a budget book with the default (seed-like) layout."""
    return render_book(seed, tmp_path_factory.mktemp("book") / "duobao.pdf")


@pytest.fixture(scope="session")
def extracted(book: Path) -> Document:
    return extract_document(book)


@pytest.fixture(scope="session")
def raw_seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    pdf_dir = tmp_path_factory.mktemp("pdf")
    shutil.copy(SAMPLE_PDF, pdf_dir)
    out_dir = raw_seeds_dir()
    result = run_extract(pdf_dir, out_dir)
    assert result.returncode == 0, result.stderr
    yield out_dir
    shutil.rmtree(out_dir)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory, raw_seeds: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    work_dir = tmp_path_factory.mktemp("dbt")
    result = run_dbt_build(raw_seeds, work_dir / "jixiao.duckdb", work_dir)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ERROR=0" in result.stdout and "SKIP=0" in result.stdout
    connection = duckdb.connect(str(work_dir / "jixiao.duckdb"), read_only=True)
    yield connection
    connection.close()
