"""The real extractor on budget books typeset from the hand-checked seed document."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extract.document import Overrides, extract_document
from extract.model import Document
from synth.budget_book import render_book
from tests.helpers import SAMPLE_PDF, amount, expected_rows


def page_lines(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [line["text"] for page in pdf.pages for line in page.extract_text_lines()]


def test_sample_pdf_is_the_seed_typeset_by_the_repo_script(tmp_path: Path, seed: dict) -> None:
    """data/pdf holds exactly what `make sample` renders, so the sample cannot drift from the seed."""
    rendered = render_book(seed, tmp_path / "sample.pdf")
    assert rendered.read_bytes() == SAMPLE_PDF.read_bytes()


def test_book_reproduces_the_seed_wrapping_quirks(book: Path) -> None:
    """Cells wrap by width alone, as in the seed: mid-number, mid-name, and inside the header cells."""
    lines = page_lines(book)
    wrapped_number = next(
        i
        for i, line in enumerate(lines)
        if line.endswith("对各社区外环境的消杀防控次数；实施周期指标值:≧240次；年度指标值:≧")
    )
    assert lines[wrapped_number + 1].split()[-1].startswith("240次。2、")
    assert any(line.startswith("广州市荔湾区人民政府多宝街道 ") for line in lines)
    assert "办事处" in lines
    assert lines.count("项目支出绩效目标表（含转移支付项目）") >= 7, "the header block repeats on every page"
    assert any(line.startswith("、") or " 、" in line for line in lines), (
        "a line starting with 、 (seed: 5 / 、2-效益指标)"
    )


def test_every_row_and_cell_extracted_exactly(extracted: Document, seed: dict) -> None:
    got = [
        (row.kind, row.cells[0], *(amount(a) for a in row.cells[1:5]), row.cells[5], row.cells[6])
        for row in extracted.rows
    ]
    want = expected_rows(seed)
    assert len(got) == len(want) == 1 + 4 + 53
    for got_row, want_row in zip(got, want, strict=True):
        assert got_row == want_row


def test_amounts_kept_as_printed(extracted: Document) -> None:
    assert extracted.rows[0].cells[1:5] == ["3,473.60", "3,473.60", "", ""]


def test_header_block_and_cover_give_the_document(extracted: Document, book: Path) -> None:
    assert extracted.department_name == "广州市荔湾区人民政府多宝街道办事处"
    assert extracted.amount_unit == "万元"
    assert extracted.table_title == "项目支出绩效目标表（含转移支付项目）"
    assert (extracted.fiscal_year, extracted.fiscal_year_source) == (2024, "cover")
    assert extracted.table_pages[0] == 2, "page 1 is the cover"
    assert extracted.rows[0].page_start == 2
    assert extracted.rows[-1].page_start == extracted.table_pages[-1]


def test_every_character_of_the_table_lands_in_a_cell(extracted: Document, seed: dict) -> None:
    """Counted independently: the printed characters of the seed's cells, against the PDF's table region."""
    printed = sum(len(cell or "") for row in expected_rows(seed) for cell in row[1:])
    amounts_with_separators = sum(len(c) for row in extracted.rows for c in row.cells[1:5])
    amounts_without = sum(len(row[i] or "") for row in expected_rows(seed) for i in range(2, 6))
    printed += amounts_with_separators - amounts_without  # the thousands separators the book prints
    assert extracted.table_chars == extracted.cell_chars == printed


@pytest.mark.parametrize(
    ("title", "cover", "file_name", "manifest", "year", "source"),
    [
        ("2025年项目支出绩效目标表（含转移支付项目）", True, "book.pdf", None, 2025, "table_title"),
        ("项目支出绩效目标表", False, "duobao_2023.pdf", None, 2023, "file_name"),
        ("项目支出绩效目标表（含转移支付项目）", True, "duobao_2023.pdf", None, 2024, "cover"),
        ("2025年项目支出绩效目标表（含转移支付项目）", True, "book.pdf", 2026, 2026, "manifest"),
        ("项目支出绩效目标表", False, "book.pdf", None, None, ""),
    ],
)
def test_fiscal_year_sources_in_order(
    tmp_path: Path, seed: dict, title: str, cover: bool, file_name: str, manifest: int | None, year, source
) -> None:
    path = render_book(seed, tmp_path / file_name, cover=cover, title=title)
    document = extract_document(path, Overrides(fiscal_year=manifest))
    assert (document.fiscal_year, document.fiscal_year_source) == (year, source)
    assert document.table_title == title
    assert len(document.rows) == 58
