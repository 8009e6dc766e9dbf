"""Read one file under limits: the only way a PDF is read during a build (docs/architecture.md).

Budget books are downloaded from many websites and a nightly reads whatever lands in the folder; one
decompression bomb must not take the machine down with every other book. So a file is read in a worker
process that was freshly *spawned* (``python -m extract.worker``, never forked from a parent that imported
great-expectations), whose address space the operating system caps at ``FILE_MEMORY``; the parent kills it
after ``FILE_TIMEOUT`` seconds. A file over either limit is refused with one line ("took more than 300 s",
"needed more than 1 GiB"), the worker is replaced, and the other files go on. Before any layout work the
worker refuses what can be told cheaply (``extract.screen``).

Workers are kept and reused (importing pdfplumber costs a second), one per caller at a time, so the local
process pool (threads waiting on workers) and a Dask engine (tasks in threads) share one primitive:
``read_under_limits(path, limits) -> cache entry``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common.config import setting

from .cache import entry_for
from .model import OCR_PROBE, OCR_WHOLE_PAGE, ExtractionError, OcrStep
from .screen import Budget

WORKER_START_TIMEOUT = 120.0  # seconds a new worker may take to import its libraries (a loaded machine)
LIMITS_STAGE = "limits"  # the quarantine reason schema's stage for everything refused here
_SIZE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?:(?P<unit>[kmgt])(?P<binary>i)?b?)?\s*$", re.IGNORECASE)
_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4}


def parse_size(text: str) -> int:
    """A size as DuckDB reads one (``DBT_MEMORY`` is its ``memory_limit``), so that every size in jixiao.env means
    one thing: ``1GiB``, ``300MiB`` in powers of 1024; ``1GB``, ``1G``, ``300MB`` in powers of 1000; or bytes."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"{text!r}: expected a size such as 1GiB, 300MiB, 2GB or 1073741824")
    if not match["unit"]:
        return int(float(match["number"]))
    base = 1024 if match["binary"] else 1000
    return int(float(match["number"]) * base ** _POWERS[match["unit"].lower()])


# What one file may take by default (jixiao.env: FILE_MEMORY, address space of the process reading it; FILE_TIMEOUT,
# seconds): real books, a 500-page table or a collected book of several departments included, never reach them.
DEFAULT_FILE_MEMORY = parse_size(setting("FILE_MEMORY"))
DEFAULT_FILE_TIMEOUT = float(setting("FILE_TIMEOUT"))


@dataclass(frozen=True)
class Limits:
    """What one file may take: wall time, address space, and the budget of the cheap refusals (``None``
    turns those off, so that a test can prove the operating system's limits alone)."""

    file_timeout: float = DEFAULT_FILE_TIMEOUT
    file_memory: int = DEFAULT_FILE_MEMORY
    budget: Budget | None = field(default_factory=Budget)


DEFAULT_LIMITS = Limits()
# Seconds each OCR step adds to a file's timer as it starts (``extract.worker`` reports them): a scanned book
# takes the time its pages need, which no one timeout fits (a text book reads in seconds; the scanned sample's 8
# table pages took 70 s, a probe under 1 s and a page read whole 10 to 25 s on 2 cores, docs/performance.md (o)),
# while a page that hangs is still stopped.
OCR_STEP_SECONDS = {OCR_PROBE: 10.0, OCR_WHOLE_PAGE: 60.0}


def format_size(size: int) -> str:
    """Bytes for people, in the largest binary unit that keeps a short number: 1 GiB, 300 MiB, 1.5 GiB."""
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def limit_refusal(code: str, reason: str, limit: float) -> dict:
    """The cache entry of a file over a limit; ``limit`` is kept so that a later run with a higher memory limit
    reads the file again instead of trusting the refusal (``reusable``; one for time is always read again)."""
    entry = entry_for(ExtractionError(reason, code=code, stage=LIMITS_STAGE))
    entry["refused"]["limit"] = limit
    return entry


