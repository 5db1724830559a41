"""Fixtures for the reliability tests: both backends, the PostgreSQL server, a synthetic gazetteer."""

from __future__ import annotations

import pytest

from conftest_pg import pg_server, pg_url  # noqa: F401


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: property and fuzz tests (bounded in make test, long in make fuzz)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request) -> str:
    return request.param


@pytest.fixture
def kb_location(backend, tmp_path, request) -> str:
    if backend == "sqlite":
        return str(tmp_path / "kb")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def new_location(backend, tmp_path, request, pg_server_if_needed):
    """A factory of further fresh locations of the same backend."""
    counter = iter(range(1000))

    def make() -> str:
        if backend == "sqlite":
            return str(tmp_path / f"kb{next(counter)}")
        return pg_server_if_needed.url(pg_server_if_needed.create_database())

    return make


@pytest.fixture
def pg_server_if_needed(backend, request):
    return request.getfixturevalue("pg_server") if backend == "postgresql" else None


@pytest.fixture(scope="session")
def synth_gazetteer():
    from andiwali.scale.synth import synthetic_gazetteer

    return synthetic_gazetteer(60)
