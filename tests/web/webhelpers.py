"""Helpers for the web tests: a seeded knowledge base with a hostile document, a live server."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from andiwali.model import Alias, Claim, Document, Entity, Evidence, Source

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# every trick a hostile document might try on a page that shows its text
HOSTILE_TEXT = (
    "Field report.\n"
    "<script>alert('script-tag')</script>\n"
    "<img src=x onerror=\"alert('img-onerror')\">\n"
    "<a href=\"javascript:alert('js-link')\">click me</a>\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert('svg-onload')\"><script>alert('svg-script')</script></svg>\n"
    "<iframe src=\"javascript:alert('iframe')\"></iframe>\n"
    "\"><script>alert('attr-breakout')</script>\n"
    "</textarea></title><script>alert('close-tags')</script>\n"
    "{{ 7*7 }} ${alert('template')}\n"
    "<style>body{display:none}</style><link rel=stylesheet href=\"http://127.0.0.1:9/x.css\">\n"
    "\u202eRTL override txet desrever\u202c and a zero-width\u200bjoiner.\n"
    "Evil Cell <b onmouseover=alert('bold')>allied with</b> Alpha Front in 2016.\n"
)
HOSTILE_TITLE = "<img src=x onerror=alert('title')> report"
HOSTILE_SOURCE = "<script>alert('source')</script> Wire"
HOSTILE_ENTITY = "Evil Cell <svg onload=alert('entity')>"


def entity(kind: str, name: str, **kw) -> Entity:
    return Entity(kind=kind, name=name, origin="human", **kw)


@dataclass
class Seeded:
    path: Path
    ids: dict[str, str] = field(default_factory=dict)


def seed_kb(path: Path) -> Seeded:
    """A small knowledge base: 8 entities, 3 documents (one hostile), 9 claims over 2010-2020, one contested tie."""
    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.create(path, with_reference=False)
    af = entity("state", "Afghanistan", attributes={"iso": "AF"})
    pk = entity("state", "Pakistan", attributes={"iso": "PK"})
    alpha = entity("organization", "Alpha Front", aliases=[Alias("AF-1", source="test list"), Alias("Jabhat Alif", lang="ar")])
    beta = entity("organization", "Beta Brigade", parent=alpha.id, aliases=[Alias("BB", acronym=True, source="doc")])
    gamma = entity("organization", "Gamma Network")
    person = entity("person", "Ahmad Example")
    kunar = entity("place", "Kunar", parent=af.id)
    evil = entity("organization", HOSTILE_ENTITY, aliases=[Alias("<script>alert('alias')</script>", source="<i>x</i>")])
    with kb.transaction() as conn:
        for e in (af, pk, alpha, beta, gamma, person, kunar, evil):
            kb.upsert_entity(e, actor="test", conn=conn)

    text1 = (
        "Alpha Front and Gamma Network were allied from 2010 to 2014. "
        "Since 2016 Alpha Front has supported Beta Brigade. "
        "Alpha Front fought Afghanistan in 2018 and 2019. "
        "Alpha Front operates in Afghanistan (2015). "
        "Ahmad Example led Alpha Front from 2012 to 2020."
    )
    doc1 = Document(text=text1, key="test:doc1", title="Wire report on Alpha Front", published="2019-05-01",
                    source=Source("Test Wire", reliability="B", credibility="2"), language="en")
    text2 = ("Gamma Network denied any alliance with Alpha Front in 2012 and 2013. "
             "Beta Brigade is based in Kunar since 2017.")
    doc2 = Document(text=text2, key="test:doc2", title="Statement", published="2020-02",
                    source=Source("Channel Two", kind="channel", reliability="D", credibility="4"))
    doc3 = Document(text=HOSTILE_TEXT, key="test:hostile", title=HOSTILE_TITLE, published="2021",
                    url="javascript:alert('url')", source=Source(HOSTILE_SOURCE, reliability="F", credibility="6"))
    d1 = kb.add_document(doc1).doc_id
    d2 = kb.add_document(doc2).doc_id
    d3 = kb.add_document(doc3).doc_id

    def ev(doc_id: str, text: str, needle: str) -> Evidence:
        start = text.index(needle)
        return Evidence(doc_id=doc_id, start=start, end=start + len(needle), quote=needle)

    s = text1.split(". ")
    claims = {
        "allied": Claim(alpha.id, "allied_with", gamma.id, valid_from="2010", valid_to="2014", confidence=0.9,
                        extractor="rules:test", reported_at="2019-05-01", evidence=[ev(d1, text1, s[0])]),
        "supports": Claim(alpha.id, "supports", beta.id, valid_from="2016", confidence=0.8, extractor="rules:test",
                          reported_at="2019-05-01", evidence=[ev(d1, text1, s[1])]),
        "fights": Claim(alpha.id, "fights", af.id, valid_from="2018", valid_to="2019", confidence=0.7,
                        extractor="rules:test", reported_at="2019-05-01", evidence=[ev(d1, text1, s[2])]),
        "operates": Claim(alpha.id, "operates_in", af.id, valid_from="2015", valid_to="2015", confidence=0.6,
                          extractor="rules:test", reported_at="2019-05-01", evidence=[ev(d1, text1, s[3])]),
        "leads": Claim(person.id, "leads", alpha.id, valid_from="2012", valid_to="2020", confidence=0.95,
                       extractor="rules:test", reported_at="2019-05-01", evidence=[ev(d1, text1, s[4])]),
        "denied": Claim(alpha.id, "allied_with", gamma.id, polarity="negated", valid_from="2012", valid_to="2013",
                        attributed_to=gamma.id, confidence=0.5, extractor="rules:test", reported_at="2020-02",
                        evidence=[ev(d2, text2, text2.split(". ")[0])]),
        "based": Claim(beta.id, "based_in", kunar.id, valid_from="2017", confidence=0.65, extractor="rules:test",
                       reported_at="2020-02", evidence=[ev(d2, text2, "Beta Brigade is based in Kunar since 2017")]),
        "hostile": Claim(evil.id, "allied_with", alpha.id, valid_from="2016", valid_to="2016", confidence=0.4,
                         extractor="rules:test", reported_at="2021",
                         evidence=[ev(d3, HOSTILE_TEXT, "Evil Cell <b onmouseover=alert('bold')>allied with</b> Alpha Front in 2016")]),
        "hostile_neg": Claim(evil.id, "allied_with", alpha.id, polarity="negated", valid_from="2016", confidence=0.3,
                             extractor="rules:test", reported_at="2021",
                             evidence=[ev(d3, HOSTILE_TEXT, "<script>alert('script-tag')</script>")]),
        "gamma_pk": Claim(gamma.id, "operates_in", pk.id, confidence=0.55, extractor="rules:test", reported_at="2011",
                    evidence=[ev(d1, text1, "Gamma Network")]),
    }
    kb.add_claims(claims.values(), actor="extractor")
    ids = {k: c.id for k, c in claims.items()}
    ids.update(alpha=alpha.id, beta=beta.id, gamma=gamma.id, person=person.id, af=af.id, pk=pk.id, kunar=kunar.id,
               evil=evil.id, doc1=d1, doc2=d2, hostile_doc=d3)
    with kb.engine.connect() as conn:
        from sqlalchemy import text as sql

        ids["source_wire"] = conn.execute(sql("SELECT id FROM sources WHERE name = 'Test Wire'")).scalar()
    kb.close()
    return Seeded(path, ids)


def csrf_headers(client) -> dict[str, str]:
    """Fetch a page to get the CSRF cookie; return the header that must echo it."""
    if not client.cookies.get("andiwali_csrf"):
        client.get("/api/overview")
    token = client.cookies.get("andiwali_csrf")
    return {"X-CSRF-Token": token}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving an app on 127.0.0.1:<free port> in a thread; stopped by ``stop()``."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def vendor_ready() -> bool:
    vendor = ROOT / "src" / "andiwali" / "web" / "static" / "vendor"
    return (vendor / "sigma.min.js").exists() and (vendor / "countries-50m.json").exists()


def big_kb(path: Path, *, n_nodes: int = 10_000, n_edges: int = 20_000, seed: int = 7) -> Path:
    """A synthetic knowledge base: ``n_nodes`` organizations, ``n_edges`` dated claims over 2000-2020."""
    import random

    from andiwali.store import KnowledgeBase

    rng = random.Random(seed)
    kb = KnowledgeBase.create(path, with_reference=False)
    ents = [Entity(kind="organization", name=f"Group {i}", origin="human") for i in range(n_nodes)]
    with kb.transaction() as conn:
        for e in ents:
            kb.upsert_entity(e, actor="bench", conn=conn)
    preds = ["allied_with", "supports", "fights", "rival_of", "finances", "trains", "branch_of", "splinter_of"]
    claims: dict[str, Claim] = {}
    i = 0
    while len(claims) < n_edges:
        i += 1
        a = i % n_nodes if i <= n_nodes else rng.randrange(n_nodes)
        b = rng.randrange(max(0, a - 40), min(n_nodes, a + 40)) if rng.random() < 0.8 else rng.randrange(n_nodes)
        if a == b:
            continue
        start = rng.randrange(2000, 2021)
        end = min(2020, start + rng.randrange(0, 6))
        c = Claim(ents[a].id, rng.choice(preds), ents[b].id, valid_from=str(start), valid_to=str(end),
                  confidence=round(rng.uniform(0.3, 1.0), 2), extractor="rules:bench")
        claims[c.id] = c
    kb.add_claims(claims.values(), actor="bench")
    kb.close()
    return path
