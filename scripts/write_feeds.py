"""Write the warehouse feeds: every mart whose dbt contract is enforced, as Parquet.

Usage: python scripts/write_feeds.py WAREHOUSE MANIFEST_JSON FEEDS_DIR

A mart with a fiscal_year column is written hive-partitioned, ``FEEDS_DIR/<model>/fiscal_year=YYYY/*.parquet``;
one without (dim_indicator_category), or with no rows yet, as ``FEEDS_DIR/<model>/data.parquet``. The fed
models are the models with an enforced contract, so a feed's columns can only change with a contract change.
Each model is written next to its old feed and swapped in by rename, so a reader never sees half a feed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb


def fed_models(manifest: Path) -> list[tuple[str, str]]:
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return sorted(
        (node["schema"], node["name"])
        for node in nodes
        if node["resource_type"] == "model" and node["config"].get("contract", {}).get("enforced")
    )


def write_feed(connection: duckdb.DuckDBPyConnection, schema: str, model: str, feeds_dir: Path) -> int:
    final, partial = feeds_dir / model, feeds_dir / f".{model}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    columns = [row[0] for row in connection.execute(f"describe {schema}.{model}").fetchall()]
    relation = f"(select * from {schema}.{model} order by all)"
    rows = connection.execute(f"select count(*) from {schema}.{model}").fetchone()[0]
    if "fiscal_year" in columns and rows:
        connection.execute(f"copy {relation} to '{partial}' (format parquet, partition_by (fiscal_year))")
    else:
        partial.mkdir(parents=True)
        connection.execute(f"copy {relation} to '{partial / 'data.parquet'}' (format parquet)")
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    return rows


def main(warehouse: Path, manifest: Path, feeds_dir: Path) -> int:
    feeds_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for schema, model in fed_models(manifest):
            rows = write_feed(connection, schema, model, feeds_dir)
            print(f"feed {feeds_dir / model}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(*map(Path, sys.argv[1:4])))
