"""Shared by the tests: the hand-checked seed document, and running the real extractor and dbt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

from nightly.build import dbt_env
from synth.budget_book import indicator_text

REPO = Path(__file__).resolve().parents[1]
SEED_JSON = REPO / "tests" / "fixtures" / "expected" / "000_e493727b22778aa2.json"
SAMPLE_PDF = REPO / "data" / "pdf" / "duobao_street_office_2024.pdf"


def load_seed() -> dict:
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


def amount(text: str | None) -> str | None:
    """A printed amount as the seed JSON writes it: ``3,473.60`` → ``3473.60``, empty → None."""
    return None if not text else str(Decimal(text.replace(",", "")))


def expected_rows(seed: dict) -> list[tuple]:
    """The table's rows as the seed says they are printed: kind, name, 4 amounts, goal, indicators."""

    def amounts(item: dict) -> tuple:
        return tuple(item[k] for k in ("total", "fiscal_appropriation", "special_account", "other"))

    rows = [("total", "合计", *amounts(seed["document"]["grand_total"]), "", "")]
    for unit in seed["units"]:
        rows.append(("funding_unit", unit["name"], *amounts(unit), "", ""))
        for project in unit["projects"]:
            text = indicator_text(project["indicators"])
            rows.append(("project", project["name"], *amounts(project), project["goal"], text))
    return rows


def run_extract(pdf_dir: Path, out_dir: Path, reports_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extract", str(pdf_dir), str(out_dir), "--reports", str(reports_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def raw_seeds_dir() -> Path:
    """A fresh folder for raw seeds inside the project: dbt needs seed paths relative to the project
    (it writes compiled seeds to target/run/<project>/<seed path>, which for an absolute path is the
    seed file itself)."""
    parent = REPO / "build" / "tests"
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=parent))


def run_dbt_build(raw_seeds: Path, warehouse: Path, work_dir: Path) -> subprocess.CompletedProcess:
    """``dbt build`` of the real project into a temporary warehouse, with its own target and logs."""
    return run_dbt(["build", "--full-refresh"], raw_seeds, warehouse, work_dir)


def run_dbt(
    arguments: list[str], raw_seeds: Path, warehouse: Path, work_dir: Path, project: Path = REPO
) -> subprocess.CompletedProcess:
    """``dbt`` on the project, or on a copy of it (``project_copy``), into ``warehouse``, with its own target and
    logs in ``work_dir``; ``raw_seeds`` must lie inside the project (raw_seeds_dir)."""
    env = dbt_env(warehouse, raw_seeds.relative_to(project), project)
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), *arguments, "--target-path", str(work_dir / "target")]
    command += ["--log-path", str(work_dir / "logs")]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)


def make_build_command(root: Path, pdf_dir: Path, raw: Path, *extra: str) -> list[str]:
    """``make build`` as the tests run it (python -m nightly.build): a nightly's folders under ``root``
    (warehouse/jixiao.duckdb, reports, feeds, cache), the books in ``pdf_dir``, raw seeds in ``raw`` (inside the
    project, raw_seeds_dir); ``extra`` first, so it may name the command (feeds, rollback)."""
    command = [sys.executable, "-m", "nightly.build", *extra, "--pdf-dir", str(pdf_dir)]
    command += ["--warehouse", str(root / "warehouse" / "jixiao.duckdb"), "--raw-seeds", str(raw.relative_to(REPO))]
    command += ["--reports", str(root / "reports"), "--feeds", str(root / "feeds"), "--cache", str(root / "cache")]
    return command


def build_warehouse(pdf_dir: Path, work_dir: Path) -> Path:
    """The whole pipeline into work_dir: extract, dbt build (target/ and logs/ there too), feeds.
    Returns the warehouse file; fails the test on any error."""
    raw = raw_seeds_dir()
    try:
        extracted = run_extract(pdf_dir, raw, work_dir / "reports")
        assert extracted.returncode == 0, extracted.stderr
        warehouse = work_dir / "jixiao.duckdb"
        built = run_dbt_build(raw, warehouse, work_dir)
        assert built.returncode == 0, built.stdout[-4000:]
        assert "ERROR=0" in built.stdout and "SKIP=0" in built.stdout
        # the nightly leaves dbt's unit tests out (nightly.build.NIGHTLY_EXCLUDES): here they run
        results = json.loads((work_dir / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
        unit_tests = [r["status"] for r in results if r["unique_id"].startswith("unit_test.")]
        assert unit_tests and set(unit_tests) == {"pass"}, unit_tests
    finally:
        shutil.rmtree(raw)
    feeds = str(work_dir / "feeds")
    written = subprocess.run(
        [sys.executable, "-m", "nightly.feeds", str(warehouse), str(work_dir / "target" / "manifest.json"), feeds],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert written.returncode == 0, written.stderr
    return warehouse


def project_copy(parent: Path) -> Path:
    """A copy of the dbt project (models, macros, seeds, data tests, config) under ``parent``, for a test that
    edits the reviewed reference seeds (accepted discrepancies, corrections, indicator codes) as an operator
    would, without touching the repository's."""
    project = parent / "project"
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(REPO / folder, project / folder)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, project / name)
    return project


# The folders where pdfium (and fontconfig) look for a machine's fonts on Linux.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/usr/share/X11/fonts")
_HIDE_FONTS = r"""set -e
keep=$(mktemp -d)
mount --bind /usr/share/fonts "$keep"
for folder in FOLDERS; do if [ -d "$folder" ]; then mount -t tmpfs none "$folder"; fi; done
mkdir -p /usr/share/fonts/kept
for font in KEPT; do
    target=/usr/share/fonts/kept/$(basename "$font"); touch "$target"
    mount --bind "$keep/${font#/usr/share/fonts/}" "$target"
done
exec "$@"
"""


def with_fonts(fonts: list[Path], command: list[str]) -> list[str]:
    """``command`` run in a private mount namespace where the machine's font folders are empty but for ``fonts``
    (files under /usr/share/fonts): as root, or mapped to root in a user namespace otherwise."""
    script = _HIDE_FONTS.replace("FOLDERS", " ".join(FONT_FOLDERS)).replace("KEPT", " ".join(map(str, fonts)))
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    return ["unshare", "--mount", *user, "sh", "-c", script, "with_fonts", *command]


def character_error_rate(pairs: list[tuple[str, str]]) -> float:
    """Characters to insert, delete or replace to make each read text its printed one (Levenshtein), as a share of
    the printed characters; NFKC on both, as a full-width colon is the same character to an analyst."""
    errors = printed = 0
    for truth, read in pairs:
        truth, read = unicodedata.normalize("NFKC", truth), unicodedata.normalize("NFKC", read)
        previous = list(range(len(read) + 1))
        for i, a in enumerate(truth, start=1):
            current = [i]
            for j, b in enumerate(read, start=1):
                current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
            previous = current
        errors, printed = errors + previous[-1], printed + len(truth)
    return errors / max(printed, 1)
