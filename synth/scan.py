"""Scanned copies of books, as a photocopier and a scanner make them (issue 23): every page rasterized, turned a
little, greyed, speckled and blurred, JPEG-compressed, and written back as a PDF of images with no text layer.

The source must embed its fonts (``Layout(font=embedded_font())``, the card renderers' ``font=embedded_font()``):
pdfium draws a font the PDF does not embed from the machine's fonts, so the picture, and what OCR reads from it,
would depend on the machine. A page may be left as text (``scanned_pages``), as books whose appendix tables alone
are scanned. ``fax_book`` scans as another machine does, for a reader tuned on these scans to prove itself on:
black and white only, at 300 dpi, written by Pillow's PDF writer (CCITT G4 images) instead of pdfium's JPEGs.

Usage: python -m synth.scan SOURCE.pdf SCANNED.pdf [--dpi 200] [--angle 0.6] [--quarter-turns 1] [--pages 2,3]
       python -m synth.scan SOURCE.pdf SCANNED.pdf --bilevel [--dpi 300] [--angle 0.6]
"""

from __future__ import annotations

import argparse
import io
import random
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import TypedDict

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from extract.page_text import fonts_embedded

DEFAULT_DPI = 200  # what offices scan at; OCR reads 9-point text well from it
DEFAULT_ANGLE = 0.6  # degrees a sheet lies askew on the glass (counter-clockwise positive)
DEFAULT_NOISE = 18  # grey levels of speckle, either way
DEFAULT_BLUR = 0.6  # Gaussian radius in pixels: toner spread and the scanner's optics
DEFAULT_PAPER = 236  # the grey of scanned white paper
DEFAULT_JPEG_QUALITY = 70
FAX_DPI = 300  # a document scanner's black-and-white mode
FAX_THRESHOLD = 150  # grey levels: darker is black
FAX_BORDER = 0.2  # inches: the black band a sheet smaller than the glass leaves along its left side and its foot


class ScanSettings(TypedDict):
    dpi: int
    angle: float
    noise: int
    blur: float
    jpeg_quality: int
    quarter_turns: int  # the sheet laid on its side: 1 a quarter turn counter-clockwise, 3 clockwise, 2 upside down


DEFAULT_SETTINGS = ScanSettings(
    dpi=DEFAULT_DPI,
    angle=DEFAULT_ANGLE,
    noise=DEFAULT_NOISE,
    blur=DEFAULT_BLUR,
    jpeg_quality=DEFAULT_JPEG_QUALITY,
    quarter_turns=0,
)


def scanned_image(page: Image.Image, settings: ScanSettings, rng: random.Random) -> Image.Image:
    """One page as the scanner returns it: grey paper, turned by ``angle`` (the corners filled with paper),
    speckled by ``noise`` grey levels either way (seeded: a book scans the same every time), then blurred."""
    grey = page.convert("L").point(lambda level: level * DEFAULT_PAPER // 255)
    if settings["quarter_turns"] % 4:
        grey = grey.rotate(90 * settings["quarter_turns"], expand=True)
    turned = grey.rotate(settings["angle"], resample=Image.Resampling.BICUBIC, fillcolor=DEFAULT_PAPER)
    amount = settings["noise"]
    speckle = Image.frombytes("L", turned.size, rng.randbytes(turned.size[0] * turned.size[1]))
    speckled = ImageChops.add(
        turned.point(lambda level: max(0, level - amount)), speckle.point(lambda level: level * 2 * amount // 255)
    )
    return speckled.filter(ImageFilter.GaussianBlur(settings["blur"]))


def _picture(source: Path, page: pdfium.PdfPage, number: int, dpi: int) -> Image.Image:
    """Page ``number`` of ``source`` drawn at ``dpi``, refused when a font is not embedded."""
    if not fonts_embedded(page):
        raise ValueError(f"{source} page {number}: a font is not embedded; its picture would be the machine's")
    return page.render(scale=dpi / 72).to_pil()


def scan_book(
    source: Path,
    path: Path,
    settings: ScanSettings = DEFAULT_SETTINGS,
    scanned_pages: Iterable[int] | None = None,
    seed: int = 0,
) -> Path:
    """Write ``source`` scanned to ``path``: the pages numbered (from 1) in ``scanned_pages`` as images, every
    page when None; the others are copied as they are."""
    rng = random.Random(seed)
    with closing(pdfium.PdfDocument(source)) as book, closing(pdfium.PdfDocument.new()) as scanned:
        chosen = set(scanned_pages) if scanned_pages is not None else set(range(1, len(book) + 1))
        for number in range(1, len(book) + 1):
            page = book[number - 1]
            if number not in chosen:
                scanned.import_pages(book, [number - 1])
                continue
            width, height = page.get_size()
            if settings["quarter_turns"] % 2:
                width, height = height, width
            picture = _picture(source, page, number, settings["dpi"])
            image = scanned_image(picture, settings, rng)
            data = io.BytesIO()
            image.save(data, "JPEG", quality=settings["jpeg_quality"])
            jpeg = pdfium.PdfImage.new(scanned)
            jpeg.load_jpeg(data, inline=True)
            jpeg.set_matrix(pdfium.PdfMatrix().scale(width, height))
            new = scanned.new_page(width, height)
            new.insert_obj(jpeg)
            new.gen_content()
        scanned.save(path)
    return path


def fax_book(source: Path, path: Path, dpi: int = FAX_DPI, angle: float = DEFAULT_ANGLE) -> Path:
    """Write ``source`` scanned whole to ``path`` as a black-and-white scanner does: each page turned by ``angle``
    at ``dpi``, every pixel black or white (``FAX_THRESHOLD``: no grey, no speckle, thin strokes broken where the
    turn splits them), a black band along its left side and its foot (``FAX_BORDER``: the glass beyond the sheet),
    the pages written by Pillow as CCITT G4 images. Fonts must be embedded, as for ``scan_book``."""
    pictures = []
    with closing(pdfium.PdfDocument(source)) as book:
        for number, page in enumerate(book, start=1):
            grey = _picture(source, page, number, dpi).convert("L")
            turned = grey.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            band, (width, height) = round(FAX_BORDER * dpi), turned.size
            glass = ImageDraw.Draw(turned)
            glass.rectangle([(0, 0), (band, height)], fill=0)
            glass.rectangle([(0, height - band), (width, height)], fill=0)
            pictures.append(turned.point(lambda level: 255 if level > FAX_THRESHOLD else 0).convert("1"))
    pictures[0].save(path, "PDF", save_all=True, append_images=pictures[1:], resolution=dpi)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("scanned", type=Path)
    parser.add_argument("--dpi", type=int, help=f"default {DEFAULT_DPI}, or {FAX_DPI} with --bilevel")
    parser.add_argument("--angle", type=float, default=DEFAULT_ANGLE)
    parser.add_argument("--quarter-turns", type=int, default=0, help="1 or 3: on their side, 2: upside down")
    parser.add_argument("--bilevel", action="store_true", help="black and white, as fax_book scans")
    parser.add_argument("--pages", help="pages to scan, e.g. 2,3 (default every page)")
    args = parser.parse_args(argv)
    if args.bilevel:
        fax_book(args.source, args.scanned, args.dpi or FAX_DPI, args.angle)
        return 0
    settings = ScanSettings(
        **{**DEFAULT_SETTINGS, "dpi": args.dpi or DEFAULT_DPI, "angle": args.angle, "quarter_turns": args.quarter_turns}
    )
    pages = [int(n) for n in args.pages.split(",")] if args.pages else None
    scan_book(args.source, args.scanned, settings, pages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
