"""Extract a folder of budget books: only new work, on every core, then the quality gate.

Plain phases, each a function returning data: find (every PDF under the folder, recursively, named by its path
relative to it, and hashed) → read (cached by content hash and extractor version, the others in a process pool)
→ place (path, manifest: once per file) → gate (its verdicts cached too) → keep (good editions into the archive;
a refused copy of a path falls back to its last good edition, published stale) → write the raw seeds. The
pipeline prints nothing: it tells a ``Progress``, which the command line shows (``extract.progress``).
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Protocol

from .archive import Archive
from .cache import Cache, content_hash, results_of
from .dask_engine import DEFAULT_CONNECT_TIMEOUT, Cluster, extract_on_cluster
from .document import TableResult, overrides_for, place
from .gate import preload, validate
from .limits import DEFAULT_LIMITS, Limits, close_workers, limits_from, read_under_limits, reusable, warm
from .manifest import Manifest, ManifestError, read_manifest, unmatched
from .model import NO_TABLE, OCR_PROBE, Document, ExtractionError, Quarantined
from .seeds import write_seeds

__all__ = [
    "Found",
    "ManifestError",
    "Outcome",
    "Progress",
    "Settings",
    "Shard",
    "Silent",
    "pdf_files",
    "read_manifest",
    "run",
    "settings_from",
    "source_name",
]


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


def extract_file(path: Path, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None) -> dict:
    """Read one PDF into a cache entry, in a spawned worker under the per-file limits (``extract.limits``), each
    OCR step told to ``progress`` as it starts. Never raises: a file that cannot be read, or is over a limit, is
    refused."""
    if progress is None:
        return read_under_limits(path, limits)
    tell = progress.step

    def on_ocr(kind: str, page: int) -> None:
        tell(f"{path.name}: OCR page {page}{' (probe)' if kind == OCR_PROBE else ''}")

    return read_under_limits(path, limits, on_ocr)


def extract_file_at(path: str, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``extract_file`` for a path given as text: what a Dask task receives. Each task reads its file under the
    same limits in a worker process of its own, because Dask runs tasks in threads of its worker."""
    return extract_file(Path(path), limits)


def _extract_all(
    paths: list[Path],
    jobs: int,
    limits: Limits = DEFAULT_LIMITS,
    cluster: Cluster | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[Path, dict]]:
    """Each file read under limits: on a Dask cluster when one is given, otherwise with threads waiting on
    ``jobs`` worker processes (their OCR steps told to ``progress``; a cluster's happen on its machines). The
    workers end with the extraction, so that the gate and dbt have their memory."""
    try:
        if cluster is not None:
            yield from extract_on_cluster(paths, cluster, partial(extract_file_at, limits=limits))
            return
        one = partial(extract_file, limits=limits, progress=progress)
        if jobs <= 1 or len(paths) <= 1:
            yield from ((path, one(path)) for path in paths)
            return
        warm(limits, min(jobs, len(paths)))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            yield from zip(paths, pool.map(one, paths), strict=True)
    finally:
        close_workers()


class Progress(Protocol):
    """What the pipeline tells as it goes; a command line shows it (``extract.progress.Log``)."""

    def start(self, total: int) -> None:
        """``total`` files are about to be read (the others are in the cache)."""

    def file(self, line: str, *, error: bool = False) -> None:
        """One of them was read: what it held, or why it was refused (``error``)."""

    def note(self, line: str, *, error: bool = False) -> None:
        """Anything else worth a line (a warning, a duplicate, a refusal from the cache, a stale edition)."""

    def step(self, line: str) -> None:
        """A step inside a file being read (a page read by OCR: seconds each): for a person watching, not a log."""

    def close(self) -> None:
        """Reading is over."""


