"""Extract a folder of budget books: only new work, on every core, then the quality gate.

Each PDF is hashed; a result cached for that content and extractor version is reused, the others are
extracted in a process pool. Results are placed (file name, manifest), checked by the quality gate
(also cached), and written as raw seeds.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .cache import Cache, content_hash, results_of
from .dask_engine import Cluster, extract_on_cluster
from .document import Overrides, overrides_for, place
from .gate import preload, validate
from .limits import DEFAULT_LIMITS, Limits, close_workers, read_under_limits, reusable, warm
from .model import Document, ExtractionError, Quarantined
from .seeds import write_seeds


@dataclass(frozen=True)
class Shard:
    """``--shard i/n``: the files whose name hashes to i (1-based) of n."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, count = (int(part) for part in text.split("/"))
        if not 1 <= index <= count:
            raise ValueError(f"shard {text}: expected i/n with 1 <= i <= n")
        return cls(index, count)

    def holds(self, path: Path) -> bool:
        bucket = int.from_bytes(hashlib.sha256(path.name.encode()).digest()[:8], "big") % self.count
        return bucket == self.index - 1


@dataclass
class Outcome:
    documents: list[Document] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    extracted: int = 0
    cached: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.documents)} documents ({self.extracted} extracted, {self.cached} from cache), "
            f"{len(self.quarantined)} quarantined"
        )


def read_manifest(pdf_dir: Path) -> dict[str | tuple[str, int], Overrides]:
    """``manifest.csv`` beside the PDFs (columns ``file``, ``fiscal_year``, ``department_name``, optional
    ``table``: the row then applies to that table of the file only, keyed ``(file, table)``)."""
    path = pdf_dir / "manifest.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            (
                (row["file"].strip(), int(row["table"])) if (row.get("table") or "").strip() else row["file"].strip()
            ): Overrides(
                fiscal_year=int(row["fiscal_year"]) if (row.get("fiscal_year") or "").strip() else None,
                department_name=(row.get("department_name") or "").strip() or None,
            )
            for row in csv.DictReader(handle)
        }


