"""Extract a folder of budget books: only new work, on every core, then the quality gate.

Plain phases: find (every PDF under the folder, recursively, named by its path relative to it) → read (cached
by content hash and extractor version, the others in a process pool) → place (path, manifest) → gate (also
cached) → keep (good editions into the archive; a refused copy of a path falls back to its last good edition,
published stale) → write the raw seeds.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .archive import Archive
from .cache import Cache, content_hash, results_of
from .dask_engine import Cluster, extract_on_cluster
from .document import overrides_for, place
from .gate import preload, validate
from .limits import DEFAULT_LIMITS, Limits, close_workers, read_under_limits, reusable, warm
from .manifest import Manifest, ManifestError, read_manifest, unmatched
from .model import Document, ExtractionError, Quarantined
from .seeds import write_seeds

__all__ = ["ManifestError", "Outcome", "Shard", "pdf_files", "read_manifest", "run", "source_name"]


@dataclass(frozen=True)
class Shard:
    """``--shard i/n``: the files whose path (relative to the folder) hashes to i (1-based) of n."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, count = (int(part) for part in text.split("/"))
        if not 1 <= index <= count:
            raise ValueError(f"shard {text}: expected i/n with 1 <= i <= n")
        return cls(index, count)

    def holds(self, name: str) -> bool:
        bucket = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % self.count
        return bucket == self.index - 1


@dataclass
class Outcome:
    documents: list[Document] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    extracted: int = 0
    cached: int = 0
    found: int = 0  # PDF files found in the folder (this shard's)
    files: list[tuple[str, str, str]] = field(default_factory=list)  # source_file, sha256, status (raw_build_files)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        stale = sum(1 for q in self.quarantined if q.disposition == "stale")
        return (
            f"{len(self.documents)} documents ({self.extracted} extracted, {self.cached} from cache), "
            f"{len(self.quarantined)} quarantined" + (f" ({stale} kept stale)" if stale else "")
        )


def source_name(pdf_dir: Path, path: Path) -> str:
    """A file's ``source_file``: its path relative to the folder, '/'-separated (2024/x.pdf ≠ 2025/x.pdf)."""
    return path.relative_to(pdf_dir).as_posix()


def pdf_files(pdf_dir: Path, shard: Shard | None = None) -> list[Path]:
    """Every PDF under the folder, subfolders included (hidden files and folders are skipped)."""
    files = sorted(
        p
        for p in pdf_dir.rglob("*")
        if p.suffix.lower() == ".pdf"
        and not any(part.startswith(".") for part in p.relative_to(pdf_dir).parts)
        and p.is_file()
    )
    return [p for p in files if shard is None or shard.holds(source_name(pdf_dir, p))]


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


def _place(document: Document, path: Path, name: str, sha: str, manifest: Manifest) -> Document:
    overrides = overrides_for(manifest, name, document.table_ordinal)
    return replace(place(document, path, overrides), source_file=name, source_sha256=sha)


def run(
    pdf_dir: Path,
    out_dir: Path,
    reports_dir: Path,
    cache_dir: Path,
    jobs: int = 1,
    shard: Shard | None = None,
    limits: Limits = DEFAULT_LIMITS,
    cluster: Cluster | None = None,
    *,
    archive_dir: Path | None = None,
    previous: dict[str, str] | None = None,
) -> Outcome:
    """Extract ``pdf_dir`` into raw seeds in ``out_dir``. ``archive_dir`` keeps last good editions (and
    supplies them for a path whose new copy is refused); ``previous`` (source_file → sha256 of the published
    build) decides each file's status. Raises ManifestError for a manifest that cannot be used."""
    manifest = read_manifest(pdf_dir)
    cache = Cache(cache_dir)
    paths = pdf_files(pdf_dir, shard)
    names = {path: source_name(pdf_dir, path) for path in paths}
    hashes = {path: content_hash(path) for path in paths}
    entries = {path: reusable(cache.load(hashes[path]), limits) for path in paths}
    missing = [path for path in paths if entries[path] is None]
    outcome = Outcome(cached=len(paths) - len(missing), extracted=len(missing), found=len(paths))
    if shard is None:
        outcome.warnings = unmatched(manifest, list(names.values()))
    for line in outcome.warnings:
        print(line, file=sys.stderr, flush=True)

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
                log.file(f"extracted {path}: {_describe(_place(result, path, names[path], hashes[path], manifest))}")
    log.close()

    seen: dict[str, Path] = {}
    for path in paths:
        for result in results_of(entries[path]):
            if isinstance(result, ExtractionError):
                outcome.quarantined.append(
                    Quarantined(
                        names[path],
                        result.reason,
                        result.page,
                        result.stage,
                        result.code,
                        result.document_id,
                        result.row,
                    )
                )
                if path not in missing:
                    log.note(f"quarantined {path}: {result} (cached)", error=True)
            elif result.document_id in seen:
                log.note(f"skipped {path}: same content as {seen[result.document_id]}")
            else:
                seen[result.document_id] = path
                outcome.documents.append(_place(result, path, names[path], hashes[path], manifest))

    verdicts = _gate(outcome.documents, cache, reports_dir)
    for document in outcome.documents:
        if verdicts[document.document_id]:
            reason = verdicts[document.document_id] or ""
            outcome.quarantined.append(
                Quarantined(document.source_file, reason, None, "gate", "gate_expectation", document.document_id)
            )
            log.note(f"quarantined {pdf_dir / document.source_file}: {verdicts[document.document_id]}", error=True)
    outcome.documents = [d for d in outcome.documents if not verdicts[d.document_id]]
    if archive_dir is not None:
        _keep_or_fall_back(outcome, Archive(archive_dir), {names[p]: hashes[p] for p in paths}, log)
    outcome.files = _file_statuses(outcome, {names[p]: hashes[p] for p in paths}, previous or {})
    write_seeds(out_dir, outcome.documents, outcome.quarantined, outcome.files)
    return outcome


