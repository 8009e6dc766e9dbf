"""Extraction on a real Dask cluster (a ``dask scheduler`` and two ``dask worker`` processes on this machine)
gives exactly the raw seeds of the local process pool, and an unreachable scheduler is one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth.budget_book import render_book
from synth.editions import next_year_edition
from tests.dask_cluster import local_cluster
from tests.helpers import REPO, SAMPLE_PDF, raw_seeds_dir

WORKERS = 2


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local cluster: the scheduler on a free loopback port and two single-threaded workers."""
    with local_cluster(WORKERS) as address:
        from distributed import Client

        with Client(address, timeout=30) as client:
            assert len(client.scheduler_info()["workers"]) == WORKERS
        yield address


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
