"""Hostile and pathological files cannot take the nightly down (issue 15).

Every file is read in a spawned worker capped by the operating system (``RLIMIT_AS``) and killed on a timer;
cheap refusals come first. Proven on generated hostile files (tests/fixtures/hostile.py) beside the good sample
book, with low limits so that the suite stays fast, and with the peak memory of every process of the run measured
(``ru_maxrss`` of all descendants, from a wrapper process that reaps them).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.limits import (
    WORKER_START_TIMEOUT,
    Limits,
    close_workers,
    format_size,
    parse_size,
    read_under_limits,
    reusable,
    warm,
)
from tests.fixtures.hostile import BOMB_BYTES, HOSTILE_FILES
from tests.helpers import REPO, SAMPLE_PDF

FILE_MEMORY = 384 << 20  # low limits keep the suite fast; the bombs inflate to 1 GiB
FILE_TIMEOUT = 120.0  # the good book takes a few seconds; a CI machine shared by many jobs may take far longer
OS_LIMIT_TIMEOUT = 10.0  # the run with cheap refusals off waits this long on the dense page
MARGIN = 64 << 20  # what a process may be measured above the limit (the measurement's own rounding, none expected)
SEEDS = ("raw_documents.csv", "raw_table_rows.csv", "raw_indicator_rows.csv")

# Runs a command and reports the largest resident memory any process below it reached (Linux merges a reaped
# child's peak, and its own children's, into its parent's RUSAGE_CHILDREN).
MEASURE = (
    "import json, resource, subprocess, sys\n"
    "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
    "print(json.dumps({'returncode': result.returncode, 'stdout': result.stdout, 'stderr': result.stderr,"
    " 'peak': peak}))\n"
)

# Reads files (arguments SECONDS:PATH) with the library under limits, cheap refusals off: only the operating system
# stops them.
READ_WITHOUT_BUDGET = (
    "import json, sys, time\n"
    "from pathlib import Path\n"
    "from extract.limits import Limits, read_under_limits\n"
    "for argument in sys.argv[2:]:\n"
    "    seconds, name = argument.split(':', 1)\n"
    "    limits = Limits(file_timeout=float(seconds), file_memory=int(sys.argv[1]), budget=None)\n"
    "    start = time.monotonic()\n"
    "    entry = read_under_limits(Path(name), limits)\n"
    "    print(json.dumps({'file': name, 'seconds': time.monotonic() - start, 'entry': entry}), flush=True)\n"
)


def _measured(*command: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def _extract(pdf_dir: Path, out_dir: Path, cache: Path, *options: str) -> dict:
    command = [sys.executable, "-m", "extract", str(pdf_dir), str(out_dir), "--cache", str(cache)]
    return _measured(*command, "--reports", str(out_dir / "reports"), *options)


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Every hostile file and the sample book in one folder; the reason code each must be refused with."""
    folder = tmp_path_factory.mktemp("hostile")
    expected = {name: make(folder / name) for name, make in HOSTILE_FILES.items()}
    shutil.copy2(SAMPLE_PDF, folder)
    return folder, expected


def test_hostile_files_are_refused_cheaply_and_the_good_book_is_exact(
    tmp_path: Path, hostile_dir: tuple[Path, dict[str, str]]
) -> None:
    folder, expected = hostile_dir
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    shutil.copy2(SAMPLE_PDF, clean_dir)
    clean = _extract(clean_dir, tmp_path / "clean-seeds", tmp_path / "clean-cache")
    assert clean["returncode"] == 0, clean["stderr"]

    run = _extract(
        folder,
        tmp_path / "seeds",
        tmp_path / "cache",
        "-j",
        "2",
        "--file-memory",
        f"{FILE_MEMORY >> 20}MiB",
        "--file-timeout",
        f"{FILE_TIMEOUT:g}",
    )

    assert run["returncode"] == 1  # files were quarantined; the run itself completed
    output = run["stdout"] + run["stderr"]
    assert "Traceback" not in output
    lines = run["stderr"].splitlines()
    quarantine = {row["source_file"]: row for row in _rows(tmp_path / "seeds" / "raw_quarantine.csv")}
    assert set(quarantine) == set(expected)
    for name, code in expected.items():
        naming = [line for line in lines if name in line]
        assert len(naming) == 1 and naming[0].startswith(f"quarantined {folder / name}: "), naming
        assert (quarantine[name]["stage"], quarantine[name]["reason_code"]) == ("limits", code)
        assert quarantine[name]["reason"] in naming[0]
    assert quarantine["bomb_on_other_page.pdf"]["page"] == "2"
    assert quarantine["bomb_on_table_page.pdf"]["page"] == "1"

    for seed in SEEDS:
        if (tmp_path / "clean-seeds" / seed).exists():
            assert _rows(tmp_path / "seeds" / seed) == _rows(tmp_path / "clean-seeds" / seed), seed
    assert len(_rows(tmp_path / "seeds" / "raw_documents.csv")) == 1

    assert run["peak"] < FILE_MEMORY + MARGIN, format_size(run["peak"])


