"""The published warehouse: what it is (build metadata), publishing a checked build, history and rollback.

A jixiao warehouse carries ``meta.build_runs`` (one row per published build, history included) and
``meta.build_files`` (this build's files and what happened to each). A file at ``WAREHOUSE`` without them is
not ours and is never replaced. Publishing hard-links the current warehouse into ``.history/`` (readers holding
it keep reading) and renames the new file over it; the last ``KEEP_WAREHOUSES`` are kept for ``make rollback``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TypedDict

import duckdb

from common import phases

HISTORY_DIR = ".history"
# A warehouse from before build metadata existed: still ours (it has our marts and raw seeds).
LEGACY_TABLES = {"marts.dim_document", "raw.raw_documents"}


class Refused(Exception):
    """The warehouse path holds something that must not be replaced (one line)."""


class Locked(Exception):
    """Another process has the warehouse open for writing (one line)."""


class BuildRun(TypedDict):
    build_id: str
    started_at: str
    built_at: str
    extractor_version: str
    extractor_fingerprint: str
    project_version: str
    project_fingerprint: str
    model_fingerprint: str
    build_mode: str
    pdf_dir: str
    documents: int
    files_added: int
    files_changed: int
    files_unchanged: int
    files_removed: int
    files_refused: int
    files_stale: int
    files_held_back: int
    files_no_table: int  # appended: files without a performance-target table (not quarantined)
    fed_models: str


RUN_COLUMNS = tuple(BuildRun.__annotations__)


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a warehouse for reading, or raise Locked / Refused with one line."""
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        if "Conflicting lock" in message:
            holder = message.split("Conflicting lock is held in", 1)[-1].split(". See", 1)[0].strip()
            raise Locked(f"{path} is locked for writing by another process ({holder})") from None
        raise Refused(
            f"{path} is not a DuckDB database; it is left as it is (move it away or set WAREHOUSE=)"
        ) from None


def _tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    return {row[0] for row in rows}


def latest_run(connection: duckdb.DuckDBPyConnection) -> dict | None:
    cursor = connection.execute("select * from meta.build_runs order by built_at desc, build_id desc limit 1")
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None


def identify(path: Path) -> dict | None:
    """The published warehouse's latest build (``{}`` for a legacy one, None when there is no file).
    Raises Locked when a writer holds it, Refused when it is not a jixiao warehouse."""
    if not path.exists():
        return None
    with connect_read_only(path) as connection:
        tables = _tables(connection)
        if "meta.build_runs" in tables:
            return latest_run(connection) or {}
        if LEGACY_TABLES <= tables:
            return {}
    raise Refused(
        f"{path} is a DuckDB database but not a jixiao warehouse (no meta.build_runs); it is left as it is "
        "(move it away or set WAREHOUSE=)"
    )


def published_state(path: Path) -> tuple[dict[str, str], set[str]]:
    """The published build's files (source_file → sha256, for added/changed/removed) and its documents'
    source files (for the shrink check)."""
    if not path.exists():
        return {}, set()
    with connect_read_only(path) as connection:
        tables = _tables(connection)
        documents = {row[0] for row in connection.execute("select source_file from marts.dim_document").fetchall()}
        if "meta.build_files" in tables:
            sql = "select source_file, source_sha256 from meta.build_files where status <> 'removed'"
        else:
            sql = "select source_file, source_sha256 from raw.raw_documents"
        files = dict(connection.execute(sql).fetchall())
    return files, documents


def held_back_files(connection: duckdb.DuckDBPyConnection) -> int:
    """Files with a document held back by a document check in dbt (0 before such checks exist)."""
    try:
        sql = "select count(distinct source_file) from marts.mart_quarantine where disposition = 'held_back'"
        return connection.execute(sql).fetchall()[0][0]
    except duckdb.Error:
        return 0


