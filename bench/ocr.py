"""Bench (o), scanned books (issue 23): what OCR costs and what it gets right, on the sample scanned.

The sample is typeset with the embedded font (so its picture is the same on every machine) and scanned by
synth/scan.py, every page; a whole book around it (contents, section page, other dense tables) is scanned too.
Each is read as a build reads it (``read_under_limits``: a spawned worker under the default limits), after a
warm-up that loads the engine, so the text sample and the scans pay the same start. Then one nightly builds a folder
holding the text sample and its scan (the scan under another year in manifest.csv, so both are current) and the
warehouse is asked whether both books publish the same figures: the issue's "done when". The same night holds every
other format (``synth.cards``: each unit's first project) typeset as text and scanned, each scan under its year +
``CARD_SCAN_YEARS_LATER``: each must publish its text copy's projects and amounts, and no annual target other than
the printed one without ``ocr_uncertain``.
"""

from __future__ import annotations

import shutil
import time
import unicodedata
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TypedDict

import duckdb
import pypdfium2 as pdfium

from common.atomic import write_atomic_with
from extract.limits import DEFAULT_LIMITS, read_under_limits
from extract.model import TEXT_OCR, TEXT_PDF
from extract.scanned import probe, shows_a_table
from synth.budget_book import Layout, embedded_font, render_book
from synth.cards import RENDERERS, YEARS
from synth.scan import scan_book
from tests.helpers import character_error_rate

OTHER_PAGES = 20  # dense pages of other tables in the whole book, half before the table and half after
SCANNED_YEAR = 2025  # the scan's year in the folder's manifest.csv (the text sample is 2024)
# The figures both books publish: each project at its place with its amounts, compared exactly (the unit's name by
# NFKC: OCR reads （ where the PDF prints the ASCII "("); project names are counted where they differ.
FIGURES_SQL = """
select unit_name, project_seq, total_amount, fiscal_appropriation, special_account_funds, other_funds, project_name
from marts.fct_project_budget where fiscal_year = ? order by unit_name, project_seq
"""


CARD_PROJECTS = 1  # of each unit, in each format's books: four projects, two to four pages
CARD_SCAN_YEARS_LATER = 40  # a format's scan is published under its text copy's year + this (manifest.csv)
# Each indicator's published annual target, and whether it carries ocr_uncertain.
TARGETS_SQL = """
select p.unit_name, p.project_seq, i.indicator_seq, i.annual_target,
    exists (
        select 1 from marts.fct_indicator_quality_flag as f
        where f.indicator_id = i.indicator_id and f.flag_code = 'ocr_uncertain'
    )
from marts.fct_performance_indicator as i inner join marts.fct_project_budget as p using (project_id)
where i.fiscal_year = ?
"""


class FormatFigures(TypedDict):
    """One format's text copy and scan, as one warehouse publishes them."""

    projects: int  # in the text copy
    same_figures: bool  # the scan publishes every project at its place with its amounts
    names_differing: int  # project names published otherwise than printed (NFKC)
    indicators: int  # in the text copy
    same_indicators: bool  # the scan publishes each of them (its project, its number)
    misread: int  # annual targets published otherwise than printed (NFKC)
    unflagged: int  # of those, without ocr_uncertain: the "never silently wrong" (must be 0)
    flagged: int  # the scan's targets carrying ocr_uncertain


class OcrFigures(TypedDict):
    text_seconds: float  # the text sample read
    scanned_seconds: float  # its scan read (every page an image)
    table_pages: int  # the table's pages in the sample
    probe_seconds: float  # deciding that a scanned page is not the table (its probe), each
    probed_pages: int  # the whole book's pages that are not the table's
    whole_seconds: float  # the whole book read, scanned
    whole_pages: int
    name_errors: float  # character error rates against the text sample, after NFKC
    goal_errors: float
    indicator_errors: float
    same_figures: bool  # the warehouse publishes the same units, projects and amounts for both books
    names_differing: int  # project names published otherwise than printed (their errors are in name_errors)
    ocr_marked: bool  # and says which one OCR read
    formats: dict[str, FormatFigures]  # every other format, scanned (``synth.cards``)


