"""A full disk is a fault like the others (issue 21): real builds with one of their folders on a small file
system — a tmpfs mounted in a private mount namespace (``unshare --mount``), so nothing leaks to the machine and
nothing is mocked. Each ends in one line naming the folder, exit 3, no traceback, nothing half-written left, and
the published warehouse as it was."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO, SAMPLE_PDF
from tests.nights import Night, digest, errors

MIB = 1 << 20
SMALL = 16 * 1024  # bytes: a few pages, less than any cache entry, seed set, feed set or workbook of the sample
NOT_PUBLISHED = "not published, the last good warehouse stays"
PUBLISHED = "the warehouse is published, the next build writes what is missing"

# In a private mount namespace: mount a tmpfs of ``size`` bytes over ``folder`` (with what it held, if ``keep``),
# run the command, then copy what the tmpfs holds to ``after`` (the tmpfs goes with the namespace) and exit as
# the command did.
_SMALL_DISK = r"""set -e
size=$1 folder=$2 after=$3 keep=$4
shift 4
stash=$(mktemp -d)
if [ -n "$keep" ]; then cp -a "$folder/." "$stash/"; fi
mount -t tmpfs -o "size=$size" small-disk "$folder"
cp -a "$stash/." "$folder/"
rm -rf "$stash"
set +e
"$@"
status=$?
mkdir -p "$after"
cp -a "$folder/." "$after/"
exit $status
"""


def on_small_disk(
    night: Night, folder: Path, size: int, *extra: str, keep: bool = False
) -> tuple[subprocess.CompletedProcess, Path]:
    """The night's build (``extra`` options last, so they override its folders) with ``folder`` on a file system
    of ``size`` bytes, holding what ``folder`` holds now when ``keep``, else empty; returns the result and a copy of
    what that file system held at the end. As root, or mapped to root in a user namespace otherwise."""
    folder.mkdir(parents=True, exist_ok=True)
    after = night.root / "after"
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    command = [*night.command(), "--lock-wait", "600", *extra]  # other tests' builds of this checkout may run
    arguments = [str(size), str(folder), str(after), "keep" if keep else ""]
    script = ["sh", "-c", _SMALL_DISK, "small_disk", *arguments, *command]
    result = subprocess.run(
        ["unshare", "--mount", *user, *script], cwd=REPO, env=night.env(), capture_output=True, text=True
    )
    return result, after


def assert_one_line(result: subprocess.CompletedProcess, folder: Path, writing: str, state: str) -> None:
    """Exit 3 and, on stderr, one line naming the folder (errors() also checks there is no traceback)."""
    assert result.returncode == 3, result.stdout[-3000:] + result.stderr
    line = f"make build: not enough space in {folder}: No space left on device writing {writing}; {state}"
    assert errors(result) == [line]


def partial_files(folder: Path) -> list[Path]:
    """What a write cut short could leave: partial files and folders, building copies (and their WAL, spill)."""
    return [p for p in folder.rglob("*") if p.name.endswith(".partial") or ".building" in p.name]


@pytest.fixture
def night(tmp_path: Path, published_sample: Night) -> Night:
    """A nightly starting from the published sample's state, with the same book (its modification time too: the
    raw seeds record it) and raw seeds folder, so that unless an input changes it is up to date."""
    made = Night(tmp_path / "night")
    made.start_from(published_sample)
    shutil.rmtree(made.raw)
    made.raw = published_sample.raw
    return made


def test_a_warehouse_folder_too_small_for_the_building_copy_stops_before_copying(night: Night) -> None:
    # A manifest changes the raw seeds (not the models): an incremental build, on a copy of the published one.
    (night.pdf_dir / "manifest.csv").write_text(f"file,fiscal_year\n{SAMPLE_PDF.name},2024\n", encoding="utf-8")
    before, size = digest(night.warehouse), night.warehouse.stat().st_size
    folder = night.warehouse.parent
    result, after = on_small_disk(night, folder, size + 2 * MIB, keep=True)

    assert result.returncode == 3, result.stdout[-3000:] + result.stderr
    [message] = errors(result)
    pattern = (
        rf"make build: not enough space in {re.escape(str(folder))}: "
        rf"the build needs (\d+) MiB to copy the published warehouse, (\d+) MiB free; {NOT_PUBLISHED}"
    )
    match = re.fullmatch(pattern, message)
    assert match, message
    needed, free = int(match[1]), int(match[2])
    assert needed * MIB >= size + 16 * MIB and free <= 2, message
    assert "dbt: incremental" in result.stdout and f"published {night.warehouse}" not in result.stdout
    assert digest(after / night.warehouse.name) == before
    assert sorted(p.name for p in after.iterdir()) == [f".{night.warehouse.name}.lock", night.warehouse.name]


def test_a_warehouse_folder_filling_up_during_a_full_rebuild_is_one_line_and_exit_3(night: Night) -> None:
    """A full rebuild's size is not known before it runs: the folder fills up while dbt (or the metadata written
    after it) writes the new file, and the line is the same whichever process hit it."""
    folder = night.warehouse.parent
    before = digest(night.warehouse)
    result, after = on_small_disk(night, folder, night.warehouse.stat().st_size + 64 * 1024, "--full", "1", keep=True)

    assert "dbt: full rebuild (FULL=1)" in result.stdout
    assert_one_line(result, folder, "the new warehouse", NOT_PUBLISHED)
    assert digest(after / night.warehouse.name) == before
    assert sorted(p.name for p in after.iterdir()) == [f".{night.warehouse.name}.lock", night.warehouse.name]


# Each folder the build writes, on a tiny disk of its own: the option pointing the build at it (None: the raw
# seeds, mounted small where they are), what the line says was being written, and whether the warehouse was
# published by then. The feeds and reports are written from the published warehouse, the others while extracting
# (the cache: the book is read again, then stored).
EXTRACTING = "the cache, archive, raw seeds or gate reports"
FOLDERS = {
    "feeds": ("--feeds", "the feeds", PUBLISHED),
    "reports": ("--reports", "the Excel workbooks and the report", PUBLISHED),
    "archive": ("--archive", EXTRACTING, NOT_PUBLISHED),
    "cache": ("--cache", EXTRACTING, NOT_PUBLISHED),
    "raw seeds": (None, EXTRACTING, NOT_PUBLISHED),
}


@pytest.mark.parametrize("case", list(FOLDERS))
def test_a_full_disk_in_a_folder_the_build_writes_is_one_line_and_exit_3(case: str, night: Night) -> None:
    option, writing, state = FOLDERS[case]
    mounted, folder, extra = night.raw, night.raw, ()
    if option:
        mounted = night.root / "small"
        folder = mounted / case
        extra = (option, str(folder))
    before = digest(night.warehouse)
    result, after = on_small_disk(night, mounted, SMALL, *extra)

    assert_one_line(result, folder, writing, state)
    assert partial_files(after) == [], "a cut-short write was left behind"
    assert digest(night.warehouse) == before
    assert partial_files(night.root) == []
