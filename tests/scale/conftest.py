"""Fixtures for the scale tests: the PostgreSQL server, a dask LocalCluster, a synthetic corpus."""

from __future__ import annotations

import pytest

from conftest_pg import pg_server, pg_url  # noqa: F401


@pytest.fixture(scope="session")
def dask_cluster():
    """A LocalCluster of 2 worker processes (1 thread each), shut down at the end of the session."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=40)
    yield cluster
    cluster.close()


@pytest.fixture(scope="session")
def synth_gazetteer():
    from andiwali.scale.synth import synthetic_gazetteer

    return synthetic_gazetteer(60)


@pytest.fixture(scope="session")
def synth_docs():
    from andiwali.scale.synth import synthetic_documents

    return list(synthetic_documents(12_000, n_groups=60, doc_words=(100, 500)))