def _books(seed: dict, folder: Path) -> tuple[Path, Path, Path]:
    """The text sample, its scan and a whole book's scan (kept in ``folder`` between runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    layout = Layout(font=embedded_font())
    text, whole = folder / "sample_text.pdf", folder / "whole_text.pdf"
    if not text.exists():  # written whole or not at all: a bench killed mid-write leaves no book to reuse
        write_atomic_with(text, partial(render_book, seed, layout=layout))
    if not whole.exists():
        write_atomic_with(whole, partial(render_book, seed, layout=layout, whole_book=True, other_pages=OTHER_PAGES))
    scanned, whole_scanned = folder / "sample_scanned.pdf", folder / "whole_scanned.pdf"
    for source, target in ((text, scanned), (whole, whole_scanned)):
        if not target.exists():
            write_atomic_with(target, partial(scan_book, source))
    return text, scanned, whole_scanned


def _card_books(seed: dict, folder: Path) -> dict[str, tuple[Path, Path]]:
    """Each format's book typeset as text with the embedded font, and its scan (kept in ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    books = {}
    for name, render in RENDERERS.items():
        text, scanned = folder / f"{name}_text.pdf", folder / f"{name}_scanned.pdf"
        if not text.exists():
            write_atomic_with(text, partial(render, seed, per_unit=CARD_PROJECTS, font=embedded_font()))
        if not scanned.exists():
            write_atomic_with(scanned, partial(scan_book, text))
        books[name] = (text, scanned)
    return books


