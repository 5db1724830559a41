"""The llm backend against a small local OpenAI-compatible server (127.0.0.1, no internet)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from andiwali.errors import ExtractError
from andiwali.extract import extract_document
from andiwali.model import Document

TEXT = "Field note. The Taliban hosted al-Qaeda near Kabul in 2020. Nothing else happened."


def make_server(answer):
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((self.path, body))
            if answer == "500":
                self.send_response(500)
                self.end_headers()
                return
            content = answer if isinstance(answer, str) else json.dumps(answer)
            data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv, seen


@pytest.fixture
def server():
    servers = []

    def start(answer):
        srv, seen = make_server(answer)
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/v1", seen

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


ANSWER = {"claims": [
    {"subject": "Taliban", "subject_kind": "organization", "predicate": "shelters", "object": "al-Qaeda",
     "object_kind": "organization", "polarity": "asserted", "modality": "fact", "attributed_to": None,
     "valid_from": "2020", "valid_to": None, "quote": "The Taliban hosted al-Qaeda near Kabul in 2020."},
    {"subject": "Taliban", "subject_kind": "organization", "predicate": "no_such_predicate", "object": "al-Qaeda",
     "object_kind": "organization", "polarity": "asserted", "modality": "fact", "attributed_to": None,
     "valid_from": None, "valid_to": None, "quote": "The Taliban hosted al-Qaeda"},
    {"subject": "Taliban", "subject_kind": "organization", "predicate": "allied_with", "object": "al-Qaeda",
     "object_kind": "organization", "polarity": "asserted", "modality": "fact", "attributed_to": None,
     "valid_from": None, "valid_to": None, "quote": "a sentence that is not in the text"},
]}


def test_llm_claims_map_to_offsets(server, gaz):
    url, seen = server(ANSWER)
    doc = Document(text=TEXT, key="note.txt")
    res = extract_document(doc, gaz, backend="llm", llm_url=url, llm_model="test-model")
    assert len(res.claims) == 1  # unknown predicate and unlocatable quote dropped
    c = res.claims[0]
    ents = res.entity_names(gaz)
    assert (ents[c.subject].name, c.predicate, ents[c.object].name) == ("Taliban", "shelters", "al-Qaeda")
    ev = c.evidence[0]
    assert TEXT[ev.start : ev.end] == ev.quote == "The Taliban hosted al-Qaeda near Kabul in 2020."
    sm, om = res.claim_mentions[c.id]
    assert TEXT[sm.start : sm.end] == "Taliban" and TEXT[om.start : om.end] == "al-Qaeda"
    assert c.extractor == "llm:test-model" and c.valid_from == "2020"
    path, body = seen[0]
    assert path == "/v1/chat/completions"
    assert body["response_format"]["type"] == "json_schema"
    assert body["model"] == "test-model"


def test_llm_bad_answer_is_an_extract_error(server, gaz):
    url, _ = server("not json at all")
    with pytest.raises(ExtractError):
        extract_document(Document(text=TEXT, key="n"), gaz, backend="llm", llm_url=url)


def test_llm_http_error_is_an_extract_error(server, gaz):
    url, _ = server("500")
    with pytest.raises(ExtractError):
        extract_document(Document(text=TEXT, key="n"), gaz, backend="llm", llm_url=url)


def test_llm_needs_a_url(gaz):
    with pytest.raises(ExtractError):
        extract_document(Document(text=TEXT, key="n"), gaz, backend="llm")


def test_unknown_backend(gaz):
    with pytest.raises(ExtractError):
        extract_document(Document(text=TEXT, key="n"), gaz, backend="nope")


def test_llm_through_the_cli(server, tmp_path):
    import os
    import subprocess
    import sys

    url, _ = server(ANSWER)
    p = tmp_path / "note.txt"
    p.write_text(TEXT, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "andiwali", "extract", str(p), "--jsonl", "--backend", "llm",
                        "--llm-url", url, "--min-confidence", "0"], capture_output=True, timeout=300,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr.decode()
    objs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert [o["predicate"] for o in objs] == ["shelters"]
    assert objs[0]["evidence"]["quote"] == TEXT[objs[0]["evidence"]["start"] : objs[0]["evidence"]["end"]]
