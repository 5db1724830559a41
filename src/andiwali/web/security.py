"""One ASGI middleware that every request passes: host check, body limits, rate limits,
team-mode authentication, CSRF (double-submit cookie + header, same-origin check) and
the security headers on every response, errors included.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.requests import cookie_parser

from andiwali.web.auth import SESSION_COOKIE, Sessions, has_role

log = logging.getLogger("andiwali.web")

CSRF_COOKIE = "andiwali_csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'; "
    "manifest-src 'self'; worker-src 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
]
# paths anyone may reach in team mode (the login page needs its script and style)
PUBLIC_PREFIXES = ("/static/",)
PUBLIC_PATHS = frozenset({"/login", "/favicon.ico"})


class _TooLarge(Exception):
    pass


@dataclass
class Limits:
    """Size and rate limits (rates are requests per ``window`` seconds per client address)."""

    max_body: int = 1 << 20  # JSON and form bodies
    max_upload: int = 25 << 20  # one upload request (all its files)
    upload_paths: tuple[str, ...] = ("/api/documents",)
    rates: dict[str, int] = field(default_factory=lambda: {"login": 10, "upload": 30, "write": 300, "read": 3000})
    window: float = 60.0


class RateLimiter:
    """Fixed-window counters per (bucket, client); cheap and good enough for one process."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], tuple[float, int]] = {}

    def allow(self, bucket: str, client: str) -> bool:
        cap = self.limits.rates.get(bucket)
        if not cap:
            return True
        now = self.clock()
        with self._lock:
            start, n = self._counts.get((bucket, client), (now, 0))
            if now - start >= self.limits.window:
                start, n = now, 0
            if n >= cap:
                return False
            self._counts[(bucket, client)] = (start, n + 1)
            if len(self._counts) > 50000:  # forget old windows
                self._counts = {k: v for k, v in self._counts.items() if now - v[0] < self.limits.window}
            return True


def _headers(scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in scope.get("headers", []):
        out[k.decode("latin-1").lower()] = v.decode("latin-1")
    return out


class SecurityMiddleware:
    def __init__(self, app, *, team_mode: bool, sessions: Sessions | None, limits: Limits,
                 allowed_hosts: tuple[str, ...] | None, local_user: dict, rate_limiter: RateLimiter | None = None):
        self.app = app
        self.team_mode = team_mode
        self.sessions = sessions
        self.limits = limits
        self.allowed_hosts = allowed_hosts
        self.local_user = local_user
        self.rate = rate_limiter or RateLimiter(limits)

    # ---- responses of our own -----------------------------------------------------
    async def _send_json(self, send, status: int, detail: str, extra: list | None = None) -> None:
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", b"no-store")] + SECURITY_HEADERS + (extra or [])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _redirect(self, send, location: str) -> None:
        headers = [(b"location", location.encode()), (b"content-length", b"0"), (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": 303, "headers": headers + SECURITY_HEADERS})
        await send({"type": "http.response.body", "body": b""})

    def _host_ok(self, host: str) -> bool:
        if self.allowed_hosts is None or "*" in self.allowed_hosts:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host.startswith("["):
            name = host.split("]")[0] + "]"
        return name.lower() in self.allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        method = scope["method"].upper()
        path = scope.get("path", "/")
        client = (scope.get("client") or ("?", 0))[0]
        host = headers.get("host", "")
        if not self._host_ok(host):
            await self._send_json(send, 400, "unknown host; the app answers only to its configured host names")
            return

        # rate limits
        if path.startswith("/static/"):
            bucket = None
        elif path == "/login" and method == "POST":
            bucket = "login"
        elif method in UNSAFE and path in self.limits.upload_paths:
            bucket = "upload"
        elif method in UNSAFE:
            bucket = "write"
        else:
            bucket = "read"
        if bucket and not self.rate.allow(bucket, client):
            await self._send_json(send, 429, f"too many {bucket} requests; wait a minute",
                                  [(b"retry-after", str(int(self.limits.window)).encode())])
            return

        # body size
        limit = self.limits.max_upload if path in self.limits.upload_paths else self.limits.max_body
        clen = headers.get("content-length")
        if clen is not None:
            try:
                if int(clen) > limit:
                    await self._send_json(send, 413, f"request body larger than {limit} bytes")
                    return
            except ValueError:
                await self._send_json(send, 400, "bad content-length")
                return

        cookies = cookie_parser(headers.get("cookie", ""))
        csrf_cookie = cookies.get(CSRF_COOKIE, "")
        state = scope.setdefault("state", {})

        # who is asking
        if self.team_mode:
            user = self.sessions.user(cookies.get(SESSION_COOKIE)) if self.sessions else None
        else:
            user = self.local_user
        state["user"] = user
        state["team_mode"] = self.team_mode
        public = path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
        if self.team_mode and user is None and not public:
            if path.startswith("/api/") or path == "/openapi.json" or method != "GET" or path == "/logout":
                await self._send_json(send, 401, "log in first", [(b"www-authenticate", b'Session realm="andiwali"')])
            else:
                await self._redirect(send, "/login")
            return

        # CSRF and same origin on every write
        if method in UNSAFE:
            origin = headers.get("origin")
            if origin is not None and origin != "null":
                o = urlsplit(origin)
                if o.netloc.lower() != host.lower():
                    await self._send_json(send, 403, "cross-origin write refused")
                    return
            elif origin == "null":
                await self._send_json(send, 403, "cross-origin write refused")
                return
            sent = headers.get(CSRF_HEADER, "")
            if not csrf_cookie or not sent or not secrets.compare_digest(sent, csrf_cookie):
                await self._send_json(send, 403, "missing or wrong CSRF token (send the andiwali_csrf cookie "
                                                 "value in the X-CSRF-Token header)")
                return
            if self.team_mode and path not in ("/login", "/logout") and not has_role(user, "analyst"):
                await self._send_json(send, 403, "your role may not change anything (viewer)")
                return

        new_csrf = None if csrf_cookie else secrets.token_urlsafe(32)
        state["csrf"] = csrf_cookie or new_csrf
        secure = scope.get("scheme") == "https"
        is_static = path.startswith("/static/")

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                hdrs = [(k, v) for k, v in message.get("headers", []) if k.lower() not in {h for h, _ in SECURITY_HEADERS}]
                hdrs += SECURITY_HEADERS
                if not is_static and not any(k.lower() == b"cache-control" for k, _ in hdrs):
                    hdrs.append((b"cache-control", b"no-store"))
                if new_csrf and not is_static:
                    cookie = f"{CSRF_COOKIE}={new_csrf}; Path=/; SameSite=Strict" + ("; Secure" if secure else "")
                    hdrs.append((b"set-cookie", cookie.encode()))
                message = dict(message, headers=hdrs)
            await send(message)

        received = 0
        too_large = False
        started = False

        async def receive_wrapper():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if too_large:  # the app turned our exception into its own error: answer 413 instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._send_json(send, 413, f"request body larger than {limit} bytes")
                return
            if message["type"] == "http.response.start":
                started = True
            await send_wrapper(message)

        try:
            await self.app(scope, receive_wrapper, tracking_send)
        except _TooLarge:
            if not started:
                await self._send_json(send, 413, f"request body larger than {limit} bytes")
        except Exception:  # pragma: no cover - last resort, still with headers
            log.exception("unhandled error on %s %s", method, path)
            if not started:
                await self._send_json(send, 500, "internal error (logged)")
