"""Every page's plain text, the same on every machine: what finding the table and detecting its format read.

pdfium (pypdfium2) gives a page's text in next to no time, but where the PDF does not embed a font it lays the
characters out with a font of the machine's, and without a CJK one it drops characters (the sample's non-embedded
STSong-Light lost the wrapped '款' of 财政专户拨款 on a server without Chinese fonts, and every page of its table
with it). pdfminer (pdfplumber), which reads the cells, maps character codes to text from the PDF's own encodings
and the CMaps it ships, whatever fonts the machine has. So a page's text comes from:

- pdfium, when every font its text uses is embedded: the file alone then decides the text;
- pdfminer, when any is not, its characters joined in content order as pdfium joins them (a line break where the
  baseline moves, a space at a gap), so that both read a page the same way.

pdfium is also handed a font source of no fonts (``FPDF_SetSystemFontInfo``) before any document is opened, so it
never consults the machine's fonts, wherever it lays out a page. Neither engine reads a font file of the machine:
the extractor needs no fonts. docs/architecture.md, "One answer on every machine".
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Iterable, Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from .model import ExtractionError
from .pdfobjects import Char
from .tolerances import DEFAULT_LINE_TOLERANCE, DEFAULT_WORD_GAP


def _no_fonts() -> Any:
    """An ``FPDF_SYSFONTINFO`` that knows no fonts: pdfium falls back to the fonts built into it (the standard 14),
    the same on every machine. Kept alive for the process: pdfium holds the pointer."""
    fields = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)
    info = pdfium_c.FPDF_SYSFONTINFO()
    info.version = 1
    info.Release = fields["Release"](lambda this: None)
    info.EnumFonts = fields["EnumFonts"](lambda this, mapper: None)
    info.MapFont = fields["MapFont"](lambda this, weight, italic, charset, pitch, face, exact: None)
    info.GetFont = fields["GetFont"](lambda this, face: None)
    info.GetFontData = fields["GetFontData"](lambda this, font, table, buffer, size: 0)
    info.GetFaceName = fields["GetFaceName"](lambda this, font, buffer, size: 0)
    info.GetFontCharset = fields["GetFontCharset"](lambda this, font: 0)
    info.DeleteFont = fields["DeleteFont"](lambda this, font: None)
    pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(info))
    return info


_FONT_SOURCE = _no_fonts()  # on import: before this process opens any document


def _text_objects(objects: Iterator[Any]) -> Iterator[Any]:
    """The text objects among page objects, those inside form XObjects included."""
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            yield obj
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            count = pdfium_c.FPDFFormObj_CountObjects(obj)
            yield from _text_objects(pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(count))


def fonts_embedded(page: pdfium.PdfPage) -> bool:
    """Every font the page's text is set in is embedded in the file (a page without text: True)."""
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    verdicts: dict[int | None, bool] = {}  # by font handle: a page sets thousands of texts in a few fonts
    for obj in _text_objects(pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(count)):
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key not in verdicts:
            verdicts[key] = bool(font) and bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
        if not verdicts[key]:
            return False
    return True


def content_order_text(chars: list[Char]) -> str:
    """Characters in content order joined as pdfium joins them: a line break where a character leaves the previous
    one's line (its top moves by ``DEFAULT_LINE_TOLERANCE`` of a size, or it starts left of it), a space where it
    starts more than ``DEFAULT_WORD_GAP`` of a size after the previous one ends."""
    parts: list[str] = []
    previous: Char | None = None
    for char in chars:
        if previous is not None:
            size = max(min(char["size"], previous["size"]), 1.0)
            moved = abs(char["top"] - previous["top"]) >= size * DEFAULT_LINE_TOLERANCE
            if moved or char["x0"] < previous["x0"]:
                parts.append("\n")
            elif char["x0"] - previous["x1"] > size * DEFAULT_WORD_GAP:
                parts.append(" ")
        parts.append(char["text"])
        previous = char
    return "".join(parts)


def _pdfium_text(pdf: pdfium.PdfDocument, index: int) -> str | None:
    """The page's text from pdfium, or None when a font it uses is not embedded. A page pdfium cannot load (a
    damaged page object) refuses the file, naming the page."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError as error:
        raise ExtractionError(f"page {index + 1} cannot be read ({error})", index + 1, "damaged_pdf") from None
    try:
        if not fonts_embedded(page):
            return None
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


class _CharsOnly(PDFPageAggregator):
    """pdfminer's page aggregator without the drawings: a page's text needs only its characters."""

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        return None

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        return None


def _chars(items: Iterable[Any], height: float) -> Iterator[Char]:
    """pdfminer's characters in content order (those of form XObjects where they are drawn), as ``Char``s."""
    for item in items:
        if isinstance(item, LTChar):
            yield Char(
                text=item.get_text(),
                x0=item.x0,
                x1=item.x1,
                top=height - item.y1,
                bottom=height - item.y0,
                size=item.size,
            )
        elif isinstance(item, LTContainer):
            yield from _chars(item, height)


def _pdfminer_texts(data: bytes, indexes: set[int]) -> dict[int, str]:
    """The pages' (0-based ``indexes``) text from pdfminer's characters, interpreting only those pages."""
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    resources = PDFResourceManager(caching=True)
    device = _CharsOnly(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    texts = {}
    for index, page in enumerate(PDFPage.create_pages(document)):
        if index in indexes:
            interpreter.process_page(page)
            layout = device.get_result()
            texts[index] = content_order_text(list(_chars(layout, layout.y1)))
        if len(texts) == len(indexes):
            break
    return texts


def page_texts(pdf: pdfium.PdfDocument, data: bytes) -> list[str]:
    """Every page's plain text (``pdf`` opened from ``data``), from the engine whose answer does not depend on the
    machine for that page."""
    texts = [_pdfium_text(pdf, index) for index in range(len(pdf))]
    unembedded = {index for index, text in enumerate(texts) if text is None}
    if unembedded:
        for index, text in _pdfminer_texts(data, unembedded).items():
            texts[index] = text
    return [text or "" for text in texts]
