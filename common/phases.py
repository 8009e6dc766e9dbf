"""Named phases of a build, and the test hook that pauses a real build at one of them.

``tests/test_faults.py`` makes builds overlap, or kills one, at an exact phase without sleeping: with
``JIXIAO_TEST_PAUSE_AT=phase[,phase…]`` and ``JIXIAO_TEST_HOOK_DIR=dir`` set, a build reaching a listed phase
writes ``dir/<phase>.reached`` (its PID) and waits until ``dir/<phase>.go`` exists. Unset (always, outside
tests), ``pause_at`` does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from common.atomic import write_atomic

PHASES = ("waiting", "extract", "dbt", "publish", "feeds", "analysts", "stamp")
POLL_SECONDS = 0.02


def pause_at(phase: str) -> None:
    wanted = os.environ.get("JIXIAO_TEST_PAUSE_AT", "")
    hook_dir = os.environ.get("JIXIAO_TEST_HOOK_DIR", "")
    if not hook_dir or phase not in wanted.split(","):
        return
    folder = Path(hook_dir)
    write_atomic(folder / f"{phase}.reached", str(os.getpid()))
    while not (folder / f"{phase}.go").exists():
        time.sleep(POLL_SECONDS)
