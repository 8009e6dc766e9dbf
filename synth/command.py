"""The command line every typesetter shares: ``python -m synth.<module> SEED_JSON OUT``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def seed_and_output(description: str, output: str, output_help: str) -> tuple[dict, Path]:
    """The seed document read from ``SEED_JSON`` and the path given for ``output``, its parent folder made."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("seed_json", type=Path, help="a seed document (tests/fixtures/expected/*.json)")
    parser.add_argument(output, type=Path, help=output_help)
    args = parser.parse_args()
    path: Path = getattr(args, output)
    path.parent.mkdir(parents=True, exist_ok=True)
    return json.loads(args.seed_json.read_text(encoding="utf-8")), path
