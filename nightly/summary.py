"""The closing summary of `make build` (nightly/build.py): what the warehouse holds, what changed since the
build before it (from ``meta.build_runs``), how this run's dbt checks went, and each quarantined file."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb

COUNTS = {
    "documents": "select count(*) from marts.dim_document",
    "funding units": "select count(*) from marts.dim_funding_unit",
    "projects": "select count(*) from marts.fct_project_budget",
    "indicators": "select count(*) from marts.fct_performance_indicator",
    "projects 万元": "select sum(total_amount) from marts.fct_project_budget",
}
CHANGES = ("added", "changed", "removed", "refused", "stale", "held_back", "no_table")


def _changes(connection: duckdb.DuckDBPyConnection) -> list[str]:
    try:
        cursor = connection.execute("select * from meta.build_runs order by built_at desc limit 2")
    except duckdb.Error:
        return []
    names = [c[0] for c in cursor.description]
    runs = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if not runs:
        return []
    latest = runs[0]
    since = f"since {runs[1]['build_id']}" if len(runs) > 1 else "first build"
    counts = ", ".join(f"{latest.get(f'files_{c}') or 0} {c.replace('_', ' ')}" for c in CHANGES)
    lines = [f"{'build':>14}: {latest['build_id']} at {latest['built_at']:%Y-%m-%d %H:%M:%S %Z}"]
    lines.append(f"{'changed':>14}: {counts} ({since})")
    if latest.get("build_mode"):
        lines.append(f"{'dbt':>14}: {latest['build_mode']}")
    try:
        files = connection.execute(
            "select status, source_file from meta.build_files where status <> 'unchanged' order by all"
        ).fetchall()
    except duckdb.Error:
        files = []
    lines += [f"{'':>16}{status} {name}" for status, name in files]
    return lines


HELD_BACK = """
    select
        source_file,
        count(*) as reasons,
        arg_min(
            reason || coalesce(' (page ' || page_number || coalesce(', row ' || row_number, '') || ')', ''),
            coalesce(page_number, 0) * 100000 + coalesce(row_number, 0)
        ) as first_reason
    from marts.mart_quarantine
    where disposition = 'held_back'
    group by source_file
    order by source_file
"""


def _held_back(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per document held back by a document check (every reason is in marts.mart_quarantine)."""
    rows = connection.execute(HELD_BACK).fetchall()
    lines = [f"{'held back':>14}: {len(rows)} (every reason: marts.mart_quarantine)"] if rows else []
    return lines + [f"{'':>16}{name}: {count} reason(s), first: {first}" for name, count, first in rows]


def main(warehouse: Path, run_results: Path | None, raw_seeds: Path) -> int:
    """``run_results``: this run's own dbt results (None or missing when this run did not run dbt)."""
    print("── jixiao build summary ──")
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            for label, sql in COUNTS.items():
                print(f"{label:>14}: {connection.execute(sql).fetchall()[0][0]}")
            for line in _changes(connection) + _held_back(connection):
                print(line)
    except duckdb.Error as error:
        print(f"{'warehouse':>14}: not readable ({str(error).splitlines()[0]})")
    if run_results is not None and run_results.exists():
        results = json.loads(run_results.read_text())["results"]
        tests = Counter(r["status"] for r in results if r["unique_id"].split(".")[0] in ("test", "unit_test"))
        print(f"{'dbt tests':>14}: " + ", ".join(f"{n} {status}" for status, n in sorted(tests.items())))
    else:
        print(f"{'dbt tests':>14}: not run by this build")
    quarantine = raw_seeds / "raw_quarantine.csv"
    if quarantine.exists():
        with quarantine.open(encoding="utf-8") as handle:
            refused = list(csv.DictReader(handle))
        print(f"{'quarantined':>14}: {len(refused)}")
        for row in refused:
            page = f" (page {row['page']})" if row["page"] else ""
            kept = " [last good edition kept, stale]" if row.get("disposition") == "stale" else ""
            print(f"{'':>16}{row['source_file']}: {row['reason']}{page}{kept}")
    print(f"{'warehouse':>14}: {warehouse}")
    return 0
