"""The last good edition of every file: documents that passed extraction and the gate, by content hash.

When the file at a path is replaced by a copy that is refused (a truncated re-download), the warehouse keeps
publishing the path's last good edition from here, marked stale, instead of losing the book. Unlike the cache,
the archive is not keyed by extractor version, so it survives upgrades: it holds raw records, not a cache of
work. ``index.json`` names the last good content hash of each path.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from common.atomic import write_atomic

from .model import Document, FormatDocument, FormatRow, TableRow

INDEX_NAME = "index.json"


def _known(cls: type, record: dict) -> dict:
    """The record's fields the dataclass knows (records written by an older or newer extractor)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in record.items() if k in names}


def document_from_record(record: dict) -> Document:
    """A document from ``dataclasses.asdict`` (the cache's and the archive's records): a ``FormatDocument``
    with its ``FormatRow``s when the record holds indicator records (a card or indicator-table format), so
    that a document read back writes the same raw seeds as when it was read."""
    document: type[Document] = FormatDocument if "indicators" in record else Document
    row: type[TableRow] = FormatRow if "indicators" in record else TableRow
    values = _known(document, record)
    values["rows"] = [row(**_known(row, r)) for r in record.get("rows", [])]
    return document(**values)


class Archive:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index_path = folder / INDEX_NAME
        try:
            self.index: dict[str, str] = json.loads(self.index_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            self.index = {}

    def _path(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha}.json"

    def keep(self, source_file: str, sha: str, documents: list[Document]) -> None:
        """Remember ``documents`` (every table of the file with content ``sha``) as the path's last good edition."""
        path = self._path(sha)
        if not path.exists():
            records = [asdict(d) for d in documents]
            write_atomic(path, json.dumps(records, ensure_ascii=False))
        self.index[source_file] = sha

    def last_good(self, source_file: str) -> tuple[str, list[Document]] | None:
        """The content hash and documents of the path's last good edition, if the archive has them."""
        sha = self.index.get(source_file)
        if sha is None:
            return None
        try:
            records = json.loads(self._path(sha).read_text(encoding="utf-8"))
            return sha, [document_from_record(r) for r in records]
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None

    def save(self) -> None:
        write_atomic(self.index_path, json.dumps(self.index, ensure_ascii=False, indent=1, sort_keys=True))
