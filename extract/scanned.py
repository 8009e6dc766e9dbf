"""Scanned pages (issue 23): a page whose text is a picture becomes the same characters and rulings a text page
gives, so every reader, check and model downstream is shared.

A page with no text layer is rendered (``DEFAULT_OCR_DPI``), straightened (the angle of its longest ruled lines),
its ruled lines found in the picture (``page.edges``) and its text read by RapidOCR (PP-OCRv4 models shipped in
the wheel: nothing is downloaded). OCR gives each text line a box, a text and a score, and each character a box;
each character becomes a ``Char`` in PDF points carrying its line's score as ``confidence``.

Cost: OCR is ~10 s for a dense table page on 2 cores, so a page is read whole only when it may hold the table:
its top band (``DEFAULT_PROBE_BAND``) is read first and must name the table or show its column labels; pages
between or after such pages are read when the reader asks for them (``ScannedBook.page``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypedDict

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table, TableFinder
from pdfplumber.utils import extract_words

from .model import OCR_PROBE, OCR_WHOLE_PAGE, ExtractionError, OcrStep
from .pdfobjects import Char, Edge

DEFAULT_OCR_DPI = 200  # what offices scan at; the engine reads 9-point text well from it
DEFAULT_PROBE_BAND = 0.3  # the top part of a page read to decide whether the page may hold the table
DEFAULT_PROBE_SCALE = 0.6  # the probe reads the band at this fraction of DEFAULT_OCR_DPI
PROBE_MAX_SIDE = 2000  # pixels: the probe's band is detected at its own size up to this (``_detection_as_is``)
DEFAULT_MAX_SKEW = 10.0  # degrees: a page turned more, short of a quarter turn (``probe``), is read as it lies
DEFAULT_STANDING_SHARE = 0.5  # a page lies a quarter turned when more of its text lines than this stand up
DEFAULT_STANDING_RATIO = 1.5  # a line stands up when its box is this much taller than wide (the engine's own rule)
# The engine's own floor: a line read with a lower score is dropped. A page read the wrong way up reads only such
# lines, so whether its lines stand up is decided on every line the detector found (read with a floor of 0).
ENGINE_TEXT_SCORE = 0.5
# A band or page that reads fewer sure lines than this, or sure lines fewer than half the lines found, may lie upside
# down (``illegible``): upside down the engine finds the lines and reads them poorly, and a sheet fed the wrong way
# round shows the probe its foot, often blank.
DEFAULT_LEGIBLE_LINES = 3
DEFAULT_SKEW_STEP = 0.2  # degrees between the turns tried first; each of two refinements tries ten times finer
DEFAULT_SKEW_WIDTH = 1000  # pixels: the skew is measured on a copy this wide
DEFAULT_RULING_LENGTH = 0.04  # of the page's width (height for vertical rulings): shorter strokes are text
# Points: a shorter upright stroke than DEFAULT_RULING_LENGTH is a ruling when it is this long and runs from one
# horizontal ruling to another (``_joins``): the side of a card's one-line cell (13 to 15 points in the formats'
# books; the long-ruling floor is 34 on A4). A glyph's stroke is shorter than its font size.
DEFAULT_CELL_SIDE = 12.0
DEFAULT_JOIN = 3  # pixels: how near a horizontal ruling a cell's side ends
DEFAULT_INK_CONTRAST = 40  # grey levels ink is darker than the paper at least (synth.scan's speckle is 18 either way)
# Points: ink solid this much both ways that touches the picture's edge is the scanner's lid or the sheet's shadow, not
# print (a 9-point glyph's strokes are under 1 point, a ruling under 1.5, a bold title's under 2).
DEFAULT_BORDER_SIDE = 4.0
DEFAULT_MIN_INK = 40  # pixels of ink (at DEFAULT_OCR_DPI) a mark needs to be text: specks and dust are smaller
DEFAULT_INK_MARGIN = 4  # pixels around an OCR line's box its own glyphs may reach
DEFAULT_REREAD_MARGIN = 12  # pixels of paper around missed ink when it is read again on its own
DEFAULT_CHAR_SIZE = 0.8  # a character's font size as a share of its OCR line box's height
DEFAULT_WORD_GAP = 0.5  # of a line's height: a narrower gap between two of the engine's words in one line is none
# OCR boxes of one font size differ by up to a third (digits, brackets, noise): a line is set larger (a title)
# only when its box is this much taller than the page's usual one.
DEFAULT_OCR_TITLE_RATIO = 1.45
# What a probe must show for its page to be read whole (``locate.page_kind``): the title above the column labels, or
# the labels alone (a continuation page). A title alone (a contents or section page) is not read whole.
PROBE_READS_WHOLE = ("title", "header")


Box = tuple[int, int, int, int]  # x, y, width, height in pixels


class OcrLine(TypedDict):
    """One line the engine read: its text, its score (0 to 1), a box per character and the detector's box around
    the line (read or not: a line read the wrong way up has no text), in pixels."""

    text: str
    score: float
    boxes: list[tuple[float, float, float, float]]  # x0, top, x1, bottom per character of text
    frame: tuple[float, float, float, float]  # x0, top, x1, bottom


@cache
def _engine() -> Any:
    """The OCR engine, loaded once a process (its models take ~1 s to load)."""
    from rapidocr_onnxruntime import RapidOCR  # imported late: only books with scanned pages need it

    return RapidOCR()


def _run_engine(image: np.ndarray, **options: Any) -> Any:
    """The engine on one picture. onnxruntime reports a failed allocation (under the per-file memory limit) as its
    own error, which RapidOCR wraps in another: that is running out of memory, for the limits to report.

    The engine's line classifier (``use_cls``: turns a line it judges upside down) is off: pages are straightened
    before they are read, and it cost a second of the 9 a table page takes (measured on the scanned sample)."""
    try:
        return _engine()(image, use_cls=False, **options)
    except MemoryError:
        raise
    except Exception as error:
        messages = f"{error} {error.__cause__ or ''}".lower()
        if "alloc" in messages:
            raise MemoryError from None
        raise


@contextmanager
def _detection_as_is() -> Iterator[None]:
    """The engine's text detector on pictures at their own size (up to ``PROBE_MAX_SIDE``). By default it scales a
    picture up until its short side is 736 pixels (its config's ``Det.limit_type: min``): a probe's band, 300 pixels
    high, became 3,500 wide and detection cost three times as much for the same lines (measured on a scanned whole
    book: a page that is not the table cost 0.2 to 1.1 s instead of 1.3 to 2.1 s, each page's kind the same). The
    detector reads both settings at each call (rapidocr-onnxruntime 1.4.4, pinned)."""
    detector = _engine().text_det
    saved = detector.limit_type, detector.limit_side_len
    detector.limit_type, detector.limit_side_len = "max", PROBE_MAX_SIDE
    try:
        yield
    finally:
        detector.limit_type, detector.limit_side_len = saved


def image_only(page: pdfium.PdfPage) -> bool:
    """The page prints no text but holds a picture: a scanned page."""
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    kinds = {pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i)) for i in range(count)}
    return pdfium_c.FPDF_PAGEOBJ_IMAGE in kinds and pdfium_c.FPDF_PAGEOBJ_TEXT not in kinds


def render(page: pdfium.PdfPage, dpi: float = DEFAULT_OCR_DPI) -> np.ndarray:
    """The page as grey levels (0 black, 255 white) at ``dpi``."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        return np.array(bitmap.to_pil().convert("L"))
    finally:
        bitmap.close()


def _ink(grey: np.ndarray) -> np.ndarray:
    """Dark pixels as 255, paper as 0: Otsu's threshold (scanned paper is grey, not white), but never within
    ``DEFAULT_INK_CONTRAST`` of the paper's grey. On a blank page or band Otsu splits the paper's own speckle, and
    half of it became ink: its skew was then measured on speckle, and a blank leaf inside a table was turned 10°,
    its page number read as ``3.`` twice and put in a cell."""
    import cv2

    otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, ink = cv2.threshold(grey, min(otsu, float(np.median(grey)) - DEFAULT_INK_CONTRAST), 255, cv2.THRESH_BINARY_INV)
    return ink


def without_border(grey: np.ndarray, scale: float) -> np.ndarray:
    """The picture with the dark border a scanner leaves along its edges painted in the paper's grey (``scale``:
    points a pixel): ink solid ``DEFAULT_BORDER_SIDE`` both ways that touches the picture's edge, and its blurred rim.
    Left in, a border along the foot and one along the side made one stroke over the whole page, which was painted
    out with everything on it; and it is no text, so it would refuse the page as ink OCR could not read."""
    import cv2

    side = max(round(DEFAULT_BORDER_SIDE / scale), 3)
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    solid = cv2.morphologyEx(_ink(grey), cv2.MORPH_OPEN, square, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    height, width = grey.shape
    edge = [i for i, (x, y, w, h, _) in enumerate(stats) if i and (min(x, y) == 0 or x + w == width or y + h == height)]
    if not edge:
        return grey
    border = cv2.dilate(np.isin(labels, edge).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    clean = grey.copy()
    clean[border] = int(np.median(grey[~border]))
    return clean


def _long(ink: np.ndarray, horizontal: bool) -> int:
    """Pixels: a stroke this long is a ruling (``DEFAULT_RULING_LENGTH`` of the page's width or height)."""
    height, width = ink.shape
    return max(int((width if horizontal else height) * DEFAULT_RULING_LENGTH), 10)


def _stroke_mask(ink: np.ndarray, horizontal: bool, length: int | None = None) -> np.ndarray:
    """The ink of straight strokes at least ``length`` pixels long (``_long`` by default): what survives an opening
    by a line that long. Beyond the picture is paper: by OpenCV's default it is ink to an erosion, and a scanner's
    dark border along the foot (30 pixels high) survived as an upright stroke the page wide, which joined the
    border along its side into one box over the whole page: painted out, the page read nothing."""
    import cv2

    length = length or _long(ink, horizontal)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    eroded = cv2.erode(ink, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(eroded, kernel)


def _strokes(ink: np.ndarray, horizontal: bool, length: int | None = None) -> list[Box]:
    """Straight strokes at least ``length`` pixels long (``_long`` by default), as boxes x, y, width, height."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(_stroke_mask(ink, horizontal, length), connectivity=8)
    return [tuple(int(v) for v in stats[i][:4]) for i in range(1, count)]  # type: ignore[misc]


def _joins(stroke: Box, rows: list[Box]) -> bool:
    """A short upright stroke runs from one horizontal ruling to another (within ``DEFAULT_JOIN`` pixels): a
    cell's side (a glyph's stroke keeps a cell's padding from the rulings)."""
    x, y, width, height = stroke
    middle = x + width / 2

    def meets(end: int) -> bool:
        return any(
            left <= middle <= left + length and top - DEFAULT_JOIN <= end <= top + thickness + DEFAULT_JOIN
            for left, top, length, thickness in rows
        )

    return meets(y) and meets(y + height)


def unread_ink(grey: np.ndarray, lines: list[OcrLine], rules: list[Box]) -> list[Box]:
    """Ink no OCR line covers, as boxes x, y, width, height in pixels: text the engine's detector missed (a word
    alone in a cell is sometimes not seen). The ``rules`` (``_ruling_boxes``) and the blur around them are not
    text; specks of less than ``DEFAULT_MIN_INK`` pixels are dust; characters closer than a character's width are
    one box."""
    import cv2

    ink = _ink(grey)
    ruled = np.zeros_like(ink)
    for x, y, width, height in rules:
        ruled[y : y + height, x : x + width] = 255
    ink[cv2.dilate(ruled, np.ones((5, 5), np.uint8)) > 0] = 0
    for line in lines:
        if line["boxes"]:
            x0, top, x1, bottom = (int(v) for v in _extent(line))
            margin = DEFAULT_INK_MARGIN
            ink[max(top - margin, 0) : bottom + margin, max(x0 - margin, 0) : x1 + margin] = 0
    joined = cv2.dilate(ink, np.ones((3, 25), np.uint8))  # a line's characters, not the next line
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for i in range(1, count):
        x, y, width, height = (int(v) for v in stats[i][:4])
        if (
            np.count_nonzero(ink[y : y + height, x : x + width][labels[y : y + height, x : x + width] == i])
            >= DEFAULT_MIN_INK
        ):
            found.append((x, y, width, height))
    return found


def _recognized(crop: np.ndarray) -> tuple[str, float]:
    """The engine's recognizer alone on a crop holding one line of text (no detection): its text and score."""
    import cv2

    result, _ = _run_engine(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, text_score=ENGINE_TEXT_SCORE)
    text, score = (result or [["", 0.0]])[0]
    return str(text).strip(), float(score)


def _inside(line: OcrLine, left: int, top: int, box: tuple[int, int, int, int]) -> OcrLine:
    """A line read from a crop whose corner is at ``left``, ``top``, in page pixels, keeping only the characters
    centred in ``box`` (x, y, width, height): the crop's margin takes in the edge of glyphs already read, which the
    engine reads again (``值：`` for the ``≧`` after ``实施周期指标值：``, seen on the scanned sample)."""
    x, y, width, height = box
    kept = [
        (character, (b[0] + left, b[1] + top, b[2] + left, b[3] + top))
        for character, b in zip(line["text"], line["boxes"], strict=False)
        if x <= (b[0] + b[2]) / 2 + left <= x + width and y <= (b[1] + b[3]) / 2 + top <= y + height
    ]
    frame = (float(x), float(y), float(x + width), float(y + height))
    return OcrLine(text="".join(c for c, _ in kept), score=line["score"], boxes=[b for _, b in kept], frame=frame)


def reread(
    grey: np.ndarray, boxes: list[tuple[int, int, int, int]]
) -> tuple[list[OcrLine], list[tuple[int, int, int, int]]]:
    """Read each box of missed ink on its own: detection and recognition with a margin of paper around it, else
    (a word too small for the detector) the recognizer alone on the box as one line, its characters sharing the
    box's width. Returns the lines read, in page pixels, and the boxes still unread."""
    lines: list[OcrLine] = []
    unread = []
    for x, y, width, height in boxes:
        left, top = max(x - DEFAULT_REREAD_MARGIN, 0), max(y - DEFAULT_REREAD_MARGIN, 0)
        crop = grey[top : y + height + DEFAULT_REREAD_MARGIN, left : x + width + DEFAULT_REREAD_MARGIN]
        found = [_inside(line, left, top, (x, y, width, height)) for line in read_lines(crop)]
        found = [line for line in found if line["text"].strip()]
        lines += found
        if found:
            continue
        margin = DEFAULT_INK_MARGIN
        text, score = _recognized(
            grey[max(y - margin, 0) : y + height + margin, max(x - margin, 0) : x + width + margin]
        )
        if not text:
            unread.append((x, y, width, height))
            continue
        step = width / len(text)
        boxes_on_page = [(x + i * step, float(y), x + (i + 1) * step, float(y + height)) for i in range(len(text))]
        frame = (float(x), float(y), float(x + width), float(y + height))
        lines.append(OcrLine(text=text, score=score, boxes=boxes_on_page, frame=frame))
    return lines, unread


def skew_angle(grey: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise positive) the page's lines lie at: the turn that makes the rows of a
    reduced copy of its ink most uneven (ruled lines and text lines then fall on single rows), searched in
    ``DEFAULT_SKEW_STEP`` steps up to ``DEFAULT_MAX_SKEW``, then twice ten times finer around the best (to 0.002°).
    The step is fine because a ruling a page wide is aligned only within a tenth of a degree or so: in 0.5° steps,
    a scanner's dark border along the foot (drawn level, the page 0.8° askew) won at 0°, and the refinement could
    not reach 0.8°."""
    import cv2

    ink = _ink(grey)
    factor = DEFAULT_SKEW_WIDTH / ink.shape[1]
    small = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    height, width = small.shape

    def unevenness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
        turned = cv2.warpAffine(small, matrix, (width, height), flags=cv2.INTER_LINEAR)
        return float(np.var(turned.sum(axis=1, dtype=np.float64)))

    steps = round(DEFAULT_MAX_SKEW / DEFAULT_SKEW_STEP)
    best = max((i * DEFAULT_SKEW_STEP for i in range(-steps, steps + 1)), key=unevenness)
    for fine in (DEFAULT_SKEW_STEP / 10, DEFAULT_SKEW_STEP / 100):
        best = max((best + i * fine for i in range(-10, 11)), key=unevenness)
    return best


def straighten(grey: np.ndarray, angle: float) -> np.ndarray:
    """The page turned back by ``angle`` degrees, its corners filled with the paper's grey."""
    import cv2

    if abs(angle) < 0.01:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    paper = int(np.median(grey))
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=paper)


def _ruling_boxes(grey: np.ndarray, scale: float) -> tuple[list[Box], list[Box]]:
    """The page's ruled lines as boxes x, y, width, height in pixels (``scale``: points a pixel), horizontal and
    upright: long straight strokes, and the upright ones ``DEFAULT_CELL_SIDE`` long or more that join two horizontal
    rulings (``_joins``)."""
    ink = _ink(grey)
    rows = _strokes(ink, horizontal=True)
    long = _long(ink, horizontal=False)
    candidates = _strokes(ink, horizontal=False, length=min(round(DEFAULT_CELL_SIDE / scale), long))
    return rows, [side for side in candidates if side[3] >= long or _joins(side, rows)]


def _edges(rows: list[Box], sides: list[Box], scale: float) -> list[Edge]:
    """Ruled lines (``_ruling_boxes``) as pdfplumber's edges, in points (``scale``: points a pixel)."""
    edges = [_edge("h", x * scale, (x + w) * scale, (y + h / 2) * scale, (y + h / 2) * scale) for x, y, w, h in rows]
    edges += [_edge("v", (x + w / 2) * scale, (x + w / 2) * scale, y * scale, (y + h) * scale) for x, y, w, h in sides]
    return edges


def _erased(grey: np.ndarray, rules: list[Box]) -> np.ndarray:
    """The picture with its ``rules`` painted over in the paper's grey: the engine reads a cell's side beside a
    word as a character (``实施单位|广州…`` read ``实施单位业广州…``)."""
    clean = grey.copy()
    paper = int(np.median(grey))
    for x, y, width, height in rules:
        clean[max(y - 1, 0) : y + height + 1, max(x - 1, 0) : x + width + 1] = paper
    return clean


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> Edge:
    return Edge(orientation=orientation, x0=x0, x1=x1, top=top, bottom=bottom, width=x1 - x0, height=bottom - top)


def _closed(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Character boxes of one line with the narrow gaps between the engine's words closed (met halfway): its word
    boxes fit the ink, narrower than the glyphs' advance, so 财政拨款 read as two words left a gap of 3.2 points,
    which pdfplumber's words (``x_tolerance`` 3) split. A gap of ``DEFAULT_WORD_GAP`` of the line's height or more
    (a space, a cell's padding) stays."""
    closed = list(boxes)
    for i in range(1, len(closed)):
        x0, top, x1, bottom = closed[i - 1]
        next_x0, next_top, next_x1, next_bottom = closed[i]
        if 0 < next_x0 - x1 < DEFAULT_WORD_GAP * (bottom - top):
            middle = (x1 + next_x0) / 2
            closed[i - 1], closed[i] = (x0, top, middle, bottom), (middle, next_top, next_x1, next_bottom)
    return closed


def read_lines(grey: np.ndarray, min_score: float = ENGINE_TEXT_SCORE) -> list[OcrLine]:
    """What the engine reads of a picture: its lines scored ``min_score`` or more, each character with a box."""
    import cv2

    result, _ = _run_engine(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), return_word_box=True, text_score=min_score)
    lines: list[OcrLine] = []
    for item in result or []:
        _, text, score, *rest = item
        word_boxes, words = (rest[0], rest[1]) if len(rest) >= 2 else ([], [])
        boxes: list[tuple[float, float, float, float]] = []
        for word, quad in zip(words, word_boxes, strict=False):
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
            step = (right - left) / max(len(word), 1)
            boxes += [(left + i * step, top, left + (i + 1) * step, bottom) for i in range(len(word))]
        text = "".join(words) if boxes else text.replace(" ", "")
        xs, ys = [p[0] for p in item[0]], [p[1] for p in item[0]]
        frame = (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
        if not boxes:  # no character boxes: the line's box shared evenly
            step = (frame[2] - frame[0]) / max(len(text), 1)
            boxes = [(frame[0] + i * step, frame[1], frame[0] + (i + 1) * step, frame[3]) for i in range(len(text))]
        lines.append(OcrLine(text=text, score=float(score), boxes=_closed(boxes), frame=frame))
    return lines


def ocr_chars(lines: list[OcrLine], scale: float) -> list[Char]:
    """The lines' characters as pdfplumber's (``scale``: points a pixel), each with its line's score, in reading
    order (top to bottom, then left to right, as the engine returns lines). A line's box fits its glyphs (digits
    are shorter than Chinese characters), so every line is given the page's usual size, unless it is set larger
    (``DEFAULT_OCR_TITLE_RATIO``: a title), as the layout code compares sizes to tell titles from cells."""
    heights = [max(b - t for _, t, _, b in line["boxes"]) for line in lines if line["boxes"]]
    usual = float(np.median(heights)) if heights else 0.0
    chars: list[Char] = []
    for line, height in zip((line for line in lines if line["boxes"]), heights, strict=True):
        size = (height if height > usual * DEFAULT_OCR_TITLE_RATIO else usual) * scale * DEFAULT_CHAR_SIZE
        for text, (x0, top, x1, bottom) in zip(line["text"], line["boxes"], strict=True):
            if not text.strip():
                continue
            char: dict[str, Any] = {
                "text": text,
                "x0": x0 * scale,
                "x1": x1 * scale,
                "top": top * scale,
                "bottom": bottom * scale,
                "size": size,
                "upright": True,
                "doctop": top * scale,
                "fontname": "OCR",
                "confidence": line["score"],
            }
            chars.append(char)  # type: ignore[arg-type]
    return chars


def _extent(line: OcrLine) -> tuple[float, float, float, float]:
    boxes = line["boxes"]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def reading_text(lines: list[OcrLine], rows: list[float] | None = None) -> str:
    """The lines' plain text as a typesetter's content order gives it: a line printed right under another, across
    the same columns, continues it (a wrapped cell or label: ``财政专户拨`` over ``款``), so it follows it directly;
    blocks come row by row (``rows``: the tops of the horizontal rulings, in pixels, each starting a row), left to
    right within a row. Finding the table reads labels, 部门名称 and the 合计 row from this text
    (``extract.locate``)."""
    rulings = sorted(rows or [])
    blocks: list[list[tuple[float, float, float, float, str]]] = []
    for line in sorted((line for line in lines if line["boxes"]), key=lambda line: _extent(line)[1]):
        x0, top, x1, bottom = _extent(line)
        for block in blocks:
            left, _, right, last_bottom, _ = block[-1]
            overlap = min(x1, right) - max(x0, left)
            near = -0.2 * (bottom - top) <= top - last_bottom < bottom - top
            ruled = bisect_right(rulings, last_bottom) != bisect_right(rulings, top)  # a ruling between: a new cell
            if overlap > 0.5 * min(x1 - x0, right - left) and near and not ruled:
                block.append((x0, top, x1, bottom, line["text"]))
                break
        else:
            blocks.append([(x0, top, x1, bottom, line["text"])])

    def row_of(block: list[tuple[float, float, float, float, str]]) -> tuple[int, float]:
        """Its row (rulings above its middle), and above the first ruling (the title block) its top."""
        _, top, _, bottom, _ = block[0]
        row = bisect_right(rulings, (top + bottom) / 2)
        return (row, top if row == 0 else 0.0)

    blocks.sort(key=lambda block: (*row_of(block), block[0][0]))
    return "\n".join("\n".join(text for *_, text in block) for block in blocks)


class ScannedPage:
    """A scanned page as the layout code reads a pdfplumber page: ``chars``, ``edges``, ``extract_words``."""

    def __init__(
        self,
        chars: list[Char],
        edges: list[Edge],
        width: float,
        height: float,
        text: str = "",
        unread: list[tuple[float, float, float, float]] | None = None,
        lies_otherwise: bool = False,
    ) -> None:
        self.chars, self.edges, self.width, self.height = chars, edges, width, height
        self.text = text  # its plain text in reading order (``reading_text``)
        self.unread = unread or []  # boxes (x0, top, x1, bottom in points) of ink OCR could not read
        self.lies_otherwise = lies_otherwise  # its lines stand up or read poorly (``lies_otherwise``): turned wrong

    @property
    def legibility(self) -> float:
        """Its characters' scores summed: how much it read, and how well (upside down, the engine reads little, and
        that little poorly)."""
        return sum(char.get("confidence") or 0.0 for char in self.chars)

    def extract_words(self, **options: Any) -> list[dict[str, Any]]:
        return extract_words(self.chars, **options)  # type: ignore[arg-type]

    def unread_refusal(self, number: int) -> ExtractionError | None:
        """The refusal of a page on which OCR left ink unread (page ``number``), naming the first mark: every
        character of a table lands in a cell or is reported."""
        if not self.unread:
            return None
        x0, top, _, _ = self.unread[0]
        return ExtractionError(
            f"{len(self.unread)} marks of ink OCR could not read as text (the first at x {x0:.0f}, y {top:.0f} pt)",
            number,
            "ocr_unread",
        )

    def find_tables(self) -> list[Table]:
        """The ruled tables of the page, as pdfplumber's ``Page.find_tables`` finds them (its ``TableFinder`` reads
        only ``edges`` with the default settings): what the card and grid readers read (``formats.grid``)."""
        return TableFinder(self).tables  # type: ignore[arg-type]

    def close(self) -> None:
        return None


def standing(lines: list[OcrLine]) -> bool:
    """Most text lines stand up (``DEFAULT_STANDING_SHARE``): the page lies a quarter turned (a landscape table
    scanned on its side). The engine still reads such lines, each crop turned upright, one way or the other."""
    frames = [line["frame"] for line in lines]
    up = sum(bottom - top > DEFAULT_STANDING_RATIO * (right - left) for left, top, right, bottom in frames)
    return len(frames) >= 3 and up > DEFAULT_STANDING_SHARE * len(frames)


def illegible(lines: list[OcrLine]) -> bool:
    """Fewer than ``DEFAULT_LEGIBLE_LINES`` of the lines read sure, or fewer than half: the page may lie upside down
    (or hold no text there)."""
    sure = len(_sure(lines))
    return sure < DEFAULT_LEGIBLE_LINES or 2 * sure < len(lines)


def lies_otherwise(lines: list[OcrLine]) -> bool:
    """The lines a page read gave show it was read turned the wrong way: they stand up, or they read poorly."""
    return standing(lines) or illegible(lines)


def _turned(grey: np.ndarray, turns: int) -> np.ndarray:
    """The picture turned ``turns`` quarter turns counter-clockwise (``numpy.rot90``)."""
    return np.ascontiguousarray(np.rot90(grey, turns)) if turns % 4 else grey


def read_scanned_page(page: pdfium.PdfPage, dpi: float = DEFAULT_OCR_DPI, turns: int = 0) -> ScannedPage:
    """OCR one scanned page whole, turned ``turns`` quarter turns (found by ``probe``): straightened, its rulings and
    its characters in PDF points of the page as it is read (a quarter-turned page's width is its height)."""
    width, height = page.get_size()
    if turns % 2:
        width, height = height, width
    scale = 72 / dpi  # points a pixel
    grey = without_border(_turned(render(page, dpi), turns), scale)
    grey = straighten(grey, skew_angle(grey))
    across, upright = _ruling_boxes(grey, scale)
    edges, clean = _edges(across, upright, scale), _erased(grey, across + upright)
    every_line = read_lines(clean, min_score=0.0)
    lines = _sure(every_line)
    found, unread = reread(clean, unread_ink(grey, lines, across + upright))
    lines += found
    rows = [e["top"] / scale for e in edges if e["orientation"] == "h"]
    page_text = reading_text(lines, rows)
    missed = [(x * scale, y * scale, (x + w) * scale, (y + h) * scale) for x, y, w, h in unread]
    chars = ocr_chars(lines, scale)
    return ScannedPage(chars, edges, width, height, page_text, missed, lies_otherwise(every_line))


def _sure(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines read with the engine's own floor (``ENGINE_TEXT_SCORE``) or more."""
    return [line for line in lines if line["score"] >= ENGINE_TEXT_SCORE]


def _band(grey: np.ndarray) -> tuple[str, list[OcrLine]]:
    """The top band (``DEFAULT_PROBE_BAND``) of a page's picture read: its text, and every line the detector found
    (``read_lines`` with no floor: ``standing`` is decided on them)."""
    band = grey[: max(int(grey.shape[0] * DEFAULT_PROBE_BAND), 1)]
    band = straighten(band, skew_angle(band))
    rows = [y + height / 2 for _, y, _, height in _strokes(_ink(band), horizontal=True)]  # only rows: no sides
    with _detection_as_is():
        lines = read_lines(band, min_score=0.0)
    return reading_text(_sure(lines), rows), lines


def probe(page: pdfium.PdfPage, dpi: float = DEFAULT_OCR_DPI) -> tuple[str, int]:
    """The text of the page's top band, read at ``DEFAULT_PROBE_SCALE`` of ``dpi`` (enough to see the table's
    title, its 部门名称 line and its column labels, or another table's title), and the quarter turns that set the
    page upright (``numpy.rot90``'s k): 0, unless the band's lines stand up (``standing``: then the page turned
    each way a quarter is read) or read poorly (``illegible``: then the page turned over, whose top band is the
    foot of the page as it lies, counts only if it reads well). The way whose lines lie and read with the higher
    scores wins (upside down, the engine reads little, and that little poorly); on a tie, as it lies. Only a page
    whose band stands up or reads poorly pays for more reads: on a scanned whole book, its cover and a page of two
    lines."""
    probe_dpi = dpi * DEFAULT_PROBE_SCALE
    grey = without_border(render(page, probe_dpi), 72 / probe_dpi)
    readings = {0: _band(grey)}
    lines = readings[0][1]
    if standing(lines):
        readings |= {turns: _band(_turned(grey, turns)) for turns in (1, 3)}
    elif illegible(lines):
        over = _band(_turned(grey, 2))
        if not illegible(over[1]):
            readings[2] = over

    def weight(turns: int) -> float:
        band_lines = readings[turns][1]
        return 0.0 if standing(band_lines) else sum(len(line["text"]) * line["score"] for line in _sure(band_lines))

    turns = max(readings, key=weight)
    return readings[turns][0], turns


def shows_a_table(text: str) -> bool:
    """The text (a probe's band, a page) may belong to a performance-target table, so its page is read whole: the
    Guangzhou table's title above its column labels or the labels alone (``PROBE_READS_WHOLE``), or a page any
    other format's detection takes for one (a card's title and 项目名称, an indicator grid's labels). A title
    alone (a contents or section page) is not: the Guangzhou table's detection is its title alone, so it is
    ``page_kind``'s to say."""
    from .formats import READERS, detect  # imported late: the formats read scanned pages through this module
    from .locate import page_kind

    return page_kind(text) in PROBE_READS_WHOLE or detect(text, formats=READERS).looks_like_a_target_table


class ScannedBook:
    """The scanned pages of one book (``image_only``): each probed once, and read whole once when the reader asks
    for it (``page``); ``on_step`` is told each step as it starts (``OCR_PROBE`` or ``OCR_WHOLE_PAGE``, the page
    number from 1): the worker reports them, for the timer and the terminal. ``texts`` gives every page's plain
    text with the scanned pages' filled in: a page whose probe may show a table (``shows_a_table``) is read
    whole, the others give their band's text. A page after one showing the table is read whole without a probe, as
    a table runs on: on the scanned sample that saves 7 probes (about 6 s), and where a scanned page follows a
    table's end it costs a read in vain (about 8 s). A page is read turned as its probe found it, or as the page
    before it lies; read the wrong way (``lies_otherwise``), it is probed after all and read again the way the probe
    says, or turned over where the probe finds it as it was read (its band blank both ways: a cover fed upside
    down, whose year was then not read), kept if it reads more and better (``legibility``)."""

    def __init__(self, data: bytes, on_step: OcrStep | None = None) -> None:
        self._pdf = pdfium.PdfDocument(data)
        self.indexes = {i for i in range(len(self._pdf)) if image_only(self._pdf[i])}
        self._pages: dict[int, ScannedPage] = {}
        self._turns: dict[int, int] = {}  # quarter turns that set a page upright, where a probe found them
        self._on_step = on_step

    def _step(self, kind: str, index: int) -> None:
        if self._on_step is not None:
            self._on_step(kind, index + 1)

    def __contains__(self, index: int) -> bool:
        return index in self.indexes

    def texts(self, texts: list[str]) -> list[str]:
        filled = list(texts)
        previous = False  # the page before shows a table
        for index, text in enumerate(texts):
            if index in self.indexes and not text.strip():
                if previous:  # the table most likely goes on: its probe would be wasted
                    filled[index] = self.page(index).text
                else:
                    self._step(OCR_PROBE, index)
                    band, self._turns[index] = probe(self._pdf[index])
                    filled[index] = self.page(index).text if shows_a_table(band) else band
            previous = shows_a_table(filled[index])
        return filled

    def page(self, index: int) -> ScannedPage:
        if index not in self._pages:
            self._step(OCR_WHOLE_PAGE, index)
            turns = self._turns.get(index, self._turns.get(index - 1, 0))  # unprobed: as the page before lies
            read = read_scanned_page(self._pdf[index], turns=turns)
            if read.lies_otherwise:  # probed, and read again the right way up
                self._step(OCR_PROBE, index)
                probed = probe(self._pdf[index])[1]
                undecided = probed == turns  # its band reads nothing either way (a cover's top): turned over
                self._step(OCR_WHOLE_PAGE, index)
                way = (turns + 2) % 4 if undecided else probed
                again = read_scanned_page(self._pdf[index], turns=way)
                if not undecided or again.legibility > read.legibility:
                    read, turns = again, way
            self._turns[index] = turns
            self._pages[index] = read
        return self._pages[index]

    @property
    def described(self) -> str:
        """``its 3 scanned pages``, as messages name them."""
        count = len(self.indexes)
        return f"its {count} scanned page{'s' if count > 1 else ''}"

    def close(self) -> None:
        self._pdf.close()


def scanned_texts(data: bytes, texts: list[str]) -> list[str]:
    """Every page's plain text, a scanned page's as OCR reads it (``ScannedBook.texts``): what finding the table
    reads, for a caller that reads no table (``--explain`` shows what was detected on which page)."""
    book = ScannedBook(data)
    try:
        return book.texts(texts)
    finally:
        book.close()
