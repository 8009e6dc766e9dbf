"""A synthetic corpus of budget books for the benchmark: each ~40 pages, 5-10 of them the target table.

Every book is a different edition of the seed document (its own department, year and subset of
projects, totals recomputed), typeset with an embedded TrueType font as real books are (or, for figure (n), in a
font the PDF does not embed), inside a whole book: cover, contents, other dense tables before and after, a section
page.
"""

from __future__ import annotations

import copy
import random
from contextlib import closing
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium

from common.atomic import write_atomic_with
from synth.budget_book import Layout, embedded_font, render_book
from synth.editions import with_totals


def edition(seed: dict, number: int) -> dict:
    rng = random.Random(number)
    book = copy.deepcopy(seed)
    book["document"]["department"] = f"广州市荔湾区人民政府样本{number:04d}街道办事处"
    book["document"]["fiscal_year"] = 2019 + number % 6
    keep = rng.uniform(0.6, 1.0)
    for unit in book["units"]:
        chosen = [p for p in unit["projects"] if rng.random() < keep]
        unit["projects"] = chosen or unit["projects"][:1]
    return with_totals(book)


def make_corpus(seed: dict, folder: Path, books: int, *, embedded: bool = True) -> list[Path]:
    """Write the books that are not there yet (the corpus is kept between runs) and return all paths. ``embedded``
    False: set in the built-in CID font STSong-Light, which is not embedded (as many reporting tools write)."""
    folder.mkdir(parents=True, exist_ok=True)
    layout = Layout(font=embedded_font()) if embedded else Layout()
    paths = []
    for number in range(books):
        path = folder / f"synthetic_book_{number:04d}.pdf"
        if not path.exists():
            pages = random.Random(-number).randint(24, 30)
            render = partial(render_book, edition(seed, number), layout=layout, whole_book=True, other_pages=pages)
            write_atomic_with(path, render)
        paths.append(path)
    return paths


def big_table_book(seed: dict, folder: Path, table_pages: int = 500) -> Path:
    """One book whose table runs to about ``table_pages`` pages (issue 9: a 500-page table in one worker):
    the seed's funding units repeated under new names, totals recomputed, the embedded font as in the corpus.
    Kept in ``folder`` between runs."""
    path = folder / f"table_{table_pages}_pages.pdf"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    layout = Layout(font=embedded_font())
    probe = render_book(seed, folder / ".probe.pdf", layout, cover=False)
    with closing(pdfium.PdfDocument(probe)) as pdf:
        seed_pages = len(pdf)
    probe.unlink()
    book = copy.deepcopy(seed)
    book["units"] = []
    for copy_number in range(-(-table_pages // seed_pages)):
        for unit in copy.deepcopy(seed["units"]):
            unit["name"] = f"{unit['name']}第{copy_number + 1:03d}分部"
            book["units"].append(unit)
    write_atomic_with(path, partial(render_book, with_totals(book), layout=layout, whole_book=True, other_pages=20))
    return path