class Silent:
    """A ``Progress`` that shows nothing: the pipeline used as a library."""

    def start(self, total: int) -> None:
        pass

    def file(self, line: str, *, error: bool = False) -> None:
        pass

    def note(self, line: str, *, error: bool = False) -> None:
        pass

    def step(self, line: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Found:
    """A PDF in the folder: where it is, its ``source_file`` (path relative to the folder), its content hash."""

    path: Path
    name: str
    sha256: str


def find(pdf_dir: Path, shard: Shard | None = None) -> list[Found]:
    """Phase 1: every PDF under the folder (this shard's), named and hashed."""
    return [Found(path, source_name(pdf_dir, path), content_hash(path)) for path in pdf_files(pdf_dir, shard)]


def read(
    files: list[Found],
    cache: Cache,
    jobs: int,
    limits: Limits = DEFAULT_LIMITS,
    cluster: Cluster | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[Found, dict]]:
    """Phase 2: each file not in the cache, read under limits, stored in the cache as soon as it is read (a run
    killed later keeps that work), and yielded as it finishes."""
    by_path = {file.path: file for file in files}
    for path, entry in _extract_all(list(by_path), jobs, limits, cluster, progress):
        cache.store(by_path[path].sha256, entry)
        yield by_path[path], entry


def place_file(file: Found, entry: dict, manifest: Manifest) -> list[TableResult]:
    """Phase 3: the file's tables where they are (path, modification time, the manifest's year and department);
    a refused table stays its refusal, and a table no source gives a year is refused (``_without_a_year``)."""
    placed: list[TableResult] = []
    for result in results_of(entry):
        if not isinstance(result, ExtractionError):
            overrides = overrides_for(manifest, file.name, result.table_ordinal)
            result = replace(place(result, file.path, overrides), source_file=file.name, source_sha256=file.sha256)
            if result.fiscal_year is None:
                result = _without_a_year(result)
        placed.append(result)
    return placed


def _without_a_year(document: Document) -> ExtractionError:
    """The refusal of a table whose year neither the manifest, its title, the book's cover nor the file name gives:
    the warehouse keys every document by its year (``dim_document.fiscal_year`` is not null), so it once failed
    the whole night's data tests; now that book alone is held back, naming the way to give it one."""
    refused = ExtractionError(
        "no fiscal year: neither manifest.csv, the table's title, the cover nor the file name gives one "
        "(give it in manifest.csv)",
        document.table_pages[0],
        "no_fiscal_year",
    )
    refused.document_id = document.document_id
    return refused


def _describe(document: Document) -> str:
    kinds = [row.kind for row in document.rows]
    return (
        f"{document.department_name} {document.fiscal_year}, {kinds.count('funding_unit')} units, "
        f"{kinds.count('project')} projects (pages {document.table_pages[0]}-{document.table_pages[-1]})"
    )


def _tell_read(progress: Progress, file: Found, results: list[TableResult]) -> None:
    """One step of the progress per file read, one line per table."""
    for number, result in enumerate(results):
        tell = progress.file if number == 0 else progress.note
        if isinstance(result, ExtractionError) and result.code == NO_TABLE:
            tell(f"no table {file.path}: {result}")
        elif isinstance(result, ExtractionError):
            tell(f"quarantined {file.path}: {result}", error=True)
        else:
            tell(f"extracted {file.path}: {_describe(result)}")


def collect(
    files: list[Found], placed: dict[Found, list[TableResult]], fresh: set[Found], progress: Progress
) -> tuple[list[Document], list[Quarantined]]:
    """The documents to publish, in the folder's order (a document found twice, by content, once), and a
    refusal for each table that could not be read."""
    documents: list[Document] = []
    quarantined: list[Quarantined] = []
    seen: dict[str, Path] = {}
    for file in files:
        for result in placed[file]:
            if isinstance(result, ExtractionError):
                quarantined.append(
                    Quarantined(
                        file.name,
                        result.reason,
                        result.page,
                        result.stage,
                        result.code,
                        result.document_id,
                        result.row,
                    )
                )
                if file not in fresh and result.code == NO_TABLE:
                    progress.note(f"no table {file.path}: {result} (cached)")
                elif file not in fresh:
                    progress.note(f"quarantined {file.path}: {result} (cached)", error=True)
            elif result.document_id in seen:
                progress.note(f"skipped {file.path}: same content as {seen[result.document_id]}")
            else:
                seen[result.document_id] = file.path
                documents.append(result)
    return documents, quarantined


def gate(documents: list[Document], entries: dict[str, dict], cache: Cache, reports_dir: Path) -> dict[str, str | None]:
    """Phase 4: the quality gate's verdict per document (the failure, or None). A verdict is kept in its file's
    cache entry (``entries``: by content hash; the cache's key covers the gate's inputs) and reused; the documents
    without one are validated together and their entries stored."""
    unchecked = [d for d in documents if d.document_id not in entries[d.source_sha256].get("gate", {})]
    failures = {failure.document_id: failure.reason for failure in validate(unchecked, reports_dir)}
    for document in unchecked:  # one verdict per table of the file, in the file's entry
        entries[document.source_sha256].setdefault("gate", {})[document.document_id] = failures.get(
            document.document_id
        )
    for sha in {document.source_sha256 for document in unchecked}:
        cache.store(sha, entries[sha])
    return {d.document_id: entries[d.source_sha256]["gate"][d.document_id] for d in documents}


@dataclass(frozen=True)
class Settings:
    """How a run reads: where the gate's reports and the cache go, how many workers (or which Dask cluster), which
    share of the files, and the per-file limits."""

    reports_dir: Path
    cache_dir: Path
    jobs: int = 1
    shard: Shard | None = None
    limits: Limits = DEFAULT_LIMITS
    cluster: Cluster | None = None
    retry_refusals: bool = False  # read every file whose cached entry is a refusal again (make build FULL=1)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings from a command line's options (``--reports``, ``--cache``, ``-j``, ``--shard``, the limits,
    ``--scheduler``, ``--full``): ``python -m extract`` and ``make build`` share them."""
    timeout = getattr(args, "scheduler_timeout", DEFAULT_CONNECT_TIMEOUT)
    return Settings(
        reports_dir=args.reports,
        cache_dir=args.cache,
        jobs=args.jobs,
        shard=args.shard,
        limits=limits_from(args),
        cluster=Cluster(args.scheduler, timeout) if args.scheduler else None,
        retry_refusals=bool(getattr(args, "full", False)),
    )


def run(
    pdf_dir: Path,
    out_dir: Path,
    settings: Settings,
    *,
    archive_dir: Path | None = None,
    previous: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Extract ``pdf_dir`` into raw seeds in ``out_dir``: find → read (or the cache) → place → gate → keep →
    write. ``archive_dir`` keeps last good editions (and supplies them for a path whose new copy is refused);
    ``previous`` (source_file → sha256 of the published build) decides each file's status; ``progress`` is told
    what happens. Raises ManifestError for a manifest that cannot be used."""
    progress = progress or Silent()
    manifest = read_manifest(pdf_dir)
    cache = Cache(settings.cache_dir)
    files = find(pdf_dir, settings.shard)
    retry = settings.retry_refusals
    loaded = {file: reusable(cache.load(file.sha256), settings.limits, retry_refusals=retry) for file in files}
    entries = {file: entry for file, entry in loaded.items() if entry is not None}
    missing = [file for file in files if file not in entries]
    outcome = Outcome(cached=len(files) - len(missing), extracted=len(missing), found=len(files))
    if settings.shard is None:
        outcome.warnings = unmatched(manifest, [file.name for file in files])
    for line in outcome.warnings:
        progress.note(line, error=True)

    placed: dict[Found, list[TableResult]] = {}
    if missing:
        preload()  # the gate's library loads while the books are read
    progress.start(len(missing))
    try:
        for file, entry in read(missing, cache, settings.jobs, settings.limits, settings.cluster, progress):
            entries[file] = entry
            placed[file] = place_file(file, entry, manifest)
            _tell_read(progress, file, placed[file])
    finally:
        progress.close()
    for file in files:
        if file not in placed:
            placed[file] = place_file(file, entries[file], manifest)

    outcome.documents, outcome.quarantined = collect(files, placed, set(missing), progress)
    by_hash = {file.sha256: entry for file, entry in entries.items()}
    verdicts = gate(outcome.documents, by_hash, cache, settings.reports_dir)
    for document in outcome.documents:
        reason = verdicts[document.document_id]
        if reason:
            outcome.quarantined.append(
                Quarantined(document.source_file, reason, None, "gate", "gate_expectation", document.document_id)
            )
            progress.note(f"quarantined {pdf_dir / document.source_file}: {reason}", error=True)
    outcome.documents = [d for d in outcome.documents if not verdicts[d.document_id]]
    hashes = {file.name: file.sha256 for file in files}
    if archive_dir is not None:
        _keep_or_fall_back(outcome, Archive(archive_dir), hashes, progress)
    without_table = _without_table(outcome)
    outcome.quarantined = [q for q in outcome.quarantined if q.source_file not in without_table]
    outcome.files = _file_statuses(outcome, hashes, previous or {}, without_table)
    write_seeds(out_dir, outcome.documents, outcome.quarantined, outcome.files)
    return outcome


