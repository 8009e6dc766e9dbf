"""devtools/compare_outputs.py: the proof that a refactor changes no data says so when it does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO

ROWS = (
    "document_id,row_number,row_kind,name,total_amount\n"
    "e493727b22778aa2,1,total,合计,3473.60\n"
    "e493727b22778aa2,2,funding_unit,多宝街道办事处,1200.00\n"
    "e493727b22778aa2,3,project,环卫保洁类经费,400.00\n"
)
DOCUMENTS = "document_id,source_file\ne493727b22778aa2,duobao_street_office_2024.pdf\n"


def compare(*arguments: Path | str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "devtools.compare_outputs", *map(str, arguments)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    before = tmp_path / "before"
    before.mkdir()
    (before / "raw_table_rows.csv").write_text(ROWS, encoding="utf-8")
    (before / "raw_documents.csv").write_text(DOCUMENTS, encoding="utf-8")
    after = tmp_path / "after"
    shutil.copytree(before, after)
    return before, after


def test_identical_folders_in_any_row_order_exit_0(runs: tuple[Path, Path]) -> None:
    before, after = runs
    header, *rows = ROWS.splitlines()
    (after / "raw_table_rows.csv").write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    result = compare(before, after)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "seeds raw_documents: identical (1 rows)",
        "seeds raw_table_rows: identical (3 rows)",
        "identical",
    ]


def test_one_changed_cell_exits_1_naming_table_row_and_column(runs: tuple[Path, Path]) -> None:
    before, after = runs
    (after / "raw_table_rows.csv").write_text(ROWS.replace("400.00", "400.01"), encoding="utf-8")
    result = compare(before, after)
    assert result.returncode == 1
    assert "seeds raw_table_rows: 1 difference" in result.stdout.splitlines()
    assert result.stderr.splitlines() == [
        "1 difference:",
        "seeds raw_table_rows: row (document_id, row_number) = (e493727b22778aa2, 3): "
        "total_amount '400.00' -> '400.01'",
    ]


def test_a_missing_row_and_a_missing_table_are_differences(runs: tuple[Path, Path]) -> None:
    before, after = runs
    (after / "raw_table_rows.csv").write_text(ROWS.rsplit("e493", 1)[0], encoding="utf-8")
    (after / "raw_documents.csv").unlink()
    result = compare(before, after)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [
        "seeds raw_documents: only before",
        "seeds raw_table_rows: row (document_id, row_number) = (e493727b22778aa2, 3) only before",
    ]


def test_warehouses_are_compared_table_by_table(runs: tuple[Path, Path], tmp_path: Path) -> None:
    before, after = runs
    warehouses = []
    for name, amount in (("before", "1.50"), ("after", "1.25")):
        path = tmp_path / f"{name}.duckdb"
        with duckdb.connect(str(path)) as connection:
            connection.execute("create schema marts")
            connection.execute("create table marts.dim_funding_unit (funding_unit_id varchar, amount decimal(20, 6))")
            connection.execute("insert into marts.dim_funding_unit values ('d-u01', ?), ('d-u02', NULL)", [amount])
            connection.execute("create schema meta")  # the build's own record: not data, never compared
            connection.execute(f"create table meta.build_runs as select '{name}' as build_id")
        warehouses.append(path)
    result = compare(before, after, "--warehouses", *warehouses)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [
        "warehouse marts.dim_funding_unit: row (funding_unit_id) = (d-u01): amount '1.500000' -> '1.250000'"
    ]
    same = compare(before, after, "--warehouses", warehouses[0], warehouses[0])
    assert same.returncode == 0 and "warehouse marts.dim_funding_unit: identical (2 rows)" in same.stdout


def test_a_folder_that_is_not_there_exits_2(runs: tuple[Path, Path], tmp_path: Path) -> None:
    result = compare(runs[0], tmp_path / "missing")
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'missing'} is not a folder\n"
