"""A synthetic corpus of budget books for the benchmark: each ~40 pages, 5-10 of them the target table.

Every book is a different edition of the seed document (its own department, year and subset of
projects, totals recomputed), typeset with an embedded TrueType font as real books are, inside a
whole book: cover, contents, other dense tables before and after, a section page.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

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


def make_corpus(seed: dict, folder: Path, books: int) -> list[Path]:
    """Write the books that are not there yet (the corpus is kept between runs) and return all paths."""
    folder.mkdir(parents=True, exist_ok=True)
    layout = Layout(font=embedded_font())
    paths = []
    for number in range(books):
        path = folder / f"synthetic_book_{number:04d}.pdf"
        if not path.exists():
            other_pages = random.Random(-number).randint(24, 30)
            partial = path.with_name(f".{path.name}.partial")
            render_book(edition(seed, number), partial, layout, whole_book=True, other_pages=other_pages)
            partial.rename(path)
        paths.append(path)
    return paths
