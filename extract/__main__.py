"""``python -m extract PDF_DIR OUT_DIR``: extract every PDF under a folder into raw CSV seeds.

Only new work: results are cached by content hash, so an unchanged folder extracts nothing. A file
that cannot be read is quarantined with its reason; the others still extract, and the exit status
is 1 so that a nightly run notices. A manifest.csv that cannot be used exits 2 with one line.
Defaults come from jixiao.env (common/config.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from common.config import path_setting

from .dask_engine import DEFAULT_CONNECT_TIMEOUT, ClusterError
from .limits import add_limit_arguments
from .pipeline import ManifestError, Shard, run, settings_from
from .progress import Log


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--explain"]:  # python -m extract --explain FILE…: which table format, on which pages, why
        from .explain import main as explain

        return explain(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    parser.add_argument("pdf_dir", type=Path, help="folder of budget book PDFs (and an optional manifest.csv)")
    parser.add_argument("out_dir", type=Path, help="folder for the raw seeds (raw_documents.csv, …)")
    parser.add_argument("--reports", type=Path, default=path_setting("REPORTS"), help="the gate's Data Docs")
    parser.add_argument("--cache", type=Path, default=path_setting("CACHE"), help="extraction cache folder")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    parser.add_argument("--shard", type=Shard.parse, help="i/n: extract only this deterministic share of the files")
    add_limit_arguments(parser)
    parser.add_argument("--full", action="store_true", help="read every file whose cached entry is a refusal again")
    parser.add_argument("--scheduler", help="tcp://HOST:PORT: read the books as tasks on this Dask cluster")
    parser.add_argument(
        "--scheduler-timeout", type=float, default=DEFAULT_CONNECT_TIMEOUT, help="seconds to reach the scheduler"
    )
    args = parser.parse_args(argv)
    if not args.pdf_dir.is_dir():
        print(f"error: {args.pdf_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        outcome = run(args.pdf_dir, args.out_dir, settings_from(args), progress=Log())
    except (ClusterError, ManifestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{outcome.summary()} -> {args.out_dir}")
    return 1 if outcome.quarantined else 0


if __name__ == "__main__":
    sys.exit(main())
