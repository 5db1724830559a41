"""Every analyze command has help text and an entry in docs/analysis.md."""

from pathlib import Path

import andiwali.cli as cli

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"


def test_every_analyze_command_is_documented():
    cli._load_commands()
    from andiwali.cli.analyze import analyze_app

    text = DOCS.read_text(encoding="utf-8")
    names = [c.name for c in analyze_app.registered_commands]
    assert {"centrality", "brokers", "balance", "communities", "snapshots", "diff", "roles", "overlap", "media",
            "contested", "whatif", "strongest"} <= set(names)
    for c in analyze_app.registered_commands:
        assert (c.callback.__doc__ or "").strip(), c.name
        assert f"`analyze {c.name}" in text, c.name
    assert "`report --out FILE.html" in text


def test_the_strength_tables_in_the_docs_match_the_code():
    from andiwali.analysis import strength as st

    text = DOCS.read_text(encoding="utf-8")
    row = "| reliability | " + " | ".join(str(st.RELIABILITY[k]) for k in "ABCDEF") + " |"
    assert row in text
    row = "| credibility | " + " | ".join(str(st.CREDIBILITY[k]) for k in "123456") + " |"
    assert row in text
    assert f"`A` is {st.ATTRIBUTED}" in text
