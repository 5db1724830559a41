"""Repository functions the importers need beyond ``KnowledgeBase`` (owned by the interop helper)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from andiwali.store.kb import now


def _existing_ids(kb, table: str, ids_in: Iterable[str], conn: Connection | None) -> set[str]:
    """The subset of ``ids_in`` present in ``table`` (claims or documents), queried in chunks."""
    ids = list(dict.fromkeys(ids_in))
    found: set[str] = set()
    if not ids:
        return found

    def run(c: Connection) -> None:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            marks = ",".join(f":i{n}" for n in range(len(chunk)))
            found.update(r[0] for r in c.execute(text(f"SELECT id FROM {table} WHERE id IN ({marks})"), params))

    if conn is not None:
        run(conn)
    else:
        with kb.engine.connect() as c:
            run(c)
    return found


def existing_claim_ids(kb, claim_ids: Iterable[str], conn: Connection | None = None) -> set[str]:
    """The subset of ``claim_ids`` already stored."""
    return _existing_ids(kb, "claims", claim_ids, conn)


def existing_document_ids(kb, doc_ids: Iterable[str], conn: Connection | None = None) -> set[str]:
    """The subset of ``doc_ids`` already stored."""
    return _existing_ids(kb, "documents", doc_ids, conn)


def mark_extracted(conn: Connection, doc_ids: Iterable[str]) -> None:
    """Mark imported documents as extracted, so ``andiwali extract`` never re-runs on them
    (a re-extraction would drop the imported claims it does not find)."""
    ts = now()
    for d in doc_ids:
        conn.execute(text("UPDATE documents SET extracted_at = :ts WHERE id = :d AND extracted_at IS NULL"),
                     {"ts": ts, "d": d})
