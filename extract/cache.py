"""Extraction results cached by the PDF's content hash and the fingerprint of everything that produced them.

A nightly run over a folder that did not change reads every result from here and extracts nothing.
Entries are content-addressed, so several machines (``--shard``) can fill one cache without conflicts.
An entry holds the document or the reason it was refused, and the quality gate's verdict once known.

The rule (docs/architecture.md, "A file's cache entry"): an entry is valid exactly as long as what produced it.
The fingerprint covers the extractor's files (its code and any data it reads: templates, fonts, models), the
versions of the libraries it reads and checks with, and the gate's inputs; a refusal for time is never reused
(``extract.limits.reusable``), and ``make build FULL=1`` reads every cached refusal again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from pypdfium2.version import PDFIUM_INFO

import common
from common.atomic import write_atomic

from . import __version__
from .archive import document_from_record
from .gate import gate_inputs
from .model import Document, ExtractionError


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# What the extraction runs of this project's code: the extractor and the helpers it shares with the nightly.
EXTRACTOR_DIRS = (Path(__file__).resolve().parent, Path(common.__file__).resolve().parent)
# The libraries whose answers an entry holds: the PDF readers, the OCR engine of scanned pages with its models (in
# its wheel), runtime and image library, and the gate's validator (its verdicts are cached).
READING_LIBRARIES = (
    *("pdfplumber", "pdfminer.six", "pypdfium2", "rapidocr-onnxruntime", "onnxruntime", "opencv-python-headless"),
    "great-expectations",
)


def reading_versions() -> str:
    """The Python, the reading libraries' versions and the pdfium build they load (pypdfium2 may load another)."""
    libraries = [f"{name}=={version(name)}" for name in READING_LIBRARIES]
    return ";".join(
        [f"python=={sys.version_info.major}.{sys.version_info.minor}", *libraries, f"pdfium=={PDFIUM_INFO}"]
    )


def extractor_files() -> list[tuple[str, Path]]:
    """Every file of the extractor, named from the project: its modules (the format readers in
    ``extract/formats/`` included), the shared helpers it runs (``common/``) and any data it reads beside them;
    not Python's byte code."""
    files = (
        (f"{folder.name}/{path.relative_to(folder).as_posix()}", path)
        for folder in EXTRACTOR_DIRS
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    return sorted(files)


def extractor_fingerprint() -> str:
    """The extractor's version and a hash of its files, of the reading libraries' versions and of what else the
    gate's cached verdicts depend on: any change to one starts a fresh cache."""
    digest = hashlib.sha256()
    for name, source in extractor_files():
        digest.update(name.encode())
        digest.update(source.read_bytes())
    digest.update(reading_versions().encode())
    digest.update(gate_inputs())
    return f"v{__version__}-{digest.hexdigest()[:12]}"


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / extractor_fingerprint()

    def _path(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha}.json"

    def load(self, sha: str) -> dict | None:
        try:
            return json.loads(self._path(sha).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def store(self, sha: str, entry: dict) -> None:
        write_atomic(self._path(sha), json.dumps(entry, ensure_ascii=False))

    def prune(self) -> list[Path]:
        """Remove the entries of other extractor versions (they are never read again; the archive keeps the
        last good editions). Only ``make build``, holding the build lock, prunes: a shared cache filled by
        shards of another version is left alone by ``python -m extract``."""
        stale = [p for p in self.folder.parent.glob("v*") if p.is_dir() and p != self.folder]
        for folder in stale:
            shutil.rmtree(folder, ignore_errors=True)
        return stale


def _refusal(error: ExtractionError) -> dict:
    return {
        "reason": error.reason,
        "page": error.page,
        "code": error.code,
        "row": error.row,
        "document_id": error.document_id,
        "stage": error.stage,
    }


def entry_for(result: list[Document | ExtractionError] | ExtractionError) -> dict:
    """A file's entry: each of its tables (a document or the reason it was refused), or the file's refusal."""
    if isinstance(result, ExtractionError):
        return {"refused": _refusal(result)}
    return {
        "tables": [
            {"refused": _refusal(r)} if isinstance(r, ExtractionError) else {"document": asdict(r)} for r in result
        ]
    }


def _error(refused: dict) -> ExtractionError:
    error = ExtractionError(
        refused["reason"],
        refused["page"],
        refused.get("code", "unreadable"),
        refused.get("row"),
        refused.get("stage", "read"),
    )
    error.document_id = refused.get("document_id") or ""
    return error


def results_of(entry: dict) -> list[Document | ExtractionError]:
    """The file's tables from its entry (a refused file: its one refusal)."""
    if "refused" in entry:
        return [_error(entry["refused"])]
    results: list[Document | ExtractionError] = []
    for table in entry["tables"]:
        if "refused" in table:
            results.append(_error(table["refused"]))
        else:
            results.append(document_from_record(table["document"]))
    return results