def test_without_cheap_refusals_the_operating_system_stops_each_file(
    hostile_dir: tuple[Path, dict[str, str]],
) -> None:
    """The bombs and the dense page with the budget off: the memory cap and the timer stop them, the worker is
    replaced, and the good book after them still reads."""
    folder, _ = hostile_dir
    names = ["bomb_on_table_page.pdf", "dense_text_page.pdf", "bomb_on_other_page.pdf"]
    files = [f"{OS_LIMIT_TIMEOUT:g}:{folder / name}" for name in names]
    files.append(f"{FILE_TIMEOUT:g}:{folder / SAMPLE_PDF.name}")  # after the killed workers, under a fair timer
    run = _measured(sys.executable, "-c", READ_WITHOUT_BUDGET, str(FILE_MEMORY), *files)
    assert run["returncode"] == 0 and "Traceback" not in run["stderr"], run["stderr"]
    results = {Path(line["file"]).name: line for line in map(json.loads, run["stdout"].splitlines())}
    for bomb in ("bomb_on_table_page.pdf", "bomb_on_other_page.pdf"):
        refused = results[bomb]["entry"]["refused"]
        assert (refused["code"], refused["stage"]) == ("memory_limit", "limits")
        assert refused["reason"] == "needed more than 384 MiB"
        assert results[bomb]["seconds"] < OS_LIMIT_TIMEOUT
    dense = results["dense_text_page.pdf"]
    assert dense["entry"]["refused"]["code"] in ("timeout", "memory_limit"), dense
    assert dense["seconds"] < OS_LIMIT_TIMEOUT + 5
    if dense["entry"]["refused"]["code"] == "timeout":
        assert dense["entry"]["refused"]["reason"] == f"took more than {OS_LIMIT_TIMEOUT:g} s"
    assert [table.keys() for table in results[SAMPLE_PDF.name]["entry"]["tables"]] == [{"document"}]
    assert BOMB_BYTES > FILE_MEMORY + MARGIN  # the bombs could have gone past the limit
    assert run["peak"] < FILE_MEMORY + MARGIN, format_size(run["peak"])


def test_a_refusal_for_time_is_retried_and_one_for_memory_under_a_higher_limit() -> None:
    """A loaded machine is no property of the file: a refusal for time is read again on the next run, whatever the
    limit; one for memory only under a higher limit; with FULL=1 (``retry_refusals``) every refusal is."""
    timeout = {"refused": {"reason": "took more than 10 s", "page": None, "code": "timeout", "stage": "limits"}}
    timeout["refused"]["limit"] = 10.0
    assert reusable(timeout, Limits(file_timeout=10.0)) is None
    assert reusable(timeout, Limits(file_timeout=5.0)) is None
    memory = {"refused": {"reason": "needed more", "page": None, "code": "memory_limit", "stage": "limits"}}
    memory["refused"]["limit"] = 100 << 20
    assert reusable(memory, Limits(file_memory=100 << 20)) is memory
    assert reusable(memory, Limits(file_memory=50 << 20)) is memory
    assert reusable(memory, Limits(file_memory=200 << 20)) is None
    other = {"refused": {"reason": "no table", "page": None, "code": "no_table", "stage": "read"}}
    assert reusable(other, Limits(file_timeout=300.0)) is other
    assert reusable(other, Limits(), retry_refusals=True) is None
    table = {"tables": [{"document": {}}, {"refused": {"reason": "no 合计", "code": "no_grand_total"}}]}
    assert reusable(table, Limits()) is table
    assert reusable(table, Limits(), retry_refusals=True) is None
    read = {"tables": [{"document": {}}]}
    assert reusable(read, Limits(), retry_refusals=True) is read


def test_limits_are_set_from_make() -> None:
    command = subprocess.run(
        ["make", "-n", "build", "FILE_TIMEOUT=7", "FILE_MEMORY=300M"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")},
    ).stdout
    assert '--file-timeout "7" --file-memory "300M"' in command
    # as DuckDB reads DBT_MEMORY: binary units with an i, decimal ones without
    assert (parse_size("300MiB"), parse_size("1GiB"), parse_size("1.5GiB")) == (300 << 20, 1 << 30, 3 << 29)
    assert (parse_size("300M"), parse_size("2GB"), parse_size("1g"), parse_size("4096")) == (
        300 * 10**6,
        2 * 10**9,
        10**9,
        4096,
    )
    with pytest.raises(ValueError):
        parse_size("2 gigabytes")


def test_running_out_of_memory_inside_the_layout_engine_is_the_memory_limit(
    hostile_dir: tuple[Path, dict[str, str]],
) -> None:
    """pdfplumber wraps pdfminer's MemoryError: still reported as the memory limit, never as a damaged page."""
    folder, _ = hostile_dir
    memory = 160 << 20
    dense = f"{FILE_TIMEOUT:g}:{folder / 'dense_text_page.pdf'}"
    run = _measured(sys.executable, "-c", READ_WITHOUT_BUDGET, str(memory), dense)
    refused = json.loads(run["stdout"])["entry"]["refused"]
    assert (refused["code"], refused["reason"]) == ("memory_limit", "needed more than 160 MiB")
    assert run["peak"] < memory + MARGIN, format_size(run["peak"])


def _workers() -> list[int]:
    """This process's reader workers, from /proc."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields.get("PPid", "0")) == os.getpid() and b"extract.worker" in command:
            pids.append(int(status.parent.name))
    return pids


def _started_workers() -> list[int]:
    """``_workers`` once a just-spawned worker shows its command line: Popen returns when the exec has closed its
    pipe, and the kernel sets the new command line a moment later (CI found one empty in that gap)."""
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while not (pids := _workers()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return pids


def test_a_worker_killed_while_idle_is_replaced_without_blaming_the_next_file() -> None:
    limits = Limits(file_timeout=FILE_TIMEOUT, file_memory=FILE_MEMORY)
    # Start from no idle worker: one an earlier test left in the pool may have ended already (a zombie until the
    # pool uses it shows no command line), and then warm() would start none to kill.
    close_workers()
    warm(limits, 1)
    killed = _started_workers()
    assert killed
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    entry = read_under_limits(SAMPLE_PDF, limits)
    assert [table.keys() for table in entry.get("tables", [])] == [{"document"}], entry
    assert set(_workers()).isdisjoint(killed)
