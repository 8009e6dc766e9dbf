"""The dbt project's settings (``dbt_project.yml``), read in one place: its version, and its vars, the models' own
constants (the indicator grammar, the amount columns, the Chinese labels) that the extractor's gate and the
analysts' files use too, so that none of them keeps a copy."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project.yml"


@cache
def _read(path: Path, modified: float) -> dict[str, Any]:
    import yaml  # here: the extractor's workers import this module and never read the project

    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def dbt_project(path: Path = DBT_PROJECT) -> dict[str, Any]:
    """The parsed file, read again when it changes (an operator's edit between two runs of one process)."""
    return _read(path, path.stat().st_mtime)


def project_vars(path: Path = DBT_PROJECT) -> dict[str, Any]:
    return dict(dbt_project(path)["vars"])


def project_version(path: Path = DBT_PROJECT) -> str:
    return str(dbt_project(path).get("version", ""))
