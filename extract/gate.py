"""The quality gate: great-expectations checks each document's raw rows before they are loaded.

A document whose rows fail an expectation is quarantined with the expectation named, so that a
table the extractor misread never reaches the warehouse. All documents are validated in one
DataFrame (GX reports the failing rows' document ids); Data Docs are written under ``reports/``.
GX's SQL datasource does not work on DuckDB, which is why the gate runs here, on pandas.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .model import Document
from .seeds import ROW_FIELDS, table_row_records

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project.yml"
# Every file besides the extractor's source that decides the gate's verdict (for the cache key).
GATE_INPUTS = (DBT_PROJECT,)
AMOUNT_COLUMNS = ["total_amount", "fiscal_appropriation", "special_account_funds", "other_funds"]
# An amount as printed: digits with or without thousands separators, at most two decimals; never negative.
AMOUNT = r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$"


def indicator_pattern(project: Path = DBT_PROJECT) -> str:
    """One printed indicator, ``N、L-…；LL-…；name；实施周期指标值:…；年度指标值:…。``: the dbt var
    ``indicator_pattern`` that int_indicators_split splits the cell with, so the gate and the models read one
    grammar (issue 12)."""
    import yaml

    return str(yaml.safe_load(project.read_text(encoding="utf-8"))["vars"]["indicator_pattern"])


def indicator_cell_pattern(project: Path = DBT_PROJECT) -> str:
    """The whole 绩效指标 cell: one or more printed indicators and nothing else. Shape only: any digits are a
    level-2 code here; whether the code exists is a document check in dbt (unknown_indicator_code), so adding a
    code to the reference seed releases a document without touching the extractor or its cache."""
    return rf"^(?:{indicator_pattern(project)})+$"


@dataclass(frozen=True)
class GateFailure:
    document_id: str
    expectation: str
    row_number: str | None = None

    @property
    def reason(self) -> str:
        where = f" (table row {self.row_number})" if self.row_number else ""
        return f"quality gate: {self.expectation} failed{where}"


def _suite(gx: ModuleType, gxe: ModuleType) -> Any:
    """The expectations; GX's modules are passed in because importing GX costs seconds."""
    suite = gx.ExpectationSuite(name="raw_table_rows")
    suite.add_expectation(gxe.ExpectTableColumnsToMatchOrderedList(column_list=list(ROW_FIELDS)))
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="total_amount"))
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="name"))
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="row_kind", value_set=["total", "funding_unit", "project"])
    )
    for column in AMOUNT_COLUMNS:
        suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=AMOUNT))
    suite.add_expectation(
        gxe.ExpectColumnValuesToMatchRegex(
            column="indicator_text",
            regex=indicator_cell_pattern(),
            row_condition='row_kind=="project"',
            condition_parser="pandas",
        )
    )
    return suite


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401
    import pandas  # noqa: F401


_preloading: threading.Thread | None = None


def preload() -> None:
    """Start importing great-expectations (seconds) in the background, while the books are being extracted."""
    global _preloading
    if _preloading is None:
        _preloading = threading.Thread(target=_import_gx, daemon=True)
        _preloading.start()


def validate(documents: list[Document], reports_dir: Path) -> list[GateFailure]:
    """Validate every document's raw rows; return the failures (first failing expectation per document)."""
    if not documents:
        return []
    if _preloading is not None:
        _preloading.join()
    else:
        _import_gx()
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    frame = pd.DataFrame(table_row_records(documents), columns=ROW_FIELDS).replace({"": None})

    reports_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = gx.get_context(mode="file", project_root_dir=str(reports_dir))
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_or_update_pandas("extracted").add_dataframe_asset("raw_table_rows")
        batch = asset.add_batch_definition_whole_dataframe("all_documents")
        suite = context.suites.add_or_update(_suite(gx, gxe))
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name="raw_table_rows", data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name="quality_gate",
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": ["document_id", "row_number"],
                },
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame})

    failures: dict[str, GateFailure] = {}
    for validation in result.run_results.values():
        for outcome in validation.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            assert config is not None  # a validation result always names its expectation
            column = config.kwargs.get("column")
            name = f"{config.type}({column})" if column else config.type
            unexpected = outcome.result.get("unexpected_index_list") or []
            if not unexpected:  # a table-level expectation: every document fails it
                unexpected = [{"document_id": d.document_id, "row_number": None} for d in documents]
            for index in unexpected:
                failures.setdefault(index["document_id"], GateFailure(index["document_id"], name, index["row_number"]))
    return list(failures.values())


def gate_inputs_fingerprint() -> str:
    """A hash of ``GATE_INPUTS``: a cached verdict holds only while they are unchanged (the gate's own code and
    expectation suite are in the extractor's source, which keys the whole cache)."""
    digest = hashlib.sha256()
    for path in GATE_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
