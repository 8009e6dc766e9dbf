"""The closing summary of `make build` (scripts/build.py): what the warehouse holds and how dbt's checks went."""

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


def main(warehouse: Path, run_results: Path, raw_seeds: Path) -> int:
    print("── jixiao build summary ──")
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            for label, sql in COUNTS.items():
                print(f"{label:>14}: {connection.execute(sql).fetchone()[0]}")
    except duckdb.Error as error:
        print(f"{'warehouse':>14}: not readable ({str(error).splitlines()[0]})")
    if run_results.exists():
        results = json.loads(run_results.read_text())["results"]
        tests = Counter(r["status"] for r in results if r["unique_id"].split(".")[0] in ("test", "unit_test"))
        print(f"{'dbt tests':>14}: " + ", ".join(f"{n} {status}" for status, n in sorted(tests.items())))
    quarantine = raw_seeds / "raw_quarantine.csv"
    if quarantine.exists():
        with quarantine.open(encoding="utf-8") as handle:
            refused = list(csv.DictReader(handle))
        print(f"{'quarantined':>14}: {len(refused)}")
        for row in refused:
            page = f" (page {row['page']})" if row["page"] else ""
            print(f"{'':>16}{row['source_file']}: {row['reason']}{page}")
    print(f"{'warehouse':>14}: {warehouse}")
    return 0
