"""Extraction on a real Dask cluster (a ``dask scheduler`` and two ``dask worker`` processes on this machine)
gives exactly the raw seeds of the local process pool, and an unreachable scheduler is one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth.budget_book import render_book
from synth.editions import next_year_edition
from tests.helpers import REPO, SAMPLE_PDF, raw_seeds_dir

WORKERS = 2
STARTUP_TIMEOUT = 90  # seconds for the scheduler and its workers to come up on a loaded CI machine


def _dask(*arguments: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [str(Path(sys.executable).with_name("dask")), *arguments]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local cluster: the scheduler on a free loopback port and two single-threaded workers."""
    from distributed import Client

    scheduler_file = tmp_path_factory.mktemp("dask") / "scheduler.json"
    common = ("--no-dashboard",)
    processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(scheduler_file))]
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        processes += [_dask("worker", address, "--nthreads", "1", "--nworkers", "1", *common) for _ in range(WORKERS)]
        with Client(address, timeout=STARTUP_TIMEOUT) as client:
            client.wait_for_workers(WORKERS, timeout=STARTUP_TIMEOUT)
            assert len(client.scheduler_info()["workers"]) == WORKERS
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _extract(pdf_dir: Path, *options: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    out_dir, cache = raw_seeds_dir(), raw_seeds_dir()
    try:
        command = [sys.executable, "-m", "extract", str(pdf_dir), str(out_dir), "--cache", str(cache), *options]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        seeds = {path.name: path.read_text(encoding="utf-8") for path in sorted(out_dir.glob("*.csv"))}
        return result, seeds
    finally:
        shutil.rmtree(out_dir)
        shutil.rmtree(cache)


def test_cluster_extracts_the_same_seeds_as_the_process_pool(scheduler: str, tmp_path: Path, seed: dict) -> None:
    shutil.copy(SAMPLE_PDF, tmp_path)
    render_book(next_year_edition(seed), tmp_path / "synthetic_2025.pdf")
    (tmp_path / "broken.pdf").write_bytes(SAMPLE_PDF.read_bytes()[:5000])

    on_cluster, cluster_seeds = _extract(tmp_path, "--scheduler", scheduler, "--reports", str(tmp_path / "r1"))
    in_pool, pool_seeds = _extract(tmp_path, "-j", "2", "--reports", str(tmp_path / "r2"))

    assert on_cluster.returncode == in_pool.returncode == 1  # the broken copy is quarantined by both
    assert "Traceback" not in on_cluster.stderr
    assert "broken.pdf" in on_cluster.stderr
    assert set(cluster_seeds) >= {"raw_documents.csv", "raw_table_rows.csv", "raw_quarantine.csv"}
    assert cluster_seeds == pool_seeds
    assert cluster_seeds["raw_table_rows.csv"].count("\n") > 100  # both books' rows, not two empty files


def test_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    shutil.copy(SAMPLE_PDF, tmp_path)
    result, _ = _extract(
        tmp_path, "--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "2", "--reports", str(tmp_path / "r")
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in lines[0], result.stderr