def _read(path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    entry = read_under_limits(path, DEFAULT_LIMITS)
    return time.perf_counter() - start, entry


def _document(entry: dict, path: Path) -> dict:
    tables = [table["document"] for table in entry.get("tables", []) if "document" in table]
    if len(tables) != 1:
        raise SystemExit(f"bench (o): {path.name} was not read: {entry}")
    return tables[0]


def probe_cost(path: Path, table_pages: list[int]) -> tuple[float, int]:
    """The probe (``extract.scanned.probe``, in this process, the engine loaded) on each page of a scanned
    book outside its table: mean seconds a page, pages. A page it would read whole is an error of the figure."""
    seconds, pages = 0.0, 0
    with closing(pdfium.PdfDocument(path)) as pdf:
        probe(pdf[table_pages[0] - 1])  # the warm-up: the engine loads its models
        for index in range(len(pdf)):
            if index + 1 in table_pages:
                continue
            start = time.perf_counter()
            band = probe(pdf[index])[0]
            seconds += time.perf_counter() - start
            pages += 1
            if shows_a_table(band):
                raise SystemExit(f"bench (o): {path.name} page {index + 1} is not the table, its probe says it is")
    return seconds / max(pages, 1), pages


def _warehouse_agrees(warehouse: Path, text_year: int) -> tuple[bool, int, bool]:
    """Both books' figures in one warehouse: the same projects at their places with the same amounts; how many
    project names differ; whether the scan is marked OCR'd and the text not."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        text, scanned = (connection.execute(FIGURES_SQL, [year]).fetchall() for year in (text_year, SCANNED_YEAR))
        sources = dict(connection.execute("select fiscal_year, text_source from marts.dim_document").fetchall())
    marked = (sources.get(text_year), sources.get(SCANNED_YEAR)) == (TEXT_PDF, TEXT_OCR)

    same = bool(text) and [row[:-1] for row in _nfkc(text)] == [row[:-1] for row in _nfkc(scanned)]
    names = sum(
        unicodedata.normalize("NFKC", a[-1]) != unicodedata.normalize("NFKC", b[-1])
        for a, b in zip(text, scanned, strict=False)
    )
    return same, names, marked


def _nfkc(rows: list[tuple]) -> list[tuple]:
    return [tuple(unicodedata.normalize("NFKC", v) if isinstance(v, str) else v for v in row) for row in rows]


def _format_agrees(warehouse: Path, text_year: int) -> FormatFigures:
    """A format's text copy (``text_year``) and its scan, as the warehouse publishes them."""
    years = (text_year, text_year + CARD_SCAN_YEARS_LATER)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        text, scanned = (_nfkc(connection.execute(FIGURES_SQL, [year]).fetchall()) for year in years)
        printed, read = (
            {tuple(row[:3]): row[3:] for row in _nfkc(connection.execute(TARGETS_SQL, [year]).fetchall())}
            for year in years
        )
    misread = [key for key, (target, _) in read.items() if key in printed and printed[key][0] != target]
    return FormatFigures(
        projects=len(text),
        same_figures=bool(text) and [row[:-1] for row in text] == [row[:-1] for row in scanned],
        names_differing=sum(a[-1] != b[-1] for a, b in zip(text, scanned, strict=False)),
        indicators=len(printed),
        same_indicators=bool(printed) and printed.keys() == read.keys(),
        misread=len(misread),
        unflagged=sum(not read[key][1] for key in misread),
        flagged=sum(flagged for _, flagged in read.values()),
    )


def ocr_figures(seed: dict, folder: Path, build: Callable[[Path, Path, Path], object]) -> OcrFigures:
    """Bench (o). ``build(pdf_dir, warehouse, cache)`` runs a nightly (bench.run's ``_build``)."""
    text, scanned, whole_scanned = _books(seed, folder)
    _read(text)
    _read(scanned)  # the warm-up: the worker imports the engine and loads its models
    text_seconds, text_entry = _read(text)
    scanned_seconds, scanned_entry = _read(scanned)
    whole_seconds, whole_entry = _read(whole_scanned)
    printed, read = _document(text_entry, text), _document(scanned_entry, scanned)
    rows = list(zip(printed["rows"], read["rows"], strict=False))
    whole = _document(whole_entry, whole_scanned)
    probe_seconds, probed_pages = probe_cost(whole_scanned, whole["table_pages"])

    night = folder / "night"
    shutil.rmtree(night, ignore_errors=True)
    pdf_dir = night / "pdf"
    pdf_dir.mkdir(parents=True)
    shutil.copy(text, pdf_dir / "sample_text.pdf")
    shutil.copy(scanned, pdf_dir / "sample_scanned.pdf")
    manifest = [f"sample_scanned.pdf,{SCANNED_YEAR}"]
    for name, (card_text, card_scanned) in _card_books(seed, folder / "formats").items():
        shutil.copy(card_text, pdf_dir / card_text.name)
        shutil.copy(card_scanned, pdf_dir / card_scanned.name)
        manifest.append(f"{card_scanned.name},{YEARS[name] + CARD_SCAN_YEARS_LATER}")
    (pdf_dir / "manifest.csv").write_text("file,fiscal_year\n" + "\n".join(manifest) + "\n", encoding="utf-8")
    warehouse = night / "warehouse" / "jixiao.duckdb"
    build(pdf_dir, warehouse, night / "cache")
    same, names, marked = _warehouse_agrees(warehouse, int(seed["document"]["fiscal_year"]))
    return OcrFigures(
        text_seconds=text_seconds,
        scanned_seconds=scanned_seconds,
        table_pages=len(read["table_pages"]),
        probe_seconds=probe_seconds,
        probed_pages=probed_pages,
        whole_seconds=whole_seconds,
        whole_pages=whole["page_count"],
        name_errors=character_error_rate([(a["cells"][0], b["cells"][0]) for a, b in rows]),
        goal_errors=character_error_rate([(a["cells"][5], b["cells"][5]) for a, b in rows]),
        indicator_errors=character_error_rate([(a["cells"][6], b["cells"][6]) for a, b in rows]),
        same_figures=same and len(printed["rows"]) == len(read["rows"]),
        names_differing=names,
        ocr_marked=marked,
        formats={name: _format_agrees(warehouse, YEARS[name]) for name in RENDERERS},
    )
