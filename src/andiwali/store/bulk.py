"""Bulk loading for benchmarks and large synthetic knowledge bases (executemany in big transactions).

Rows go in without audit entries: use this only for generated data or a
freshly created knowledge base, never to change an analyst's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from sqlalchemy import text

from andiwali.errors import StoreError
from andiwali.store.kb import KnowledgeBase

TABLES = {"sources", "documents", "entities", "aliases", "claims", "evidence", "mentions"}


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    it = iter(rows)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def bulk_insert(kb: KnowledgeBase, table: str, columns: Sequence[str], rows: Iterable[dict], *, batch: int = 5000) -> int:
    """Insert ``rows`` (dicts keyed by ``columns``) into ``table``; one transaction per batch. Returns the count.

    Documents also go into the SQLite full-text index.
    """
    if table not in TABLES:
        raise StoreError(f"bulk loading is for {sorted(TABLES)}, not {table!r}")
    stmt = text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
    fts = text("INSERT INTO documents_fts (doc_id, title, body) VALUES (:id, :title, :text)")
    n = 0
    for chunk in _batches(rows, batch):
        with kb.transaction() as conn:
            conn.execute(stmt, chunk)
            if table == "documents" and kb.dialect == "sqlite":
                conn.execute(fts, [{"id": r["id"], "title": r.get("title") or "", "text": r["text"]} for r in chunk])
        n += len(chunk)
    return n


def analyze(kb: KnowledgeBase) -> None:
    """Refresh the query planner's statistics after a bulk load."""
    with kb.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        if kb.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
