"""The JSON API over a small seeded knowledge base (FastAPI TestClient, no browser)."""

from __future__ import annotations

from webhelpers import HOSTILE_TEXT, csrf_headers

from andiwali.store import KnowledgeBase


def test_pinned_list_routes_return_ids_and_names(client):
    ents = client.get("/api/entities").json()
    assert isinstance(ents, list) and ents
    assert all("id" in e and "name" in e for e in ents)
    claims = client.get("/api/claims").json()
    assert isinstance(claims, list) and claims
    assert all("id" in c and "name" in c for c in claims)
    docs = client.get("/api/documents").json()
    assert isinstance(docs, list) and len(docs) == 3
    assert all("id" in d and "title" in d for d in docs)


def test_openapi_lists_the_pinned_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/entities", "/api/claims", "/api/documents", "/api/entities/{entity_id}",
              "/api/claims/{claim_id}", "/api/documents/{doc_id}", "/api/graph", "/api/claims/{claim_id}/review"):
        assert p in paths
    assert client.get("/docs").status_code == 404  # the stock docs page loads a CDN: disabled


def test_pinned_pages_render(client, seeded):
    html = {"accept": "text/html"}
    for path in ("/", f"/entities/{seeded.ids['alpha']}", f"/claims/{seeded.ids['allied']}",
                 f"/documents/{seeded.ids['doc1']}", "/entities", "/claims", "/documents", "/review", "/timeline",
                 "/map", "/media", "/sources", "/audit"):
        r = client.get(path, headers=html)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")


def test_entity_profile_has_aliases_with_sources_structure_and_relations(client, seeded):
    p = client.get(f"/api/entities/{seeded.ids['alpha']}").json()
    assert p["name"] == "Alpha Front" and p["kind"] == "organization"
    aliases = {a["name"]: a for a in p["aliases"]}
    assert aliases["AF-1"]["source"] == "test list"
    assert aliases["Jabhat Alif"]["lang"] == "ar"
    assert [b["name"] for b in p["branches"]] == ["Beta Brigade"]
    assert set(p["relations"]) >= {"allied_with", "supports", "fights", "operates_in", "leads"}
    allied = p["relations"]["allied_with"]
    assert {c["polarity"] for c in allied} == {"asserted", "negated"}
    quote = next(c for c in allied if c["other"]["name"] == "Gamma Network" and c["polarity"] == "asserted")
    assert quote["evidence"][0]["quote"].startswith("Alpha Front and Gamma Network were allied")
    assert quote["grade"] == "B2"
    assert any(t["from"] == "2010" and t["to"] == "2014" for t in p["timeline"])
    beta = client.get(f"/api/entities/{seeded.ids['beta']}").json()
    assert beta["parent"]["name"] == "Alpha Front"


def test_claim_detail_has_every_field_and_the_source_grade(client, seeded):
    c = client.get(f"/api/claims/{seeded.ids['denied']}").json()
    for k in ("subject", "predicate", "object", "polarity", "modality", "attributed_to", "valid_from", "valid_to",
              "reported_at", "confidence", "status", "evidence", "version", "audit"):
        assert k in c
    assert c["polarity"] == "negated" and c["attributed_to_name"] == "Gamma Network"
    assert c["grade"] == "D4"
    assert any(r["contradicts"] for r in c["related"])


