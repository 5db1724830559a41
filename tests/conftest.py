"""Shared fixtures: a fresh knowledge base per test, the shared/ folder when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def _shared() -> Path | None:
    env = os.environ.get("ANDIWALI_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared"]:
        if cand.is_dir() and (cand / "ontology.md").exists():
            return cand
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project (CI always has it); skips with a reason when absent."""
    path = _shared()
    if path is None:
        pytest.skip("../shared is not beside this clone (set ANDIWALI_SHARED to its path)")
    return path


@pytest.fixture(scope="session")
def _kb_template(tmp_path_factory) -> Path:
    """One knowledge base with the reference data, built once and copied per test."""
    import sqlite3

    from andiwali.store import DB_FILE, KnowledgeBase

    path = tmp_path_factory.mktemp("kb-template") / "kb"
    k = KnowledgeBase.create(path)
    k.close()
    with sqlite3.connect(path / DB_FILE) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def kb(tmp_path, _kb_template):
    """A fresh knowledge base with the bundled reference data (a copy of a session template)."""
    import shutil

    from andiwali.store import DB_FILE, KnowledgeBase

    target = tmp_path / "kb"
    target.mkdir()
    shutil.copyfile(_kb_template / DB_FILE, target / DB_FILE)
    k = KnowledgeBase.open(target)
    yield k
    k.close()


@pytest.fixture
def empty_kb(tmp_path):
    """A fresh knowledge base without reference data."""
    from andiwali.store import KnowledgeBase

    k = KnowledgeBase.create(tmp_path / "kb", with_reference=False)
    yield k
    k.close()
