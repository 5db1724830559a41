"""The judgement ledger: reversible decisions about whether two entities are the same.

A judgement is ``same``, ``not_same`` or ``unsure``, with who made it, when and
why. ``same`` merges: the first entity's ``merged_into`` points to the second,
and nothing else moves: claims, mentions and aliases keep their original
entity ids, and readers map ids through ``merged_into`` (:func:`canonical_id`).
Undoing a merge (:func:`unmerge`) clears ``merged_into`` and marks the
judgement undone; the judgement row stays. Every change is in the audit table.

Repository functions taking a :class:`~andiwali.store.kb.KnowledgeBase`; the
``judgements`` table is created by migration 1.

A discovered entity (status ``candidate``) is accepted by :func:`promote`: a
judgement ``accept`` (``a_id == b_id``, with who, when and why) and the entity's
status set to ``curated``, optionally with a corrected kind and extra aliases;
:func:`unpromote` (or :func:`undo` of the judgement) restores the candidate as it
was. The curated reference data (``andiwali/model/data``) is never written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from andiwali.errors import StoreError
from andiwali.model.names import is_acronym, normalize_name
from andiwali.store.kb import KnowledgeBase, now

JUDGEMENTS = ("same", "not_same", "unsure")
ACCEPT = "accept"  # a discovered candidate entity accepted by an analyst (see promote)


@dataclass
class Judgement:
    id: int
    a_id: str
    b_id: str
    judgement: str
    actor: str
    reason: str | None
    created_at: str
    undone_at: str | None

    @property
    def active(self) -> bool:
        return self.undone_at is None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "a": self.a_id, "b": self.b_id, "judgement": self.judgement, "actor": self.actor,
                "reason": self.reason, "created_at": self.created_at, "undone_at": self.undone_at}


def _row(r: Any) -> Judgement:
    return Judgement(r["id"], r["a_id"], r["b_id"], r["judgement"], r["actor"], r["reason"], r["created_at"], r["undone_at"])


def _entity_row(conn: Connection, eid: str) -> dict:
    row = conn.execute(text("SELECT id, kind, name, merged_into FROM entities WHERE id = :id"), {"id": eid}).mappings().first()
    if row is None:
        raise StoreError(f"no entity {eid}", code="E304")
    return dict(row)


def _chain(conn: Connection, eid: str) -> list[str]:
    """``eid`` and the entities it is merged into, in order."""
    out = [eid]
    while True:
        nxt = conn.execute(text("SELECT merged_into FROM entities WHERE id = :id"), {"id": out[-1]}).scalar()
        if not nxt or nxt in out:
            return out
        out.append(nxt)


def canonical_id(kb: KnowledgeBase, entity_id: str) -> str:
    """The entity an id now stands for (following merges)."""
    with kb.engine.connect() as conn:
        return _chain(conn, entity_id)[-1]


def _record(conn: Connection, kb: KnowledgeBase, a: str, b: str, judgement: str, actor: str, reason: str | None) -> int:
    if judgement not in JUDGEMENTS + (ACCEPT,):
        raise StoreError(f"judgement must be one of {JUDGEMENTS}, got {judgement!r}")
    ts = now()
    conn.execute(
        text("INSERT INTO judgements (a_id, b_id, judgement, actor, reason, created_at) VALUES (:a, :b, :j, :actor, :r, :ts)"),
        {"a": a, "b": b, "j": judgement, "actor": actor, "r": reason, "ts": ts},
    )
    jid = conn.execute(
        text("SELECT max(id) FROM judgements WHERE a_id = :a AND b_id = :b AND created_at = :ts"), {"a": a, "b": b, "ts": ts}
    ).scalar()
    kb._audit(conn, actor, "judgement:" + judgement, "judgement", str(jid), None,
              {"a": a, "b": b, "judgement": judgement, "reason": reason})
    return int(jid)


def judge(kb: KnowledgeBase, a_id: str, b_id: str, judgement: str, *, actor: str = "analyst", reason: str | None = None) -> Judgement:
    """Record a judgement. ``same`` merges ``a_id`` into ``b_id`` (see :func:`merge`)."""
    if judgement == "same":
        return merge(kb, a_id, b_id, actor=actor, reason=reason)
    with kb.transaction() as conn:
        _entity_row(conn, a_id)
        _entity_row(conn, b_id)
        if judgement == "not_same":
            # a standing merge between the two is undone by a contrary judgement
            for r in conn.execute(
                text("SELECT * FROM judgements WHERE judgement = 'same' AND undone_at IS NULL AND "
                     "((a_id = :a AND b_id = :b) OR (a_id = :b AND b_id = :a))"),
                {"a": a_id, "b": b_id},
            ).mappings().all():
                _undo(conn, kb, _row(r), actor, reason)
        jid = _record(conn, kb, a_id, b_id, judgement, actor, reason)
        return _row(conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": jid}).mappings().one())


def merge(kb: KnowledgeBase, a_id: str, b_id: str, *, actor: str = "analyst", reason: str | None = None) -> Judgement:
    """Judge ``a_id`` the same as ``b_id``: ``a`` is merged into ``b`` (reversibly)."""
    with kb.transaction() as conn:
        a = _entity_row(conn, a_id)
        b = _entity_row(conn, b_id)
        if a_id == b_id:
            raise StoreError("cannot merge an entity into itself")
        if a["kind"] != b["kind"]:
            raise StoreError(f"cannot merge a {a['kind']} ({a['name']}) into a {b['kind']} ({b['name']})")
        if a["merged_into"]:
            raise StoreError(f"{a['name']} is already merged into {a['merged_into']}: unmerge it first", code="E303")
        if a_id in _chain(conn, b_id):
            raise StoreError(f"{b['name']} is merged into {a['name']}: merging back would make a cycle", code="E303")
        jid = _record(conn, kb, a_id, b_id, "same", actor, reason)
        res = conn.execute(
            text("UPDATE entities SET merged_into = :b, version = version + 1 WHERE id = :a AND merged_into IS NULL"),
            {"a": a_id, "b": b_id},
        )
        if res.rowcount != 1:
            raise StoreError(f"{a['name']} was changed concurrently", code="E303")
        kb._audit(conn, actor, "merge", "entity", a_id, {"merged_into": None},
                  {"merged_into": b_id, "judgement": jid, "reason": reason})
        return _row(conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": jid}).mappings().one())


def _undo(conn: Connection, kb: KnowledgeBase, j: Judgement, actor: str, reason: str | None) -> None:
    ts = now()
    conn.execute(text("UPDATE judgements SET undone_at = :ts WHERE id = :id"), {"ts": ts, "id": j.id})
    kb._audit(conn, actor, "undo_judgement", "judgement", str(j.id), j.to_dict(), j.to_dict() | {"undone_at": ts, "undo_reason": reason})
    if j.judgement == "same":
        conn.execute(
            text("UPDATE entities SET merged_into = NULL, version = version + 1 WHERE id = :a AND merged_into = :b"),
            {"a": j.a_id, "b": j.b_id},
        )
        kb._audit(conn, actor, "unmerge", "entity", j.a_id, {"merged_into": j.b_id}, {"merged_into": None, "reason": reason})
    elif j.judgement == ACCEPT:
        _undo_promote(conn, kb, j, actor, reason)


def unmerge(kb: KnowledgeBase, entity_id: str, *, actor: str = "analyst", reason: str | None = None) -> Judgement:
    """Undo the merge of ``entity_id`` (the entity that was merged into another)."""
    with kb.transaction() as conn:
        ent = _entity_row(conn, entity_id)
        row = conn.execute(
            text("SELECT * FROM judgements WHERE a_id = :a AND judgement = 'same' AND undone_at IS NULL ORDER BY id DESC"),
            {"a": entity_id},
        ).mappings().first()
        if row is None:
            raise StoreError(f"{ent['name']} is not merged into anything", code="E304")
        j = _row(row)
        _undo(conn, kb, j, actor, reason)
        return _row(conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": j.id}).mappings().one())


def undo(kb: KnowledgeBase, judgement_id: int, *, actor: str = "analyst", reason: str | None = None) -> Judgement:
    """Undo any judgement by id (a merge is unmerged)."""
    with kb.transaction() as conn:
        row = conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": judgement_id}).mappings().first()
        if row is None:
            raise StoreError(f"no judgement {judgement_id}", code="E304")
        j = _row(row)
        if j.undone_at:
            raise StoreError(f"judgement {judgement_id} was already undone at {j.undone_at}", code="E303")
        _undo(conn, kb, j, actor, reason)
        return _row(conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": judgement_id}).mappings().one())


def judgements(kb: KnowledgeBase, entity_id: str | None = None, *, active_only: bool = False) -> list[Judgement]:
    """Judgements, newest first; those about ``entity_id`` when given."""
    q = "SELECT * FROM judgements"
    clauses, params = [], {}
    if entity_id:
        clauses.append("(a_id = :e OR b_id = :e)")
        params["e"] = entity_id
    if active_only:
        clauses.append("undone_at IS NULL")
    if clauses:
        q += " WHERE " + " AND ".join(clauses)
    q += " ORDER BY id DESC"
    with kb.engine.connect() as conn:
        return [_row(r) for r in conn.execute(text(q), params).mappings().all()]


def judged_not_same(kb: KnowledgeBase, a_id: str, b_id: str) -> bool:
    """True when an active judgement says the two are not the same (automatic merging must respect it)."""
    with kb.engine.connect() as conn:
        return conn.execute(
            text("SELECT 1 FROM judgements WHERE judgement = 'not_same' AND undone_at IS NULL AND "
                 "((a_id = :a AND b_id = :b) OR (a_id = :b AND b_id = :a))"),
            {"a": a_id, "b": b_id},
        ).first() is not None


# ---- accepting discovered entities ----------------------------------------------------


def promote(kb: KnowledgeBase, entity_id: str, *, actor: str = "analyst", reason: str | None = None,
            kind: str | None = None, aliases: list[str] | tuple[str, ...] = ()) -> Judgement:
    """Accept a discovered candidate entity: status ``curated``, a judgement ``accept`` in the ledger.

    ``kind`` corrects its kind; ``aliases`` are added with the source ``analyst NAME``. Reversible with
    :func:`unpromote` (the judgement stays, marked undone). Only the knowledge base changes.
    """
    from andiwali.model.ontology import ontology

    if kind is not None and kind not in ontology().entity_kinds:
        raise StoreError(f"kind must be one of {sorted(ontology().entity_kinds)}, got {kind!r}")
    with kb.transaction() as conn:
        row = conn.execute(text("SELECT id, kind, name, status, merged_into FROM entities WHERE id = :id"),
                           {"id": entity_id}).mappings().first()
        if row is None:
            raise StoreError(f"no entity {entity_id}", code="E304")
        if row["status"] != "candidate":
            raise StoreError(f"{row['name']} is not a candidate entity (status {row['status']})", code="E303")
        if row["merged_into"]:
            raise StoreError(f"{row['name']} is merged into {row['merged_into']}: unmerge it first", code="E303")
        jid = _record(conn, kb, entity_id, entity_id, ACCEPT, actor, reason)
        new_kind = kind or row["kind"]
        res = conn.execute(
            text("UPDATE entities SET status = 'curated', kind = :k, version = version + 1 "
                 "WHERE id = :id AND status = 'candidate'"), {"id": entity_id, "k": new_kind})
        if res.rowcount != 1:
            raise StoreError(f"{row['name']} was changed concurrently", code="E303")
        added = []
        for name in dict.fromkeys(a.strip() for a in aliases if a and a.strip()):
            r = conn.execute(
                text("INSERT INTO aliases (entity_id, name, norm, lang, script, source, acronym, ambiguous) "
                     "VALUES (:e, :n, :norm, NULL, NULL, :src, :acr, 0) ON CONFLICT (entity_id, name) DO NOTHING"),
                {"e": entity_id, "n": name, "norm": normalize_name(name), "src": f"analyst {actor}",
                 "acr": int(is_acronym(name))})
            if r.rowcount:
                added.append(name)
        kb._audit(conn, actor, "promote", "entity", entity_id, {"status": "candidate", "kind": row["kind"]},
                  {"status": "curated", "kind": new_kind, "aliases_added": added, "judgement": jid, "reason": reason})
        return _row(conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": jid}).mappings().one())


def _undo_promote(conn: Connection, kb: KnowledgeBase, j: Judgement, actor: str, reason: str | None) -> None:
    before, after = {"status": "candidate", "kind": None}, {"aliases_added": []}
    for r in conn.execute(text("SELECT before, after FROM audit WHERE action = 'promote' AND object_id = :e ORDER BY id DESC"),
                          {"e": j.a_id}).mappings().all():
        a = json.loads(r["after"]) if isinstance(r["after"], str) else (r["after"] or {})
        if a.get("judgement") == j.id:
            before = json.loads(r["before"]) if isinstance(r["before"], str) else (r["before"] or before)
            after = a
            break
    conn.execute(text("UPDATE entities SET status = 'candidate', kind = COALESCE(:k, kind), version = version + 1 "
                      "WHERE id = :id"), {"id": j.a_id, "k": before.get("kind")})
    for name in after.get("aliases_added") or []:
        conn.execute(text("DELETE FROM aliases WHERE entity_id = :e AND name = :n"), {"e": j.a_id, "n": name})
    kb._audit(conn, actor, "unpromote", "entity", j.a_id, {"status": "curated"},
              {"status": "candidate", "kind": before.get("kind"), "aliases_removed": after.get("aliases_added") or [],
               "reason": reason})


def unpromote(kb: KnowledgeBase, entity_id: str, *, actor: str = "analyst", reason: str | None = None) -> Judgement:
    """Undo the promotion of ``entity_id``: a candidate again, its kind and aliases as before."""
    with kb.transaction() as conn:
        ent = _entity_row(conn, entity_id)
        row = conn.execute(
            text("SELECT * FROM judgements WHERE a_id = :a AND judgement = :j AND undone_at IS NULL ORDER BY id DESC"),
            {"a": entity_id, "j": ACCEPT},
        ).mappings().first()
        if row is None:
            raise StoreError(f"{ent['name']} was not promoted", code="E304")
        j = _row(row)
        _undo(conn, kb, j, actor, reason)
        return _row(conn.execute(text("SELECT * FROM judgements WHERE id = :id"), {"id": j.id}).mappings().one())
