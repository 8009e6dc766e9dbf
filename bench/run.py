"""Benchmark the nightly on a synthetic corpus, as ratios against baselines measured in the same run.

    python -m bench.run [--books 100] [--subset 10] [--measure a,b,c,d,e]
    python -m bench.run --books 1000 --measure f,g,h,i     (issue 13: the sizes of its targets)

(a) jixiao's extraction ÷ bare pdfplumber ``extract_words`` over the table pages alone   target <= 1.5
(b) naive pdfplumber ``extract_words`` on every page ÷ jixiao's extraction (subset)      target >= 3
(c) extraction with 1 worker ÷ with 2 workers (cold cache)                              target >= 1.7
(d) no-change ``make build`` ÷ cold ``make build``                                      target <= 0.10
(e) peak RSS of a cold ``make build`` (all processes together)                         target < 2 GiB
(f) cold dbt stage on 1,000 books ÷ on 1 book (raw seeds replicated, 200 departments)  target <= 4
(g) nightly ``make build`` adding 1 book to a 1,000-book warehouse ÷ to a 10-book one  target <= 1.5
(h) peak RSS of the cold dbt stage on 10,000 books (replicated); its time, and what the
    seed reload costs at that size                                                      target < 4 GiB
(i) extraction on a local Dask cluster (2 workers) ÷ the process pool with 2 workers    target <= 1.15
(m) peak RSS of the one worker reading a book with a 500-page table (issue 9)           target < 500 MiB
(n) (a) and (b) on ``--subset`` books whose fonts are not embedded: pdfminer, not pdfium, reads their every
    page's text (issue 21; docs/architecture.md "One answer on every machine"), at about half the cost of laying
    the page out: the price of one answer on every machine; never slower than the naive way  target (b) >= 1
(o) scanned books (issue 23, bench/ocr.py): the sample scanned, every page, read by OCR: table pages a minute on
    2 cores (target >= 5), its time ÷ the text sample's (cost), the seconds deciding that a scanned page is not the
    table costs (its probe, on a whole book's other pages; target < 1 s), the whole book scanned ÷ the sample
    (cost), character errors against the text (names <= 1 %, goals and indicators <= 2 %), and one build of both
    books publishing the same figures (the issue's "done when"); in that build, every other format typeset as text
    and scanned: each scan publishes its text copy's projects, amounts and indicators, and no misread annual target
    without ocr_uncertain

(f) and (h) replicate the sample book's raw seeds (bench/replicate.py) to ``--books`` and ``--big-books`` books;
(g) builds warehouses of ``--books`` and of 10 books from the PDF corpus, then times a nightly that adds the
same new book to each (incremental: on a copy of the published warehouse, docs/performance.md "Scale").

(a) times jixiao's extraction as a build runs it: ``read_under_limits`` (cheap refusals, then the reader in a
spawned worker under the per-file limits); the line after it gives that primitive's cost against
``read_document`` in the same process. (c) and (i) warm up first and alternate the order of their contenders.

The machines are noisy, so (a) and (b) interleave the contenders book by book and every figure is a
ratio of two timings taken minutes apart at most. The corpus is kept in bench/corpus between runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pdfplumber

from bench.corpus import big_table_book, make_corpus
from bench.ocr import ocr_figures
from bench.replicate import replicate, sample_seeds
from extract.cache import Cache, content_hash
from extract.document import read_document
from extract.limits import DEFAULT_LIMITS, measure_file, read_under_limits
from nightly.build import NIGHTLY_EXCLUDES, dbt_env
from tests.dask_cluster import local_cluster
from tests.helpers import REPO, SEED_JSON, raw_seeds_dir

WORK = REPO / "build" / "bench"


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def _words(path: Path, pages: list[int] | None) -> None:
    with pdfplumber.open(path) as pdf:
        for index in range(len(pdf.pages)) if pages is None else [p - 1 for p in pages]:
            pdf.pages[index].extract_words()


def extraction_ratios(books: list[Path]) -> tuple[float, float, float]:
    """(a) and (b), and the cost of reading under limits: the contenders take turns on each book."""
    read_under_limits(books[0], DEFAULT_LIMITS)  # the worker imports its libraries, as this process already has
    ours = bare = naive = inline = 0.0
    for path in books:
        start = time.perf_counter()
        entry = read_under_limits(path, DEFAULT_LIMITS)
        ours += time.perf_counter() - start
        inline += _timed(read_document, path.read_bytes())
        pages = {page for table in entry.get("tables", []) for page in table.get("document", {}).get("table_pages", [])}
        bare += _timed(_words, path, sorted(pages))
        naive += _timed(_words, path, None)
    return ours / bare, naive / ours, ours / inline


def _extract(corpus: Path, jobs: int, name: str, *options: str) -> float:
    out, cache = WORK / name, WORK / f"{name}-cache"
    shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, "-m", "extract", str(corpus), str(out), "--cache", str(cache), "-j", str(jobs), *options]
    command += ["--reports", str(WORK / "reports")]
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


def worker_ratio(corpus: Path, books: list[Path]) -> float:
    """(c): both contenders pay the same warm-up (files in the page cache, libraries imported once by a small
    run) and take turns going first, so neither pays a cold start the other does not."""
    for path in books:
        path.read_bytes()
    warmup = WORK / "warmup-corpus"
    shutil.rmtree(warmup, ignore_errors=True)
    warmup.mkdir(parents=True)
    for path in books[:2]:
        shutil.copy(path, warmup)
    _extract(warmup, 2, "warmup")
    one = two = 0.0
    for order in ((1, 2), (2, 1)):
        for jobs in order:
            seconds = _extract(corpus, jobs, f"workers-{jobs}")
            one, two = (one + seconds, two) if jobs == 1 else (one, two + seconds)
    return one / two


def worker_memory(seed: dict) -> tuple[float, int, str]:
    """(m): seconds and peak resident memory of the one worker reading a book with a 500-page table under the
    default limits, and the refusal if it was refused (its peak is then the limit's)."""
    path = big_table_book(seed, REPO / "bench" / "corpus" / "big")
    start = time.perf_counter()
    entry, peak = measure_file(path, DEFAULT_LIMITS)
    refused = entry.get("refused") or {}
    return time.perf_counter() - start, peak or DEFAULT_LIMITS.file_memory, refused.get("reason", "")


def _process_tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def _measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Run a command: its seconds, peak RSS of its process tree (sampled every 0.5 s) and exit code; its error
    output goes to WORK/stderr.log."""
    peak = 0
    start = time.perf_counter()
    errors = (WORK / "stderr.log").open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=errors)

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _process_tree_rss(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    returncode = process.wait()
    elapsed = time.perf_counter() - start
    sampler.join()
    errors.close()
    return elapsed, peak, returncode


def _build(corpus: Path, warehouse: Path, cache: Path, outputs: Path = WORK) -> tuple[float, int]:
    """A whole `make build` (extract with 2 workers, dbt, publish, feeds, Excel and report into ``outputs``):
    seconds and peak RSS of the tree."""
    command = [sys.executable, "-m", "nightly.build", "--pdf-dir", str(corpus), "--warehouse", str(warehouse)]
    command += ["--raw-seeds", str((WORK / "raw").relative_to(REPO)), "--cache", str(cache), "-j", "2"]
    command += ["--reports", str(outputs / "reports"), "--feeds", str(outputs / "feeds")]
    elapsed, peak, returncode = _measured(command)
    failed = returncode not in (0, 1)  # 1: some books quarantined, still built; or another build running
    if failed or "another build is running" in (WORK / "stderr.log").read_text():
        raise SystemExit(f"bench: make build failed ({returncode}): {(WORK / 'stderr.log').read_text().strip()}")
    return elapsed, peak


def _dbt(arguments: list[str], raw: Path, warehouse: Path) -> tuple[float, int]:
    """dbt on raw seeds (relative to the project) into a warehouse file: seconds and peak RSS."""
    env = dbt_env(warehouse, raw.relative_to(REPO), REPO)
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), *arguments, "--target-path", str(WORK / "target"), "--log-path", str(WORK / "logs")]
    elapsed, peak, returncode = _measured(command, env)
    if returncode:
        raise SystemExit(f"bench: dbt {arguments[0]} failed ({returncode}); see {WORK / 'logs'}")
    return elapsed, peak


def cold_dbt(books: int) -> tuple[float, int, float]:
    """A night's cold dbt stage (`dbt build --full-refresh`, without the unit tests, as nightly/build.py runs it) of
    ``books`` replicated books into a new file: seconds, peak RSS, and the seconds of reloading the raw seeds into
    the built warehouse (what every night pays, `dbt seed`)."""
    sample = sample_seeds(WORK / "sample-raw")
    raw = replicate(sample, raw_seeds_dir(), books)
    warehouse = WORK / f"replicated-{books}.duckdb"
    warehouse.unlink(missing_ok=True)
    try:
        elapsed, peak = _dbt(["build", "--full-refresh", *NIGHTLY_EXCLUDES], raw, warehouse)
        reload, _ = _dbt(["seed"], raw, warehouse)
    finally:
        shutil.rmtree(raw)
        warehouse.unlink(missing_ok=True)
    return elapsed, peak, reload


def nightly_ratio(books: list[Path], new_book: Path, small: int = 10) -> tuple[float, float, float]:
    """(g): warehouses of all ``books`` and of the first ``small`` built (untimed), then the same new book added
    to each and the nightly timed; the small one goes first. Returns the ratio and both times.

    Each size keeps its extraction cache between bench runs (``nightly-<size>-cache``: entries are keyed by
    content and extractor, so the untimed build reads 1,000 books back instead of extracting them again); the
    new book's entry is dropped, so both timed nights extract it."""
    times = []
    for size in (small, len(books)):
        folder = WORK / f"nightly-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        pdf_dir = folder / "pdf"
        pdf_dir.mkdir(parents=True)
        for path in books[:size]:
            (pdf_dir / path.name).symlink_to(path)
        warehouse, cache = folder / "warehouse" / "jixiao.duckdb", WORK / f"nightly-{size}-cache"
        # the new book's entry, by Cache's private path: a Cache method for it would change the extractor's
        # fingerprint (its source) and so every cached entry
        Cache(cache)._path(content_hash(new_book)).unlink(missing_ok=True)
        _build(pdf_dir, warehouse, cache, folder)
        (pdf_dir / new_book.name).symlink_to(new_book)
        times.append(_build(pdf_dir, warehouse, cache, folder)[0])
    return times[1] / times[0], times[0], times[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100, help="books in the corpus (default 100)")
    parser.add_argument("--subset", type=int, default=10, help="books timed for (a) and (b) (default 10)")
    parser.add_argument("--measure", default="a,b,c,d,e,m,n,o", help="which figures to measure")
    parser.add_argument("--big-books", type=int, default=10_000, help="replicated books for (h) (default 10000)")
    args = parser.parse_args(argv)
    measures = set(args.measure.split(","))
    seed = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    corpus = REPO / "bench" / "corpus" / f"books-{args.books}"
    start = time.perf_counter()
    needs_pdfs = bool(measures & set("abcdegi"))  # (f) and (h) replicate raw seeds, (m) renders its own book
    books = make_corpus(seed, corpus, args.books + ("g" in measures)) if needs_pdfs else []
    new_book, books = (books[-1], books[:-1]) if "g" in measures else (None, books)
    print(f"corpus: {len(books)} books in {corpus} ({time.perf_counter() - start:.0f} s to make)", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)

    rows: list[tuple[str, str, str, bool]] = []
    if measures & {"a", "b"}:
        a, b, limits_cost = extraction_ratios(books[: args.subset])
        rows.append(("(a) extraction ÷ bare extract_words on table pages", f"{a:.2f}", "<= 1.5", a <= 1.5))
        rows.append(("(a) read under limits ÷ read_document in process", f"{limits_cost:.2f}", "(cost)", True))
        rows.append(("(b) naive extract_words on all pages ÷ extraction", f"{b:.2f}", ">= 3", b >= 3))
    if "n" in measures:  # issue 21: a book whose fonts are not embedded has its every page read by pdfminer
        plain = make_corpus(seed, corpus.with_name(f"{corpus.name}-not-embedded"), args.subset, embedded=False)
        a_n, b_n, _ = extraction_ratios(plain)
        rows.append(
            ("(n) extraction ÷ bare extract_words on table pages, fonts not embedded", f"{a_n:.2f}", "(cost)", True)
        )
        rows.append(
            (
                "(n) naive extract_words on all pages ÷ extraction, fonts not embedded",
                f"{b_n:.2f}",
                ">= 1",
                b_n >= 1,
            )
        )
    if "c" in measures:
        c = worker_ratio(corpus, books)
        rows.append(("(c) 1 worker ÷ 2 workers (warmed, alternating)", f"{c:.2f}", ">= 1.7", c >= 1.7))
        one, two = _extract(corpus, 1, "one-worker"), _extract(corpus, 2, "two-workers")
        rows.append(("(c) 1 worker ÷ 2 workers", f"{one / two:.2f}", ">= 1.7", one / two >= 1.7))
    if "i" in measures:
        # The cluster is up before timing (users run one already); both contenders run twice, alternating,
        # so neither alone pays a cold page cache or the first imports.
        with local_cluster(2) as address:
            pool = cluster = 0.0
            for _ in range(2):
                pool += _extract(corpus, 2, "pool")
                cluster += _extract(corpus, 2, "dask", "--scheduler", address)
        ratio = cluster / pool
        rows.append(("(i) local Dask cluster (2 workers) ÷ process pool (2)", f"{ratio:.2f}", "<= 1.15", ratio <= 1.15))
    if measures & {"d", "e"}:
        warehouse, cache = WORK / "warehouse" / "jixiao.duckdb", WORK / "build-cache"
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        cold, peak = _build(corpus, warehouse, cache)
        unchanged, _ = _build(corpus, warehouse, cache)
        if "d" in measures:
            ratio = unchanged / cold
            rows.append(("(d) no-change build ÷ cold build", f"{ratio:.3f}", "<= 0.10", ratio <= 0.10))
        if "e" in measures:
            gib = peak / 2**30
            rows.append((f"(e) peak RSS, cold build of {len(books)} books", f"{gib:.2f} GiB", "< 2 GiB", gib < 2))

    if measures & {"f", "h"}:
        one, _, _ = cold_dbt(1)
        many, _, many_reload = cold_dbt(args.books)
        if "f" in measures:
            ratio = many / one
            name = f"(f) cold dbt, {args.books} ÷ 1 book ({many:.0f} s ÷ {one:.0f} s)"
            rows.append((name, f"{ratio:.2f}", "<= 4", ratio <= 4))
        if "h" in measures:
            big, peak, reload = cold_dbt(args.big_books)
            gib = peak / 2**30
            name = f"(h) peak RSS, cold dbt of {args.big_books} books ({big:.0f} s; {args.books}: {many:.0f} s)"
            rows.append((name, f"{gib:.2f} GiB", "< 4 GiB", gib < 4))
            share = f"{reload:.0f} s = {reload / big:.0%} of the build; {args.books}: {many_reload:.0f} s"
            rows.append((f"(h) seed reload at {args.big_books} books", share, "(cost)", True))
    if new_book is not None:  # measures has g
        ratio, small, large = nightly_ratio(books, new_book)
        name = f"(g) nightly +1 book: {len(books)}-book ÷ 10-book warehouse ({large:.0f} s ÷ {small:.0f} s)"
        rows.append((name, f"{ratio:.2f}", "<= 1.5", ratio <= 1.5))

    if "m" in measures:
        seconds, peak, refused = worker_memory(seed)
        mib = peak / 2**20
        value = f"{mib:.0f} MiB" + (f" (refused: {refused})" if refused else "")
        met = mib < 500 and not refused
        rows.append((f"(m) one worker, 500-page table ({seconds:.0f} s)", value, "< 500 MiB", met))

    if "o" in measures:
        ocr = ocr_figures(seed, REPO / "bench" / "corpus" / "scanned", _build)
        pages, seconds = ocr["table_pages"], ocr["scanned_seconds"]
        rate = pages / seconds * 60
        rows.append((f"(o) OCR'd table pages a minute ({pages} in {seconds:.0f} s)", f"{rate:.1f}", ">= 5", rate >= 5))
        cost = f"{seconds / ocr['text_seconds']:.0f} ({seconds:.0f} s ÷ {ocr['text_seconds']:.1f} s)"
        rows.append(("(o) scanned sample ÷ text sample", cost, "(cost)", True))
        probe = ocr["probe_seconds"]
        name = f"(o) deciding a scanned page is not the table (its probe; {ocr['probed_pages']} pages of a whole book)"
        rows.append((name, f"{probe:.2f} s", "< 1 s", probe < 1))
        name = f"(o) the whole book scanned ({ocr['whole_pages']} pages) ÷ the scanned sample"
        rows.append((name, f"{ocr['whole_seconds'] / seconds:.2f} ({ocr['whole_seconds']:.0f} s)", "(cost)", True))
        errors = (ocr["name_errors"], ocr["goal_errors"], ocr["indicator_errors"])
        met = errors[0] <= 0.01 and max(errors[1:]) <= 0.02
        rates = "names {:.2%}, goals {:.2%}, indicators {:.2%}".format(*errors)
        rows.append(("(o) character errors against the text (NFKC)", rates, "<= 1 %, 2 %, 2 %", met))
        agree = ocr["same_figures"] and ocr["ocr_marked"]
        name = "(o) one build of the sample and its scan: every project at its place with its amounts; scan marked ocr"
        value = f"{'yes' if agree else 'no'} ({ocr['names_differing']} project names differ)"
        rows.append((name, value, "yes", agree))
        for format_name, got in ocr["formats"].items():
            agree = got["same_figures"] and got["same_indicators"] and got["unflagged"] == 0
            name = f"(o) {format_name} scanned, in the same build: its projects, amounts and indicators"
            value = (
                f"{'yes' if agree else 'no'} ({got['projects']} projects, {got['names_differing']} names differ; "
                f"{got['misread']} of {got['indicators']} targets misread, {got['unflagged']} unflagged; "
                f"{got['flagged']} flagged)"
            )
            rows.append((name, value, "yes, 0 unflagged", agree))

    print(f"\njixiao benchmark, {date.today()}, {args.books} books, {args.subset} timed for (a)/(b)")
    print("| figure | measured | target | met |\n| --- | --- | --- | --- |")
    for name, value, target, met in rows:
        print(f"| {name} | {value} | {target} | {'yes' if met else 'NO'} |")
    return 0 if all(met for *_, met in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
