"""The same warehouse on every machine (issue 21): what a nightly's machine has or lacks changes nothing.

The fonts a machine has: the extractor runs with the machine's font folders hidden by a private mount namespace
(``tests.helpers.with_fonts``: as root, or in a user namespace otherwise), once with no font at all, once with only
WenQuanYi, once with only Noto CJK, over the sample (fonts not embedded), every layout, content and format the synth
renders (not embedded), a bench corpus book (WenQuanYi embedded) and a book of both (an embedded cover before
the sample's table). Every raw seed is identical, byte for byte:
the marts are a function of the raw seeds and the reference seeds, so their rows are too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pypdfium2 as pdfium
import pytest

from bench.corpus import make_corpus
from devtools.compare_outputs import Table, compare_table, read_warehouse
from extract.document import _read_packed
from extract.locate import compact, plan_tables
from extract.model import ExtractionError
from extract.page_text import page_texts
from synth import cards
from synth.budget_book import render_book, render_collected
from synth.editions import next_year_edition
from tests.helpers import FONT_FOLDERS, REPO, SAMPLE_PDF, with_fonts
from tests.test_layouts import CONTENTS, HABITS, VARIANTS

# The CJK fonts a machine may have: `make test-deps` installs both (Debian's fonts-wqy-zenhei, fonts-noto-cjk).
CJK_FONTS = {"wenquanyi": "wqy-zenhei.ttc", "noto_cjk": "NotoSansCJK-Regular.ttc"}


def installed_font(file_name: str) -> Path:
    folders = [Path(folder) for folder in FONT_FOLDERS]
    found = sorted(path for folder in folders if folder.is_dir() for path in folder.rglob(file_name))
    assert found, f"{file_name} is not installed: run `make test-deps` (Debian's fonts-wqy-zenhei fonts-noto-cjk)"
    return found[0]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """A folder of every kind of book the synth renders, with and without embedded fonts."""
    folder = tmp_path_factory.mktemp("machines") / "pdf"
    folder.mkdir()
    shutil.copy(SAMPLE_PDF, folder)
    for name, options in {**VARIANTS, **HABITS}.items():
        render_book(seed, folder / f"layout_{name}.pdf", **options)
    for name, (make, options, _unit) in CONTENTS.items():
        render_book(make(seed), folder / f"content_{name}.pdf", **options)
    render_collected([seed, next_year_edition(seed)], folder / "collected_book.pdf")
    for name, render in cards.RENDERERS.items():  # one project a unit: the same readers on fewer pages
        render(seed, folder / f"{name}_{cards.YEARS[name]}.pdf", per_unit=1)
    cards.render_unknown_format(seed, folder / "unknown_format.pdf")
    installed_font(CJK_FONTS["wenquanyi"])  # the bench corpus embeds it
    [embedded] = make_corpus(seed, folder.parent / "corpus", 1)
    shutil.copy(embedded, folder / "embedded_font_book.pdf")
    # Another habit: a book put together from parts, its cover and contents embedding their font, its table not
    # (each page's text from its own engine).
    with closing(pdfium.PdfDocument.new()) as mixed:
        with closing(pdfium.PdfDocument(embedded)) as front, closing(pdfium.PdfDocument(SAMPLE_PDF)) as table:
            mixed.import_pages(front, [0, 1])
            mixed.import_pages(table)
        mixed.save(folder / "mixed_fonts_book.pdf")
    return folder


def extract_with_fonts(books: Path, out: Path, fonts: list[Path]) -> dict[str, bytes]:
    """``python -m extract`` seeing only ``fonts`` of the machine's; every raw seed it writes, as bytes."""
    work = out.parent / f"{out.name}-work"
    command = [sys.executable, "-m", "extract", str(books), str(out), "-j", "2"]
    command += ["--cache", str(work / "cache"), "--reports", str(work / "reports")]
    done = subprocess.run(with_fonts(fonts, command), cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: the unknown format is refused, as it should be
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.csv"))}


def test_the_fonts_a_machine_has_change_no_raw_record(tmp_path: Path, books: Path) -> None:
    runs = {"no_fonts": extract_with_fonts(books, tmp_path / "none", [])}
    for name, file_name in CJK_FONTS.items():
        runs[name] = extract_with_fonts(books, tmp_path / name, [installed_font(file_name)])
    documents = runs["no_fonts"]["raw_documents.csv"].decode().splitlines()[1:]
    distinct = {hashlib.sha256(path.read_bytes()).digest() for path in books.glob("*.pdf")}
    assert len(documents) == len(distinct), "every book extracted (not the unknown format; the collected one twice)"
    quarantine = runs["no_fonts"]["raw_quarantine.csv"].decode()
    assert "unknown_format.pdf" in quarantine and "duobao" not in quarantine, quarantine
    for name in CJK_FONTS:
        for seed_file, content in runs["no_fonts"].items():
            assert runs[name][seed_file] == content, f"{seed_file} differs with only {name} installed"


def test_fonts_are_hidden_from_what_runs_in_the_namespace(tmp_path: Path) -> None:
    """The test's own premise: in the namespace only the fonts named are there, and the machine keeps its own."""
    kept = installed_font(CJK_FONTS["wenquanyi"])
    listing = [
        sys.executable,
        "-c",
        "import pathlib; print(sorted(p.name for p in pathlib.Path('/usr/share/fonts').rglob('*.tt?')))",
    ]
    inside = subprocess.run(with_fonts([kept], listing), capture_output=True, text=True, check=True)
    assert inside.stdout.strip() == str([kept.name])
    assert subprocess.run(with_fonts([], listing), capture_output=True, text=True, check=True).stdout.strip() == "[]"
    assert installed_font(CJK_FONTS["noto_cjk"]).exists()


def test_a_page_plan_the_layout_contradicts_is_refused_saying_what_was_seen() -> None:
    """The sample as pdfium read it without a CJK font: every page's text lost the wrapped '款' of 财政专户拨款, so
    no page showed the column header and each page naming the table became a table of its own. The refusals say
    that, not its consequence (a table without its 合计 row); page 2, which did read as a table, is not published."""
    data = SAMPLE_PDF.read_bytes()
    with closing(pdfium.PdfDocument(data)) as pdf:
        texts = [text.replace("财政专户拨\n款", "财政专户拨") for text in page_texts(pdf, data)]
    assert sum("财政专户拨款" in compact(text) for text in texts) == 0
    results = _read_packed(data, plan_tables(texts), len(texts), texts)
    assert all(isinstance(r, ExtractionError) for r in results), results
    refusals = {r.page: str(r) for r in results if isinstance(r, ExtractionError)}
    assert list(refusals) == list(range(2, 10))
    seen = "the page names the table but its column labels could not be read from its text (财政专户拨 without 款)"
    assert refusals[2] == (
        f"page 2: {seen}, so it was read as a table of its own; "
        "the pages naming the table after it (3, 4, 5, 6, 7, 8, 9) could not be read so"
    )
    assert refusals[3] == f"page 3: {seen}, so it was read as a table of its own: " + (
        "the table does not start with its 合计 (grand total) row"
    )
    assert {r.code for r in results if isinstance(r, ExtractionError)} == {"unreadable_column_labels"}


NOT_ROOT = 65534  # nobody: a user without a home or a login, as some cron jobs run
ZONE = "Asia/Shanghai"  # the books' own timezone: file times and build stamps must stay in UTC


# In the build's mount namespace: the PDF folder mounted read-only; and each folder only root may enter on the way
# to the machine's Python (pyenv under /root) or to the project's venv (a clone under /root) opened, its entries
# keeping their own modes, as a system Python and a user's own checkout would be.
BARE_MOUNTS = r"""set -e
mount --bind "$BARE_PDF_DIR" "$BARE_PDF_DIR" && mount -o remount,bind,ro "$BARE_PDF_DIR"
for folder in $BARE_CLOSED; do
    real=$(mktemp -d) && mount --bind "$folder" "$real" && mount -t tmpfs -o mode=755 none "$folder"
    for entry in "$real"/* "$real"/.[!.]*; do
        target="$folder/${entry##*/}"
        if [ -d "$entry" ]; then mkdir "$target"; elif [ -e "$entry" ]; then touch "$target"; else continue; fi
        mount --rbind "$entry" "$target"
    done
done
exec "$@"
"""


def closed_folders(*paths: Path) -> list[str]:
    """The folders on the way to ``paths`` that other users may not enter, outermost first."""
    closed: list[str] = []
    for way in (way for path in paths for way in (path.absolute(), path.resolve())):  # links and their targets
        for folder in reversed(way.parents):
            if not folder.stat().st_mode & stat.S_IXOTH and str(folder) not in closed:
                closed.append(str(folder))
    return sorted(closed, key=lambda folder: folder.count("/"))


def _user_checkout(root: Path) -> Path:
    """The project as a user who is not root keeps it: the files git tracks or would (times kept, so make sees the
    venv up to date), the venv shared read-only, owned by that user."""
    checkout = root / "checkout"
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in tracked.decode().split("\0"):
        if name and (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    (checkout / ".venv").symlink_to(REPO / ".venv")
    installed = (REPO / ".venv" / ".installed").stat().st_mtime  # what make test installed: up to date here too
    for name in ("requirements.txt", "pyproject.toml"):
        os.utime(checkout / name, (installed - 1, installed - 1))
    return checkout


def test_a_nightly_on_a_bare_machine_publishes_the_sample_exactly(sample_warehouse: Path) -> None:
    """``make build`` as cron runs it on a server: no CJK font, cron's bare environment (no LANG, PATH=/usr/bin:/bin),
    another timezone, a user who is not root, the PDF folder mounted read-only. It publishes the sample with every
    mart row as a build on this machine has it (file times aside), and its times in UTC."""
    if os.geteuid() != 0:
        pytest.skip("switching to another user and mounting need root (CI runs as root)")
    root = Path(tempfile.mkdtemp(prefix="jixiao-bare-"))  # not under pytest's folders, which only root may enter
    try:
        root.chmod(0o755)
        checkout, home, pdf_dir = _user_checkout(root), root / "home", root / "pdf"
        home.mkdir()
        pdf_dir.mkdir()
        book = Path(shutil.copy2(SAMPLE_PDF, pdf_dir))
        subprocess.run(["chown", "-R", f"{NOT_ROOT}:{NOT_ROOT}", str(checkout), str(home)], check=True)
        cron = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}", f"TZ={ZONE}"]
        as_user = ["setpriv", f"--reuid={NOT_ROOT}", f"--regid={NOT_ROOT}", "--clear-groups", *cron]
        make = [*as_user, "make", "-C", str(checkout), "build", f"PDF_DIR={pdf_dir}", "JOBS=2"]
        closed = closed_folders(REPO / ".venv" / "bin" / "python", Path(sys.executable), Path(sys.base_prefix) / "bin")
        mounts = {"BARE_PDF_DIR": str(pdf_dir), "BARE_CLOSED": " ".join(closed)}
        command = with_fonts([], ["sh", "-c", BARE_MOUNTS, "bare", *make])
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **mounts})
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "Traceback" not in done.stdout + done.stderr
        built = checkout / "warehouse" / "jixiao.duckdb"
        ours, reference = read_warehouse(built), read_warehouse(sample_warehouse)
        marts = sorted(name for name in reference if name.split(".")[0] in ("marts", "marts_zh"))
        assert marts and [name for name in ours if name in marts] == marts
        for name in marts:
            assert compare_table(name, _without_file_times(reference[name]), _without_file_times(ours[name])) == []
        with duckdb.connect(str(built), read_only=True) as warehouse:
            modified, built_at = warehouse.execute(
                "select epoch(source_modified_at), (select built_at from meta.build_runs) from marts.dim_document"
            ).fetchone()
        assert modified == int(book.stat().st_mtime), "the file's time as an instant, whatever the zone"
        assert str(built_at).endswith("+00:00"), built_at
        raw = (checkout / "build" / "raw" / "raw_documents.csv").read_text(encoding="utf-8")
        assert f",{datetime.fromtimestamp(int(book.stat().st_mtime), UTC).isoformat()}," in raw
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _without_file_times(table: Table) -> Table:
    """A mart's rows without the source files' times (the reference build copied the sample anew)."""
    keep = [i for i, column in enumerate(table.columns) if column != "source_modified_at"]
    return Table([table.columns[i] for i in keep], [tuple(row[i] for i in keep) for row in table.rows])