def _keep_or_fall_back(outcome: Outcome, archive: Archive, hashes: dict[str, str], log: Log) -> None:
    """Good documents become their path's last good edition; a path whose copy was refused publishes its last
    good edition instead, marked stale with the refusal's reason (disposition ``stale``)."""
    by_file: dict[str, list[Document]] = {}
    for document in outcome.documents:
        by_file.setdefault(document.source_file, []).append(document)
    for name, documents in by_file.items():
        archive.keep(name, hashes[name], documents)
    published = {d.document_id for d in outcome.documents}
    kept_stale: set[str] = set()
    for number, refusal in enumerate(outcome.quarantined):
        if refusal.source_file in by_file or refusal.disposition != "refused":
            continue
        if refusal.source_file in kept_stale:  # the file's other reasons
            outcome.quarantined[number] = replace(refusal, disposition="stale")
            continue
        last_good = archive.last_good(refusal.source_file)
        if last_good is None or last_good[0] == hashes.get(refusal.source_file):
            continue
        reason = f"the copy now at this path was refused ({refusal.reason}); last good edition kept"
        stale = [
            replace(d, source_file=refusal.source_file, is_stale=True, stale_reason=reason)
            for d in last_good[1]
            if d.document_id not in published
        ]
        outcome.documents += stale
        published |= {d.document_id for d in stale}
        outcome.quarantined[number] = replace(refusal, disposition="stale")
        kept_stale.add(refusal.source_file)
        log.note(f"kept stale {refusal.source_file}: its last good edition {last_good[0][:16]} stays published")
    archive.save()


def _file_statuses(outcome: Outcome, hashes: dict[str, str], previous: dict[str, str]) -> list[tuple[str, str, str]]:
    """raw_build_files: each file found or published before, and what happened to it in this run."""
    dispositions = {q.source_file: q.disposition for q in outcome.quarantined}
    fresh = {d.source_file for d in outcome.documents if not d.is_stale}
    files = []
    for name, sha in hashes.items():
        if name in dispositions and name not in fresh:
            status = "stale" if dispositions[name] == "stale" else "refused"
        elif name not in previous:
            status = "added"
        else:
            status = "unchanged" if previous[name] == sha else "changed"
        files.append((name, sha, status))
    files += [(name, sha, "removed") for name, sha in previous.items() if name not in hashes]
    return sorted(files)


def _gate(documents: list[Document], cache: Cache, reports_dir: Path) -> dict[str, str | None]:
    """The quality gate's verdict per document (the failure, or None): cached ones are reused, the others
    validated together and cached."""
    hashes = {d.document_id: d.source_sha256 for d in documents}
    entries = {d.document_id: cache.load(hashes[d.document_id]) or {} for d in documents}
    unchecked = [d for d in documents if d.document_id not in entries[d.document_id].get("gate", {})]
    failures = {failure.document_id: failure.reason for failure in validate(unchecked, reports_dir)}
    for document in unchecked:  # one verdict per table of the file, in the file's entry
        entry = cache.load(hashes[document.document_id]) or {}
        entry.setdefault("gate", {})[document.document_id] = failures.get(document.document_id)
        cache.store(hashes[document.document_id], entry)
        entries[document.document_id] = entry
    return {document_id: entry["gate"][document_id] for document_id, entry in entries.items()}
