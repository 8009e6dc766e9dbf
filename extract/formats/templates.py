"""The card templates, read from ``templates.yml``: each is a format behind the reader interface (``NAME``,
``PICTURE``, ``LABELS``, ``read``) whose reading is the one ``CardReader``. A template is an entry of the file, never
Python: adding a province's form names no code (docs/architecture.md, "Templates as data").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .card import HEADER_KEYS, ROW_COLUMNS, CardReader, CardSpec, label_of
from .grid import PageGrids, normalise
from .records import INDICATOR_KEYS, ReadTable

TEMPLATES_FILE = Path(__file__).with_name("templates.yml")
ENTRY_KEYS = ("name", "picture", "detect", "fields", "groups", "money", "grid", "beside")
OPTIONAL_KEYS = ("sentences", "grids")  # money written as a sentence; two grids, the period's and the year's


@dataclass(frozen=True)
class Template:
    """One entry of ``templates.yml``, read by the card reader."""

    spec: CardSpec
    picture: str
    detect: tuple[str, ...]

    @property
    def NAME(self) -> str:  # the reader interface every format shares
        return self.spec.format_name

    @property
    def PICTURE(self) -> str:
        return self.picture

    @property
    def LABELS(self) -> tuple[str, ...]:
        return self.detect

    def read(self, pages: list[PageGrids]) -> list[ReadTable]:
        return CardReader(self.spec).read(pages)


def _template(entry: dict) -> Template:
    """An entry, checked: every key known, every field a column the reader fills, every grid column a record's."""
    name = entry.get("name", "?")
    unknown = sorted(set(entry) - set(ENTRY_KEYS) - set(OPTIONAL_KEYS))
    missing = sorted(set(ENTRY_KEYS) - set(entry))
    if unknown or missing:
        raise ValueError(f"template {name}: unknown keys {unknown}, missing keys {missing}")
    fields = {label_of(label)[0]: key for label, key in entry["fields"].items()}
    bad = sorted({key for key in fields.values() if key not in (*ROW_COLUMNS, *HEADER_KEYS)})
    sentences = {label_of(label)[0]: parts for label, parts in entry.get("sentences", {}).items()}
    grids = {normalise(label): column for label, column in entry.get("grids", {}).items()}
    bad += sorted({key for parts in sentences.values() for key in parts.values() if key not in ROW_COLUMNS})
    bad += sorted({key for key in (*entry["grid"].values(), *grids.values()) if key not in INDICATOR_KEYS})
    if bad:
        raise ValueError(f"template {name}: fields or grid columns the reader does not fill: {bad}")
    if not any(label_of(label)[0] in entry["detect"] for label, key in entry["fields"].items() if key == "name"):
        raise ValueError(f"template {name}: no name label (it starts a card) among its detect labels")
    spec = CardSpec(
        format_name=name,
        fields=fields,
        groups=tuple(normalise(label) for label in entry["groups"]),
        columns={normalise(label): key for label, key in entry["grid"].items()},
        money=tuple(normalise(label) for label in entry["money"]),
        beside=tuple(normalise(label) for label in entry["beside"]),
        sentences=sentences,
        grids=grids,
    )
    return Template(spec, entry["picture"], tuple(normalise(label) for label in entry["detect"]))


def load(path: Path = TEMPLATES_FILE) -> tuple[Template, ...]:
    """Every template of a templates file, in its order (a broken file is a programming error: it raises)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["templates"]
    templates = tuple(_template(entry) for entry in entries)
    names = [t.NAME for t in templates]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: a template name given twice")
    return templates


TEMPLATES = load()
