"""``make build``: extract, dbt build into a new DuckDB file, publish it by rename, write feeds, summarise.

One build at a time (nightly/lock.py): the whole run, extraction to stamp, holds the build lock; a second
build waits ``LOCK_WAIT`` seconds, then exits 1 naming the running one. Analysts query the warehouse while the
nightly runs, so it is never built in place: dbt builds a file of the same name in a uniquely named folder
``.<name>.<build id>.building/`` beside it, with this run's own target folder (the file is a copy of the published
warehouse that dbt updates incrementally, or a new file for a full rebuild: ``FULL=1``, no published warehouse, or
changed models; docs/performance.md "Scale"). The build metadata is written into it, and only the file this run
built and checked is renamed over the published one (nightly/warehouse.py; the replaced one goes into
``.history/`` for ``make rollback``). Feeds are swapped in after it, and the stamp saying "up to date" (covering
warehouse and feeds) is written last. Nothing is published when no PDF is found or more than half of the
published documents would disappear, unless ``ALLOW_SHRINK=1``.

Exit codes: 0 published (or up to date) with every file; 1 published, but a file was refused, held back or kept
stale, or another build is running; 2 nothing done: PDF_DIR is not a folder, manifest.csv is wrong, or WAREHOUSE
is not a jixiao warehouse; 3 not published, the last good warehouse stays (dbt or a data test failed, the
warehouse would shrink, a writer holds it, or a folder the build writes is out of space: one line naming it, and
what the cut-short write left is removed).
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from analysts import files as analyst_files
from common import phases
from common.atomic import write_atomic
from common.config import int_setting, path_setting, setting
from common.dbt_project import project_version
from extract import __version__
from extract.cache import Cache, extractor_fingerprint
from extract.dask_engine import ClusterError
from extract.limits import add_limit_arguments
from extract.pipeline import ManifestError, Outcome, Shard, run, settings_from
from extract.progress import Log
from extract.seeds import FILE_STATUSES
from nightly import feeds as write_feeds
from nightly import summary as build_summary
from nightly.lock import Busy, build_lock
from nightly.warehouse import BuildRun, Locked, Refused, identify, latest_run, published_state, write_metadata
from nightly.warehouse import publish as publish_warehouse
from nightly.warehouse import rollback as rollback_warehouse

PROJECT = Path(__file__).resolve().parents[1]
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt")
# What the dbt models compute: when any of it changed since the published build, an incremental night could
# mix old and new logic, so the build is a full rebuild (docs/performance.md "Scale").
MODEL_INPUTS = ("models", "macros", "dbt_project.yml", "seeds/reference", "tests/dbt")
RUNS_DIR = Path("build") / "runs"  # each run's own dbt target folder, relative to the project
# dbt's parse of the project, kept between runs (dbt_build); dbt checks it against the project itself
PARSE_STATE = Path("build") / "partial_parse.msgpack"
NOT_FINGERPRINTED = {"raw_build_files.csv"}  # statuses relative to the last build, not an input of the marts

OK, QUARANTINED, REFUSED_INPUT, NOT_PUBLISHED = 0, 1, 2, 3
BUSY = 1


class NotPublished(Exception):
    """The build stops; the last good warehouse stays (one line)."""


class NoSpace(Exception):
    """A folder the build writes has too little space: one line naming it instead of a traceback (exit 3)."""

    def __init__(self, folder: Path, detail: str, published: bool = False) -> None:
        state = (
            "the warehouse is published, the next build writes what is missing"
            if published
            else "not published, the last good warehouse stays"
        )
        super().__init__(f"not enough space in {folder}: {detail}; {state}")


MIB = 1 << 20
FULL_DISK = (errno.ENOSPC, errno.EDQUOT)


def check_space(folder: Path, needed: int, what: str) -> None:
    """The one rule for space a build can know before writing: ``needed`` bytes must be free in ``folder``, so
    a disk too small stops the build before anything is half-written, with the numbers an operator needs."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise NoSpace(folder, f"the build needs {-(-needed // MIB)} MiB to {what}, {free // MIB} MiB free")


def _fullest(folders: tuple[Path, ...]) -> Path:
    """Of ``folders``, the first on the file system with the least space free. A write cut short by a full disk
    seldom names its file (Python's write() errors carry no file name, DuckDB's only text), and what it had
    written is removed by then, so the full file system is the one still lowest."""

    def free(folder: Path) -> int:
        return shutil.disk_usage(next(p for p in (folder, *folder.parents) if p.exists())).free

    return min(folders, key=free)


def full_disk(error: Exception | str) -> str | None:
    """The system's words when ``error`` is a full disk or quota: an OSError's errno, else in the text (DuckDB's
    errors, ours or in dbt's run results, carry no errno)."""
    if isinstance(error, OSError):
        return error.strerror if error.errno in FULL_DISK else None
    return next((os.strerror(code) for code in FULL_DISK if os.strerror(code) in str(error)), None)


@contextmanager
def space_for(what: str, *folders: Path, published: bool = False) -> Iterator[None]:
    """A full disk or quota while writing ``what`` into ``folders`` becomes NoSpace naming the folder (one line,
    exit 3) instead of a traceback; other errors pass through."""
    try:
        yield
    except (OSError, duckdb.Error) as error:
        reason = full_disk(error)
        if reason is None:
            raise
        raise NoSpace(_fullest(folders), f"{reason} writing {what}", published) from None


def _digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _project_files(names: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = PROJECT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return files


def fingerprint(raw_seeds: Path) -> str:
    """What the warehouse is built from: the raw seeds and every file of the dbt project."""
    files = [p for p in sorted(raw_seeds.glob("*.csv")) if p.name not in NOT_FINGERPRINTED]
    return _digest(files + _project_files(PROJECT_INPUTS))


def model_fingerprint() -> str:
    """What the models compute, apart from the data (MODEL_INPUTS), and the extractor that wrote the raw rows."""
    return _digest(_project_files(MODEL_INPUTS)) + "+" + extractor_fingerprint()


def build_mode(full: bool, published: dict | None) -> str | None:
    """Why this build is a full rebuild, or None for an incremental one on a copy of the published warehouse."""
    if full:
        return "FULL=1"
    if published is None:
        return "no published warehouse to build on"
    if not published:
        return "the published warehouse has no build metadata"
    recorded = published.get("model_fingerprint")
    if recorded != model_fingerprint():
        what = "the dbt project (models, macros, dbt_project.yml, reference seeds, data tests) or the extractor"
        return f"{what} changed since the published build" if recorded else "the published build has no fingerprint"
    return None


def dbt_env(warehouse: Path, raw_seeds: Path, project: Path = PROJECT) -> dict[str, str]:
    """The environment every dbt run gets (builds, tests, bench): no usage stats, this project's profile, the
    warehouse file, the raw seeds folder (relative to the project, as dbt's seed paths must be) and the memory
    DuckDB may take (DBT_MEMORY)."""
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
        "JIXIAO_WAREHOUSE": str(warehouse),
        "JIXIAO_RAW_SEEDS": str(raw_seeds),
        "JIXIAO_DBT_MEMORY": setting("DBT_MEMORY"),
    }


def copy_published(warehouse: Path, building: Path) -> None:
    """Start an incremental build from a private copy of the published warehouse (analysts keep reading it),
    once its folder has room for the copy and what the night adds to it: a quarter, at least 16 MiB (a night
    that recomputes everything doubled the sample's file; later nights reuse the blocks it freed)."""
    size = warehouse.stat().st_size
    check_space(warehouse.parent, size + max(size // 4, 16 * MIB), "copy the published warehouse")
    shutil.copyfile(warehouse, building)


def recomputed(building: Path) -> int:
    """How many of this run's documents an incremental night recomputed (int_documents_touched)."""
    with duckdb.connect(str(building), read_only=True) as connection:
        sql = (
            "select count(distinct document_id) from intermediate.int_documents_touched "
            "where document_id in (select document_id from raw.raw_documents)"
        )
        return int(connection.execute(sql).fetchall()[0][0])


# A night builds the seeds and models and runs the data tests on them; dbt's unit tests check the SQL on fixed
# inputs, not the night's data, so they run in `make test` (tests.helpers.run_dbt_build), not every night.
NIGHTLY_EXCLUDES = ("--exclude-resource-type", "unit_test")


def dbt_build(building: Path, raw_seeds: Path, run_dir: Path, full: bool = True) -> int:
    """``dbt build`` into ``building``, reusing the parse state the last night saved (``PARSE_STATE``).

    dbt reparses the whole project (3-4 s of a 15 s night) when the connection settings it hashes differ from the
    saved state's, and the warehouse path is one of them. So dbt runs inside the building file's own folder and
    opens it by its bare name: the same path every night for a warehouse of that name, however the building folder
    is named. dbt itself decides whether the saved state is still valid, and parses the whole project again when
    it is not or cannot be read (docs/architecture.md, "A file's cache entry": the other cache)."""
    refresh = ["--full-refresh"] if full else []
    target = run_dir / "target"
    saved = PROJECT / PARSE_STATE
    reuse = ["--partial-parse-file-path", str(saved)] if saved.exists() else []
    project = ["--project-dir", str(PROJECT), "--target-path", str(target)]
    arguments = ["build", *refresh, *NIGHTLY_EXCLUDES, *project, *reuse]
    # dbt ends with the build (killed -9 included), so no orphan writes on: common.parent
    command = [sys.executable, "-m", "common.parent", str(os.getpid()), "dbt.cli.main:cli", *arguments]
    child = subprocess.Popen(command, cwd=building.parent, env=dbt_env(Path(building.name), raw_seeds))
    phases.pause_at("dbt")
    status = child.wait()
    parsed = target / PARSE_STATE.name
    if status >= 0 and parsed.exists():  # dbt ended by itself (a failed data test included): its parse is whole
        try:
            write_atomic(saved, parsed.read_bytes())
        except OSError as error:  # only a saving lost: the next night parses the whole project again
            print(f"dbt's parse state not kept ({error.strerror}): the next build parses the project again")
    return status


def shrink_reason(outcome: Outcome, published: set[str], pdf_dir: Path) -> str | None:
    """Why publishing would shrink the warehouse by accident, if it would."""
    if outcome.found == 0:
        return f"no PDF found in {pdf_dir} (an empty or unmounted folder?); ALLOW_SHRINK=1 publishes anyway"
    gone = published - {d.source_file for d in outcome.documents}
    if len(gone) * 2 > len(published):
        return (
            f"{len(gone)} of the {len(published)} published documents' files are gone or unreadable "
            f"(e.g. {sorted(gone)[0]}); ALLOW_SHRINK=1 publishes anyway"
        )
    return None


def stamp_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.built-from")


def read_stamp(warehouse: Path) -> dict:
    try:
        return json.loads(stamp_path(warehouse).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def up_to_date(published: dict | None, stamp: dict, built_from: str) -> bool:
    """The published warehouse was built from these inputs: the stamp (written last) says so, or the warehouse's
    own metadata does (a build killed after publishing, before its stamp: its feeds are then checked)."""
    if not published:
        return False
    stamped = stamp.get("fingerprint") == built_from and stamp.get("build_id") == published.get("build_id")
    return stamped or published.get("project_fingerprint") == built_from


def remove_building(building_glob: str, folder: Path) -> None:
    """A run's building folder: the file dbt builds and what DuckDB keeps beside it, its WAL and, once it spilled
    past DBT_MEMORY, its ``<file>.tmp/`` folder (left behind when a build is killed)."""
    for path in folder.glob(building_glob):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def clean_leftovers(warehouse: Path, feeds: Path, reports: Path) -> None:
    """What killed builds left (only run holding the lock, so none of it belongs to a live build)."""
    remove_building(f".{warehouse.name}.*.building*", warehouse.parent)
    for path in warehouse.parent.glob(f".{warehouse.name}.*.partial"):
        path.unlink(missing_ok=True)
    shutil.rmtree(PROJECT / RUNS_DIR, ignore_errors=True)
    write_feeds.clean_leftovers(feeds)
    analyst_files.clean_leftovers(reports)


def refresh_feeds(warehouse: Path, feeds: Path) -> str:
    """Write the feeds from the published warehouse (read-only); returns its build id."""
    with space_for("the feeds", feeds, published=True), duckdb.connect(str(warehouse), read_only=True) as connection:
        build_id, models = write_feeds.recorded_models(connection)
        for line in write_feeds.write_all(connection, models, feeds, build_id):
            print(line)
    return build_id


def new_build_id(now: datetime) -> str:
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}-{secrets.token_hex(2)}"


def build(args: argparse.Namespace, warehouse: Path) -> int:
    started = datetime.now(UTC)
    phases.pause_at("extract")
    clean_leftovers(warehouse, args.feeds, args.reports)
    if not args.pdf_dir.is_dir():
        raise NotADirectoryError(f"PDF_DIR {args.pdf_dir} is not a folder (not mounted?); nothing was built")
    published = identify(warehouse)
    previous, published_documents = published_state(warehouse)
    cache = Cache(args.cache)
    for folder in cache.prune():
        print(f"pruned cache entries of another extractor version: {folder.name}")
    archive = Path(args.archive) if args.archive else args.cache / "archive"
    written = (args.cache, archive, PROJECT / args.raw_seeds, args.reports)
    with space_for("the cache, archive, raw seeds or gate reports", *written):
        outcome = run(
            args.pdf_dir, args.raw_seeds, settings_from(args), archive_dir=archive, previous=previous, progress=Log()
        )
    print(outcome.summary())
    reason = None if args.allow_shrink else shrink_reason(outcome, published_documents, args.pdf_dir)
    if reason:
        build_summary.main(warehouse, None, args.raw_seeds)
        raise NotPublished(reason)

    built_from, stamp = fingerprint(args.raw_seeds), read_stamp(warehouse)
    run_dir = PROJECT / RUNS_DIR / new_build_id(started)
    try:
        if not args.full and published is not None and up_to_date(published, stamp, built_from):
            print(f"{warehouse} is up to date: nothing new to build")
            build_id = published["build_id"]
            if not write_feeds.feeds_current(args.feeds, build_id):
                print(f"feeds {args.feeds} are missing or stale: rewriting them")
                refresh_feeds(warehouse, args.feeds)
        else:
            build_id = run_dir.name
            full_reason = build_mode(bool(args.full), published)
            mode = f"full rebuild ({full_reason})" if full_reason else "incremental (on a copy of the published build)"
            print(f"dbt: {mode}")
            with space_for("the new warehouse", warehouse.parent):
                publish(args, warehouse, outcome, build_id, run_dir, started, built_from, mode)
            refresh_feeds(warehouse, args.feeds)
        with space_for("the Excel workbooks and the report", args.reports, published=True):
            analyst_files.write(warehouse, args.reports)  # changed ones only
        phases.pause_at("stamp")
        with space_for("the stamp", warehouse.parent, published=True):
            write_atomic(stamp_path(warehouse), json.dumps({"fingerprint": built_from, "build_id": build_id}))
        build_summary.main(warehouse, run_dir / "target" / "run_results.json", args.raw_seeds)
    finally:
        if os.environ.get("JIXIAO_KEEP_RUN"):
            print("kept", run_dir)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        held_back = (latest_run(connection) or {}).get("files_held_back", 0)
    if outcome.quarantined or held_back:
        print("make build: some files were quarantined (refused, held back or kept stale)", file=sys.stderr)
        return QUARANTINED
    return OK


def publish(
    args: argparse.Namespace,
    warehouse: Path,
    outcome: Outcome,
    build_id: str,
    run_dir: Path,
    started: datetime,
    built_from: str,
    mode: str,
) -> None:
    """dbt build into this run's own file and target folder (a fresh one, or for an incremental build a copy of
    the published warehouse), metadata into it, then publish that file."""
    # this run's own folder: the file dbt builds (named as the warehouse, see dbt_build), DuckDB's WAL and spill
    building = warehouse.with_name(f".{warehouse.name}.{build_id}.building") / warehouse.name
    full = mode.startswith("full")
    try:
        building.parent.mkdir()
        if not full:
            copy_published(warehouse, building)
        if dbt_build(building, args.raw_seeds, run_dir, full):
            results = run_dir / "target" / "run_results.json"
            build_summary.main(warehouse, results, args.raw_seeds)
            reason = full_disk(results.read_text(encoding="utf-8")) if results.exists() else None
            if reason:  # dbt's DuckDB filled the folder: the same line as when this process does
                raise NoSpace(warehouse.parent, f"{reason} writing the new warehouse")
            raise NotPublished("dbt build or a data test failed")
        if not full:
            mode += f": {recomputed(building)} of {len(outcome.documents)} documents recomputed"
        counts = {status: sum(1 for f in outcome.files if f[2] == status) for status in FILE_STATUSES}
        fed = write_feeds.fed_models(run_dir / "target" / "manifest.json")
        metadata = BuildRun(
            build_id=build_id,
            started_at=started.isoformat(),
            built_at=datetime.now(UTC).isoformat(),
            extractor_version=__version__,
            extractor_fingerprint=extractor_fingerprint(),
            project_version=project_version(),
            project_fingerprint=built_from,
            model_fingerprint=model_fingerprint(),
            build_mode=mode,
            pdf_dir=str(args.pdf_dir.resolve()),
            documents=len(outcome.documents),
            files_added=counts["added"],
            files_changed=counts["changed"],
            files_unchanged=counts["unchanged"],
            files_removed=counts["removed"],
            files_refused=counts["refused"],
            files_stale=counts["stale"],
            files_held_back=0,  # counted from marts.mart_quarantine by write_metadata
            files_no_table=counts["no_table"],
            fed_models=",".join(f"{schema}.{model}" for schema, model in fed),
        )
        write_metadata(building, metadata, outcome.files, warehouse)
        publish_warehouse(building, warehouse, build_id, args.keep)
        print(f"published {warehouse} (build {build_id})")
    finally:
        remove_building(building.parent.name, building.parent.parent)


def feeds(args: argparse.Namespace, warehouse: Path) -> int:
    current = _require(warehouse)
    if not current:
        raise Refused(f"{warehouse} has no build metadata; run make build first")
    refresh_feeds(warehouse, args.feeds)
    return OK


def rollback(args: argparse.Namespace, warehouse: Path) -> int:
    _require(warehouse)
    previous = rollback_warehouse(warehouse)
    stamp_path(warehouse).unlink(missing_ok=True)  # the next build checks its inputs again
    print(f"rolled back: {warehouse} is now {previous.name}")
    refresh_feeds(warehouse, args.feeds)
    return OK


def docs(args: argparse.Namespace, warehouse: Path) -> int:
    """The dbt docs site from a private copy of the published warehouse: the warehouse is only read."""
    _require(warehouse)
    with tempfile.TemporaryDirectory(prefix="jixiao-docs-") as folder:
        copy = Path(folder) / warehouse.name  # same file name, so the same database name in the docs
        shutil.copyfile(warehouse, copy)
        dbt = Path(sys.executable).with_name("dbt")
        command = [str(dbt), "docs", "generate", "--static", "--quiet"]
        env = dbt_env(copy, args.raw_seeds)
        status = subprocess.run(command, cwd=PROJECT, env=env, check=False).returncode
    if status:
        raise NotPublished("dbt docs generate failed")
    print(f"docs: {PROJECT / 'target' / 'static_index.html'}")
    return OK


def _require(warehouse: Path) -> dict:
    current = identify(warehouse)
    if current is None:
        raise Refused(f"no warehouse at {warehouse}; run make build first")
    return current


COMMANDS = {"build": build, "feeds": feeds, "docs": docs, "rollback": rollback}


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(prog="python -m nightly.build", description=__doc__.splitlines()[0])
    parse.add_argument("command", nargs="?", default="build", choices=sorted(COMMANDS))
    parse.add_argument("--pdf-dir", type=Path, default=path_setting("PDF_DIR"))
    parse.add_argument("--warehouse", type=Path, default=path_setting("WAREHOUSE"))
    parse.add_argument("--raw-seeds", type=Path, default=path_setting("RAW_SEEDS"), help="relative to the project")
    parse.add_argument("--reports", type=Path, default=path_setting("REPORTS"))
    parse.add_argument("--feeds", type=Path, default=path_setting("FEEDS"))
    parse.add_argument("--cache", type=Path, default=path_setting("CACHE"))
    parse.add_argument("--archive", default=setting("ARCHIVE"), help="default: CACHE/archive")
    parse.add_argument("--lock-wait", type=float, default=float(setting("LOCK_WAIT")))
    parse.add_argument("--keep", type=int, default=int_setting("KEEP_WAREHOUSES"), help="published warehouses kept")
    parse.add_argument("--full", type=int, default=int_setting("FULL"), choices=(0, 1), help="1: full rebuild")
    parse.add_argument("--allow-shrink", type=int, default=int_setting("ALLOW_SHRINK"), choices=(0, 1))
    parse.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parse.add_argument("--shard", type=Shard.parse)
    parse.add_argument("--scheduler", default=setting("SCHEDULER"), help="tcp://HOST:PORT of a Dask scheduler")
    add_limit_arguments(parse)
    return parse


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command
    warehouse = args.warehouse.resolve()
    args.feeds = args.feeds.resolve()
    args.cache = args.cache.resolve()
    if args.raw_seeds.is_absolute() or ".." in args.raw_seeds.parts:
        print(f"make {command}: RAW_SEEDS must be inside the project, relative to it, e.g. build/raw", file=sys.stderr)
        return REFUSED_INPUT
    if args.raw_seeds.parts[:1] == ("seeds",):
        # dbt already reads every seed below seeds/: raw seeds there would be found twice.
        print(f"make {command}: RAW_SEEDS must not be under seeds/, e.g. build/raw", file=sys.stderr)
        return REFUSED_INPUT
    try:
        if command == "docs":
            return docs(args, warehouse)
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        with build_lock(PROJECT, warehouse, args.lock_wait, what="build"):
            written = (warehouse.parent, args.feeds, args.cache, PROJECT / args.raw_seeds, args.reports, PROJECT)
            try:
                with space_for("the build's files", *written):  # any write the steps' own lines do not cover
                    return COMMANDS[command](args, warehouse)
            except NoSpace:
                clean_leftovers(warehouse, args.feeds, args.reports)  # what a cut-short write left, under the lock
                raise
    except NoSpace as error:
        print(f"make {command}: {error}", file=sys.stderr)
        return NOT_PUBLISHED
    except Busy as error:
        print(f"make {command}: {error}", file=sys.stderr)
        return BUSY
    except (Refused, ManifestError, NotADirectoryError, ClusterError) as error:
        print(f"make {command}: {error}", file=sys.stderr)
        return REFUSED_INPUT
    except (Locked, NotPublished) as error:
        print(f"make {command}: not published, the last good warehouse stays: {error}", file=sys.stderr)
        return NOT_PUBLISHED


if __name__ == "__main__":
    sys.exit(main())
