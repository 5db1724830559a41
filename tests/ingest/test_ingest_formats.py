"""Every format: real files in, text and metadata out."""

from __future__ import annotations

import pytest

from andiwali.errors import IngestError
from andiwali.ingest import IngestOptions, makers, read_bytes, read_documents
from andiwali.ingest.formats.pdf import page_of


def one(path, **kw):
    docs = list(read_documents(path, **kw))
    assert len(docs) == 1
    return docs[0]


def test_txt_text_is_file_content_unchanged(corpus):
    doc = one(corpus["brief.txt"])
    assert doc.text == corpus["brief.txt"].read_bytes().decode("utf-8")
    assert doc.format == "txt" and doc.title == "Weekly brief"
    assert doc.key == str(corpus["brief.txt"].resolve())
    assert doc.language == "en"


def test_txt_keeps_crlf_and_bom_so_offsets_match_the_file(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"\xef\xbb\xbfLine one\r\nLine two\r\n")
    assert one(p).text == "\ufeffLine one\r\nLine two\r\n"


def test_md_title_from_heading(corpus):
    doc = one(corpus["notes.md"])
    assert doc.format == "md" and doc.title == "Field notes"
    assert doc.text.startswith("# Field notes")


def test_txt_date_from_file_name(tmp_path):
    p = tmp_path / "2023-07-14-brief.txt"
    p.write_text("A dated brief about the movement of the group.")
    assert one(p).published == "2023-07-14"


def test_legacy_encoding_detected(tmp_path):
    p = tmp_path / "cp1252.txt"
    p.write_bytes("Le groupe a annoncé la création d'une nouvelle brigade à l'été, selon le communiqué."
                  .encode("cp1252"))
    w: list = []
    doc = read_bytes(p.read_bytes(), "cp1252.txt", warnings=w)[0]
    assert "annoncé" in doc.text and "création" in doc.text
    assert not w


def test_html_main_text_and_metadata_without_script(corpus):
    doc = one(corpus["page.html"])
    assert doc.format == "html"
    assert "claimed responsibility for the attack" in doc.text
    assert "withdrew before reinforcements" in doc.text
    assert "SECRET_SCRIPT_PAYLOAD" not in doc.text and "document.cookie" not in doc.text
    assert "color: red" not in doc.text
    assert doc.title == "Attack claimed in the north"
    assert doc.published == "2023-05-06"
    assert doc.url == "https://monitor.example.org/a/1"
    assert doc.meta["author"] == "Jane Analyst"
    assert doc.meta["site"] == "Conflict Monitor"
    assert doc.source is not None and doc.source.name == "Conflict Monitor"


def test_pdf_pages_are_kept(corpus):
    doc = one(corpus["report.pdf"])
    assert doc.format == "pdf" and doc.title == "Annual Assessment"
    assert doc.published == "2022-01-10" and doc.meta["author"] == "Research Unit"
    assert doc.meta["n_pages"] == 3
    pages = doc.meta["pages"]
    assert len(pages) == 3
    for i, needle in enumerate(["Annual assessment", "the group split in 2014", "Third page ends"]):
        start, end = pages[i]
        assert needle in doc.text[start:end]
        offset = doc.text.index(needle)
        assert page_of(doc.meta, offset) == i + 1


def test_docx_paragraphs_and_tables(corpus):
    doc = one(corpus["memo.docx"])
    assert doc.format == "docx" and doc.title == "Leadership memo"
    assert "Memo on leadership changes." in doc.text
    assert "The deputy replaced the leader in March." in doc.text
    assert "Name | Role" in doc.text and "Abu Example | Deputy" in doc.text
    assert doc.text.index("Memo on") < doc.text.index("Abu Example")
    assert doc.meta["author"] == "Desk B"


def test_telegram_messages(corpus):
    docs = list(read_documents(corpus["result.json"]))
    by_id = {d.meta["message_id"]: d for d in docs}
    assert sorted(by_id) == ["1", "3", "4", "5"]  # service and empty media messages left out
    m3 = by_id["3"]
    assert m3.text == "Statement from the media office: see this post."
    assert m3.key == "telegram:1234567890/3"
    assert m3.meta["links"] == ["https://t.me/example/3"]
    assert m3.meta["reply_to"] == "1" and m3.meta["author"] == "Media Desk"
    assert m3.meta["channel"] == "Example Channel" and m3.meta["date"] == "2024-03-02T10:00:00"
    assert m3.published == "2024-03-02"
    assert m3.source.name == "Example Channel" and m3.source.kind == "channel"
    assert by_id["4"].meta["forwarded_from"] == "Other Channel"
    assert all(d.format == "telegram" for d in docs)


def test_telegram_full_account_export():
    import json

    chat = json.loads(makers.make_telegram("Chat X", 42, [{"id": 9, "text": "hello from a full export"}]))
    data = json.dumps({"about": "export", "chats": {"about": "", "list": [chat]}}).encode()
    docs = read_bytes(data, "result.json")
    assert [d.key for d in docs] == ["telegram:42/9"]


