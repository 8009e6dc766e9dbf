"""Concepts the Python and the dbt project both name are defined once, or a test fails when the copies disagree
(issue 24): the raw seeds' columns (written by extract/seeds.py, typed by seeds/_seeds.yml) and the amount
columns (the gate's and the models' var), the period's amount columns, the files' statuses, the text sources, the
quality flags (the seed's and the unit tests' fixture)."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from common.dbt_project import project_vars
from extract import gate
from extract.model import PERIOD_AMOUNT_COLUMNS, TEXT_SOURCES
from extract.seeds import FILE_STATUSES, write_seeds
from tests.helpers import REPO


def seed_column_types() -> dict[str, list[str]]:
    seeds = yaml.safe_load((REPO / "seeds" / "_seeds.yml").read_text(encoding="utf-8"))["seeds"]
    return {seed["name"]: list(seed["config"]["column_types"]) for seed in seeds if seed["name"].startswith("raw_")}


def test_the_raw_seeds_columns_are_the_ones_the_extractor_writes(tmp_path: Path) -> None:
    write_seeds(tmp_path, [], [])
    written = {}
    for path in sorted(tmp_path.glob("raw_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            written[path.stem] = next(csv.reader(handle))
    assert written == seed_column_types()


def test_the_gate_checks_the_amount_columns_the_models_sum() -> None:
    assert gate.AMOUNT_COLUMNS == project_vars()["amount_columns"]


def test_the_period_amounts_and_file_statuses_are_the_ones_the_models_know() -> None:
    assert list(PERIOD_AMOUNT_COLUMNS) == project_vars()["period_amount_columns"]
    models = yaml.safe_load((REPO / "models" / "staging" / "_staging__models.yml").read_text(encoding="utf-8"))
    [build_files] = [model for model in models["models"] if model["name"] == "stg_extract__build_files"]
    [status] = [column for column in build_files["columns"] if column["name"] == "status"]
    assert status["data_tests"][0]["accepted_values"]["arguments"]["values"] == list(FILE_STATUSES)


def test_the_text_sources_are_the_ones_the_staging_models_accept() -> None:
    models = yaml.safe_load((REPO / "models" / "staging" / "_staging__models.yml").read_text(encoding="utf-8"))
    accepted = {
        model["name"]: column["data_tests"][0]["accepted_values"]["arguments"]["values"]
        for model in models["models"]
        for column in model.get("columns", [])
        if column["name"] == "text_source"
    }
    assert accepted == {key: list(TEXT_SOURCES) for key in ["stg_extract__documents", "stg_extract__table_rows"]}


def test_the_unit_tests_know_every_quality_flag() -> None:
    """dbt's unit tests read the flag definitions from a fixture (staging's column names): the seed's flags, each."""

    def codes(path: Path) -> list[str]:
        with path.open(encoding="utf-8", newline="") as handle:
            return [row["flag_code"] for row in csv.DictReader(handle)]

    fixture = REPO / "tests" / "dbt" / "fixtures" / "quality_flag_definitions_fixture.csv"
    assert codes(fixture) == codes(REPO / "seeds" / "reference" / "quality_flag_definitions.csv")
