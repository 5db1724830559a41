"""The knowledge base (SQLite by default, PostgreSQL by URL): the only place with SQL."""

from andiwali.store.kb import DB_FILE, IngestResult, KnowledgeBase, claim_to_dict
from andiwali.store.migrations import LATEST, MIGRATIONS, migrate

__all__ = ["DB_FILE", "LATEST", "MIGRATIONS", "IngestResult", "KnowledgeBase", "claim_to_dict", "migrate"]
