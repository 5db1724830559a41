"""The store suite runs against SQLite and against a real PostgreSQL server.

``kb_location`` is a fresh knowledge-base location for either backend (a
temporary directory or a fresh database URL); ``kb`` and ``empty_kb`` override
the shared fixtures so every store test runs twice.
"""

from __future__ import annotations

import pytest

from conftest_pg import pg_server, pg_url  # noqa: F401

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def kb_location(backend, tmp_path, request) -> str:
    """A fresh location: a directory for SQLite, an empty database URL for PostgreSQL."""
    if backend == "sqlite":
        return str(tmp_path / "kb")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def kb(kb_location):
    from andiwali.store import KnowledgeBase

    k = KnowledgeBase.create(kb_location)
    yield k
    k.close()


@pytest.fixture
def empty_kb(kb_location):
    from andiwali.store import KnowledgeBase

    k = KnowledgeBase.create(kb_location, with_reference=False)
    yield k
    k.close()
