"""Team mode: login, roles, sessions that expire and stay bound to their user, writes tied to users."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from webhelpers import csrf_headers

from andiwali.store import KnowledgeBase, web_queries
from andiwali.web.auth import hash_password

PASSWORDS = {"vera": "viewer-pass-1", "ana": "analyst-pass-1", "adam": "admin-pass-12"}
ROLES = {"vera": "viewer", "ana": "analyst", "adam": "admin"}


class Clock:
    def __init__(self):
        self.now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def team(seeded):
    kb = KnowledgeBase.open(seeded.path)
    for name, pw in PASSWORDS.items():
        web_queries.add_user(kb, name, ROLES[name], hash_password(pw), actor="test")
    kb.close()
    return seeded


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def team_client(team, make_client, clock):
    def make():
        return make_client(team.path, team_mode=True, clock=clock, session_ttl=timedelta(hours=1))

    return make


def login(c, name, password=None):
    r = c.post("/login", json={"name": name, "password": password or PASSWORDS[name]}, headers=csrf_headers_anon(c))
    return r


def csrf_headers_anon(c):
    if not c.cookies.get("andiwali_csrf"):
        c.get("/login")
    return {"X-CSRF-Token": c.cookies.get("andiwali_csrf")}


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_api_route_refuses_anonymous_requests(team_client):
    c = team_client()
    schema = c.app.openapi()
    routes = [(path, m.upper()) for path, ops in schema["paths"].items() if path.startswith("/api/") for m in ops]
    assert len(routes) >= 20
    csrf = csrf_headers_anon(c)
    for path, method in routes:
        r = c.request(method, _fill(path), headers=csrf, json={})
        assert r.status_code == 401, f"{method} {path} answered {r.status_code} to an anonymous request"
    assert c.get("/openapi.json").status_code == 401
    # pages send to the login form; the login page and its assets are public
    r = c.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/login").status_code == 200
    assert c.get("/static/js/login.js").status_code == 200


def test_login_sets_a_strict_httponly_session(team_client):
    c = team_client()
    assert login(c, "ana", "wrong-password").status_code == 401
    assert login(c, "nobody", "whatever-1").status_code == 401
    r = login(c, "ana")
    assert r.status_code == 200 and r.json() == {"name": "ana", "role": "analyst"}
    cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("andiwali_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    me = c.get("/api/me").json()
    assert me == {"name": "ana", "role": "analyst", "team_mode": True}


def test_passwords_are_argon2_and_tokens_are_stored_hashed(team_client, team):
    c = team_client()
    login(c, "ana")
    token = c.cookies.get("andiwali_session")
    kb = KnowledgeBase.open(team.path)
    try:
        from sqlalchemy import text

        with kb.engine.connect() as conn:
            hashes = [r[0] for r in conn.execute(text("SELECT password_hash FROM users"))]
            stored = [r[0] for r in conn.execute(text("SELECT token_hash FROM sessions"))]
        assert all(h.startswith("$argon2id$") for h in hashes)
        assert token not in stored and len(stored) == 1
    finally:
        kb.close()


def test_a_viewer_reads_but_cannot_write(team_client, team):
    c = team_client()
    login(c, "vera")
    assert c.get("/api/claims").status_code == 200
    assert c.get(f"/api/entities/{team.ids['alpha']}").status_code == 200
    h = csrf_headers(c)
    writes = [
        ("post", f"/api/claims/{team.ids['leads']}/review", {"json": {"status": "accepted"}}),
        ("post", "/api/claims/review", {"json": {"ids": [team.ids["leads"]], "status": "rejected"}}),
        ("post", f"/api/sources/{team.ids['source_wire']}/grade", {"json": {"grade": "A1"}}),
        ("post", "/api/documents", {"files": [("files", ("a.txt", b"hello there", "text/plain"))]}),
        ("post", "/api/users", {"json": {"name": "eve", "role": "admin", "password": "eve-pass-123"}}),
    ]
    for method, path, kw in writes:
        r = getattr(c, method)(path, headers=h, **kw)
        assert r.status_code == 403, f"viewer got {r.status_code} on {path}"
    assert c.get(f"/api/claims/{team.ids['leads']}").json()["status"] == "pending"


def test_an_analysts_review_is_tied_to_them_in_the_audit_log(team_client, team):
    c = team_client()
    login(c, "ana")
    cid = team.ids["leads"]
    r = c.post(f"/api/claims/{cid}/review", json={"status": "accepted"}, headers=csrf_headers(c))
    assert r.status_code == 200 and r.json()["reviewed_by"] == "ana"
    # a header naming someone else changes nothing: the actor comes from the session
    r = c.post(f"/api/claims/{team.ids['based']}/review", json={"status": "rejected"},
               headers=csrf_headers(c) | {"X-User": "adam", "X-Forwarded-User": "adam"})
    assert r.json()["reviewed_by"] == "ana"
    audit = c.get("/api/audit", params={"object_id": cid}).json()
    assert audit[0]["actor"] == "ana" and audit[0]["action"] == "review:accepted"
    # analysts may not manage users; admins may
    assert c.get("/api/users").status_code == 403
    a = team_client()
    login(a, "adam")
    assert {u["name"] for u in a.get("/api/users").json()} == {"vera", "ana", "adam"}
    r = a.post("/api/users", json={"name": "bob", "role": "viewer", "password": "bob-pass-123"}, headers=csrf_headers(a))
    assert r.status_code == 200
    assert a.get("/api/audit").json()[0]["actor"] == "adam"


def test_sessions_expire(team_client, clock):
    c = team_client()
    login(c, "ana")
    assert c.get("/api/me").status_code == 200
    clock.now += timedelta(minutes=59)
    assert c.get("/api/me").status_code == 200
    clock.now += timedelta(minutes=2)
    assert c.get("/api/me").status_code == 401


def test_sessions_are_bound_to_their_user(team_client, team):
    ana, vera = team_client(), team_client()
    login(ana, "ana")
    login(vera, "vera")
    assert ana.get("/api/me").json()["name"] == "ana"
    assert vera.get("/api/me").json()["name"] == "vera"
    # a forged or altered token is nobody
    forged = team_client()
    forged.cookies.set("andiwali_session", ana.cookies.get("andiwali_session")[:-2] + "xx")
    assert forged.get("/api/me").status_code == 401
    # disabling a user ends their sessions at once; so does a password change
    kb = KnowledgeBase.open(team.path)
    try:
        web_queries.set_user_disabled(kb, "ana", True, actor="adam")
        assert ana.get("/api/me").status_code == 401
        assert login(ana, "ana").status_code == 401
        web_queries.set_password(kb, "vera", hash_password("new-vera-pass"), actor="adam")
        assert vera.get("/api/me").status_code == 401
        assert login(vera, "vera", "new-vera-pass").status_code == 200
    finally:
        kb.close()


def test_logout_ends_the_session(team_client):
    c = team_client()
    login(c, "ana")
    token = c.cookies.get("andiwali_session")
    assert c.post("/logout", headers=csrf_headers(c)).status_code == 204
    c.cookies.set("andiwali_session", token)  # replaying the old cookie does not work either
    assert c.get("/api/me").status_code == 401


def test_login_is_rate_limited(team, make_client):
    from andiwali.web.security import Limits

    c = make_client(team.path, team_mode=True, limits=Limits(rates={"login": 3, "read": 100}))
    codes = [login(c, "ana", "wrong-password").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]
