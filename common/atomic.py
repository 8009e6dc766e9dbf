"""Write a file so that readers see the old content or the new, never half of it.

The one way files are written (seeds, cache entries, archive, stamps, feeds markers, workbooks, report pages, the
bench corpus): a
uniquely named partial file beside the target (same file system, so the rename is atomic), flushed to disk,
then ``os.replace``. Two processes writing the same target never write into each other's partial file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO

PARTIAL_SUFFIX = ".partial"  # what every partial file's name ends with: a killed writer's leftovers are found by it


def partial_path(path: Path) -> Path:
    """A name beside ``path`` that no other process or call uses: pid and random."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL_SUFFIX}")


def write_atomic_with(path: Path, write: Callable[[Path], object], before_replace: Callable[[], object] = list) -> Path:
    """Have ``write(partial)`` write the file (a library that writes to a path: a workbook, a PDF), flush it to
    disk, then rename it over ``path``; ``before_replace`` runs in between (a test's named phase)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    try:
        write(partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        before_replace()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_atomic(path: Path, data: str | bytes | Callable[[IO[str]], object], encoding: str = "utf-8") -> Path:
    """Write ``data`` (text, bytes, or a callback given the open text handle) to ``path`` atomically."""

    def write(partial: Path) -> None:
        if isinstance(data, bytes):
            partial.write_bytes(data)
            return
        with partial.open("w", encoding=encoding, newline="") as handle:
            if isinstance(data, str):
                handle.write(data)
            else:
                data(handle)

    return write_atomic_with(path, write)
