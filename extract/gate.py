"""The quality gate: great-expectations checks each document's raw rows before they are loaded.

A document whose rows fail an expectation is quarantined with the expectation named, so that a
table the extractor misread never reaches the warehouse. All documents are validated in one
DataFrame (GX reports the failing rows' document ids); Data Docs are written under ``reports/``.
GX's SQL datasource does not work on DuckDB, which is why the gate runs here, on pandas.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from common.dbt_project import DBT_PROJECT, project_vars

from .data_docs import make_offline, site_of
from .formats import FORMATS
from .formats import packed as packed_format
from .model import AMOUNT_PATTERN as AMOUNT
from .model import COLUMNS, PERIOD_AMOUNT_COLUMNS, YEAR_AMOUNT_COLUMNS, Document
from .seeds import (
    INDICATOR_FIELDS,
    OCR_CONFIDENCE_DIGITS,
    ROW_FIELDS,
    indicator_row_records,
    table_row_records,
)

# Every file besides the extractor's source that decides the gate's verdict (for the cache key).
GATE_INPUTS = (DBT_PROJECT,)
AMOUNT_COLUMNS = list(YEAR_AMOUNT_COLUMNS)  # the dbt var amount_columns (a test ties them)
# A positive whole number as written in the raw seeds (row numbers, indicator numbers, pages).
ORDINAL = r"^[1-9]\d*$"
# A printed weight (分值 / 权重): a number, a percent sign allowed.
WEIGHT = r"^\d+(\.\d+)?%?$"
OCR_SCORE = rf"[01]\.\d{{{OCR_CONFIDENCE_DIGITS}}}"  # an OCR score as the raw seeds write it (0.998)
PACKED = f'table_format=="{packed_format.NAME}"'
# Columns the gate adds beside the seeds' own, for conditions: the row's document's format, and the kind of
# the raw_table_rows row an indicator record names.
TABLE_FORMAT = "table_format"
PROJECT_ROW_KIND = "project_row_kind"


def indicator_pattern(project: Path = DBT_PROJECT) -> str:
    """One printed indicator, ``N、L-…；LL-…；name；实施周期指标值:…；年度指标值:…。``: the dbt var
    ``indicator_pattern`` that int_indicators_split splits the cell with, so the gate and the models read one
    grammar (issue 12)."""
    return str(project_vars(project)["indicator_pattern"])


def indicator_cell_pattern(project: Path = DBT_PROJECT) -> str:
    """The whole 绩效指标 cell: one or more printed indicators and nothing else. Shape only: any digits are a
    level-2 code here; whether the code exists is a document check in dbt (unknown_indicator_code), so adding a
    code to the reference seed releases a document without touching the extractor or its cache."""
    return rf"^(?:{indicator_pattern(project)})+$"


def gate_inputs() -> bytes:
    """What the gate's verdict and the records depend on besides the extractor's source, read from
    ``GATE_INPUTS``: the indicator grammar and the printed-code grammar (a department's name without its code).
    Only the vars, not the whole dbt project, so that editing a model does not make every
    book be read again (``extract.cache.extractor_fingerprint``)."""
    return (indicator_pattern(DBT_PROJECT) + str(project_vars(DBT_PROJECT)["printed_code_pattern"])).encode()


@dataclass(frozen=True)
class GateFailure:
    document_id: str
    expectation: str
    row_number: str | None = None
    indicator_seq: str | None = None  # a record of raw_indicator_rows: its number within its project

    @property
    def reason(self) -> str:
        where = f" (table row {self.row_number})" if self.row_number else ""
        if self.indicator_seq:
            where = f" (table row {self.row_number}, indicator {self.indicator_seq})"
        return f"quality gate: {self.expectation} failed{where}"


def _where(gxe: ModuleType, expectation: str, condition: str, **kwargs: Any) -> Any:
    """An expectation on the rows that meet a pandas condition."""
    return getattr(gxe, expectation)(row_condition=condition, condition_parser="pandas", **kwargs)


def _row_suite(gx: ModuleType, gxe: ModuleType) -> Any:
    """raw_table_rows. The packed table prints every row's 总计 and packs each project's indicators into its
    绩效指标 cell; the other formats print no amount on the unit rows a card implies (the SQL sums their
    projects) and give their indicators as records, so their 绩效指标 cell is empty."""
    suite = gx.ExpectationSuite(name="raw_table_rows")
    suite.add_expectation(gxe.ExpectTableColumnsToMatchOrderedList(column_list=[*ROW_FIELDS, TABLE_FORMAT]))
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column=TABLE_FORMAT, value_set=[module.NAME for module in FORMATS])
    )
    suite.add_expectation(
        _where(gxe, "ExpectColumnValuesToNotBeNull", f'{PACKED} or row_kind=="project"', column="total_amount")
    )
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="name"))
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="row_kind", value_set=["total", "funding_unit", "project"])
    )
    for column in (*AMOUNT_COLUMNS, *PERIOD_AMOUNT_COLUMNS):
        suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=AMOUNT))
    for column in ("row_number", "page_start", "page_end"):
        suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=ORDINAL))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="ocr_confidence", regex=rf"^{OCR_SCORE}$"))
    cells = rf"^(?:{OCR_SCORE})?(?:;(?:{OCR_SCORE})?){{{len(COLUMNS) - 1}}}$"  # one per column, empty where none
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="ocr_cell_confidences", regex=cells))
    suite.add_expectation(
        _where(
            gxe,
            "ExpectColumnValuesToMatchRegex",
            f'row_kind=="project" and {PACKED}',
            column="indicator_text",
            regex=indicator_cell_pattern(),
        )
    )
    suite.add_expectation(_where(gxe, "ExpectColumnValuesToBeNull", f"not ({PACKED})", column="indicator_text"))
    return suite


def _indicator_suite(gx: ModuleType, gxe: ModuleType) -> Any:
    """raw_indicator_rows: each record names a project row of its document, is numbered within it once,
    and has its level-1 category (merged cells carried down); a printed weight is a number."""
    suite = gx.ExpectationSuite(name="raw_indicator_rows")
    columns = [*INDICATOR_FIELDS, PROJECT_ROW_KIND]
    suite.add_expectation(gxe.ExpectTableColumnsToMatchOrderedList(column_list=columns))
    for column in ("document_id", "row_number", "indicator_seq", "page", "level1_name", PROJECT_ROW_KIND):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    for column in ("row_number", "indicator_seq", "page"):
        suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=ORDINAL))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=PROJECT_ROW_KIND, value_set=["project"]))
    suite.add_expectation(
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["document_id", "row_number", "indicator_seq"])
    )
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="weight", regex=WEIGHT))
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


def _frames(documents: list[Document]) -> tuple[Any, Any]:
    """The raw rows as the seeds will hold them (empty cells as nulls), with the columns the conditions use."""
    import pandas as pd

    formats = {d.document_id: d.table_format for d in documents}
    rows = pd.DataFrame(table_row_records(documents), columns=ROW_FIELDS)
    rows[TABLE_FORMAT] = rows["document_id"].map(formats)
    kinds = {(d, n): kind for d, n, kind in rows[["document_id", "row_number", "row_kind"]].itertuples(index=False)}
    indicators = pd.DataFrame(indicator_row_records(documents), columns=INDICATOR_FIELDS)
    indicators[PROJECT_ROW_KIND] = [
        kinds.get((d, n), "") for d, n in indicators[["document_id", "row_number"]].itertuples(index=False)
    ]
    return rows.replace({"": None}), indicators.replace({"": None})


def validate(documents: list[Document], reports_dir: Path) -> list[GateFailure]:
    """Validate every document's raw rows (and indicator records, for the formats that print them); return the
    failures (first failing expectation per document)."""
    if not documents:
        return []
    if _preloading is not None:
        _preloading.join()
    else:
        _import_gx()
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    rows, indicators = _frames(documents)
    checks = [(_row_suite, rows, ["document_id", "row_number"])]
    if len(indicators):
        checks.append((_indicator_suite, indicators, ["document_id", "row_number", "indicator_seq"]))

    reports_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = gx.get_context(mode="file", project_root_dir=str(reports_dir))
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = context.data_sources.add_or_update_pandas("extracted")
        for make_suite, frame, index_columns in checks:
            suite = make_suite(gx, gxe)  # after the context: a suite needs one
            asset = source.add_dataframe_asset(suite.name)
            batch = asset.add_batch_definition_whole_dataframe("all_documents")
            definition = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=suite.name, data=batch, suite=context.suites.add_or_update(suite))
            )
            checkpoint = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=f"quality_gate_{suite.name}",
                    validation_definitions=[definition],
                    actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                    result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_columns},
                )
            )
            results.append((suite.name, checkpoint.run(batch_parameters={"dataframe": frame})))
    for remote in make_offline(site_of(reports_dir)):  # the Data Docs open on an intranet without the internet
        print(f"warning: the quality gate's Data Docs still load {remote}", file=sys.stderr)

    failures: dict[str, GateFailure] = {}
    for seed, result in results:
        for validation in result.run_results.values():
            for outcome in validation.results:
                if outcome.success:
                    continue
                config = outcome.expectation_config
                assert config is not None  # every result of a suite's run names its expectation
                column = config.kwargs.get("column")
                name = f"{config.type}({column})" if column else config.type
                name = name if seed == "raw_table_rows" else f"{seed}: {name}"
                unexpected = outcome.result.get("unexpected_index_list") or []
                if not unexpected:  # a table-level expectation: every document fails it
                    unexpected = [{"document_id": d.document_id} for d in documents]
                for index in unexpected:
                    failure = GateFailure(
                        index["document_id"], name, index.get("row_number"), index.get("indicator_seq")
                    )
                    failures.setdefault(index["document_id"], failure)
    return list(failures.values())