def test_rss_items(corpus):
    docs = list(read_documents(corpus["feed.rss"]))
    assert [d.title for d in docs] == ["Item one", "Item two"]
    d = docs[0]
    assert d.text == "The faction denied involvement."
    assert "alert" not in d.text
    assert d.url == "https://news.example.org/1" and d.key == "rss:urn:item:1"
    assert d.published == "2024-05-06"
    assert d.source.name == "Example Feed"


def test_atom_entries(corpus):
    (d,) = list(read_documents(corpus["feed.atom"]))
    assert d.text == "An atom entry body about the committee."
    assert d.published == "2024-06-01" and d.key == "rss:urn:atom:1"


def test_csv_posts_with_default_columns(corpus):
    docs = list(read_documents(corpus["posts.csv"]))
    assert [d.text for d in docs] == ["First post about the convoy.", "Second post, with a comma."]
    assert [d.published for d in docs] == ["2024-01-02", "2024-01-03"]
    assert [d.source.name for d in docs] == ["Chan A", "Chan B"]
    assert docs[0].source.kind == "channel"
    assert docs[0].key.endswith("posts.csv#p1")
    assert docs[0].meta["fields"] == {"views": "100"}


def test_csv_explicit_columns(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(makers.make_csv([{"Body Text": "custom column text", "When": "2021-09-09", "Who": "W",
                                    "Ref": "r1", "Head": "A head"}], delimiter=";"))
    opts = IngestOptions(text_column="body text", date_column="When", source_column="Who", id_column="Ref",
                         title_column="Head")
    d = one(p, options=opts)
    assert d.text == "custom column text" and d.published == "2021-09-09" and d.source.name == "W"
    assert d.title == "A head" and d.key.endswith("#r1")


def test_csv_missing_text_column_names_the_columns(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(IngestError) as ei:
        list(read_documents(p))
    assert ei.value.code == "E210" and "columns: a, b" in str(ei.value)


def test_jsonl_posts(corpus):
    docs = list(read_documents(corpus["posts.jsonl"]))
    assert [d.text for d in docs] == ["A JSON lines post about the council.", "Another post."]
    assert docs[0].published == "2024-02-03" and docs[0].source.name == "poster1"
    assert docs[0].key.endswith("posts.jsonl#77")


def test_json_array_of_posts(tmp_path):
    p = tmp_path / "posts.json"
    p.write_text('[{"text": "array post one"}, {"text": "array post two", "date": "2020-02-02"}]')
    docs = list(read_documents(p))
    assert [d.text for d in docs] == ["array post one", "array post two"]
    assert docs[1].published == "2020-02-02" and docs[0].key.endswith("#row1")


def test_content_sniffing_beats_extension(tmp_path, corpus):
    wrong = tmp_path / "actually_a_pdf.txt"
    wrong.write_bytes(corpus["report.pdf"].read_bytes())
    assert one(wrong).format == "pdf"
    html_no_ext = tmp_path / "saved_page"
    html_no_ext.write_bytes(corpus["page.html"].read_bytes())
    assert one(html_no_ext).format == "html"
    feed = tmp_path / "feed.txt"
    feed.write_bytes(corpus["feed.rss"].read_bytes())
    assert list(read_documents(feed))[0].format == "rss"


def test_forced_format(tmp_path):
    p = tmp_path / "x.dat"
    p.write_text("<p>not parsed as html when forced to txt</p>")
    assert one(p, options=IngestOptions(format="txt")).text.startswith("<p>")


def test_sidecar_metadata(tmp_path):
    p = tmp_path / "report.txt"
    p.write_text("Un rapport sur le groupe et ses dirigeants, publié par le centre de recherche.")
    (tmp_path / "report.txt.meta.yaml").write_text(
        "title: Sidecar title\npublished: 2020-03-04\nsource: Research Centre\ngrade: b2\n"
        "url: https://example.org/r\nlanguage: fr\n")
    d = one(p)
    assert d.title == "Sidecar title" and d.published == "2020-03-04" and d.url == "https://example.org/r"
    assert d.language == "fr"
    assert d.source.name == "Research Centre" and d.source.grade == "B2"


def test_source_and_grade_options(corpus):
    d = one(corpus["brief.txt"], source="Desk", grade="C3")
    assert d.source.name == "Desk" and d.source.grade == "C3"
    # a Telegram channel stays the source of its messages; the grade applies to it
    t = list(read_documents(corpus["result.json"], source="Desk", grade="C3"))[0]
    assert t.source.name == "Example Channel" and t.source.grade == "C3"


@pytest.mark.parametrize("text,lang", [
    ("The leadership council announced the appointment of a new military commander for the province.", "en"),
    ("أعلن المجلس القيادي تعيين قائد عسكري جديد للولاية في بيان نشر على قناته الرسمية", "ar"),
    ("Le conseil de direction a annoncé la nomination d'un nouveau commandant militaire pour la province.", "fr"),
    ("Руководящий совет объявил о назначении нового военного командира провинции.", "ru"),
])
def test_language_detection(text, lang):
    assert read_bytes(text.encode(), "x.txt")[0].language == lang


def test_short_text_has_no_language():
    assert read_bytes(b"ok then", "x.txt")[0].language is None
