"""Every layout of the table that real books use extracts to exactly the seed document."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import extract_document
from synth.budget_book import Layout, render_book
from tests.helpers import amount, expected_rows

VARIANTS = {
    "ruled-landscape": dict(layout=Layout()),
    "unruled": dict(layout=Layout(ruled=False)),
    "wider-columns-larger-font": dict(
        layout=Layout(font_size=8.0, name_width=11.0, amount_width=5.0, goal_width=20.0, indicator_width=40.0)
    ),
    "portrait-small-font": dict(
        layout=Layout(
            landscape=False, font_size=5.5, name_width=12.0, amount_width=5.2, goal_width=19.0, indicator_width=38.0
        )
    ),
    "unruled-portrait": dict(
        layout=Layout(
            landscape=False,
            ruled=False,
            font_size=5.5,
            name_width=12.0,
            amount_width=5.2,
            goal_width=19.0,
            indicator_width=38.0,
        )
    ),
    "amounts-left-no-separators-no-indent": dict(
        layout=Layout(amount_align="left", thousands_separator=False, project_indent=0.0)
    ),
    "rows-split-across-pages": dict(layout=Layout(split_rows=True)),
    "unruled-rows-split-across-pages": dict(layout=Layout(ruled=False, split_rows=True)),
    "whole-book-with-decoys": dict(layout=Layout(), whole_book=True),
    "title-with-year-without-transfer-note": dict(layout=Layout(), title="2024年项目支出绩效目标表"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_extracts_exactly(tmp_path: Path, seed: dict, variant: str) -> None:
    path = render_book(seed, tmp_path / f"{variant}.pdf", **VARIANTS[variant])
    document = extract_document(path)
    got = [
        (row.kind, row.cells[0], *(amount(a) for a in row.cells[1:5]), row.cells[5], row.cells[6])
        for row in document.rows
    ]
    assert got == expected_rows(seed)
    assert document.department_name == seed["document"]["department"]
    assert document.fiscal_year == 2024
    assert document.table_chars == document.cell_chars
    if "split" in variant:
        assert sum(row.page_start != row.page_end for row in document.rows) >= 3, "rows do continue on the next page"
