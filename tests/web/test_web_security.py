"""Security without a browser: headers on every response, escaping, CSRF, hosts, body and rate limits."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from webhelpers import HOSTILE_ENTITY, HOSTILE_SOURCE, HOSTILE_TITLE, csrf_headers

from andiwali.web.security import Limits

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "header", "nav", "main", "a", "span", "div", "button", "h1", "h2",
    "h3", "h4", "p", "section", "aside", "article", "table", "thead", "tbody", "tr", "th", "td", "form", "input",
    "select", "option", "label", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "strong", "kbd", "template",
    "script", "datalist", "progress",
}


class MarkupAudit(HTMLParser):
    """What a browser would build from a page: tags, inline scripts, event handlers, URLs."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = dict(attrs)
        if tag == "script" and not (a.get("src") or "").startswith("/static/"):
            self.inline_scripts += 1
        self.handlers += [k for k in a if k.lower().startswith("on")]
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction", "xlink:href")]


REQUIRED = {
    "content-security-policy": None,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def assert_secure_headers(r) -> None:
    for k, v in REQUIRED.items():
        assert k in r.headers, f"{k} missing on {r.request.method} {r.request.url} ({r.status_code})"
        if v:
            assert r.headers[k] == v
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_security_headers_on_every_kind_of_response(seeded, make_client, monkeypatch):
    c = make_client(seeded.path, limits=Limits(max_body=2000, rates={"write": 100, "read": 10000}))
    h = csrf_headers(c)
    responses = [
        c.get("/"),  # page
        c.get("/api/entities"),  # API
        c.get("/static/app.css"),  # static file
        c.get("/static/nope.js"),  # 404 static
        c.get("/api/entities/ent_nope"),  # 404 API
        c.get("/no/such/page", headers={"accept": "text/html"}),  # 404 page
        c.put("/api/entities", headers=h),  # 405
        c.get("/api/claims", params={"limit": "many"}),  # 422
        c.post(f"/api/claims/{seeded.ids['leads']}/review", json={"status": "accepted"}),  # 403 CSRF
        c.post(f"/api/claims/{seeded.ids['leads']}/review", content=b"x" * 5000, headers=h),  # 413
        c.get("/api/overview", headers={"host": "evil.example"}),  # 400 host
        c.get("/openapi.json"),
    ]
    from andiwali.web import views

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "overview", boom)
    responses.append(c.get("/api/overview"))  # 500
    statuses = {r.status_code for r in responses}
    assert {200, 400, 403, 404, 405, 413, 422, 500} <= statuses
    for r in responses:
        assert_secure_headers(r)
    assert responses[-1].json() == {"detail": "internal error (logged)"}  # no traceback leaks


def test_rate_limited_responses_carry_headers_too(seeded, make_client):
    c = make_client(seeded.path, limits=Limits(rates={"read": 3}))
    codes = [c.get("/api/overview") for _ in range(5)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429, 429]
    assert codes[-1].headers["retry-after"]
    assert_secure_headers(codes[-1])


def test_write_rate_limit(seeded, make_client):
    c = make_client(seeded.path, limits=Limits(rates={"write": 2, "read": 1000}))
    h = csrf_headers(c)
    sid = seeded.ids["source_wire"]
    got = [c.post(f"/api/sources/{sid}/grade", json={"grade": "B2"}, headers=h).status_code for _ in range(3)]
    assert got == [200, 200, 429]


def test_hostile_text_is_escaped_on_every_server_rendered_page(client, seeded):
    html = {"accept": "text/html"}
    pages = [f"/documents/{seeded.ids['hostile_doc']}", f"/claims/{seeded.ids['hostile']}",
             f"/claims/{seeded.ids['hostile_neg']}", f"/entities/{seeded.ids['evil']}",
             f"/entities/{seeded.ids['alpha']}", "/entities", "/documents", "/sources", "/audit", "/claims", "/timeline"]
    for path in pages:
        body = client.get(path, headers=html).text
        # markup from the knowledge base never reaches the page as markup
        for raw in ("<script>alert", "<img src=x", "<svg onload", "<svg xmlns", "<b onmouseover",
                    HOSTILE_TITLE, HOSTILE_SOURCE, HOSTILE_ENTITY):
            assert raw not in body, f"{raw!r} unescaped on {path}"
        # parsed as a browser would: only same-site script files, no handlers, no outside or javascript: URLs
        audit = MarkupAudit()
        audit.feed(body)
        assert audit.inline_scripts == 0, path
        assert not audit.handlers, f"{audit.handlers} on {path}"
        for url in audit.urls:
            assert url.startswith(("/", "data:,")) and not url.startswith("//"), f"{url} on {path}"
        assert audit.tags <= ALLOWED_TAGS, f"{audit.tags - ALLOWED_TAGS} on {path}"
    doc = client.get(f"/documents/{seeded.ids['hostile_doc']}", headers=html).text
    assert "&lt;img src=x onerror=alert(&#39;title&#39;)&gt; report" in doc  # the title, shown as text


def test_csrf_is_required_for_every_write(client, seeded):
    cid = seeded.ids["leads"]
    url = f"/api/claims/{cid}/review"
    assert client.post(url, json={"status": "accepted"}).status_code == 403  # no cookie, no header
    csrf_headers(client)
    assert client.post(url, json={"status": "accepted"}).status_code == 403  # cookie but no header
    assert client.post(url, json={"status": "accepted"}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    good = csrf_headers(client)
    cross = good | {"Origin": "http://evil.example"}
    assert client.post(url, json={"status": "accepted"}, headers=cross).status_code == 403
    assert client.post(url, json={"status": "accepted"}, headers=good | {"Origin": "null"}).status_code == 403
    same = good | {"Origin": "http://127.0.0.1"}
    assert client.post(url, json={"status": "accepted"}, headers=same).status_code == 200
    for path in ("/api/claims/review", f"/api/sources/{seeded.ids['source_wire']}/grade", "/api/documents"):
        assert client.post(path, json={}).status_code == 403


def test_csrf_cookie_is_strict_and_set_on_pages(seeded, make_client):
    c = make_client(seeded.path)
    r = c.get("/", headers={"accept": "text/html"})
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("andiwali_csrf=") and "SameSite=Strict" in cookie


def test_only_loopback_host_names_by_default(client):
    assert client.get("/api/overview", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/api/overview", headers={"host": "[::1]:8000"}).status_code == 200
    assert client.get("/api/overview", headers={"host": "attacker.example:8000"}).status_code == 400


def test_body_limits_without_content_length(seeded, make_client):
    c = make_client(seeded.path, limits=Limits(max_body=1000))
    h = csrf_headers(c) | {"content-type": "application/json"}

    def chunks():
        for _ in range(10):
            yield b" " * 500

    r = c.post(f"/api/claims/{seeded.ids['leads']}/review", content=chunks(), headers=h)
    assert r.status_code == 413


@pytest.mark.parametrize("path", ["templates", "static/js", "static/app.css"])
def test_no_asset_refers_outside_the_machine(path):
    from andiwali.web.app import HERE

    root = HERE / path
    files = [root] if root.is_file() else sorted(root.rglob("*"))
    for f in files:
        if f.is_file():
            text = f.read_text()
            urls = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"')]*", text)
            urls = [u for u in urls if "www.w3.org/2000/svg" not in u]
            assert not urls, f"{f}: {urls}"
            assert "innerHTML" not in text and "outerHTML" not in text and "insertAdjacentHTML" not in text
            assert "eval(" not in text and "new Function" not in text
