"""The app factory: ``create_app(kb_location, team_mode=...)`` -> a FastAPI app.

Pages and the JSON API share the view functions in ``andiwali.web.views``. Every
response passes ``SecurityMiddleware`` (headers, CSRF, limits, team-mode login).
Nothing is loaded from outside the machine: scripts, styles and the world map are
served from ``static/`` (the vendored npm packages are built by scripts/build-web.sh).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from andiwali.errors import AndiwaliError
from andiwali.model import ModelError
from andiwali.model.ontology import OntologyError
from andiwali.store import KnowledgeBase
from andiwali.web import api, pages
from andiwali.web.auth import Sessions, utcnow
from andiwali.web.graph import GraphCache
from andiwali.web.security import LOOPBACK_HOSTS, Limits, SecurityMiddleware
from andiwali.web.views import BadRequest, NotFound

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"


def _status_for(exc: AndiwaliError) -> int:
    if isinstance(exc, NotFound) or exc.code == "E304":
        return 404
    if exc.code == "E303":
        return 409
    if isinstance(exc, BadRequest | ModelError | OntologyError):
        return 422
    if exc.code.startswith(("E2", "E6", "E7")):
        return 422
    return 400


def create_app(
    kb_location,
    *,
    team_mode: bool = False,
    actor: str = "web",
    allowed_hosts: list[str] | tuple[str, ...] | None = None,
    limits: Limits | None = None,
    session_ttl: timedelta = timedelta(hours=8),
    clock: Callable[[], datetime] = utcnow,
    max_files: int = 50,
    kb: KnowledgeBase | None = None,
    warm: bool = False,
) -> FastAPI:
    """The web app over one knowledge base.

    ``team_mode``: users log in (roles viewer/analyst/admin) and every write is theirs
    in the audit log; otherwise the single local user ``actor`` may do everything.
    ``allowed_hosts``: Host header names answered (default: loopback names only, so a
    page on another site cannot reach the app through DNS rebinding; ``["*"]`` for any).
    ``warm``: build the explorer's graph (layout, metrics) in the background at once.
    """
    kb = kb or KnowledgeBase.open(kb_location)
    limits = limits or Limits()
    app = FastAPI(
        title="andiwali",
        summary="Evidence-backed, time-aware knowledge graph of militant networks",
        version="0.1.0",
        docs_url=None,  # the stock docs pages load scripts from a CDN: never
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.kb = kb
    app.state.team_mode = team_mode
    app.state.limits = limits
    app.state.max_files = max_files
    app.state.graph_cache = GraphCache()
    if warm:
        threading.Thread(target=app.state.graph_cache.warm, args=(kb,), name="andiwali-graph", daemon=True).start()
    sessions = Sessions(kb, ttl=session_ttl, clock=clock) if team_mode else None
    app.state.sessions = sessions

    @app.exception_handler(AndiwaliError)
    async def _andiwali_error(request: Request, exc: AndiwaliError):
        status = _status_for(exc)
        if pages.wants_html(request):
            return pages.error_page(request, status, str(exc))
        return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if pages.wants_html(request) and exc.status_code in (404, 405):
            return pages.error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(api.router)
    app.include_router(pages.make_router(TEMPLATES))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    hosts = tuple(h.lower() for h in allowed_hosts) if allowed_hosts is not None else LOOPBACK_HOSTS
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(
        SecurityMiddleware,
        team_mode=team_mode,
        sessions=sessions,
        limits=limits,
        allowed_hosts=hosts,
        local_user={"name": actor, "role": "admin"},
    )
    return app
