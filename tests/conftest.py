from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extract.document import extract_document
from extract.model import Document
from synth.budget_book import render_book
from synth.editions import corrected_edition, next_year_edition
from tests.helpers import SAMPLE_PDF, build_warehouse, load_seed, raw_seeds_dir, run_extract
from tests.nights import Night


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
    """Raw seeds of the sample book, for tests that edit them before a dbt build."""
    pdf_dir = tmp_path_factory.mktemp("pdf")
    shutil.copy(SAMPLE_PDF, pdf_dir)
    out_dir = raw_seeds_dir()
    result = run_extract(pdf_dir, out_dir, tmp_path_factory.mktemp("reports"))
    assert result.returncode == 0, result.stderr
    yield out_dir
    shutil.rmtree(out_dir)


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book through the whole pipeline: extract, dbt build, feeds (beside it in feeds/)."""
    pdf_dir = tmp_path_factory.mktemp("pdf")
    shutil.copy(SAMPLE_PDF, pdf_dir)
    return build_warehouse(pdf_dir, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def published_sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    """The sample published by one ``make build``, for nightlies that start from it (``Night.start_from``):
    warehouse, cache (with the archive), feeds and reports; built once for every test."""
    night = Night(tmp_path_factory.mktemp("published"))
    shutil.copy(SAMPLE_PDF, night.pdf_dir)
    result = night.build("--lock-wait", "600")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    yield night
    night.close()


@pytest.fixture(scope="session")
def warehouse(sample_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(sample_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def multi_year_warehouse(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """Three files of one department: the 2024 sample, a corrected 2024 edition (modified later, one project
    re-priced) and the synthetic 2025 edition, through the whole pipeline."""
    pdf_dir = tmp_path_factory.mktemp("years")
    original = pdf_dir / SAMPLE_PDF.name
    shutil.copy(SAMPLE_PDF, original)
    corrected = render_book(corrected_edition(seed), pdf_dir / "duobao_street_office_2024_corrected.pdf")
    render_book(next_year_edition(seed), pdf_dir / "synthetic_duobao_street_office_2025.pdf")
    os.utime(original, (1735689600, 1735689600))  # 2025-01-01
    os.utime(corrected, (1740787200, 1740787200))  # 2025-03-01
    return build_warehouse(pdf_dir, tmp_path_factory.mktemp("multi_year"))


@pytest.fixture(scope="session")
def departments_warehouse(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """Two years of two departments through the whole pipeline: the 2024 sample and the synthetic 2025 edition,
    and the same books as another department (amounts × 1.5) printed under its old name in 2024 and its new name
    in 2025 (a 机构改革 rename that seeds/reference/department_mapping.csv maps)."""
    from synth.editions import OTHER_DEPARTMENT, other_department_edition

    pdf_dir = tmp_path_factory.mktemp("departments")
    shutil.copy(SAMPLE_PDF, pdf_dir)
    next_year = next_year_edition(seed)
    render_book(next_year, pdf_dir / "synthetic_duobao_street_office_2025.pdf")
    render_book(other_department_edition(seed, OTHER_DEPARTMENT[0]), pdf_dir / "synthetic_health_2024.pdf")
    render_book(other_department_edition(next_year, OTHER_DEPARTMENT[1]), pdf_dir / "synthetic_health_2025.pdf")
    return build_warehouse(pdf_dir, tmp_path_factory.mktemp("departments_warehouse"))
