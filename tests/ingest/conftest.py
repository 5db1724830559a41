"""Ingest fixtures: a corpus of real files of every format, built in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from andiwali.ingest import makers

SCRIPT = "window.SECRET_SCRIPT_PAYLOAD = document.cookie"

TELEGRAM_MESSAGES = [
    {"id": 1, "text": "The brigade announced a new commander for the northern sector.", "date": "2024-03-01T09:15:00"},
    {"id": 2, "type": "service", "text": "", "date": "2024-03-01T09:16:00"},
    {"id": 3, "text": ["Statement from ", {"type": "bold", "text": "the media office"}, ": see ",
                       {"type": "text_link", "text": "this post", "href": "https://t.me/example/3"}, "."],
     "date": "2024-03-02T10:00:00", "author": "Media Desk", "reply_to_message_id": 1},
    {"id": 4, "text": "Fighters loyal to the emir were seen moving toward the border crossing.",
     "date": "2024-03-03T11:00:00", "forwarded_from": "Other Channel"},
    {"id": 5, "text": "Fighters loyal to the emir were seen moving toward the border crossing.",
     "date": "2024-03-04T12:00:00", "forwarded_from": "Third Channel"},
    {"id": 6, "text": "", "photo": "photos/photo_1.jpg", "date": "2024-03-04T12:30:00"},
]


def build_corpus(root: Path) -> dict[str, Path]:
    """Write one file of every format under ``root``; returns name -> path."""
    files = {
        "brief.txt": b"Weekly brief\n\nThe network moved funds through two charities in 2019.\n",
        "notes.md": b"# Field notes\n\nThe commander met the delegation in the capital.\n",
        "page.html": makers.make_html(
            "Attack claimed in the north",
            ["The group claimed responsibility for the attack on the checkpoint, according to a statement "
             "released on its official channel late on Monday.",
             "Local officials said the attackers used two vehicles and withdrew before reinforcements arrived."],
            author="Jane Analyst", date="2023-05-06", site="Conflict Monitor", url="https://monitor.example.org/a/1",
            script=SCRIPT),
        "report.pdf": makers.make_pdf(
            ["Annual assessment of the network.", "Second page: the group split in 2014.", "Third page ends here."],
            title="Annual Assessment", author="Research Unit", created="D:20220110093000"),
        "memo.docx": makers.make_docx(
            ["Memo on leadership changes.", "The deputy replaced the leader in March."],
            tables=[[["Name", "Role"], ["Abu Example", "Deputy"]]], title="Leadership memo", author="Desk B"),
        "result.json": makers.make_telegram("Example Channel", 1234567890, TELEGRAM_MESSAGES),
        "feed.rss": makers.make_rss("Example Feed", [
            {"title": "Item one", "link": "https://news.example.org/1", "guid": "urn:item:1",
             "description": "<p>The faction <b>denied</b> involvement.</p><script>alert('x')</script>",
             "pubDate": "Mon, 06 May 2024 10:00:00 GMT", "author": "desk@example.org (Desk)"},
            {"title": "Item two", "link": "https://news.example.org/2", "guid": "urn:item:2",
             "description": "A second item about the same faction and its new spokesman.",
             "pubDate": "Tue, 07 May 2024 10:00:00 GMT"},
        ]),
        "feed.atom": makers.make_atom("Atom Feed", [
            {"title": "Atom entry", "id": "urn:atom:1", "updated": "2024-06-01T08:00:00Z",
             "content": "<div>An atom entry body about the <i>committee</i>.</div>"},
        ]),
        "posts.csv": makers.make_csv([
            {"id": "p1", "text": "First post about the convoy.", "date": "2024-01-02", "channel": "Chan A",
             "views": "100"},
            {"id": "p2", "text": "Second post, with a comma.", "date": "2024-01-03T05:00:00Z", "channel": "Chan B",
             "views": "5"},
            {"id": "p3", "text": "", "date": "2024-01-04", "channel": "Chan B", "views": "0"},
        ]),
        "posts.jsonl": makers.make_jsonl([
            {"message": "A JSON lines post about the council.", "created_at": "2024-02-03T00:00:00Z",
             "author": "poster1", "post_id": 77},
            {"message": "Another post.", "created_at": "2024-02-04", "author": "poster2", "post_id": 78},
        ]),
    }
    out = {}
    for name, data in files.items():
        p = root / name
        p.write_bytes(data)
        out[name] = p
    return out


@pytest.fixture
def corpus(tmp_path) -> dict[str, Path]:
    root = tmp_path / "corpus"
    root.mkdir()
    return build_corpus(root)