def timeout_refusal(limits: Limits, ocr_seconds: float = 0.0) -> dict:
    """A file over its time: ``ocr_seconds`` is what its OCR steps added to ``file_timeout``."""
    granted = f" (+{ocr_seconds:g} s for its OCR steps)" if ocr_seconds else ""
    return limit_refusal("timeout", f"took more than {limits.file_timeout:g} s{granted}", limits.file_timeout)


def memory_refusal(limits: Limits) -> dict:
    return limit_refusal("memory_limit", f"needed more than {format_size(limits.file_memory)}", limits.file_memory)


def reusable(entry: dict | None, limits: Limits, *, retry_refusals: bool = False) -> dict | None:
    """A cached entry, unless it is a refusal for time (a loaded machine is no property of the file: read again on
    the next run), one for memory under a lower limit than today's, or any refusal when ``retry_refusals``
    (``make build FULL=1``)."""
    if entry is None:
        return None
    refusals = [entry.get("refused") or {}, *((table.get("refused") or {}) for table in entry.get("tables", []))]
    if retry_refusals and any(refusals):
        return None
    refused = refusals[0]
    if refused.get("code") == "timeout":
        return None
    if refused.get("code") == "memory_limit" and refused.get("limit", 0) < limits.file_memory:
        return None
    return entry


class WorkerError(RuntimeError):
    """A worker that could not start (a broken installation): not a property of any one file."""


class _Worker:
    """One spawned ``python -m extract.worker`` process: a JSON request line in, a JSON reply line out."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.stderr = tempfile.TemporaryFile()
        environment = dict(os.environ, MALLOC_ARENA_MAX="2")  # glibc reserves 64 MiB of address per arena
        self.process = subprocess.Popen(
            [sys.executable, "-m", "extract.worker", str(memory), str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=environment,
        )
        self.ready = False
        self.timed_out = False
        self.pending = b""  # what the worker wrote after the last whole line

    def _reply(self, deadline: float) -> dict | None:
        """The next reply line; None when the deadline passes first (``timed_out``) or the worker dies."""
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        self.timed_out = False
        while b"\n" not in self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                self.timed_out = True
                return None
            piece = os.read(descriptor, 1 << 20)
            if not piece:
                return None  # the worker died
            self.pending += piece
        line, _, self.pending = self.pending.partition(b"\n")
        return json.loads(line)

    def start(self) -> None:
        """Wait until the worker has imported its libraries and capped its memory."""
        if not self.ready:
            if self._reply(time.monotonic() + WORKER_START_TIMEOUT) is None:
                self.stop()
                self.stderr.seek(0)
                lines = self.stderr.read().decode(errors="replace").strip().splitlines() or ["no output"]
                raise WorkerError(f"a reader process did not start: {lines[-1]}")
            self.ready = True

    def read(self, path: Path, limits: Limits, on_ocr: OcrStep | None = None) -> tuple[dict | None, dict]:
        """Ask the worker to read one file: (its reply or None if it was killed or died, how it ended). Each OCR
        step it reports adds ``OCR_STEP_SECONDS`` to the file's timer and is told to ``on_ocr``."""
        self.start()
        assert self.process.stdin is not None
        request = {"path": str(path), "budget": asdict(limits.budget) if limits.budget else None}
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # it died before this file (killed from outside): not the file's doing
            return None, {"unsent": True, "returncode": self.stop()}
        deadline, granted = time.monotonic() + limits.file_timeout, 0.0
        while (reply := self._reply(deadline + granted)) is not None and "ocr_step" in reply:
            granted += OCR_STEP_SECONDS[reply["ocr_step"]]
            if on_ocr is not None:
                on_ocr(reply["ocr_step"], reply["page"])
        if reply is None:
            return None, {"timed_out": self.timed_out, "returncode": self.stop(), "ocr_seconds": granted}
        return reply, {}

    def stop(self) -> int:
        """End the worker now (it may be mid-file) and return its exit status."""
        if self.process.poll() is None:
            self.process.kill()
        returncode = self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            if stream is not None:
                stream.close()
        return returncode

    def close(self) -> None:
        """Let an idle worker exit on its own (end of input), or end it."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.stop()


class _Pool:
    """Idle workers by memory limit; a caller takes one (or spawns one) and gives it back when done."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []

    def take(self, memory: int) -> _Worker:
        with self.lock:
            for worker in [w for w in self.idle if w.process.poll() is not None]:
                self.idle.remove(worker)  # ended while idle (its parent's watchdog, an operator): replaced
                worker.stop()
            for worker in self.idle:
                if worker.memory == memory:
                    self.idle.remove(worker)
                    return worker
        return _Worker(memory)

    def give(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def warm(self, memory: int, count: int) -> None:
        """Start workers ahead of the first files, so that they import their libraries at the same time."""
        with self.lock:
            missing = count - sum(worker.memory == memory for worker in self.idle)
            self.idle.extend(_Worker(memory) for _ in range(missing))

    def close(self) -> None:
        with self.lock:
            workers, self.idle = self.idle, []
        for worker in workers:
            worker.close()


_POOL = _Pool()
atexit.register(_POOL.close)


def warm(limits: Limits, count: int) -> None:
    """Spawn ``count`` workers now (they start importing in parallel) rather than at their first file."""
    _POOL.warm(limits.file_memory, count)


def close_workers() -> None:
    """End every idle worker (they also end with this process)."""
    _POOL.close()


def _ended(limits: Limits, how: dict) -> dict:
    """The refusal for a worker that was killed on the timer or died reading the file."""
    if how.get("timed_out"):
        return timeout_refusal(limits, how.get("ocr_seconds", 0.0))
    returncode = how.get("returncode", 0)
    if returncode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGBUS):
        # A C library that cannot allocate under the address-space cap aborts (pdfium does), and the kernel's
        # out-of-memory killer sends SIGKILL: the file needed more memory than it was given.
        return memory_refusal(limits)
    ending = f"exit status {returncode}"
    if returncode < 0:
        ending = f"signal {signal.Signals(-returncode).name if -returncode in signal.valid_signals() else -returncode}"
    reason = f"the PDF reader crashed on this file ({ending})"
    return entry_for(ExtractionError(reason, code="reader_crashed", stage=LIMITS_STAGE))