def _keep_or_fall_back(outcome: Outcome, archive: Archive, hashes: dict[str, str], progress: Progress) -> None:
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
        progress.note(f"kept stale {refusal.source_file}: its last good edition {last_good[0][:16]} stays published")
    archive.save()


def _without_table(outcome: Outcome) -> set[str]:
    """The files that simply hold no performance-target table: their only reason is ``no_table`` and no last good
    edition of theirs is published stale (a book that had the table and lost it is a refusal)."""
    reasons: dict[str, set[tuple[str, str]]] = {}
    for q in outcome.quarantined:
        reasons.setdefault(q.source_file, set()).add((q.reason_code, q.disposition))
    return {name for name, codes in reasons.items() if codes == {(NO_TABLE, "refused")}}


def _file_statuses(
    outcome: Outcome, hashes: dict[str, str], previous: dict[str, str], without_table: set[str]
) -> list[tuple[str, str, str]]:
    """raw_build_files: each file found or published before, and what happened to it in this run."""
    dispositions = {q.source_file: q.disposition for q in outcome.quarantined}
    fresh = {d.source_file for d in outcome.documents if not d.is_stale}
    files = []
    for name, sha in hashes.items():
        if name in without_table:
            status = NO_TABLE
        elif name in dispositions and name not in fresh:
            status = "stale" if dispositions[name] == "stale" else "refused"
        elif name not in previous:
            status = "added"
        else:
            status = "unchanged" if previous[name] == sha else "changed"
        files.append((name, sha, status))
    files += [(name, sha, "removed") for name, sha in previous.items() if name not in hashes]
    return sorted(files)
