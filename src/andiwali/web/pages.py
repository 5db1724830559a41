"""HTML pages: each renders one views dict with an autoescaping template (document text is text).

Interactive parts (explorer, review keys, map, charts, evidence highlighting) are
static scripts under /static/js that read the JSON API and build the DOM with text
nodes; no page carries inline script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from andiwali.model.ontology import ontology
from andiwali.web import views
from andiwali.web.auth import SESSION_COOKIE
from andiwali.web.security import CSRF_COOKIE

NAV = [
    ("/", "Explorer"),
    ("/entities", "Entities"),
    ("/review", "Review"),
    ("/timeline", "Timeline"),
    ("/map", "Map"),
    ("/media", "Media"),
    ("/documents", "Documents"),
    ("/sources", "Sources"),
    ("/audit", "Audit"),
]

_env: jinja2.Environment | None = None


def _environment(folder: Path) -> jinja2.Environment:
    global _env
    if _env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder)),
            autoescape=True,  # every {{ value }} is HTML-escaped; no template uses |safe
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["grade_class"] = lambda g: "grade-" + (g or "F6")[0].lower()
        env.filters["pct"] = lambda x: f"{float(x) * 100:.0f}%" if x is not None else ""
        env.filters["dates"] = _dates
        env.filters["jsonattr"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
        env.filters["readable"] = _readable
        _env = env
    return _env


def _readable(value: Any) -> str:
    """An attribute value as plain text: lists joined by '; ', mappings as 'value value (date)'."""
    if isinstance(value, dict):
        date = value.get("date")
        parts = [str(v) for k, v in value.items() if k != "date" and v not in (None, "")]
        return " ".join(parts) + (f" ({date})" if date else "")
    if isinstance(value, list | tuple):
        return "; ".join(_readable(v) for v in value)
    return "" if value is None else str(value)


def _dates(item: dict) -> str:
    vf, vt = item.get("valid_from"), item.get("valid_to")
    if vf or vt:
        return f"{vf or '…'} – {vt or 'open'}"
    if item.get("reported_at"):
        return f"undated (reported {item['reported_at']})"
    return "undated"


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def render(request: Request, template: str, http_status: int = 200, **ctx: Any) -> HTMLResponse:
    env = _environment(Path(__file__).parent / "templates")
    user = getattr(request.state, "user", None)
    html = env.get_template(template).render(
        nav=NAV, path=request.url.path, user=user, team_mode=getattr(request.state, "team_mode", False), **ctx
    )
    return HTMLResponse(html, status_code=http_status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", http_status=status, status_code=status, message=message, title=f"Error {status}")


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=1024)


def make_router(templates: Path) -> APIRouter:
    _environment(templates)
    r = APIRouter(include_in_schema=False)

    @r.get("/", response_class=HTMLResponse)
    def explorer(request: Request):
        onto = ontology()
        return render(request, "explorer.html", title="Network explorer", layers=list(onto.layers))

    @r.get("/entities", response_class=HTMLResponse)
    def entities(request: Request, q: Annotated[str | None, Query(max_length=200)] = None,
                 kind: Annotated[str | None, Query(max_length=32)] = None):
        kb = request.app.state.kb
        rows = views.entity_list(kb, q=q, kind=kind or None, limit=1000)
        return render(request, "entities.html", title="Entities", rows=rows, q=q or "", kind=kind or "",
                      kinds=list(ontology().entity_kinds))

    @r.get("/entities/{entity_id}", response_class=HTMLResponse)
    def entity(request: Request, entity_id: str):
        p = views.entity_profile(request.app.state.kb, entity_id)
        return render(request, "entity.html", title=p["name"], e=p)

    @r.get("/claims", response_class=HTMLResponse)
    def claims(request: Request, status: Annotated[str | None, Query(max_length=16)] = None,
               predicate: Annotated[str | None, Query(max_length=64)] = None,
               entity: Annotated[str | None, Query(max_length=200)] = None,
               subject: Annotated[str | None, Query(max_length=200)] = None,
               object: Annotated[str | None, Query(max_length=200)] = None,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0):
        kb = request.app.state.kb
        rows = views.claim_list(kb, status=status or None, predicate=predicate or None, entity=entity or None,
                                subject=subject or None, object=object or None, limit=500, offset=offset)
        scope = {k: v for k, v in (("entity", entity), ("subject", subject), ("object", object)) if v}
        names = {k: (kb.entity(v).name if kb.entity(v) else v) for k, v in scope.items()}
        page = 500

        def page_url(at: int) -> str:
            params = {k: v for k, v in request.query_params.items() if k != "offset"} | {"offset": str(at)}
            return "/claims?" + urlencode(params)

        return render(request, "claims.html", title="Claims", rows=rows, status=status or "",
                      predicate=predicate or "", predicates=sorted(ontology().predicates),
                      statuses=list(ontology().review_statuses), scope=scope, scope_names=names,
                      page=page, prev_url=page_url(max(0, offset - page)) if offset else None,
                      next_url=page_url(offset + page) if len(rows) >= page else None)

    @r.get("/claims/{claim_id}", response_class=HTMLResponse)
    def claim(request: Request, claim_id: str):
        c = views.claim_detail(request.app.state.kb, claim_id)
        return render(request, "claim.html", title="Claim", c=c)

    @r.get("/documents", response_class=HTMLResponse)
    def documents(request: Request, q: Annotated[str | None, Query(max_length=200)] = None,
                  source: Annotated[str | None, Query(max_length=200)] = None,
                  format: Annotated[str | None, Query(max_length=32)] = None,
                  language: Annotated[str | None, Query(max_length=16)] = None,
                  date_from: Annotated[str | None, Query(max_length=10)] = None,
                  date_to: Annotated[str | None, Query(max_length=10)] = None):
        from andiwali.store import web_queries

        kb = request.app.state.kb
        filters = {"q": q or "", "source": source or "", "format": format or "", "language": language or "",
                   "date_from": date_from or "", "date_to": date_to or ""}
        rows = views.document_list(kb, **{k: (v or None) for k, v in filters.items()}, limit=1000)
        return render(request, "documents.html", title="Documents", rows=rows, f=filters,
                      facets=web_queries.document_facets(kb), max_upload=request.app.state.limits.max_upload,
                      max_files=request.app.state.max_files)

    @r.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str):
        d = views.document_detail(request.app.state.kb, doc_id)
        d.pop("text", None)  # the text is loaded by doctext.js and built from text nodes
        return render(request, "document.html", title=d.get("title") or d["doc_key"], d=d)

    @r.get("/review", response_class=HTMLResponse)
    def review(request: Request):
        onto = ontology()
        return render(request, "review.html", title="Review queue", predicates=sorted(onto.predicates),
                      modalities=list(onto.modalities))

    @r.get("/timeline", response_class=HTMLResponse)
    def timeline(request: Request):
        kb = request.app.state.kb
        return render(request, "timeline.html", title="Timeline and contested claims",
                      contested=views.contested(kb, limit=200), layers=list(ontology().layers))

    @r.get("/map", response_class=HTMLResponse)
    def map_page(request: Request):
        return render(request, "map.html", title="Map")

    @r.get("/media", response_class=HTMLResponse)
    def media(request: Request):
        return render(request, "media.html", title="Media activity")

    @r.get("/sources", response_class=HTMLResponse)
    def sources(request: Request):
        return render(request, "sources.html", title="Sources", rows=views.source_list(request.app.state.kb),
                      reliability="ABCDEF", credibility="123456")

    @r.get("/audit", response_class=HTMLResponse)
    def audit(request: Request, object_id: Annotated[str | None, Query(max_length=200)] = None):
        rows = views.audit(request.app.state.kb, object_id=object_id, limit=300)
        return render(request, "audit.html", title="Audit log", rows=rows, object_id=object_id or "")

    @r.get("/login", response_class=HTMLResponse)
    def login_page(request: Request):
        if not request.app.state.team_mode:
            return RedirectResponse("/", status_code=303)
        return render(request, "login.html", title="Log in")

    @r.post("/login")
    def login(request: Request, body: LoginIn):
        sessions = request.app.state.sessions
        if sessions is None:
            return JSONResponse({"detail": "not in team mode"}, status_code=404)
        got = sessions.login(body.name, body.password)
        if got is None:
            return JSONResponse({"detail": "wrong name or password"}, status_code=401)
        token, user = got
        resp = JSONResponse({"name": user["name"], "role": user["role"]})
        secure = request.url.scheme == "https"
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/",
                        max_age=int(sessions.ttl.total_seconds()))
        # a new CSRF token with the new session
        import secrets

        resp.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), httponly=False, samesite="strict", secure=secure,
                        path="/")
        return resp

    @r.post("/logout")
    def logout(request: Request):
        sessions = request.app.state.sessions
        if sessions is not None:
            sessions.logout(request.cookies.get(SESSION_COOKIE))
        resp = Response(status_code=204)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    return r
