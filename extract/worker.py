"""``python -m extract.worker MEMORY PARENT_PID``: the process that reads PDFs, one at a time, under a memory cap.

Spawned by ``extract.limits`` (never forked, so it holds none of its parent's memory or threads). It imports
the readers, caps its own address space at MEMORY bytes (``RLIMIT_AS``) and then answers one JSON line per
request line on stdin: ``{"path": …, "budget": …}`` → ``{"entry": …, "peak_rss": …, "retire": …}``, after a line
``{"ocr_step": …, "page": …}`` for each OCR step as it starts (the parent's timer and progress).
An allocation that fails in Python is answered ``{"memory_error": true}``; one that fails in C ends the
process, which the parent reports. The worker exits at the end of its input, or when its parent is gone.
"""

from __future__ import annotations

import ctypes
import gc
import json
import logging
import os
import resource
import sys
from pathlib import Path

from common.parent import end_with

from .cache import entry_for
from .document import read_document
from .model import ExtractionError, OcrStep
from .screen import Budget, screen

RETIRE_SHARE = 0.5  # a worker holding more than this share of its cap after a file is replaced by a fresh one


def read_file(path: Path, budget: Budget | None, on_ocr_step: OcrStep | None = None) -> dict:
    """The cheap refusals, then the reader: one file into a cache entry. Raises only MemoryError."""
    try:
        data = path.read_bytes()
        if budget is not None:
            screen(data, budget)
        return entry_for(read_document(data, on_ocr_step))
    except ExtractionError as error:
        return entry_for(error)
    except MemoryError:
        raise
    except Exception as error:  # a PDF library's own failure on a malformed file
        reason = f"unreadable PDF ({type(error).__name__}: {str(error)[:120]})"
        return entry_for(ExtractionError(" ".join(reason.split()), code="damaged_pdf"))


def _status(field: str) -> int:
    """A ``/proc/self/status`` memory figure in bytes (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak() -> None:
    """Start this file's peak resident memory from now (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _release() -> None:
    """Give the last file's memory back: collect, then return freed heap pages to the system."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    memory, parent = int(argv[0]), int(argv[1])
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged files are reported once, by the build
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a library's print cannot corrupt the replies
    end_with(parent)  # the build that spawned it gone (killed -9, say): this worker ends too, even mid-file
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    def reply(message: dict) -> None:
        replies.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        replies.flush()

    def ocr_step(kind: str, page: int) -> None:
        reply({"ocr_step": kind, "page": page})

    reply({"ready": True})
    for line in sys.stdin.buffer:
        request = json.loads(line)
        budget = Budget(**request["budget"]) if request.get("budget") else None
        _reset_peak()
        try:
            message: dict[str, object] = {"entry": read_file(Path(request["path"]), budget, ocr_step)}
        except MemoryError:
            message = {"memory_error": True}
        peak = _status("VmHWM")
        _release()
        retire = "memory_error" in message or _status("VmRSS") > memory * RETIRE_SHARE
        reply({**message, "peak_rss": peak, "retire": retire})
        if retire:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
