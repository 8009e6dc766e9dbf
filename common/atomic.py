"""Write a file so that readers see the old content or the new, never half of it.

The one way files are written during a build (seeds, cache entries, archive, stamps, feeds markers): a
uniquely named partial file beside the target (same file system, so the rename is atomic), flushed to disk,
then ``os.replace``. Two processes writing the same target never write into each other's partial file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO


def partial_path(path: Path) -> Path:
    """A name beside ``path`` that no other process or call uses: pid and random."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")


def write_atomic(path: Path, data: str | bytes | Callable[[IO[str]], object], encoding: str = "utf-8") -> Path:
    """Write ``data`` (text, bytes, or a callback given the open text handle) to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    try:
        if isinstance(data, bytes):
            with partial.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            with partial.open("w", encoding=encoding, newline="") as handle:
                if isinstance(data, str):
                    handle.write(data)
                else:
                    data(handle)
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
