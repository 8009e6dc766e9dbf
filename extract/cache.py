"""Extraction results cached by the PDF's content hash and the extractor's version (and source).

A nightly run over a folder that did not change reads every result from here and extracts nothing.
Entries are content-addressed, so several machines (``--shard``) can fill one cache without conflicts.
An entry holds the document or the reason it was refused, and the quality gate's verdict once known.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .archive import document_from_record
from .atomic import write_atomic
from .gate import gate_inputs
from .model import Document, ExtractionError


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


EXTRACTOR_DIR = Path(__file__).resolve().parent


def extractor_fingerprint() -> str:
    """The extractor's version and a hash of its source (every module, the format readers in
    ``extract/formats/`` included) and of what else the gate's cached verdicts depend on: any change to
    either starts a fresh cache."""
    digest = hashlib.sha256()
    for source in sorted(EXTRACTOR_DIR.rglob("*.py")):
        digest.update(source.relative_to(EXTRACTOR_DIR).as_posix().encode())
        digest.update(source.read_bytes())
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
