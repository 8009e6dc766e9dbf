"""What the Excel workbooks and the report share: the Chinese column names, the department-years to write,
Windows-safe file names, and rewriting a file only when its content changed.

``write(warehouse, reports)`` is the one step ``make build`` runs after publishing the warehouse: it writes
``REPORTS/excel/*.xlsx`` and ``REPORTS/index.html`` with one page per department-year. Both read the published
warehouse read-only, so an analyst holding it open is never disturbed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TypedDict

import duckdb

from common import phases
from common.atomic import PARTIAL_SUFFIX, write_atomic, write_atomic_with
from common.dbt_project import project_vars

PROJECT = Path(__file__).resolve().parents[1]
QUERIES = Path(__file__).resolve().parent / "queries"
DEFAULT_MAX_NAME_CHARS = 120  # file names stay well inside Windows' 260-character path limit
ALL_DEPARTMENTS = "全部部门"
MANIFEST_NAME = ".content-hashes.json"
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


class DepartmentYear(TypedDict):
    department_name: str
    fiscal_year: int


@cache
def zh_labels() -> dict[str, str]:
    """English mart column → Chinese name, from var('zh_column_labels') (the marts_zh views are named by the
    same var, so a header, a label and a view column always agree)."""
    return dict(project_vars()["zh_column_labels"])


def header(column: str, note: str = "") -> str:
    """A column's Chinese name with its unit where it has one, as every header shows it: 总计（万元）, and a note
    after the unit (总计（万元，合计）)."""
    said = "，".join(part for part in (project_vars()["zh_column_units"].get(column), note) if part)
    return f"{zh_labels()[column]}（{said}）" if said else zh_labels()[column]


@cache
def english_names() -> dict[str, str]:
    """Chinese column name of a marts_zh view → the mart column it renames."""
    return {label: column for column, label in zh_labels().items()}


def query(name: str) -> str:
    """The text of a query kept in analysts/queries/<name>.sql."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def department_years(connection: duckdb.DuckDBPyConnection) -> list[DepartmentYear]:
    rows = connection.execute(query("department_years")).fetchall()
    return [DepartmentYear(department_name=department, fiscal_year=year) for department, year in rows]


def shown_digests(
    connection: duckdb.DuckDBPyConnection, names: Sequence[str], year: str, department: str
) -> dict[tuple[int, str], str]:
    """A hash of the rows each query shows, per (fiscal year, department) in its columns ``year`` and
    ``department``: the queries run once for every department-year (their parameters NULL) and DuckDB reduces
    each department-year's rows to a count and a sum of row hashes, so finding what changed reads no row into
    Python and costs a fraction of a second at 1,000 books. A row's hash covers its values only, so each query's
    text and its columns' names and types are part of the hash too (a renamed header, a decimal's scale).
    The sum does not see order: rows that only swap places (tied on what the page sorts by) rewrite nothing."""
    parts: dict[tuple[int, str], list[object]] = {}
    everything = {"fiscal_year": None, "department_name": None}
    for name in names:
        text = query(name)
        columns = connection.execute(f"select * from ({text}) limit 0", everything).description
        shape = [name, text, [(column[0], str(column[1])) for column in columns]]
        digests = (
            f"with shown as ({text}) select {year}, {department}, count(*), sum(hash(shown)) from shown group by all"
        )
        for fiscal_year, department_name, count, total in connection.execute(digests, everything).fetchall():
            parts.setdefault((fiscal_year, department_name), []).append((shape, count, total))
    return {key: content_hash(value) for key, value in parts.items()}


def safe_name(text: str, max_chars: int = DEFAULT_MAX_NAME_CHARS) -> str:
    """A file or sheet name that Windows, macOS and Linux all accept: no <>:"/\\|?* or control characters,
    no trailing dot or space, not a reserved device name (CON, NUL, COM1…), not too long."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f\[\]]', "_", text).strip().rstrip(". ")
    text = text[:max_chars].rstrip(". ") or "_"
    return f"_{text}" if text.split(".")[0].upper() in WINDOWS_RESERVED else text


def file_stem(fiscal_year: int, department_name: str | None) -> str:
    return safe_name(f"{fiscal_year}_{department_name or ALL_DEPARTMENTS}")


def content_hash(parts: Iterable[object]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


class ChangedOnly:
    """Rewrites a file of a folder only when the hash of what it shows changed, remembering the hashes in
    ``<folder>/.content-hashes.json``; files it wrote earlier and not this time (a department-year that left the
    warehouse) are removed. Each file is written beside its target and renamed over it, so a reader never opens
    half a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.manifest = folder / MANIFEST_NAME
        self.previous: dict[str, str] = json.loads(self.manifest.read_text()) if self.manifest.exists() else {}
        self.current: dict[str, str] = {}
        self.written: list[str] = []

    def write(self, name: str, digest: str, writer: Callable[[Path], object]) -> bool:
        """Call ``writer(partial_path)`` and rename the result to ``name`` unless it is unchanged."""
        target = self.folder / name
        self.current[name] = digest
        if self.previous.get(name) == digest and target.exists():
            return False
        write_atomic_with(target, writer, before_replace=lambda: phases.pause_at("analysts"))
        self.written.append(name)
        return True

    def finish(self) -> None:
        for name in set(self.previous) - set(self.current):
            (self.folder / name).unlink(missing_ok=True)
        write_atomic(self.manifest, json.dumps(self.current, ensure_ascii=False, indent=1, sort_keys=True))


def clean_leftovers(reports: Path) -> None:
    """The partial files a killed writer left in the report's and the workbooks' folders (only called while
    holding the build lock: a writer run by hand outside a build may be writing them)."""
    for path in reports.rglob(f".*{PARTIAL_SUFFIX}"):
        path.unlink(missing_ok=True)


def write(warehouse: Path, reports: Path) -> None:
    """The analysts' files of ``make build``: Excel workbooks and the HTML report, changed ones only."""
    from analysts import excel, report

    excel.write_workbooks(warehouse, reports / "excel")
    report.write_report(warehouse, reports)


def command_line(argv: list[str] | None, program: str, write_all: Callable[[Path, Path], object]) -> int:
    """``python -m analysts.excel|report WAREHOUSE FOLDER``: one shape for both, one line on a missing warehouse."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(f"usage: python -m analysts.{program} WAREHOUSE FOLDER", file=sys.stderr)
        return 2
    warehouse = Path(argv[0])
    if not warehouse.exists():
        print(f"{program}: {warehouse} does not exist: run make build first", file=sys.stderr)
        return 2
    write_all(warehouse, Path(argv[1]))
    return 0
