from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import extract_document
from extract.model import Document
from tests.fixtures.budget_book import render_book
from tests.helpers import load_seed


@pytest.fixture(scope="session")
def seed() -> dict:
    return load_seed()


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory, seed: dict) -> Path:
    """The seed document typeset as a budget book with the default (seed-like) layout."""
    return render_book(seed, tmp_path_factory.mktemp("book") / "duobao.pdf")


@pytest.fixture(scope="session")
def extracted(book: Path) -> Document:
    return extract_document(book)
