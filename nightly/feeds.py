"""Write the warehouse feeds: every mart whose dbt contract is enforced, as Parquet.

Usage: python -m nightly.feeds WAREHOUSE [MANIFEST_JSON] FEEDS_DIR  (``make feeds``)

A mart with a fiscal_year column is written hive-partitioned, ``FEEDS_DIR/<model>/fiscal_year=YYYY/*.parquet``;
with no rows, as one empty file in ``fiscal_year=__HIVE_DEFAULT_PARTITION__/`` so the same glob reads it. One
without a fiscal_year (dim_indicator_category) as ``FEEDS_DIR/<model>/data.parquet``. The fed models are the
models with an enforced contract (from dbt's manifest, or as the build recorded them in ``meta.build_runs``), so
a feed's columns can only change with a contract change. Every feed is written into a new folder beside
``FEEDS_DIR`` and the folder is swapped in by rename, so a reader never sees half a feed set; ``_build.json``
inside names the build the feeds came from (and the project version, which versions the contracts: README,
"Changes"), so the next build repairs feeds that are missing or stale.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

import duckdb

from common import phases
from common.atomic import write_atomic
from common.dbt_project import project_version

MARKER = "_build.json"
EMPTY_PARTITION = "fiscal_year=__HIVE_DEFAULT_PARTITION__"


def fed_models(manifest: Path) -> list[tuple[str, str]]:
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return sorted(
        (node["schema"], node["name"])
        for node in nodes
        if node["resource_type"] == "model" and node["config"].get("contract", {}).get("enforced")
    )


def recorded_models(connection: duckdb.DuckDBPyConnection) -> tuple[str, list[tuple[str, str]]]:
    """The build id and fed models the warehouse's latest build recorded."""
    row = connection.execute(
        "select build_id, fed_models from meta.build_runs order by built_at desc limit 1"
    ).fetchall()[0]
    models = [(schema, name) for schema, name in (item.split(".", 1) for item in row[1].split(",") if item)]
    return row[0], models


def write_feed(connection: duckdb.DuckDBPyConnection, schema: str, model: str, folder: Path) -> int:
    relation = f'(select * from "{schema}"."{model}" order by all)'
    columns = [row[0] for row in connection.execute(f'describe "{schema}"."{model}"').fetchall()]
    rows = connection.execute(f'select count(*) from "{schema}"."{model}"').fetchall()[0][0]
    target = folder / model
    if "fiscal_year" in columns and rows:
        connection.execute(f"copy {relation} to ? (format parquet, partition_by (fiscal_year))", [str(target)])
    elif "fiscal_year" in columns:
        (target / EMPTY_PARTITION).mkdir(parents=True)
        empty = f'(select * exclude (fiscal_year) from "{schema}"."{model}" limit 0)'
        connection.execute(f"copy {empty} to ? (format parquet)", [str(target / EMPTY_PARTITION / "data.parquet")])
    else:
        target.mkdir(parents=True)
        connection.execute(f"copy {relation} to ? (format parquet)", [str(target / "data.parquet")])
    return rows


def _beside(feeds_dir: Path, kind: str) -> Path:
    return feeds_dir.with_name(f".{feeds_dir.name}.{os.getpid()}-{secrets.token_hex(4)}.{kind}")


def clean_leftovers(feeds_dir: Path) -> None:
    """Folders a crashed writer left beside the feeds (only called while holding the build lock)."""
    for kind in ("partial", "old"):
        for folder in feeds_dir.parent.glob(f".{feeds_dir.name}.*.{kind}"):
            shutil.rmtree(folder, ignore_errors=True)


def feeds_current(feeds_dir: Path, build_id: str) -> bool:
    """Whether the feeds are complete and come from build ``build_id``."""
    try:
        marker = json.loads((feeds_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return marker.get("build_id") == build_id and all((feeds_dir / m).is_dir() for m in marker.get("models", []))


def write_all(
    connection: duckdb.DuckDBPyConnection, models: list[tuple[str, str]], feeds_dir: Path, build_id: str
) -> list[str]:
    """Every feed into a new folder, swapped in for the old one. Returns one line per feed."""
    feeds_dir.parent.mkdir(parents=True, exist_ok=True)
    partial = _beside(feeds_dir, "partial")
    partial.mkdir()
    lines = []
    try:
        for schema, model in models:
            rows = write_feed(connection, schema, model, partial)
            lines.append(f"feed {feeds_dir / model}: {rows} rows")
        # the project's version versions the contracts, so a reader of the feeds knows which columns they hold
        marker = {"build_id": build_id, "project_version": project_version(), "models": [model for _, model in models]}
        write_atomic(partial / MARKER, json.dumps(marker, indent=1))
        old = _beside(feeds_dir, "old")
        if feeds_dir.exists():
            os.rename(feeds_dir, old)
        phases.pause_at("feeds")
        os.rename(partial, feeds_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return lines


def main(warehouse: Path, manifest: Path | None, feeds_dir: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        has_meta = connection.execute(
            "select count(*) from duckdb_tables() where schema_name = 'meta' and table_name = 'build_runs'"
        ).fetchall()[0][0]
        build_id, models = recorded_models(connection) if has_meta else ("", [])
        if manifest is not None:
            models = fed_models(manifest)
        for line in write_all(connection, models, feeds_dir, build_id):
            print(line)
    return 0


if __name__ == "__main__":
    arguments = [Path(a) for a in sys.argv[1:]]
    if len(arguments) == 2:
        sys.exit(main(arguments[0], None, arguments[1]))
    sys.exit(main(arguments[0], arguments[1], arguments[2]))
