"""The defaults of every folder and limit, read from ``jixiao.env`` (the file the Makefile includes too).

One definition: a default written here and in the Makefile would drift. The environment wins over the file,
so ``make build PDF_DIR=…`` (which exports nothing) and ``PDF_DIR=… python -m nightly.build`` agree.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CONFIG_FILE = PROJECT / "jixiao.env"


def _read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


DEFAULTS = _read(CONFIG_FILE)


def setting(name: str) -> str:
    """A setting: the environment's value if set and not empty, else jixiao.env's."""
    return os.environ.get(name) or DEFAULTS[name]


def path_setting(name: str) -> Path:
    """A folder or file setting; a relative one is relative to the project (where make runs)."""
    return Path(setting(name))


def int_setting(name: str) -> int:
    return int(setting(name))