def write_metadata(
    building: Path, run: BuildRun, files: list[tuple[str, str, str]], published: Path | None
) -> BuildRun:
    """Write meta.build_runs (the published warehouse's history, then this run) and meta.build_files into the
    file being built, and checkpoint it so the file is complete by itself."""
    with duckdb.connect(str(building)) as connection:
        run = {**run, "files_held_back": held_back_files(connection)}
        types = {name: "integer" if isinstance(value, int) else "varchar" for name, value in run.items()}
        columns = ", ".join(f"{name} {kind}" for name, kind in types.items())
        connection.execute("create schema if not exists meta")
        connection.execute("drop table if exists meta.previous_documents")  # an incremental build's input only
        connection.execute(f"create or replace table meta.build_runs ({columns})")
        connection.execute("alter table meta.build_runs alter built_at type timestamptz")
        connection.execute("alter table meta.build_runs alter started_at type timestamptz")
        if published is not None and published.exists():
            connection.execute("attach ? as published (read_only)", [str(published)])
            has_runs = connection.execute(
                "select count(*) from duckdb_tables() where database_name = 'published' "
                "and schema_name = 'meta' and table_name = 'build_runs'"
            ).fetchall()[0][0]
            if has_runs:
                connection.execute("insert into meta.build_runs by name select * from published.meta.build_runs")
            connection.execute("detach published")
        placeholders = ", ".join("?" for _ in run)
        connection.execute(
            f"insert into meta.build_runs ({', '.join(run)}) values ({placeholders})", list(run.values())
        )
        connection.execute(
            "create or replace table meta.build_files (source_file varchar, source_sha256 varchar, status varchar)"
        )
        if files:
            connection.executemany("insert into meta.build_files values (?, ?, ?)", files)
        connection.execute("comment on table meta.build_runs is 'One row per published jixiao build (newest last).'")
        connection.execute("comment on table meta.build_files is 'The files of this build and what happened to each.'")
        connection.execute("checkpoint")
    return run


def history_dir(warehouse: Path) -> Path:
    return warehouse.parent / HISTORY_DIR


def history(warehouse: Path) -> list[Path]:
    """Earlier published warehouses, oldest first (names start with their build time)."""
    pattern = re.compile(rf"^\d{{8}}T\d{{6}}Z?\..*\.{re.escape(warehouse.name)}$")
    folder = history_dir(warehouse)
    return sorted(p for p in folder.glob(f"*.{warehouse.name}") if pattern.match(p.name)) if folder.is_dir() else []


def _history_name(warehouse: Path, run: dict | None) -> str:
    built_at = (run or {}).get("built_at")
    stamp = built_at.strftime("%Y%m%dT%H%M%SZ") if built_at else "00000000T000000Z"
    build_id = (run or {}).get("build_id") or f"legacy-{int(warehouse.stat().st_mtime)}"
    return f"{stamp}.{build_id}.{warehouse.name}"


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(building: Path, warehouse: Path, build_id: str, keep: int) -> None:
    """Rename the file this run built and checked over the warehouse; the old one goes into history."""
    with connect_read_only(building) as connection:
        run = latest_run(connection)
    if not run or run["build_id"] != build_id:
        raise Refused(f"{building} is not the warehouse this build made; nothing published")
    current = identify(warehouse)  # raises Locked when a writer has it open now
    if current is not None:
        folder = history_dir(warehouse)
        folder.mkdir(exist_ok=True)
        target = folder / _history_name(warehouse, current)
        if not target.exists():
            os.link(warehouse, target)
    phases.pause_at("publish")
    os.replace(building, warehouse)
    _fsync_dir(warehouse.parent)
    prune_history(warehouse, keep)


def prune_history(warehouse: Path, keep: int) -> None:
    """Keep the last ``keep`` published warehouses: the current one and ``keep - 1`` earlier ones."""
    earlier = history(warehouse)
    for old in earlier[: max(0, len(earlier) - (keep - 1))]:
        old.unlink(missing_ok=True)


def rollback(warehouse: Path) -> Path:
    """Put the previous published warehouse back (atomically); the current one is dropped."""
    earlier = history(warehouse)
    if not earlier:
        raise Refused(f"no earlier warehouse in {history_dir(warehouse)} to roll back to")
    previous = earlier[-1]
    identify(previous)
    os.replace(previous, warehouse)
    _fsync_dir(warehouse.parent)
    return previous
