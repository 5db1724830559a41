"""The JSON API under /api/ (OpenAPI schema at /openapi.json). Each route returns a views dict."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from andiwali.web import views
from andiwali.web.auth import has_role

router = APIRouter(prefix="/api")

Id = Annotated[str, Field(max_length=200)]
Date = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Limit = Annotated[int, Query(ge=1, le=views.MAX_LIST)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Text = Annotated[str | None, Query(max_length=200)]


def kb_of(request: Request):
    return request.app.state.kb


def user_of(request: Request) -> dict:
    return getattr(request.state, "user", None) or {}


def actor_of(request: Request) -> str:
    u = user_of(request)
    return u.get("name") or "web"


def need(role: str):
    def dep(request: Request) -> dict:
        u = user_of(request)
        if not has_role(u, role):
            raise HTTPException(403, f"needs the {role} role")
        return u

    return dep


# ---- request bodies ----------------------------------------------------------------
class ClaimChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    predicate: str | None = Field(None, max_length=64)
    polarity: Literal["asserted", "negated"] | None = None
    modality: Literal["fact", "reported", "alleged", "claimed", "estimated", "hypothetical"] | None = None
    valid_from: str | None = Field(None, max_length=10)
    valid_to: str | None = Field(None, max_length=10)
    attributed_to: str | None = Field(None, max_length=200)
    confidence: float | None = Field(None, ge=0, le=1)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["accepted", "rejected", "edited"]
    expected_version: int | None = Field(None, ge=0, le=1_000_000_000)
    changes: ClaimChanges | None = None


class BulkReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[Id] = Field(..., min_length=1, max_length=1000)
    status: Literal["accepted", "rejected"]


class GradeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: str = Field(..., pattern=r"^[A-Fa-f][1-6]$")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=64, pattern=r"^\S+$")
    role: Literal["viewer", "analyst", "admin"]
    password: str = Field(..., min_length=8, max_length=1024)


# ---- reads ---------------------------------------------------------------------------
@router.get("/overview", summary="Counts and the ontology's vocabularies")
def api_overview(request: Request) -> dict[str, Any]:
    return views.overview(kb_of(request))


@router.get("/me", summary="Who is logged in (team mode) or the local actor")
def api_me(request: Request) -> dict[str, Any]:
    u = user_of(request)
    return {"name": u.get("name"), "role": u.get("role"), "team_mode": bool(request.app.state.team_mode)}


@router.get("/entities", summary="Entities (id, name, kind, aliases, claim count)")
def api_entities(request: Request, q: Text = None, kind: Annotated[str | None, Query(max_length=32)] = None,
                 limit: Limit = 500, offset: Offset = 0) -> list[dict[str, Any]]:
    return views.entity_list(kb_of(request), q=q, kind=kind, limit=limit, offset=offset)


@router.get("/entities/{entity_id}", summary="An entity's profile")
def api_entity(request: Request, entity_id: str) -> dict[str, Any]:
    return views.entity_profile(kb_of(request), entity_id)


@router.get("/claims", summary="Claims with names, first quote and source grade")
def api_claims(
    request: Request,
    status: Annotated[str | None, Query(max_length=16)] = None,
    predicate: Annotated[str | None, Query(max_length=64)] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    object: Annotated[str | None, Query(max_length=200)] = None,
    doc_id: Annotated[str | None, Query(max_length=200)] = None,
    date_from: Date = None,
    date_to: Date = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    return views.claim_list(kb_of(request), status=status, predicate=predicate, entity=entity, subject=subject,
                            object=object, doc_id=doc_id, date_from=date_from, date_to=date_to,
                            min_confidence=min_confidence, limit=limit, offset=offset)


@router.get("/claims/{claim_id}", summary="One claim with its evidence, source grade, related claims and audit")
def api_claim(request: Request, claim_id: str) -> dict[str, Any]:
    return views.claim_detail(kb_of(request), claim_id)


@router.get("/review-queue", summary="Pending claims sorted by confidence")
def api_review_queue(
    request: Request,
    order: Literal["asc", "desc"] = "desc",
    predicate: Annotated[str | None, Query(max_length=64)] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return views.review_queue(kb_of(request), order=order, predicate=predicate, min_confidence=min_confidence,
                              limit=limit, offset=offset)


@router.get("/documents", summary="Documents (id, title, source, grade, ...), filtered")
def api_documents(
    request: Request,
    q: Text = None,
    source: Text = None,
    format: Annotated[str | None, Query(max_length=32)] = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
    date_from: Date = None,
    date_to: Date = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    return views.document_list(kb_of(request), q=q, source=source, format=format, language=language,
                               date_from=date_from, date_to=date_to, limit=limit, offset=offset)


@router.get("/documents/{doc_id}", summary="A document's text and the evidence spans in it")
def api_document(request: Request, doc_id: str) -> dict[str, Any]:
    return views.document_detail(kb_of(request), doc_id)


@router.get("/sources", summary="Sources with their grades and document counts")
def api_sources(request: Request) -> list[dict[str, Any]]:
    return views.source_list(kb_of(request))


@router.get("/graph", summary="The explorer's graph: nodes with layout and metrics, ties with per-claim intervals")
def api_graph(request: Request) -> dict[str, Any]:
    return request.app.state.graph_cache.get(kb_of(request))


@router.get("/timeline", summary="Dated claims and events, sorted by start")
def api_timeline(
    request: Request,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    layer: Annotated[str | None, Query(max_length=32)] = None,
    date_from: Date = None,
    date_to: Date = None,
    limit: Annotated[int, Query(ge=1, le=views.MAX_LIST)] = 2000,
) -> dict[str, Any]:
    return views.timeline(kb_of(request), entity=entity, layer=layer, date_from=date_from, date_to=date_to,
                          limit=limit)


@router.get("/contested", summary="Contested ties: asserted and negated claims that overlap in time")
def api_contested(request: Request, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[dict[str, Any]]:
    return views.contested(kb_of(request), limit=limit)


@router.get("/map", summary="Presence per country (ISO alpha-2) of the selected groups")
def api_map(
    request: Request,
    group: Annotated[list[Annotated[str, Field(max_length=200)]] | None, Query(max_length=200)] = None,
    date_from: Date = None,
    date_to: Date = None,
) -> dict[str, Any]:
    return views.map_presence(kb_of(request), groups=group, date_from=date_from, date_to=date_to)


@router.get("/media-activity", summary="Documents per source per month or year")
def api_media(request: Request, by: Literal["month", "year"] = "month") -> dict[str, Any]:
    return views.media_activity(kb_of(request), by=by)


@router.get("/audit", summary="The audit log, newest first")
def api_audit(request: Request, object_id: Annotated[str | None, Query(max_length=200)] = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> list[dict[str, Any]]:
    return views.audit(kb_of(request), object_id=object_id, limit=limit)


# ---- writes ----------------------------------------------------------------------------
@router.post("/claims/{claim_id}/review", summary="Accept, reject or edit a claim (recorded in the audit log)")
def api_review(request: Request, claim_id: str, body: ReviewIn, user: dict = Depends(need("analyst"))) -> dict[str, Any]:
    changes = body.changes.model_dump(exclude_unset=True) if body.changes else None
    return views.review(kb_of(request), claim_id, body.status, actor=actor_of(request),
                        expected_version=body.expected_version, changes=changes)


@router.post("/claims/review", summary="Accept or reject many claims at once")
def api_review_bulk(request: Request, body: BulkReviewIn, user: dict = Depends(need("analyst"))) -> dict[str, Any]:
    return views.review_many(kb_of(request), body.ids, body.status, actor=actor_of(request))


@router.post("/sources/{source_id}/grade", summary="Grade a source (Admiralty code, e.g. B2)")
def api_grade(request: Request, source_id: str, body: GradeIn, user: dict = Depends(need("analyst"))) -> dict[str, Any]:
    return views.grade_source(kb_of(request), source_id, body.grade.upper(), actor=actor_of(request))


@router.post("/documents", summary="Upload documents (multipart); ingested like `andiwali ingest`")
def api_upload(
    request: Request,
    files: Annotated[list[UploadFile], File(description="one or more files")],
    source: Annotated[str | None, Form(max_length=200)] = None,
    grade: Annotated[str | None, Form(max_length=2)] = None,
    user: dict = Depends(need("analyst")),
) -> dict[str, Any]:
    if len(files) > request.app.state.max_files:
        raise HTTPException(413, f"at most {request.app.state.max_files} files per upload")
    from andiwali.web import upload

    payload = []
    for n, f in enumerate(files):
        name = upload.safe_name(f.filename or f"upload-{n}")
        payload.append((name, f.file.read()))
    return upload.ingest_uploads(kb_of(request), payload, source=source, grade=grade,
                                 max_bytes=request.app.state.limits.max_upload)


@router.get("/users", summary="Users and roles (admin)")
def api_users(request: Request, user: dict = Depends(need("admin"))) -> list[dict[str, Any]]:
    from andiwali.store import web_queries

    return web_queries.list_users(kb_of(request))


@router.post("/users", summary="Add a user (admin)")
def api_add_user(request: Request, body: UserIn, user: dict = Depends(need("admin"))) -> dict[str, Any]:
    from andiwali.store import web_queries
    from andiwali.web.auth import hash_password

    u = web_queries.add_user(kb_of(request), body.name, body.role, hash_password(body.password),
                             actor=actor_of(request))
    return {"id": u["id"], "name": u["name"], "role": u["role"]}
