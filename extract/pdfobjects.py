"""pdfplumber's records of a page, typed by the fields this extractor reads.

pdfplumber hands characters, words and edges out as plain dicts (``dict[str, Any]``); these ``TypedDict``s say
which keys the layout code relies on, and the accessors below are the one place where a page's dicts become them.
Coordinates are PDF points from the page's top-left corner (``top`` grows downwards).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NotRequired, Protocol, TypedDict, cast

from .model import lowest


class Char(TypedDict):
    """One printed character (``page.chars``)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the font size: the unit of the line and gap tolerances
    confidence: NotRequired[float]  # a scanned page's character: its OCR line's score (extract.scanned)


class Word(TypedDict):
    """A run of characters without a gap (``page.extract_words()``)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


class Edge(TypedDict):
    """A ruling or a side of a rectangle (``page.edges``)."""

    orientation: str  # "h" or "v"
    x0: float
    x1: float
    top: float
    bottom: float
    width: float  # x1 - x0 (pdfplumber's ``TableFinder`` filters edges by length)
    height: float  # bottom - top


class LaidOutPage(Protocol):
    """What the layout code reads of a page: a pdfplumber ``Page``, or a scanned page read by OCR
    (``extract.scanned.ScannedPage``), which gives the same records."""

    @property
    def chars(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def edges(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def width(self) -> float: ...

    def extract_words(self, **options: Any) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


def ocr_confidence(chars: Iterable[Mapping[str, Any]]) -> float | None:
    """The lowest OCR score of the characters (``Char.confidence``), None when none was OCR'd."""
    return lowest(c.get("confidence") for c in chars)


def page_chars(page: LaidOutPage) -> list[Char]:
    return cast("list[Char]", page.chars)


def page_words(page: LaidOutPage) -> list[Word]:
    return cast("list[Word]", page.extract_words(keep_blank_chars=False))


def page_edges(page: LaidOutPage) -> list[Edge]:
    return cast("list[Edge]", page.edges)
