"""Fixtures for the exchange tests (helpers live in interop_kb.py)."""

from __future__ import annotations

import pytest
from interop_kb import build_rich_kb

from andiwali.store import KnowledgeBase


@pytest.fixture
def rich_kb(tmp_path):
    kb = build_rich_kb(tmp_path / "rich")
    yield kb
    kb.close()


@pytest.fixture
def fresh_kb(tmp_path):
    """An empty knowledge base (no reference data): an import must bring everything itself."""
    kb = KnowledgeBase.create(tmp_path / "fresh", with_reference=False)
    yield kb
    kb.close()
