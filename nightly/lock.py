"""One build at a time: an exclusive ``flock`` held from extraction to the stamp.

Two locks, always taken in this order: the project's (``build/.jixiao.lock``: the raw seeds, dbt's project
and the cache are shared by every build of this checkout, whatever its ``WAREHOUSE=``) and the warehouse's
(``.<name>.lock`` beside it: two checkouts may publish to one warehouse). The kernel drops a ``flock`` when its
process dies, even by ``kill -9``, so a crashed build never leaves a lock behind. The holder writes its PID and
start time into the lock file so a waiting build can name it. (The lock file itself is never replaced: a
``flock`` belongs to the open file, so it is rewritten in place, not with ``write_atomic``.)
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from common import phases

POLL_SECONDS = 0.1


class Busy(Exception):
    """Another build holds the lock; the message is one line naming it."""


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    pid, _, started = text.partition(" ")
    return f"PID {pid or '?'}, started {started or '?'}"


def _acquire(path: Path, wait: float, stack: ExitStack, started_at: str, what: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = stack.enter_context(path.open("a+", encoding="utf-8"))
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Busy(
                    f"another {what} is running ({_holder(path)}; lock {path}); gave up after {wait:g} s"
                ) from None
            if not announced:
                print(f"waiting up to {wait:g} s for another {what} ({_holder(path)})", flush=True)
                phases.pause_at("waiting")
                announced = True
            time.sleep(POLL_SECONDS)
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()} {started_at}\n")
    handle.flush()


def project_lock_path(project: Path) -> Path:
    return project / "build" / ".jixiao.lock"


def warehouse_lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.lock")


def build_lock(project: Path, warehouse: Path, wait: float, what: str = "build") -> ExitStack:
    """Both locks, held until the returned stack is closed. Raises Busy after ``wait`` seconds."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    stack = ExitStack()
    try:
        _acquire(project_lock_path(project), wait, stack, started_at, what)
        _acquire(warehouse_lock_path(warehouse), wait, stack, started_at, what)
    except BaseException:
        stack.close()
        raise
    return stack
