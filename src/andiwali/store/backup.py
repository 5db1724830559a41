"""Backups and restores of a knowledge base, and row-level snapshots to compare two.

* SQLite: ``backup`` uses SQLite's online backup API (``sqlite3.Connection.backup``)
  in one step, so the copy is one consistent snapshot even while a writer is
  active (WAL readers never block writers); the file is checked with
  ``PRAGMA integrity_check`` and renamed into place only when whole.
* PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot too) and
  ``pg_restore --single-transaction``.
* A SQLite backup can be restored into a PostgreSQL location (rows are copied
  table by table), which is how a knowledge base moves to a team server.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from andiwali.errors import StoreError
from andiwali.store.kb import DB_FILE, KnowledgeBase, resolve_location
from andiwali.store.migrations import LATEST, current_version

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# columns computed by the database (never copied or compared)
GENERATED = {("documents", "tsv")}


# ---- snapshots ------------------------------------------------------------------
def user_tables(kb: KnowledgeBase) -> list[str]:
    """The knowledge base's own tables in foreign-key order (FTS tables and their shadows excluded)."""
    insp = inspect(kb.engine)
    names = []
    for name, _fks in insp.get_sorted_table_and_fkc_names():
        if name is None or name.startswith("sqlite_") or name.startswith("documents_fts"):
            continue
        names.append(name)
    return names


def _columns(kb: KnowledgeBase, table: str) -> list[str]:
    return [c["name"] for c in inspect(kb.engine).get_columns(table) if (table, c["name"]) not in GENERATED]


def snapshot(kb: KnowledgeBase, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two knowledge bases hold the same data iff their snapshots are equal."""
    out: dict[str, list[tuple]] = {}
    with kb.engine.connect() as conn:
        for t in tables or user_tables(kb):
            cols = _columns(kb, t)
            rows = conn.execute(text(f"SELECT {', '.join(cols)} FROM {t}")).all()
            out[t] = sorted((tuple(r) for r in rows), key=lambda r: tuple((v is None, str(v)) for v in r))
    return out


# ---- tools ------------------------------------------------------------------------
def find_pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the newest /usr/lib/postgresql/<v>/bin copy, else the one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return found[-1]
    which = shutil.which(name)
    if which:
        return which
    raise StoreError(f"{name} not found: install the PostgreSQL client tools (`make setup`)", code="E310")


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq connection settings as environment variables (the password never appears on a command line)."""
    u = make_url(url)
    env = dict(os.environ)
    for key, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username), ("PGPASSWORD", u.password),
                       ("PGDATABASE", u.database)):
        if value is not None:
            env[key] = str(value)
    return [], env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise StoreError(f"{what} failed: {proc.stderr.strip()[-500:]}", code="E310")


def detect(path: str | os.PathLike) -> str:
    """'sqlite' or 'pgdump' from the file's first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read backup {path}: {exc.strerror}", code="E310") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pgdump"
    raise StoreError(f"{path} is not an andiwali backup (neither a SQLite file nor a pg_dump archive)", code="E310")


# ---- backup -----------------------------------------------------------------------
def backup(kb: KnowledgeBase, out: str | os.PathLike) -> dict[str, Any]:
    """Write a consistent copy of ``kb`` to ``out`` (a SQLite file or a pg_dump archive)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        if kb.dialect == "sqlite":
            db = Path(kb.engine.url.database)
            src = sqlite3.connect(db, timeout=30)
            dst = sqlite3.connect(tmp)
            try:
                src.execute("PRAGMA busy_timeout=30000")
                src.backup(dst)  # one step: a single consistent snapshot
                dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
                version = current_version_raw(dst)
            finally:
                dst.close()
                src.close()
            if check != "ok":
                raise StoreError(f"the backup copy failed its integrity check: {check}", code="E310")
        else:
            _, env = _pg_env(kb.engine.url.render_as_string(hide_password=False))
            _run([find_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(tmp)],
                 env, "pg_dump")
            version = kb.schema_version()
        os.replace(tmp, out)
    except sqlite3.Error as exc:
        raise StoreError(f"backup failed: {exc}", code="E310") from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"backend": kb.dialect, "path": str(out), "bytes": out.stat().st_size, "schema": version}


def current_version_raw(con: sqlite3.Connection) -> int:
    if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone():
        return 0
    return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0])


# ---- restore ----------------------------------------------------------------------
def _has_kb(url: str, directory: Path | None) -> bool:
    if url.startswith("sqlite"):
        return directory is not None and (directory / DB_FILE).exists()
    kb = KnowledgeBase(KnowledgeBase._engine(url), url, None)
    try:
        with kb.engine.connect() as conn:
            return current_version(conn) > 0
    finally:
        kb.close()