def test_document_detail_returns_the_exact_text_and_evidence_spans(client, seeded):
    d = client.get(f"/api/documents/{seeded.ids['hostile_doc']}").json()
    assert d["text"] == HOSTILE_TEXT
    assert d["spans"]
    for s in d["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(d["text"])


def test_review_accept_is_audited_with_the_actor(seeded, make_client):
    c = make_client(seeded.path, actor="alice")
    cid = seeded.ids["supports"]
    v = c.get(f"/api/claims/{cid}").json()["version"]
    r = c.post(f"/api/claims/{cid}/review", json={"status": "accepted", "expected_version": v}, headers=csrf_headers(c))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["reviewed_by"] == "alice"
    audit = c.get("/api/audit", params={"object_id": cid}).json()
    assert audit[0]["action"] == "review:accepted" and audit[0]["actor"] == "alice"
    # the same version again is a conflict, not a silent overwrite
    r = c.post(f"/api/claims/{cid}/review", json={"status": "rejected", "expected_version": v}, headers=csrf_headers(c))
    assert r.status_code == 409


def test_review_edit_changes_fields_and_validates_them(client, seeded):
    cid = seeded.ids["fights"]
    h = csrf_headers(client)
    r = client.post(f"/api/claims/{cid}/review", headers=h,
                    json={"status": "edited", "changes": {"modality": "alleged", "valid_to": "2020"}})
    assert r.status_code == 200, r.text
    assert r.json()["modality"] == "alleged" and r.json()["valid_to"] == "2020"
    r = client.post(f"/api/claims/{cid}/review", headers=h, json={"status": "edited", "changes": {"valid_to": "20x0"}})
    assert r.status_code == 422
    r = client.post(f"/api/claims/{cid}/review", headers=h, json={"status": "edited", "changes": {"subject": "x"}})
    assert r.status_code == 422
    r = client.post(f"/api/claims/{cid}/review", headers=h, json={"status": "pending"})
    assert r.status_code == 422
    assert client.post("/api/claims/clm_nope/review", headers=h, json={"status": "accepted"}).status_code == 404


def test_bulk_review_and_the_queue_order(client, seeded):
    q = client.get("/api/review-queue").json()
    confs = [c["confidence"] for c in q["items"]]
    assert confs == sorted(confs, reverse=True) and q["total"] == 10
    asc = [c["confidence"] for c in client.get("/api/review-queue", params={"order": "asc"}).json()["items"]]
    assert asc == sorted(asc)
    ids = [seeded.ids["leads"], seeded.ids["based"]]
    r = client.post("/api/claims/review", json={"ids": ids, "status": "rejected"}, headers=csrf_headers(client))
    assert r.status_code == 200 and sorted(r.json()["done"]) == sorted(ids)
    left = {c["id"] for c in client.get("/api/review-queue").json()["items"]}
    assert not left & set(ids)
    for cid in ids:
        assert client.get("/api/audit", params={"object_id": cid}).json()[0]["action"] == "review:rejected"


def test_grading_a_source_is_audited(client, seeded):
    sid = seeded.ids["source_wire"]
    r = client.post(f"/api/sources/{sid}/grade", json={"grade": "a1"}, headers=csrf_headers(client))
    assert r.status_code == 200 and r.json()["grade"] == "A1"
    src = {s["id"]: s for s in client.get("/api/sources").json()}
    assert src[sid]["grade"] == "A1" and src[sid]["n_documents"] == 1
    audit = client.get("/api/audit", params={"object_id": sid}).json()
    assert audit[0]["action"] == "grade" and audit[0]["before"] == {"grade": "B2"}
    assert client.post(f"/api/sources/{sid}/grade", json={"grade": "G9"}, headers=csrf_headers(client)).status_code == 422
    assert client.post("/api/sources/src_nope/grade", json={"grade": "B2"}, headers=csrf_headers(client)).status_code == 404


def test_graph_marks_contested_ties_and_keeps_claim_intervals(client, seeded):
    g = client.get("/api/graph").json()
    assert g["years"] == [2010, 2020]
    ids = [n["id"] for n in g["nodes"]]
    edges = {(e["p"], frozenset((ids[e["s"]], ids[e["t"]]))): e for e in g["edges"]}
    allied = edges[("allied_with", frozenset((seeded.ids["alpha"], seeded.ids["gamma"])))]
    assert allied.get("c") == 1 and g["predicates"]["allied_with"]["sign"] == 1
    assert allied["iv"] == [["2010-01-01", "2014-12-31", 0]]
    supports = edges[("supports", frozenset((seeded.ids["alpha"], seeded.ids["beta"])))]
    assert supports["iv"][0][1] is None  # open end: still holds
    assert "c" not in supports
    assert supports["cid"] == seeded.ids["supports"]
    nodes = {n["id"]: n for n in g["nodes"]}
    assert nodes[seeded.ids["alpha"]]["degree"] >= 5
    assert "Jabhat Alif" in nodes[seeded.ids["alpha"]]["aliases"]
    for n in g["nodes"]:
        assert -1.0001 <= n["x"] <= 1.0001 and -1.0001 <= n["y"] <= 1.0001
        assert n["pagerank"] > 0


def test_graph_cache_follows_reviews(client, seeded):
    g1 = client.get("/api/graph").json()
    assert len(g1["edges"]) == 8
    client.post(f"/api/claims/{seeded.ids['fights']}/review", json={"status": "rejected"}, headers=csrf_headers(client))
    g2 = client.get("/api/graph").json()
    assert len(g2["edges"]) == 7


def test_map_shades_countries_through_states_and_places(client, seeded):
    m = client.get("/api/map").json()
    assert set(m["countries"]) == {"AF", "PK"}
    assert m["countries"]["AF"]["by_predicate"] == {"operates_in": 1, "based_in": 1}  # Kunar lies in Afghanistan
    only_gamma = client.get("/api/map", params={"group": seeded.ids["gamma"]}).json()
    assert set(only_gamma["countries"]) == {"PK"}
    in_2015 = client.get("/api/map", params={"date_from": "2015", "date_to": "2015"}).json()
    assert set(in_2015["countries"]) == {"AF"}
    assert client.get("/api/map", params={"group": "ent_nope"}).status_code == 422


def test_timeline_and_contested(client, seeded):
    t = client.get("/api/timeline").json()
    starts = [i["from"] for i in t["items"]]
    assert starts == sorted(starts)
    assert client.get("/api/timeline", params={"layer": "hostility"}).json()["total"] == 1
    contested = client.get("/api/contested").json()
    pairs = {(c["subject"]["name"], c["predicate"], c["object"]["name"]) for c in contested}
    assert ("Alpha Front", "allied_with", "Gamma Network") in pairs or ("Gamma Network", "allied_with", "Alpha Front") in pairs
    assert len(contested) == 2


def test_media_activity_counts_documents_per_source(client):
    m = client.get("/api/media-activity", params={"by": "year"}).json()
    assert m["periods"] == ["2019", "2020", "2021"]
    series = {s["source"]: s["counts"] for s in m["series"]}
    assert series["Test Wire"] == [1, 0, 0] and series["Channel Two"] == [0, 1, 0]


def test_document_filters(client):
    assert [d["title"] for d in client.get("/api/documents", params={"q": "denied"}).json()] == ["Statement"]
    assert [d["source"] for d in client.get("/api/documents", params={"source": "Test Wire"}).json()] == ["Test Wire"]
    assert len(client.get("/api/documents", params={"date_from": "2020"}).json()) == 2
    assert client.get("/api/documents", params={"date_from": "20x0"}).status_code == 422


def test_upload_ingests_a_text_file(seeded, make_client):
    c = make_client(seeded.path)
    files = [("files", ("note.txt", b"Gamma Network opened an office in Kunar in 2022.", "text/plain"))]
    r = c.post("/api/documents", files=files, data={"source": "Field notes", "grade": "C3"}, headers=csrf_headers(c))
    assert r.status_code == 200, r.text
    assert r.json()["documents"] == 1
    docs = c.get("/api/documents", params={"source": "Field notes"}).json()
    assert len(docs) == 1 and docs[0]["grade"] == "C3"
    kb = KnowledgeBase.open(seeded.path)
    try:
        assert kb.counts()["documents"] == 4
    finally:
        kb.close()


def test_upload_limits(seeded, make_client):
    from andiwali.web.security import Limits

    c = make_client(seeded.path, limits=Limits(max_upload=1000), max_files=2)
    h = csrf_headers(c)
    big = [("files", ("big.txt", b"x" * 5000, "text/plain"))]
    assert c.post("/api/documents", files=big, headers=h).status_code == 413
    many = [("files", (f"f{i}.txt", b"hello", "text/plain")) for i in range(3)]
    assert c.post("/api/documents", files=many, headers=h).status_code == 413
    r = c.post("/api/documents", files=[("files", ("../../etc/passwd", b"\x00\x01binary", "text/plain"))], headers=h)
    assert r.status_code == 200 and "error" in r.json()["files"][0] and r.json()["documents"] == 0
    assert "/" not in r.json()["files"][0]["file"]


def test_unknown_ids_are_404_in_json_and_html(client):
    assert client.get("/api/entities/ent_nope").status_code == 404
    assert client.get("/api/claims/clm_nope").status_code == 404
    assert client.get("/api/documents/doc_nope").status_code == 404
    r = client.get("/entities/ent_nope", headers={"accept": "text/html"})
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_entity_profile_counts_every_claim_and_shows_a_first_page_per_predicate(client, seeded):
    from andiwali.store import KnowledgeBase
    from andiwali.web import views

    p = client.get(f"/api/entities/{seeded.ids['alpha']}").json()
    assert p["relations_complete"] is True
    assert p["relation_counts"] == {k: len(v) for k, v in p["relations"].items()}
    assert sum(p["relation_counts"].values()) == p["n_claims"]
    kb = KnowledgeBase.open(seeded.path)
    try:
        small = views.entity_profile(kb, seeded.ids["alpha"], per_predicate=1)
    finally:
        kb.close()
    assert small["n_claims"] == p["n_claims"] and small["relation_counts"] == p["relation_counts"]
    assert all(len(v) == 1 for v in small["relations"].values())
    assert small["relations_complete"] is False
    html = client.get(f"/entities/{seeded.ids['alpha']}", headers={"accept": "text/html"}).text
    assert "Alpha Front" in html


def test_claim_detail_counts_related_claims(client, seeded):
    c = client.get(f"/api/claims/{seeded.ids['denied']}").json()
    assert c["related_total"] == len(c["related"]) >= 1
    page = client.get(f"/claims?subject={c['subject']}&predicate={c['predicate']}&object={c['object']}&status=all",
                      headers={"accept": "text/html"})
    assert page.status_code == 200 and f"/claims/{seeded.ids['denied']}" in page.text
