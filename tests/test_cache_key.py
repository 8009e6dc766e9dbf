"""The extraction cache holds a result only while every input that decided it is unchanged (issue 12).

A file's entry, the quality gate's verdicts included, lives under the extractor's fingerprint: its source (the
format readers in ``extract/formats/`` included) and what the gate reads from ``extract.gate.GATE_INPUTS`` (the
indicator grammar in ``dbt_project.yml``; tests/test_formats.py checks the fingerprint itself). The reference
seeds are not among them: the gate checks the indicator cell's shape only, and whether a printed code exists is a
document check dbt runs on every build (tests/test_isolation.py: a code added to the reference seed releases a
document). Here the real command line runs on a copy of the extractor whose grammar an operator edits.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import pytest
from pypdfium2.version import PDFIUM_INFO

from extract import cache
from extract.gate import GATE_INPUTS
from synth.budget_book import render_book
from synth.editions import with_totals
from tests.helpers import REPO

# The dbt project's indicator grammar opens each indicator with its number and 、; a grammar wanting a full stop
# there refuses every indicator the sample prints.
OPENING = r"'(\d+)、(\d+)-"
STRICTER = r"'(\d+)[.](\d+)-"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """A copy of what ``python -m extract`` reads (its source and the helpers it shares, jixiao.env,
    dbt_project.yml) and a folder holding a short book (two projects of one unit: the gate's verdict, not the
    reading, is under test)."""
    root = tmp_path_factory.mktemp("checkout")
    for package in ("extract", "common"):
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("jixiao.env", "dbt_project.yml"):
        shutil.copy(REPO / name, root / name)
    short = copy.deepcopy(seed)
    short["units"] = short["units"][:1]
    short["units"][0]["projects"] = short["units"][0]["projects"][:2]
    (root / "pdf").mkdir()
    render_book(with_totals(short), root / "pdf" / "short_2024.pdf")
    return root


def in_checkout(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *arguments], cwd=root, capture_output=True, text=True, check=False)


def extract(root: Path) -> subprocess.CompletedProcess:
    return in_checkout(root, "-m", "extract", "pdf", "raw", "--reports", "reports", "--cache", "cache", "-j", "1")


@contextmanager
def stricter_grammar(root: Path) -> Iterator[None]:
    """The checkout's dbt_project.yml with the stricter grammar, as an operator would edit it, then as it was."""
    project = root / "dbt_project.yml"
    original = project.read_text(encoding="utf-8")
    project.write_text(original.replace(OPENING, STRICTER), encoding="utf-8")
    try:
        yield
    finally:
        project.write_text(original, encoding="utf-8")


def test_the_gate_reads_only_the_dbt_project_besides_its_source() -> None:
    assert GATE_INPUTS == (REPO / "dbt_project.yml",)
    assert OPENING in (REPO / "dbt_project.yml").read_text(encoding="utf-8")


def test_changing_the_grammar_changes_the_cached_verdict(checkout: Path) -> None:
    first = extract(checkout)
    assert first.returncode == 0, first.stderr
    assert "1 documents (1 extracted, 0 from cache), 0 quarantined" in first.stdout

    with stricter_grammar(checkout):
        stricter = extract(checkout)
    assert stricter.returncode == 1, stricter.stdout
    assert "0 documents (1 extracted, 0 from cache), 1 quarantined" in stricter.stdout, "a fresh cache"
    assert "quality gate: expect_column_values_to_match_regex(indicator_text) failed" in stricter.stderr
    quarantine = (checkout / "raw" / "raw_quarantine.csv").read_text(encoding="utf-8")
    assert "gate_expectation" in quarantine and "short_2024.pdf" in quarantine

    again = extract(checkout)
    assert again.returncode == 0, again.stderr
    assert "1 documents (0 extracted, 1 from cache), 0 quarantined" in again.stdout, "the first verdict, cached"


def test_full_reads_every_cached_refusal_again(checkout: Path) -> None:
    """A refusal is cached like a document, but ``--full`` (``make build FULL=1``) reads the file again: the cause
    may have been outside the file."""
    folder = checkout / "refused"
    folder.mkdir()
    (folder / "not_a_book.pdf").write_text("a page of notes, not a PDF", encoding="utf-8")

    def run(*options: str) -> subprocess.CompletedProcess:
        arguments = ["refused", "raw-refused", "--reports", "reports", "--cache", "cache", "-j", "1", *options]
        return in_checkout(checkout, "-m", "extract", *arguments)

    assert "0 documents (1 extracted, 0 from cache), 1 quarantined" in run().stdout
    cached = run()
    assert "0 documents (0 extracted, 1 from cache), 1 quarantined" in cached.stdout
    assert "not a PDF file (cached)" in cached.stderr
    assert "0 documents (1 extracted, 0 from cache), 1 quarantined" in run("--full").stdout


def test_the_fingerprint_covers_every_extractor_file_and_the_reading_libraries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file beside the code (a template, a font, a model) and each reading library's version are inputs of
    every entry; the machine's fonts are not (nothing of the machine decides an entry: tests/test_machines.py)."""
    source = tmp_path / "extract"
    shutil.copytree(REPO / "extract", source, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "EXTRACTOR_DIRS", (source, REPO / "common"))
    before = cache.extractor_fingerprint()
    (source / "__pycache__").mkdir(exist_ok=True)
    (source / "__pycache__" / "page_text.cpython-311.pyc").write_bytes(b"byte code")
    assert cache.extractor_fingerprint() == before, "not Python's byte code"
    (source / "templates").mkdir()
    (source / "templates" / "national.yml").write_text("labels: [主管部门及代码]\n", encoding="utf-8")
    with_template = cache.extractor_fingerprint()
    assert with_template != before
    versions = cache.reading_versions()
    for library in ("pdfplumber", "pdfminer.six", "pypdfium2", "great-expectations"):
        assert f"{library}=={version(library)}" in versions
    assert f"pdfium=={PDFIUM_INFO}" in versions
    monkeypatch.setattr(cache, "READING_LIBRARIES", (*cache.READING_LIBRARIES, "duckdb"))
    assert cache.extractor_fingerprint() != with_template, "a library read with is an input"
