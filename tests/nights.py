"""The one nightly test harness: a nightly's folders and real ``make build`` runs on them (tests/test_faults.py,
test_nightly.py, test_incremental.py, test_full_disk.py), with the test hook that pauses a build at a named
phase (common/phases.py)."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, make_build_command, raw_seeds_dir

HOOK_TIMEOUT = 600  # seconds a build may take to reach a phase on a loaded machine


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def errors(result: subprocess.CompletedProcess, prefix: str = "make build: ") -> list[str]:
    """The build's one-line messages; also checks no output holds a traceback."""
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith(prefix)]


class Night:
    """A nightly's folders: books, cache (with the archive), raw seeds, warehouse and feeds."""

    def __init__(self, root: Path, pdf_dir: Path | None = None, jobs: int | None = 1) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.pdf_dir = pdf_dir or root / "pdf"
        self.pdf_dir.mkdir(parents=True, exist_ok=True)
        self.warehouse = root / "warehouse" / "jixiao.duckdb"
        self.feeds = root / "feeds"
        self.reports = root / "reports"
        self.cache = root / "cache"
        self.hook = root / "hook"
        self.hook.mkdir(exist_ok=True)
        self.raw = raw_seeds_dir()
        self.jobs = jobs  # None: the build's default (every core)
        self.started: list[subprocess.Popen] = []

    def command(self, *extra: str) -> list[str]:
        jobs = [] if self.jobs is None else ["-j", str(self.jobs)]
        return [*make_build_command(self.root, self.pdf_dir, self.raw, *extra), *jobs]

    def env(self, pause: str = "") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "MAKE"))}
        return {**env, "JIXIAO_TEST_PAUSE_AT": pause, "JIXIAO_TEST_HOOK_DIR": str(self.hook)}

    def build(self, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*extra), cwd=REPO, env=self.env(), capture_output=True, text=True)

    def start(self, pause: str, *extra: str) -> subprocess.Popen:
        """A build that stops at ``pause`` until released (see common/phases.py)."""
        for stale in self.hook.glob("*"):
            stale.unlink()
        pipe = subprocess.PIPE
        process = subprocess.Popen(
            self.command(*extra), cwd=REPO, env=self.env(pause), stdout=pipe, stderr=pipe, text=True
        )
        self.started.append(process)
        return process

    def close(self) -> None:
        """A failed test leaves no paused build behind holding the lock."""
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.communicate()
        shutil.rmtree(self.raw, ignore_errors=True)

    def reached(self, phase: str, process: subprocess.Popen) -> int:
        """Wait for the paused build to reach ``phase``; returns its PID."""
        marker = self.hook / f"{phase}.reached"
        deadline = time.monotonic() + HOOK_TIMEOUT
        while not marker.exists():
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"the build ended before {phase} (exit {process.returncode}): {out[-2000:]} {err[-2000:]}")
            assert time.monotonic() < deadline, f"no build reached {phase}"
            time.sleep(0.05)
        return int(marker.read_text())

    def release(self, phase: str) -> None:
        (self.hook / f"{phase}.go").touch()

    def publish_copy_of(self, other: Night) -> None:
        """Start from another night's published state: its warehouse (with history) and cache (with archive)."""
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(other.warehouse, self.warehouse)
        shutil.copytree(other.cache, self.cache, dirs_exist_ok=True)
        shutil.copytree(other.feeds, self.feeds, dirs_exist_ok=True)

    def start_from(self, other: Night) -> None:
        """Another night's published state and its books (their modification times too: the raw seeds record
        them), as if this nightly had built them."""
        self.publish_copy_of(other)
        for book in other.pdf_dir.glob("*.pdf"):
            shutil.copy2(book, self.pdf_dir)

    def fingerprint(self) -> str:
        return digest(self.warehouse)

    def documents(self, connection: duckdb.DuckDBPyConnection | None = None) -> list[tuple]:
        """The documents a reader sees: on its open connection, or as a new reader in its own process (DuckDB
        shares one database instance per file within a process)."""
        sql = "select source_file from marts.dim_document order by 1"
        if connection is not None:
            return connection.execute(sql).fetchall()
        code = (
            f"import duckdb; print(duckdb.connect({str(self.warehouse)!r}, read_only=True).execute({sql!r}).fetchall())"
        )
        reader = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return list(ast.literal_eval(reader.stdout))

    def keep(self, name: str) -> Path:
        """A copy of the published warehouse as it is now."""
        copy = self.root / f"{name}.duckdb"
        shutil.copyfile(self.warehouse, copy)
        return copy

    def leftovers(self) -> list[Path]:
        return [
            *self.warehouse.parent.glob("*.building*"),
            *self.feeds.parent.glob(f".{self.feeds.name}.*"),
            *(REPO / "build" / "runs").glob("*"),
            *self.reports.rglob(".*.partial"),
        ]


def finished(process: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=HOOK_TIMEOUT)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
