"""Cheap refusals: what can be told about a file before any layout work, without trusting it.

A budget book has tens to a few thousand pages of paper size, each a content stream of some kilobytes.
Before pdfium or pdfplumber decode anything, the page tree is walked from pdfminer's objects (iteratively,
with a depth bound) and each page's content is inflated through a bounded ``zlib.decompressobj`` — a chunk
at a time, stopping as soon as it passes the budget, so a 1 GiB bomb costs a few megabytes to refuse.

What this cannot parse is left to the reader, which runs under the operating system's limits anyway: only
positive evidence of an absurd size refuses a file here.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfminer.psparser import PSLiteral

from .model import ExtractionError

DEFAULT_MAX_PAGES = 10_000  # a collected book (汇编) of many departments has a few thousand
DEFAULT_MAX_PAGE_SIDE = 14_400.0  # points: 200 inches, the largest page PDF allows
DEFAULT_MAX_PAGE_CONTENT = 64 << 20  # inflated bytes of one page's content (a table page: tens of KiB)
DEFAULT_MAX_TEXT_SHOWS = 100_000  # text-show operators (Tj, TJ) on one page (a dense table page: a few thousand)
DEFAULT_MAX_TREE_DEPTH = 64  # nested /Pages nodes (real books: under 10)
DEFAULT_MAX_REFERENCE_HOPS = 32  # an indirect reference to an indirect reference to … (real books: 1)
STAGE = "limits"
_CHUNK = 1 << 20  # inflate a megabyte at a time
_TEXT_SHOWS = (b"Tj", b"TJ")


@dataclass(frozen=True)
class Budget:
    """What a budget book never exceeds; a file beyond any of these is refused before it is read."""

    max_pages: int = DEFAULT_MAX_PAGES
    max_page_side: float = DEFAULT_MAX_PAGE_SIDE
    max_page_content: int = DEFAULT_MAX_PAGE_CONTENT
    max_text_shows: int = DEFAULT_MAX_TEXT_SHOWS
    max_tree_depth: int = DEFAULT_MAX_TREE_DEPTH
    max_reference_hops: int = DEFAULT_MAX_REFERENCE_HOPS


def _refuse(reason: str, code: str, page: int | None = None) -> ExtractionError:
    return ExtractionError(reason, page, code, stage=STAGE)


def _resolve(value: Any, budget: Budget) -> Any:
    """Follow indirect references, a bounded number of them (a chain or a cycle is refused)."""
    for _ in range(budget.max_reference_hops + 1):
        if not isinstance(value, PDFObjRef):
            return value
        value = value.resolve()
    raise _refuse(f"a chain of more than {budget.max_reference_hops} indirect references", "reference_chain_too_long")


def _name(value: Any) -> str:
    if isinstance(value, PSLiteral):  # pdfminer keeps a name it cannot decode as bytes
        return value.name if isinstance(value.name, str) else value.name.decode("latin-1")
    return str(value or "")


def _pages(document: PDFDocument, budget: Budget) -> Iterator[dict]:
    """Every page's dictionary with inherited /MediaBox and /Resources, walked without recursion."""
    root = _resolve(document.catalog.get("Pages"), budget)
    if not isinstance(root, dict):
        return
    declared = _resolve(root.get("Count"), budget)
    if isinstance(declared, int) and declared > budget.max_pages:
        raise _refuse(f"{declared:,} pages; budget books have at most {budget.max_pages:,}", "too_many_pages")
    stack: list[tuple[Any, dict, int]] = [(root, {}, 1)]
    seen: set[int] = set()
    count = 0
    while stack:
        node, inherited, depth = stack.pop()
        node = _resolve(node, budget)
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > budget.max_tree_depth:
            raise _refuse(
                f"the page tree is nested more than {budget.max_tree_depth} levels deep", "page_tree_too_deep"
            )
        attributes = {**inherited, **{k: node[k] for k in ("MediaBox", "Resources") if k in node}}
        kids = _resolve(node.get("Kids"), budget)
        if isinstance(kids, list) and _name(node.get("Type")) != "Page":
            stack.extend((kid, attributes, depth + 1) for kid in reversed(kids))
            continue
        count += 1
        if count > budget.max_pages:
            raise _refuse(f"more than {budget.max_pages:,} pages; budget books have at most that", "too_many_pages")
        yield {**node, **attributes}


