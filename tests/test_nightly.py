"""Nightly runs: every core, shards, a book held back alone, a writer named in one line (nights one after another:
tests/test_incremental.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import Shard, pdf_files
from synth.budget_book import render_book
from synth.editions import next_year_edition
from tests.helpers import REPO, SAMPLE_PDF
from tests.nights import Night


@pytest.fixture
def nightly(tmp_path: Path) -> Iterator[Night]:
    """A nightly's folders, built with every core as make build does."""
    night = Night(tmp_path, jobs=None)
    yield night
    night.close()


def test_a_book_that_does_not_add_up_is_held_back_alone(nightly: Night, seed: dict, published_sample: Night) -> None:
    """Isolate documents, not builds: the anomalous book is held back with its reason, the others publish, and
    the build exits 1 with the held-back file named in one line of its summary."""
    nightly.start_from(published_sample)
    broken = next_year_edition(seed)
    broken["units"][1]["total"] = broken["units"][1]["fiscal_appropriation"] = "99.99"  # not its projects' sum
    render_book(broken, nightly.pdf_dir / "synthetic_2025.pdf")
    held = nightly.build()
    assert held.returncode == 1, held.stderr
    assert "Traceback" not in held.stdout + held.stderr
    assert nightly.documents() == [(SAMPLE_PDF.name,)]
    lines = [line for line in held.stdout.splitlines() if line.strip().startswith("synthetic_2025.pdf:")]
    assert len(lines) == 1 and "reason(s), first:" in lines[0] and "printed" in lines[0], held.stdout
    assert not list(nightly.warehouse.parent.glob(".*.building"))


def test_a_writer_holding_the_warehouse_is_named_in_one_line(
    nightly: Night, seed: dict, published_sample: Night
) -> None:
    nightly.start_from(published_sample)
    render_book(next_year_edition(seed), nightly.pdf_dir / "synthetic_2025.pdf")
    with duckdb.connect(str(nightly.warehouse)):  # another process writing: this one, for the test
        refused = nightly.build()
    assert refused.returncode != 0
    message = [line for line in refused.stderr.splitlines() if "locked for writing by another process" in line]
    assert len(message) == 1 and str(nightly.warehouse) in message[0]
    assert nightly.documents() == [(SAMPLE_PDF.name,)]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """Six different books (years 2019-2024)."""
    folder = tmp_path_factory.mktemp("corpus")
    for year in range(2019, 2025):
        edition = {**seed, "document": {**seed["document"], "fiscal_year": year}}
        render_book(edition, folder / f"book_{year}.pdf")
    return folder


def _extract(pdf_dir: Path, out_dir: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "extract", str(pdf_dir), str(out_dir), "--cache", str(cache)]
    command += ["--reports", str(out_dir / "reports"), *extra]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _seeds(out_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out_dir.glob("*.csv"))}


def test_parallel_extraction_writes_what_serial_does(small_corpus: Path, tmp_path: Path) -> None:
    _extract(small_corpus, tmp_path / "serial", tmp_path / "cache1", "-j", "1")
    _extract(small_corpus, tmp_path / "parallel", tmp_path / "cache2", "-j", "2")
    assert _seeds(tmp_path / "serial") == _seeds(tmp_path / "parallel")
    assert _seeds(tmp_path / "serial")["raw_documents.csv"].count("\n") == 1 + 6


def test_shards_split_the_corpus_and_combine_through_the_cache(small_corpus: Path, tmp_path: Path) -> None:
    shares = [set(pdf_files(small_corpus, Shard(i, 3))) for i in (1, 2, 3)]
    assert set().union(*shares) == set(pdf_files(small_corpus)) and sum(map(len, shares)) == 6
    assert shares == [set(pdf_files(small_corpus, Shard(i, 3))) for i in (1, 2, 3)], "deterministic"
    cache = tmp_path / "cache"  # one shared cache, filled by three machines
    for i in (1, 2, 3):
        _extract(small_corpus, tmp_path / f"shard{i}", cache, "--shard", f"{i}/3")
    combined = _extract(small_corpus, tmp_path / "all", cache)
    assert "6 documents (0 extracted, 6 from cache)" in combined.stdout
    _extract(small_corpus, tmp_path / "cold", tmp_path / "cold_cache")
    assert _seeds(tmp_path / "all") == _seeds(tmp_path / "cold")


@pytest.mark.parametrize(
    ("raw_seeds", "words"),
    [("/tmp/raw", "inside the project"), ("../raw", "inside the project"), ("seeds/raw", "not be under seeds/")],
)
def test_raw_seeds_outside_the_project_or_under_seeds_are_refused_in_one_line(
    tmp_path: Path, raw_seeds: str, words: str
) -> None:
    """dbt reads RAW_SEEDS as a seed path: an absolute one, one above the project, or one under seeds/ (found
    twice) would fail deep inside dbt; the build refuses it before anything runs, naming the setting."""
    warehouse = tmp_path / "warehouse.duckdb"
    command = [sys.executable, "-m", "nightly.build", "build", "--pdf-dir", str(tmp_path)]
    command += ["--warehouse", str(warehouse)]
    done = subprocess.run([*command, "--raw-seeds", raw_seeds], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "RAW_SEEDS" in done.stderr and words in done.stderr
    assert not warehouse.exists() and not (REPO / raw_seeds).exists()
