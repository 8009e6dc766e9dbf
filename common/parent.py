"""The one way a child process ends with the process that started it: a daemon thread in the child polls its
parent and ends the child once the parent is gone (killed -9 included), so nothing of a dead build runs on.

Why not the kernel's ``PR_SET_PDEATHSIG``: it fires when the *thread* that started the child ends, not its process,
and the extraction starts its workers from pool threads (the local pool's or Dask's) that may end while the build
goes on. Polling costs one wake-up a second and ends an orphan within ``POLL_SECONDS``.

    python -m common.parent PARENT_PID MODULE:FUNCTION [ARGS...]   # a console script's entry: dbt.cli.main:cli

``extract.worker`` calls ``end_with`` itself; the nightly runs dbt through this module's command line.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time

POLL_SECONDS = 1.0


def end_with(parent: int) -> None:
    """End this process (exit status 1, no clean-up) as soon as ``parent`` is no longer its parent."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(POLL_SECONDS)

    threading.Thread(target=watch, daemon=True, name="end-with-parent").start()


def main(argv: list[str]) -> int:
    """Run the entry point ``MODULE:FUNCTION`` with ARGS as a console script would, ending with PARENT_PID."""
    parent, entry, *args = argv
    end_with(int(parent))
    module, function = entry.split(":")
    sys.argv = [module, *args]
    return getattr(importlib.import_module(module), function)()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
