"""The synth's scanner (synth/scan.py), which issue 23's scanned books are made with: the pages asked for become
one grey, turned JPEG each with no text left, the others stay as they were, the same book scans to the same pictures,
and a book whose fonts the machine would draw is refused."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from synth.budget_book import Layout, embedded_font, render_book
from synth.scan import DEFAULT_SETTINGS, scan_book
from tests.helpers import SAMPLE_PDF


@pytest.fixture(scope="module")
def text_book(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    return render_book(seed, tmp_path_factory.mktemp("scan") / "embedded.pdf", Layout(font=embedded_font()))


def page_summary(path: Path) -> list[tuple[tuple[float, float], int, list[str]]]:
    """Each page: its size, the characters of its text layer, the kinds of its objects."""
    with closing(pdfium.PdfDocument(path)) as pdf:
        return [
            (
                page.get_size(),
                page.get_textpage().count_chars(),
                [type(o).__name__ for o in page.get_objects()],
            )
            for page in pdf
        ]


def test_scanned_pages_are_images_without_text_and_the_others_are_kept(text_book: Path, tmp_path: Path) -> None:
    scanned = scan_book(text_book, tmp_path / "scanned.pdf", scanned_pages=[2])
    before, after = page_summary(text_book), page_summary(scanned)
    assert [size for size, _, _ in after] == [size for size, _, _ in before]
    assert after[1][1:] == (0, ["PdfImage"]) and before[1][1] > 500
    assert after[0] == before[0] and after[2:] == before[2:]
    with closing(pdfium.PdfDocument(scanned)) as pdf:
        [image] = pdf[1].get_objects()
        pixels, filters = image.get_bitmap().to_pil(), image.get_filters()
    width, height = before[1][0]
    assert pixels.mode == "L" and pixels.size == (round(width * 200 / 72), round(height * 200 / 72))
    assert filters == ["DCTDecode"]
    assert DEFAULT_SETTINGS["dpi"] == 200
    corner = pixels.crop((0, 0, 40, 40)).getextrema()  # paper grey, speckled: not white, not flat
    assert corner[1] < 255 and corner[1] - corner[0] >= 10, corner


def scanned_jpegs(path: Path) -> list[bytes]:
    with closing(pdfium.PdfDocument(path)) as pdf:
        images = [o for page in pdf for o in page.get_objects() if isinstance(o, pdfium.PdfImage)]
        return [bytes(image.get_data(decode_simple=False)) for image in images]


def test_the_same_book_scans_to_the_same_pictures(text_book: Path, tmp_path: Path) -> None:
    """Seeded speckle: what OCR reads does not change from run to run."""
    first = scanned_jpegs(scan_book(text_book, tmp_path / "first.pdf", scanned_pages=[2, 3]))
    assert len(first) == 2 and first[0] != first[1]
    assert scanned_jpegs(scan_book(text_book, tmp_path / "second.pdf", scanned_pages=[2, 3])) == first


def test_a_font_the_book_does_not_embed_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="page 2: a font is not embedded"):
        scan_book(SAMPLE_PDF, tmp_path / "scanned.pdf", scanned_pages=[2])