def pdf_files(pdf_dir: Path, shard: Shard | None = None) -> list[Path]:
    files = sorted(p for p in pdf_dir.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")
    return [p for p in files if shard is None or shard.holds(p)]


def extract_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict:
    """Read one PDF into a cache entry, in a spawned worker under the per-file limits (``extract.limits``).
    Never raises: a file that cannot be read, or is over a limit, is refused."""
    return read_under_limits(path, limits)


def extract_file_at(path: str, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``extract_file`` for a path given as text: what a Dask task receives. Each task reads its file under the
    same limits in a worker process of its own, because Dask runs tasks in threads of its worker."""
    return extract_file(Path(path), limits)


def _extract_all(
    paths: list[Path], jobs: int, limits: Limits = DEFAULT_LIMITS, cluster: Cluster | None = None
) -> Iterator[tuple[Path, dict]]:
    """Each file read under limits: on a Dask cluster when one is given, otherwise with threads waiting on
    ``jobs`` worker processes. The workers end with the extraction, so that the gate and dbt have their memory."""
    try:
        if cluster is not None:
            yield from extract_on_cluster(paths, cluster, partial(extract_file_at, limits=limits))
            return
        if jobs <= 1 or len(paths) <= 1:
            yield from ((path, extract_file(path, limits)) for path in paths)
            return
        warm(limits, min(jobs, len(paths)))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            yield from zip(paths, pool.map(partial(extract_file, limits=limits), paths), strict=True)
    finally:
        close_workers()


class Log:
    """A progress bar on a terminal, one plain line per file otherwise (nightly logs)."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if sys.stderr.isatty() and total > 1:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="book", file=sys.stderr)

    def file(self, line: str, *, error: bool = False) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if error:
                self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr if error else sys.stdout, flush=True)

    def note(self, line: str, *, error: bool = False) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr if error else sys.stdout, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _describe(document: Document) -> str:
    kinds = [row.kind for row in document.rows]
    return (
        f"{document.department_name} {document.fiscal_year}, {kinds.count('funding_unit')} units, "
        f"{kinds.count('project')} projects (pages {document.table_pages[0]}-{document.table_pages[-1]})"
    )


def run(
    pdf_dir: Path,
    out_dir: Path,
    reports_dir: Path,
    cache_dir: Path,
    jobs: int = 1,
    shard: Shard | None = None,
    limits: Limits = DEFAULT_LIMITS,
    cluster: Cluster | None = None,
) -> Outcome:
    manifest = read_manifest(pdf_dir)
    cache = Cache(cache_dir)
    paths = pdf_files(pdf_dir, shard)
    hashes = {path: content_hash(path) for path in paths}
    entries = {path: reusable(cache.load(hashes[path]), limits) for path in paths}
    missing = [path for path in paths if entries[path] is None]
    outcome = Outcome(cached=len(paths) - len(missing), extracted=len(missing))

    if missing:
        preload()  # the gate's library loads while the books are read
    log = Log(len(missing))
    for path, entry in _extract_all(missing, jobs, limits, cluster):
        cache.store(hashes[path], entry)
        entries[path] = entry
        for result in results_of(entry):
            if isinstance(result, ExtractionError):
                log.file(f"quarantined {path}: {result}", error=True)
            else:
                overrides = overrides_for(manifest, path.name, result.table_ordinal)
                log.file(f"extracted {path}: {_describe(place(result, path, overrides))}")
    log.close()

    seen: dict[str, Path] = {}
    for path in paths:
        for result in results_of(entries[path]):
            if isinstance(result, ExtractionError):
                outcome.quarantined.append(
                    Quarantined(
                        path.name, result.reason, result.page, result.stage, result.code, result.document_id, result.row
                    )
                )
                if path not in missing:
                    log.note(f"quarantined {path}: {result} (cached)", error=True)
            elif result.document_id in seen:
                log.note(f"skipped {path}: same content as {seen[result.document_id].name}")
            else:
                seen[result.document_id] = path
                overrides = overrides_for(manifest, path.name, result.table_ordinal)
                outcome.documents.append(place(result, path, overrides))

    verdicts = _gate(
        outcome.documents,
        cache,
        {d.document_id: hashes[pdf_dir / d.source_file] for d in outcome.documents},
        reports_dir,
    )
    for document in outcome.documents:
        if verdicts[document.document_id]:
            reason = verdicts[document.document_id] or ""
            outcome.quarantined.append(
                Quarantined(document.source_file, reason, None, "gate", "gate_expectation", document.document_id)
            )
            log.note(f"quarantined {pdf_dir / document.source_file}: {verdicts[document.document_id]}", error=True)
    outcome.documents = [d for d in outcome.documents if not verdicts[d.document_id]]
    write_seeds(out_dir, outcome.documents, outcome.quarantined)
    return outcome


def _gate(documents: list[Document], cache: Cache, hashes: dict[str, str], reports_dir: Path) -> dict[str, str | None]:
    """The quality gate's verdict per document (the failure, or None): cached ones are reused, the others
    validated together and cached."""
    entries = {d.document_id: cache.load(hashes[d.document_id]) or {} for d in documents}
    unchecked = [d for d in documents if d.document_id not in entries[d.document_id].get("gate", {})]
    failures = {failure.document_id: failure.reason for failure in validate(unchecked, reports_dir)}
    for document in unchecked:  # one verdict per table of the file, in the file's entry
        entry = cache.load(hashes[document.document_id]) or {}
        entry.setdefault("gate", {})[document.document_id] = failures.get(document.document_id)
        cache.store(hashes[document.document_id], entry)
        entries[document.document_id] = entry
    return {document_id: entry["gate"][document_id] for document_id, entry in entries.items()}
