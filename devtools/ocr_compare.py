"""Compare OCR engines on scanned pages whose text is known (issue 23): a book that embeds its fonts is scanned
(synth.scan) and each engine reads the scanned pages; the text PDF's own characters are the truth.

Printed for each engine: amounts read exactly (every ``1,234.56`` of the page, as a multiset), targets whose
comparison sign survived (``≧240次`` not read as ``2240次``), characters found (recall and precision of the page's
characters as a multiset, so the order an engine reads lines in does not count), seconds a page and peak memory
(each engine runs in a process of its own; ``ru_maxrss``).

Usage: python -m devtools.ocr_compare [--pages 2,3] [--dpi 200] [--engines rapidocr,tesseract]
A developer tool: the engines it compares need not be installed for jixiao to run.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import TypedDict

import pypdfium2 as pdfium

AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}")
SIGNS = "≥≤><"
SAME_SIGN = str.maketrans("≧≦＞＜", "≥≤><")
DEFAULT_ENGINES = ("rapidocr", "tesseract")
SEED_JSON = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "expected" / "000_e493727b22778aa2.json"


class PageResult(TypedDict):
    page: int
    seconds: float
    text: str


def truth_texts(book: Path, pages: list[int]) -> dict[int, str]:
    with closing(pdfium.PdfDocument(book)) as pdf:
        return {n: pdf[n - 1].get_textpage().get_text_range() for n in pages}


def read_rapidocr(images: list[Path]) -> list[tuple[float, str]]:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR()
    results = []
    for image in images:
        start = time.perf_counter()
        boxes, _ = engine(str(image))
        results.append((time.perf_counter() - start, "\n".join(text for _, text, _ in boxes or [])))
    return results


def read_tesseract(images: list[Path]) -> list[tuple[float, str]]:
    results = []
    for image in images:
        start = time.perf_counter()
        done = subprocess.run(
            ["tesseract", str(image), "-", "-l", "chi_sim", "--psm", "3"], capture_output=True, text=True, check=True
        )
        results.append((time.perf_counter() - start, done.stdout))
    return results


READERS = {"rapidocr": read_rapidocr, "tesseract": read_tesseract}


def engine_child(engine: str, images: list[str]) -> None:
    """Run in a process of its own: read the images, print JSON with the seconds and text of each and the peak
    memory of this process and its children (tesseract runs as one)."""
    results = READERS[engine]([Path(i) for i in images])
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print(json.dumps({"results": results, "peak_kib": peak}))


def multiset_scores(truth: str, read: str) -> tuple[float, float]:
    """Recall and precision of the page's characters (whitespace aside) as multisets."""
    expected, found = Counter(re.sub(r"\s", "", truth)), Counter(re.sub(r"\s", "", read))
    common = sum((expected & found).values())
    return common / max(1, sum(expected.values())), common / max(1, sum(found.values()))


def target_values(text: str) -> Counter[str]:
    """Every value printed after 指标值: (period and annual), signs read alike (``≧`` as ``≥``)."""
    flat = re.sub(r"\s", "", text).translate(SAME_SIGN)
    return Counter(re.findall(r"指标值[:：]([^；;。:：]*)", flat))


def signed_targets(truth: str, read: str) -> tuple[int, int, int]:
    """Target values printed with a comparison sign (``≧240次``, each time printed); how many of them the
    engine read as printed; how many as the value with a digit in the sign's place (``2240次``)."""
    printed = Counter({value: n for value, n in target_values(truth).items() if value[:1] in tuple(SIGNS)})
    found = target_values(read)
    kept = sum((printed & found).values())
    digit = sum(min(n, sum(found[str(d) + value[1:]] for d in range(10))) for value, n in printed.items())
    return sum(printed.values()), kept, digit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="2,3,4", help="pages of the sample book to scan and read")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--engines", default=",".join(DEFAULT_ENGINES))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        engine_child(args.child[0], args.child[1:])
        return 0

    from synth.budget_book import Layout, embedded_font, render_book
    from synth.scan import DEFAULT_SETTINGS, ScanSettings, scan_book

    pages = [int(n) for n in args.pages.split(",")]
    work = Path(tempfile.mkdtemp(prefix="ocr-compare-"))
    text_book, scanned = work / "text.pdf", work / "scanned.pdf"
    render_book(json.loads(SEED_JSON.read_text(encoding="utf-8")), text_book, Layout(font=embedded_font()))
    scan_book(text_book, scanned, ScanSettings(**{**DEFAULT_SETTINGS, "dpi": args.dpi}), pages)
    truths = truth_texts(text_book, pages)
    images = []
    with closing(pdfium.PdfDocument(scanned)) as pdf:
        for number in pages:  # the scan's own pixels: its one image, at the dpi it was scanned at
            [image] = [o for o in pdf[number - 1].get_objects() if isinstance(o, pdfium.PdfImage)]
            path = work / f"page{number}.png"
            image.get_bitmap().to_pil().save(path)
            images.append(str(path))
    print(f"{len(pages)} pages of the sample scanned at {args.dpi} dpi into {work}")
    for engine in args.engines.split(","):
        command = [sys.executable, "-m", "devtools.ocr_compare", "--child", engine, *images]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(
                f"{engine}: failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
            )
            continue
        report = json.loads(done.stdout.strip().splitlines()[-1])
        amounts = found = targets = signed = digit = 0
        recalls, precisions, seconds = [], [], []
        for number, (took, text) in zip(pages, report["results"], strict=True):
            truth = truths[number]
            expected = Counter(AMOUNT.findall(truth))
            amounts += sum(expected.values())
            found += sum((expected & Counter(AMOUNT.findall(text))).values())
            total, kept_sign, as_digit = signed_targets(truth, text)
            targets, signed, digit = targets + total, signed + kept_sign, digit + as_digit
            recall, precision = multiset_scores(truth, text)
            recalls.append(recall)
            precisions.append(precision)
            seconds.append(took)
        print(
            f"{engine}: amounts exact {found}/{amounts}; signed targets {signed}/{targets} kept their sign, "
            f"{digit} read with a digit for it; characters recall {sum(recalls) / len(recalls):.3f} precision "
            f"{sum(precisions) / len(precisions):.3f}; {sum(seconds) / len(seconds):.1f} s a page "
            f"(first {seconds[0]:.1f} s); peak {report['peak_kib'] / 1024:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