def restore(src: str | os.PathLike, location: str | os.PathLike, *, force: bool = False) -> dict[str, Any]:
    """Restore backup ``src`` into ``location`` (a directory or URL), then bring its schema up to date."""
    kind = detect(src)
    url, directory = resolve_location(location)
    if _has_kb(url, directory) and not force:
        raise StoreError(f"{location} already holds a knowledge base: pass --force to replace it", code="E308")
    if kind == "sqlite":
        con = sqlite3.connect(Path(src))
        try:
            check = con.execute("PRAGMA integrity_check").fetchone()[0]
            version = current_version_raw(con)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{src} is not a readable SQLite backup: {exc}", code="E310") from None
        finally:
            con.close()
        if check != "ok":
            raise StoreError(f"{src} failed its integrity check: {check}", code="E310")
        if version > LATEST:
            raise StoreError(f"{src} has schema {version}, newer than this andiwali ({LATEST})", code="E302")
        if url.startswith("sqlite"):
            _restore_sqlite_file(Path(src), Path(make_url(url).database))
        else:
            _restore_sqlite_into_pg(Path(src), url, force=force)
    else:
        if url.startswith("sqlite"):
            raise StoreError("a pg_dump backup restores into a postgresql:// location only", code="E310")
        _, env = _pg_env(url)
        if force:
            _drop_all(url)
        _run([find_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", env.get("PGDATABASE", ""), str(src)], env, "pg_restore")
    kb = KnowledgeBase.open(location, upgrade=True)
    try:
        counts = kb.counts()
        version = kb.schema_version()
    finally:
        kb.close()
    return {"backend": "sqlite" if url.startswith("sqlite") else "postgresql", "from": kind, "schema": version,
            "counts": counts}


def _restore_sqlite_file(src: Path, target: Path) -> None:
    """Copy a SQLite backup over the knowledge base file through the backup API (locks are honoured)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    s = sqlite3.connect(src)
    d = sqlite3.connect(target, timeout=30)
    try:
        d.execute("PRAGMA busy_timeout=30000")
        s.backup(d)
        d.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise StoreError(f"restore into {target} failed: {exc}", code="E310") from None
    finally:
        d.close()
        s.close()


def _drop_all(url: str) -> None:
    kb = KnowledgeBase(KnowledgeBase._engine(url), url, None)
    try:
        with kb.transaction() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        kb.close()


def _restore_sqlite_into_pg(src: Path, url: str, *, force: bool) -> None:
    """Copy every row of a SQLite backup into a PostgreSQL database with the same schema version."""
    with tempfile.TemporaryDirectory(prefix="andiwali-restore-") as tmp:
        work = Path(tmp) / DB_FILE
        shutil.copyfile(src, work)
        source = KnowledgeBase(KnowledgeBase._engine(f"sqlite:///{work}"), str(work), Path(tmp))
        if force:
            _drop_all(url)
        from andiwali.store.migrations import migrate

        target = KnowledgeBase(KnowledgeBase._engine(url), url, None)
        try:
            migrate(target.engine, target=source.schema_version())
            copy_rows(source, target)
        finally:
            source.close()
            target.close()


def copy_rows(source: KnowledgeBase, target: KnowledgeBase, *, batch: int = 2000) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target`` (same schema version), in one transaction."""
    if source.schema_version() != target.schema_version():
        raise StoreError("copy needs both knowledge bases at the same schema version", code="E310")
    copied: dict[str, int] = {}
    tables = user_tables(source)
    with source.engine.connect() as sconn, target.transaction() as tconn:
        for t in tables:
            cols = [c for c in _columns(source, t) if c in set(_columns(target, t))]
            if t == "schema_migrations":  # keep the source's history of applied migrations
                tconn.execute(text("DELETE FROM schema_migrations"))
            order = " ORDER BY duplicate_of IS NOT NULL, ingested_at, id" if t == "documents" else ""
            rows = sconn.execute(text(f"SELECT {', '.join(cols)} FROM {t}{order}"))
            insert = text(f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})")
            n = 0
            while True:
                chunk = rows.fetchmany(batch)
                if not chunk:
                    break
                tconn.execute(insert, [dict(zip(cols, r, strict=True)) for r in chunk])
                n += len(chunk)
            copied[t] = n
        if target.dialect == "postgresql":
            for t in tables:
                if "id" in _columns(target, t):
                    seq = tconn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": t}).scalar()
                    if seq:
                        tconn.execute(text(f"SELECT setval('{seq}', coalesce((SELECT max(id) FROM {t}), 0) + 1, false)"))
        else:
            tconn.execute(text("DELETE FROM documents_fts"))
            tconn.execute(text("INSERT INTO documents_fts (doc_id, title, body) "
                               "SELECT id, coalesce(title, ''), text FROM documents"))
    return copied
