"""Which characters a clipping path hides, and the cell each belongs to.

A spreadsheet printed to PDF draws a merged cell split by a page break on both pages: the whole text each time,
clipped to the part of the cell on that page (``q x y w h re W n BT … ET Q``), so the hidden part is still in the
content stream. pdfplumber, like pdfminer, sees every character and no clipping path; read that way the hidden
lines are text outside the table's cells. ``read_with_clips`` lays the page out as pdfplumber does while tracking
the clipping rectangle in force for each character (pdfminer's interpreter, with ``W`` and ``q``/``Q`` followed),
and records it as the character's ``clip``. A character drawn outside its clipping rectangle is hidden; the
rectangle says which cell it was drawn for (``position``), so the cell's text is whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pdfplumber.page as plumber_page
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

CLIP = "clip"
# pdfplumber copies into a character's dict only the attributes it lists (it adds ``mcid`` the same way).
plumber_page.ALL_ATTRS.add(CLIP)

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1, PDF space as pdfminer lays the page out
HIDDEN_TOLERANCE = 0.5  # points: a character whose middle lies this far outside its clip is hidden


class _Clip:
    """The clipping rectangle in force (None: the whole page), shared by the interpreter and the device."""

    current: Rect | None = None


def _intersect(a: Rect, b: Rect) -> Rect:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


class _Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter, following the clipping path: ``W``/``W*`` intersect the current path's bounding
    box (in device space) with the clip in force; ``q`` saves it and ``Q`` restores it."""

    def __init__(self, rsrcmgr: Any, device: Any, clip: _Clip) -> None:
        super().__init__(rsrcmgr, device)
        self.clip = clip
        self.saved: list[Rect | None] = []

    def dup(self) -> _Interpreter:
        return _Interpreter(self.rsrcmgr, self.device, self.clip)

    def do_q(self) -> None:
        self.saved.append(self.clip.current)
        super().do_q()

    def do_Q(self) -> None:
        if self.gstack and self.saved:
            self.clip.current = self.saved.pop()
        super().do_Q()

    def do_W(self) -> None:
        self._clip()

    def do_W_a(self) -> None:
        self._clip()

    def _clip(self) -> None:
        points = [apply_matrix_pt(self.ctm, (s[-2], s[-1])) for s in self.curpath if len(s) >= 3]
        if not points:
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        rect = (min(xs), min(ys), max(xs), max(ys))
        self.clip.current = rect if self.clip.current is None else _intersect(self.clip.current, rect)


class _Device(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, recording on each character the clipping rectangle in force when it was drawn."""

    def __init__(self, rsrcmgr: Any, pageno: int, laparams: Any, clip: _Clip) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=laparams)
        self.clip = clip

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv = super().render_char(*args, **kwargs)
        if self.cur_item._objs:
            self.cur_item._objs[-1].clip = self.clip.current  # type: ignore[attr-defined]
        return adv


def read_with_clips(page: Page) -> None:
    """Lay the page out with the clip of every character recorded (before anything reads ``page.chars``)."""
    clip = _Clip()
    device = _Device(page.pdf.rsrcmgr, page.page_number, page.pdf.laparams, clip)
    _Interpreter(page.pdf.rsrcmgr, device, clip).process_page(page.page_obj)
    page._layout = device.get_result()  # what pdfplumber's ``Page.layout`` would compute, with the clips


def clip_box(char: Mapping[str, Any], page: Page) -> tuple[float, float, float, float] | None:
    """The character's clipping rectangle as (x0, top, x1, bottom) in pdfplumber's coordinates, or None."""
    rect = char.get(CLIP)
    if not rect:
        return None
    mb_x0, mb_top = page.mediabox[:2]
    return (rect[0] + mb_x0, page.height - rect[3] + mb_top, rect[2] + mb_x0, page.height - rect[1] + mb_top)


def hiding_clip(char: Mapping[str, Any], page: Page) -> tuple[float, float, float, float] | None:
    """The clipping rectangle that hides the character (its middle lies outside it), or None when it is shown."""
    box = clip_box(char, page)
    if box is None:
        return None
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    shown = box[0] - HIDDEN_TOLERANCE <= x <= box[2] + HIDDEN_TOLERANCE
    shown = shown and box[1] - HIDDEN_TOLERANCE <= y <= box[3] + HIDDEN_TOLERANCE
    return None if shown else box
