"""``make build``: extract, dbt build into a new DuckDB file, publish it by rename, write feeds, summarise.

Analysts query the warehouse while the nightly runs, so it is never built in place: dbt builds
``.<name>.building`` beside it, and only when the build and every data test pass does a rename
replace the published file (a reader holding the old file open keeps reading it). Otherwise the last
good warehouse stays and the build fails. When neither the raw seeds nor the dbt project changed since
the published build (a nightly with no new file), dbt is not run at all.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from extract.limits import add_limit_arguments, limits_from
from extract.pipeline import Shard, run
from scripts import analysts, build_summary, write_feeds

PROJECT = Path(__file__).resolve().parents[1]
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt")


def fingerprint(raw_seeds: Path) -> str:
    """What the warehouse is built from: the raw seeds and every file of the dbt project."""
    digest = hashlib.sha256()
    files = [p for p in sorted(raw_seeds.glob("*.csv"))]
    for name in PROJECT_INPUTS:
        path = PROJECT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for path in files:
        digest.update(str(path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def lock_holder(warehouse: Path) -> str | None:
    """The one-line reason the published warehouse cannot be replaced now, if another process writes to it."""
    if not warehouse.exists():
        return None
    try:
        duckdb.connect(str(warehouse), read_only=True).close()
    except duckdb.IOException as error:
        holder = str(error).split("Conflicting lock is held in", 1)[-1].split(".")[0].strip()
        return f"{warehouse} is locked for writing by another process ({holder})"
    return None


def dbt_build(building: Path, raw_seeds: Path) -> int:
    env = {**os.environ, "JIXIAO_WAREHOUSE": str(building), "JIXIAO_RAW_SEEDS": str(raw_seeds)}
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run([str(dbt), "build", "--full-refresh"], cwd=PROJECT, env=env, check=False).returncode


def publish(building: Path, warehouse: Path) -> None:
    with duckdb.connect(str(building)) as connection:
        connection.execute("checkpoint")  # everything in the file itself, nothing left in a .wal
    os.replace(building, warehouse)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-dir", type=Path, default=Path("data/pdf"))
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/jixiao.duckdb"))
    parser.add_argument("--raw-seeds", type=Path, default=Path("build/raw"), help="relative to the project")
    parser.add_argument("--reports", type=Path, default=Path("reports"))
    parser.add_argument("--feeds", type=Path, default=Path("feeds"))
    parser.add_argument("--cache", type=Path, default=Path("build/cache"))
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--shard", type=Shard.parse)
    add_limit_arguments(parser)
    args = parser.parse_args(argv)
    warehouse = args.warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if not args.pdf_dir.is_dir():
        print(f"make build: {args.pdf_dir} is not a folder", file=sys.stderr)
        return 2

    outcome = run(args.pdf_dir, args.raw_seeds, args.reports, args.cache, args.jobs, args.shard, limits_from(args))
    print(outcome.summary())
    stamp = warehouse.with_name(f".{warehouse.name}.built-from")
    built_from = fingerprint(args.raw_seeds)
    status = 0
    if warehouse.exists() and stamp.exists() and stamp.read_text() == built_from:
        print(f"{warehouse} is up to date: nothing new to build")
    else:
        building = warehouse.with_name(f".{warehouse.name}.building")
        building.unlink(missing_ok=True)
        status = dbt_build(building, args.raw_seeds)
        reason = "dbt build or a data test failed" if status else lock_holder(warehouse)
        if reason:
            building.unlink(missing_ok=True)
            print(f"make build: not published, the last good warehouse stays: {reason}", file=sys.stderr)
            status = status or 1
        else:
            publish(building, warehouse)
            stamp.write_text(built_from)
            write_feeds.main(warehouse, PROJECT / "target" / "manifest.json", args.feeds)
            analysts.write(warehouse, args.reports)  # Excel workbooks and the HTML report, changed ones only
    build_summary.main(warehouse, PROJECT / "target" / "run_results.json", args.raw_seeds)
    if status:
        return status
    if outcome.quarantined:
        print("make build: some files were quarantined", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
