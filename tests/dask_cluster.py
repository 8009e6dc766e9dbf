"""A real local Dask cluster for the tests and the benchmark: ``dask scheduler`` and ``dask worker`` processes
on loopback, started outside the project folder and without PYTHONPATH: they import this project as installed in
the venv (``pip install -e .``, as users' workers do; the scheduler unpickles the tasks' functions too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_TIMEOUT = 90  # seconds for the scheduler and its workers to come up on a loaded machine


def _dask(*arguments: str) -> subprocess.Popen:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    command = [str(Path(sys.executable).with_name("dask")), *arguments, "--no-dashboard"]
    folder = tempfile.gettempdir()  # not the project's: nothing imported from the working folder
    return subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def local_cluster(workers: int = 2) -> Iterator[str]:
    """Start a scheduler on a free loopback port and ``workers`` single-threaded workers; yield its address
    once every worker has registered; stop them all on exit."""
    from distributed import Client

    with tempfile.TemporaryDirectory() as folder:
        scheduler_file = Path(folder) / "scheduler.json"
        processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(scheduler_file))]
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not scheduler_file.exists():
                if time.monotonic() > deadline or processes[0].poll() is not None:
                    raise RuntimeError("the Dask scheduler did not start")
                time.sleep(0.1)
            address = json.loads(scheduler_file.read_text())["address"]
            processes += [_dask("worker", address, "--nthreads", "1", "--nworkers", "1") for _ in range(workers)]
            with Client(address, timeout=STARTUP_TIMEOUT) as client:
                client.wait_for_workers(workers, timeout=STARTUP_TIMEOUT)
            yield address
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
