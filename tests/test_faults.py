"""The nightly never loses data: real builds (real processes, extractor, dbt and DuckDB files) under the faults an
operator meets — builds overlapping, kill -9 at each phase, an empty or unmounted folder, a truncated re-download,
a broken manifest, paths with spaces — each followed by the published warehouse opened and counted against a
clean build. Builds are made to overlap at named phases through the test hook of common/phases.py, not by
sleeping."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from common.atomic import write_atomic
from extract.cache import Cache
from synth.budget_book import render_book
from synth.editions import next_year_edition
from tests.helpers import REPO, SAMPLE_PDF, raw_seeds_dir
from tests.nights import HOOK_TIMEOUT, Night, digest, errors, finished

NEXT_YEAR = "synthetic_2025.pdf"
COUNTS = {
    "documents": "select count(*) from marts.dim_document",
    "units": "select count(*) from marts.dim_funding_unit",
    "projects": "select count(*) from marts.fct_project_budget",
    "indicators": "select count(*) from marts.fct_performance_indicator",
}


def counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {name: connection.execute(sql).fetchone()[0] for name, sql in COUNTS.items()}


def source_files(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("select source_file from marts.dim_document order by 1").fetchall()
    return [row[0] for row in rows]


def build_id(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select build_id from meta.build_runs order by built_at desc limit 1").fetchone()[0]


@pytest.fixture
def night(tmp_path: Path):
    created: list[Night] = []

    def make(name: str = "night", pdf_dir: Path | None = None) -> Night:
        created.append(Night(tmp_path / name, pdf_dir))
        return created[-1]

    yield make
    for made in created:
        made.close()


@pytest.fixture(scope="module")
def next_year_pdf(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    return render_book(next_year_edition(seed), tmp_path_factory.mktemp("next") / NEXT_YEAR)


@pytest.fixture(scope="module")
def two_books(tmp_path_factory: pytest.TempPathFactory, next_year_pdf: Path):
    """The clean reference: the sample and its next year, built once, with the counts every fault is held to."""
    reference = Night(tmp_path_factory.mktemp("reference"))
    shutil.copy(SAMPLE_PDF, reference.pdf_dir)
    shutil.copy(next_year_pdf, reference.pdf_dir)
    result = reference.build()
    assert result.returncode == 0, result.stderr
    assert errors(result) == []
    yield reference
    shutil.rmtree(reference.raw, ignore_errors=True)


def test_overlapping_builds_wait_or_name_the_running_one(two_books: Night, night, next_year_pdf: Path) -> None:
    first = night("first")
    shutil.copy(SAMPLE_PDF, first.pdf_dir)
    shutil.copy(next_year_pdf, first.pdf_dir)
    running = first.start("dbt")
    pid = first.reached("dbt", running)

    # A second build, even of another warehouse, gives up at once and names the running build.
    other = night("other", first.pdf_dir)
    refused = other.build("--lock-wait", "0")
    assert refused.returncode == 1
    [message] = errors(refused)
    assert f"another build is running (PID {pid}, started 20" in message
    assert not other.warehouse.exists()

    # A third build of the same warehouse waits for it, then finds it up to date.
    waiting = subprocess.Popen(
        first.command("--lock-wait", "600"), cwd=REPO, env=first.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first.started.append(waiting)
    assert waiting.stdout is not None
    assert f"(PID {pid}, started" in waiting.stdout.readline().decode()
    first.release("dbt")
    published = finished(running)
    assert published.returncode == 0, published.stderr
    out, err = waiting.communicate(timeout=HOOK_TIMEOUT)
    assert waiting.returncode == 0, err.decode()
    assert "up to date: nothing new to build" in out.decode() and "Traceback" not in err.decode()
    assert counts(first.warehouse) == counts(two_books.warehouse)
    assert first.leftovers() == []


def test_killed_while_writing_a_workbook_the_next_build_leaves_no_half_file(two_books: Night, night) -> None:
    """Killed with a workbook written beside its target but not yet renamed over it: the warehouse is published.
    A next build rewrites every file it still writes (the killed one never recorded its hashes); the half-done
    file of a department-year that left in between (its book removed) is removed by the next build too."""
    killed = night("analysts")
    for book in two_books.pdf_dir.glob("*.pdf"):
        shutil.copy(book, killed.pdf_dir)
    killed.publish_copy_of(two_books)  # the reports are not copied: this build writes them all, 2024's first
    process = killed.start("analysts")
    pid = killed.reached("analysts", process)
    os.kill(pid, signal.SIGKILL)
    process.wait()
    [half] = [path.name for path in killed.reports.rglob(".*.partial")]
    assert half.startswith(".2024_"), half
    assert counts(killed.warehouse) == counts(two_books.warehouse)

    (killed.pdf_dir / SAMPLE_PDF.name).unlink()  # 2024 leaves: no build writes its files again
    recovered = killed.build()
    assert recovered.returncode == 0, recovered.stderr
    assert errors(recovered) == []
    assert killed.leftovers() == []
    for folder in (killed.reports, killed.reports / "excel"):
        written = json.loads((folder / ".content-hashes.json").read_text(encoding="utf-8"))
        assert written and all(name.startswith(("2025_", "index")) for name in written)
        assert sorted(p.name for p in folder.glob("*.*") if p.name != ".content-hashes.json") == sorted(written)
    for workbook in (killed.reports / "excel").glob("*.xlsx"):
        openpyxl.load_workbook(workbook)  # whole


def test_kill_at_every_phase_then_the_next_build_recovers(two_books: Night, night, sample_warehouse: Path) -> None:
    chain = night("chain")
    chain.publish_copy_of(two_books)
    shutil.copy(SAMPLE_PDF, chain.pdf_dir)  # the next year's book removed on purpose: it leaves at the next build
    published, before = digest(chain.warehouse), build_id(chain.warehouse)

    for phase in ("extract", "dbt", "publish"):
        process = chain.start(phase)
        pid = chain.reached(phase, process)
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        os.kill(pid, signal.SIGKILL)
        process.wait()
        for child in children:  # dbt dies with the build, so nothing writes on behind it
            deadline = time.monotonic() + 60
            while Path(f"/proc/{child}").exists() and "zombie" not in _state(child):
                assert time.monotonic() < deadline, f"{phase}: child {child} outlived the build"
                time.sleep(0.05)
        assert digest(chain.warehouse) == published, f"killed at {phase}: the published warehouse changed"
        assert counts(chain.warehouse) == counts(two_books.warehouse)

    # What a build killed while DuckDB spilled past DBT_MEMORY leaves in its building folder (a one-book build
    # does not spill): DuckDB's <file>.tmp/ folder of spill files, which the next build removes with the folder.
    spill = chain.warehouse.with_name(f".{chain.warehouse.name}.killed.building") / f"{chain.warehouse.name}.tmp"
    spill.mkdir(parents=True)
    (spill / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(bytes(4096))

    # Killed between the old feeds moving aside and the new ones moving in: the warehouse is published.
    process = chain.start("feeds")
    pid = chain.reached("feeds", process)
    os.kill(pid, signal.SIGKILL)
    process.wait()
    assert not chain.feeds.exists(), "killed between the two renames of the swap"
    assert counts(chain.warehouse) == counts(sample_warehouse)

    recovered = chain.build()
    assert recovered.returncode == 0, recovered.stderr
    assert errors(recovered) == []
    assert "up to date" in recovered.stdout and "feeds" in recovered.stdout
    assert (chain.feeds / "fct_project_budget").is_dir()
    assert counts(chain.warehouse) == counts(sample_warehouse)
    assert chain.leftovers() == []
    assert chain.build("--lock-wait", "0").returncode == 0, "no lock is left behind by the killed builds"

    # make rollback puts the previous warehouse (both books) back, and its feeds.
    assert len(list((chain.warehouse.parent / ".history").iterdir())) == 1
    rolled = subprocess.run(chain.command("rollback"), cwd=REPO, env=chain.env(), capture_output=True, text=True)
    assert rolled.returncode == 0, rolled.stderr
    assert build_id(chain.warehouse) == before
    assert counts(chain.warehouse) == counts(two_books.warehouse)
    with duckdb.connect() as fresh:
        fed = fresh.execute(
            "select count(*) from read_parquet(?, hive_partitioning = true)",
            [str(chain.feeds / "fct_project_budget" / "*" / "*.parquet")],
        ).fetchone()[0]
    assert fed == counts(two_books.warehouse)["projects"]


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_empty_unmounted_and_emptied_folders_never_shrink_the_warehouse(two_books: Night, night) -> None:
    empty = night("empty")
    empty.publish_copy_of(two_books)
    published = digest(empty.warehouse)

    result = empty.build()
    assert result.returncode == 3
    [message] = errors(result)
    assert "not published, the last good warehouse stays: no PDF found in" in message

    shutil.rmtree(empty.pdf_dir)  # an unmounted share
    result = empty.build()
    assert result.returncode == 2
    [message] = errors(result)
    assert message.endswith("is not a folder (not mounted?); nothing was built")

    # Both books moved into a subfolder: both published paths disappear.
    (empty.pdf_dir / "moved").mkdir(parents=True)
    shutil.copy(SAMPLE_PDF, empty.pdf_dir / "moved")
    result = empty.build()
    assert result.returncode == 3
    [message] = errors(result)
    assert "2 of the 2 published documents' files are gone or unreadable" in message
    assert digest(empty.warehouse) == published
    assert counts(empty.warehouse) == counts(two_books.warehouse)

    # Allowed on purpose, an empty folder publishes an empty warehouse.
    shutil.rmtree(empty.pdf_dir / "moved")
    allowed = empty.build("--allow-shrink", "1")
    assert allowed.returncode == 0, allowed.stderr
    assert counts(empty.warehouse)["documents"] == 0
    assert (empty.feeds / "fct_project_budget" / "fiscal_year=__HIVE_DEFAULT_PARTITION__" / "data.parquet").exists()


def test_a_truncated_redownload_keeps_the_last_good_edition_stale(two_books: Night, night) -> None:
    stale = night("stale")
    stale.publish_copy_of(two_books)
    shutil.copy(SAMPLE_PDF, stale.pdf_dir)
    data = (two_books.pdf_dir / NEXT_YEAR).read_bytes()
    (stale.pdf_dir / NEXT_YEAR).write_bytes(data[: len(data) // 2])

    result = stale.build()
    assert result.returncode == 1, result.stderr
    assert errors(result) == ["make build: some files were quarantined (refused, held back or kept stale)"]
    assert counts(stale.warehouse) == counts(two_books.warehouse)
    with duckdb.connect(str(stale.warehouse), read_only=True) as connection:
        documents = connection.execute(
            "select source_file, is_stale, stale_reason from marts.dim_document order by 1"
        ).fetchall()
        quarantined = connection.execute("select source_file, disposition from marts.mart_quarantine").fetchall()
        statuses = connection.execute("select source_file, status from meta.build_files order by 1").fetchall()
    assert [(name, flag) for name, flag, _ in documents] == [(SAMPLE_PDF.name, False), (NEXT_YEAR, True)]
    assert "was refused" in documents[1][2]
    assert quarantined == [(NEXT_YEAR, "stale")]
    assert statuses == [(SAMPLE_PDF.name, "unchanged"), (NEXT_YEAR, "stale")]
    assert "1 stale" in result.stdout


def test_warehouse_paths_that_are_not_ours_are_refused_never_replaced(night) -> None:
    foreign = night("foreign")
    shutil.copy(SAMPLE_PDF, foreign.pdf_dir)
    foreign.warehouse.parent.mkdir(parents=True)
    foreign.warehouse.write_text("not a database")
    result = foreign.build()
    assert result.returncode == 2
    [message] = errors(result)
    assert "is not a DuckDB database; it is left as it is" in message
    assert foreign.warehouse.read_text() == "not a database"

    foreign.warehouse.unlink()
    with duckdb.connect(str(foreign.warehouse)) as connection:
        connection.execute("create table invoices as select 1 as amount")
    before = digest(foreign.warehouse)
    result = foreign.build()
    assert result.returncode == 2
    [message] = errors(result)
    assert "is a DuckDB database but not a jixiao warehouse" in message
    assert digest(foreign.warehouse) == before

    foreign.warehouse.unlink()
    for command in ("feeds", "docs", "rollback"):
        result = subprocess.run(foreign.command(command), cwd=REPO, env=foreign.env(), capture_output=True, text=True)
        assert result.returncode == 2
        [message] = errors(result, f"make {command}: ")
        assert message.endswith("run make build first")


MANIFEST_ERRORS = {
    "abcd": ("file,fiscal_year\nbook.pdf,abcd\n", "line 2, column fiscal_year: 'abcd' is not a four-digit year"),
    "two-digit": ("file,fiscal_year\nbook.pdf,24\n", "line 2, column fiscal_year: '24' is not a four-digit year"),
    "no file column": ("name,fiscal_year\nbook.pdf,2024\n", "no 'file' column"),
    "misspelled column": ("file,fiscal_yaer\nbook.pdf,2024\n", "line 1: unknown column 'fiscal_yaer'"),
    "empty file": ("file,fiscal_year\nbook.pdf,2024\n,2024\n", "line 3, column file: empty"),
    "after a two-line cell": ('file,department_name\nbook.pdf,"多宝\n街道"\n,x\n', "line 4, column file: empty"),
    "named twice": ("file,fiscal_year\nbook.pdf,2024\nbook.pdf,2025\n", "line 3, column file: 'book.pdf' is named"),
}


@pytest.mark.parametrize("case", sorted(MANIFEST_ERRORS))
def test_manifest_errors_are_one_line_naming_line_and_column(case: str, night) -> None:
    broken = night()
    shutil.copy(SAMPLE_PDF, broken.pdf_dir / "book.pdf")
    text, expected = MANIFEST_ERRORS[case]
    (broken.pdf_dir / "manifest.csv").write_text(text, encoding="utf-8")
    result = broken.build()
    assert result.returncode == 2
    [message] = errors(result)
    assert expected in message and "manifest.csv" in message
    assert not broken.warehouse.exists()


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_manifest_encodings_excel_writes_are_read(encoding: str, tmp_path: Path, shared_cache: Path) -> None:
    pdf_dir = tmp_path / "pdf" / "2024"
    pdf_dir.mkdir(parents=True)
    shutil.copy(SAMPLE_PDF, pdf_dir / "书.pdf")
    manifest = "file,fiscal_year,department_name\n2024/书.pdf,2023,多宝街道\nmissing.pdf,2024,\n"
    (tmp_path / "pdf" / "manifest.csv").write_bytes(manifest.encode(encoding))
    command = [sys.executable, "-m", "extract", str(tmp_path / "pdf"), str(tmp_path / "raw")]
    command += ["--cache", str(shared_cache), "--reports", str(tmp_path / "reports")]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "warning: manifest.csv names 'missing.pdf', which is not in the folder" in result.stderr
    documents = (tmp_path / "raw" / "raw_documents.csv").read_text(encoding="utf-8").splitlines()
    assert documents[1].split(",")[1:5] == ["2024/书.pdf", "多宝街道", "2023", "manifest"]


def test_make_build_with_spaces_quotes_chinese_names_and_subfolders(two_books: Night, night, next_year_pdf) -> None:
    root = night("路径 with 'quote'").root
    books = root / "2024 books"
    (books / "2024").mkdir(parents=True)
    (books / "2025").mkdir()
    shutil.copy(SAMPLE_PDF, books / "2024" / "多宝.pdf")
    shutil.copy(next_year_pdf, books / "2025" / "多宝.pdf")  # the same file name in two folders: two files
    feeds = root / "feeds 'x'"
    raw = raw_seeds_dir()
    try:
        result = subprocess.run(
            [
                "make",
                "-s",
                "build",
                f"PDF_DIR={books}",
                f"WAREHOUSE={root / '仓库 dir' / 'jixiao.duckdb'}",
                f"RAW_SEEDS={raw.relative_to(REPO)}",
                f"REPORTS={root / 'reports'}",
                f"CACHE={root / 'cache dir'}",
                "FEEDS=" + str(feeds),
                "JOBS=1",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            env={k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "JIXIAO_"))},
        )
    finally:
        shutil.rmtree(raw)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert errors(result) == []
    warehouse = root / "仓库 dir" / "jixiao.duckdb"
    assert source_files(warehouse) == ["2024/多宝.pdf", "2025/多宝.pdf"]
    assert counts(warehouse) == counts(two_books.warehouse)
    assert (feeds / "fct_project_budget").is_dir()


def test_cache_prunes_old_extractor_versions_and_the_archive_survives(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    cache.store("ab" * 32, {"refused": {"reason": "x", "page": None, "code": "x"}})
    old = tmp_path / "cache" / "v0.0.1-000000000000"
    (old / "ab").mkdir(parents=True)
    archive = tmp_path / "cache" / "archive" / "index.json"
    write_atomic(archive, "{}")
    assert cache.prune() == [old]
    assert not old.exists() and archive.exists() and cache.load("ab" * 32) is not None


def test_write_atomic_leaves_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "seed.csv", "old\n")

    def fails(handle) -> None:
        handle.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, fails)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.csv"]