def measure_file(path: Path, limits: Limits, on_ocr: OcrStep | None = None) -> tuple[dict, int]:
    """``read_under_limits``, and the peak resident memory of the worker while it read this file (bytes;
    0 when it was killed)."""
    worker = _POOL.take(limits.file_memory)
    reply, how = worker.read(path, limits, on_ocr)
    if reply is None and how.get("unsent"):
        worker = _Worker(limits.file_memory)
        reply, how = worker.read(path, limits, on_ocr)
    if reply is None:
        return _ended(limits, how), 0
    if reply.get("retire"):
        worker.close()  # it ran out of memory or holds too much after this file: a fresh one takes over
    else:
        _POOL.give(worker)
    entry = memory_refusal(limits) if reply.get("memory_error") else reply["entry"]
    return entry, reply.get("peak_rss", 0)


def read_under_limits(path: Path, limits: Limits = DEFAULT_LIMITS, on_ocr: OcrStep | None = None) -> dict:
    """Read one PDF in a spawned worker under ``limits``; return its cache entry (the document, or the
    refusal with its reason); each OCR step is told to ``on_ocr`` as it starts. Never raises for anything a file
    does."""
    return measure_file(path, limits, on_ocr)[0]


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """``--file-timeout`` and ``--file-memory``, for every command line that reads PDFs."""
    parser.add_argument(
        "--file-timeout",
        type=float,
        default=DEFAULT_FILE_TIMEOUT,
        help=f"seconds one file may take before it is refused (default {DEFAULT_FILE_TIMEOUT:g})",
    )
    parser.add_argument(
        "--file-memory",
        type=parse_size,
        default=DEFAULT_FILE_MEMORY,
        help=f"memory one file may take, e.g. 1GiB or 500MiB; 1GB is 10^9 (default {format_size(DEFAULT_FILE_MEMORY)})",
    )


def limits_from(args: argparse.Namespace) -> Limits:
    return Limits(file_timeout=args.file_timeout, file_memory=args.file_memory)