def _page_size(page: dict, budget: Budget) -> tuple[float, float] | None:
    box = _resolve(page.get("MediaBox"), budget)
    if not isinstance(box, list) or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(_resolve(value, budget)) for value in box)
    except (TypeError, ValueError):
        return None
    return abs(x1 - x0), abs(y1 - y0)


def _streams(page: dict, budget: Budget) -> Iterator[PDFStream]:
    """The page's content streams and the form XObjects its resources name (drawn by ``Do``)."""
    contents = _resolve(page.get("Contents"), budget)
    for item in contents if isinstance(contents, list) else [contents]:
        stream = _resolve(item, budget)
        if isinstance(stream, PDFStream):
            yield stream
    resources = _resolve(page.get("Resources"), budget)
    xobjects = _resolve(resources.get("XObject"), budget) if isinstance(resources, dict) else None
    for item in xobjects.values() if isinstance(xobjects, dict) else []:
        stream = _resolve(item, budget)
        if isinstance(stream, PDFStream) and _name(_resolve(stream.get("Subtype"), budget)) == "Form":
            yield stream


def _inflated(stream: PDFStream, budget: Budget) -> Iterator[bytes]:
    """The stream's decoded bytes a chunk at a time, as far as they can be told cheaply: FlateDecode is
    inflated with a bounded output; a stream with other filters counts as its raw bytes."""
    raw = stream.rawdata or b""
    if stream.decipher is not None and stream.objid is not None and stream.genno is not None:
        raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
    filters = _resolve(stream.get_any(("F", "Filter"), []), budget)
    names = [_name(_resolve(f, budget)) for f in (filters if isinstance(filters, list) else [filters])]
    if names not in (["FlateDecode"], ["Fl"]):
        yield raw
        return
    inflater = zlib.decompressobj()
    pending = raw
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            yield chunk
    except zlib.error:
        return  # a damaged stream: the reader reports it (or reads what it can)


def _check_content(page: dict, number: int, budget: Budget) -> None:
    size = shows = 0
    for stream in _streams(page, budget):
        for chunk in _inflated(stream, budget):
            size += len(chunk)
            shows += sum(chunk.count(operator) for operator in _TEXT_SHOWS)
            if size > budget.max_page_content:
                raise _refuse(
                    f"the page's content inflates to more than {budget.max_page_content >> 20} MiB",
                    "content_stream_too_large",
                    number,
                )
            if shows > budget.max_text_shows:
                raise _refuse(
                    f"more than {budget.max_text_shows:,} text-show operations on one page", "page_too_dense", number
                )


def screen(data: bytes, budget: Budget) -> None:
    """Refuse the file (raise ExtractionError, stage ``limits``) if it is far outside what budget books are;
    return quietly otherwise, including when pdfminer cannot parse it (the reader then says why)."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except MemoryError:
        raise
    except Exception:  # not parseable, encrypted with a password, …: the reader's refusal names it
        return
    try:
        for number, page in enumerate(_pages(document, budget), start=1):
            size = _page_size(page, budget)
            if size and max(size) > budget.max_page_side:
                raise _refuse(
                    f"the page measures {size[0]:,.0f} × {size[1]:,.0f} pt; at most {budget.max_page_side:,.0f} pt "
                    "a side",
                    "page_too_large",
                    number,
                )
            _check_content(page, number, budget)
    except (ExtractionError, MemoryError):
        raise
    except Exception:  # a malformed object deeper in (or nested past Python's recursion): the reader reports it
        return
