"""docs/interop.md stays in step with the code: formats, options, tie types, error codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from andiwali.cli import _load_commands, app
from andiwali.errors import ERRORS
from andiwali.interop import export_formats, import_formats
from andiwali.interop.stix import RELATIONSHIP_TYPES, X_PROPERTIES
from andiwali.interop.tabular import AGG_COLUMNS, EDGE_COLUMNS, NODE_COLUMNS
from andiwali.interop.tietypes import TIE_TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "interop.md").read_text(encoding="utf-8")
_load_commands()


def test_docs_name_every_format_and_error_code():
    for fmt in export_formats() + import_formats():
        assert f"`{fmt}`" in DOC
    for code in ("E501", "E502", "E503", "E504", "E505"):
        assert code in ERRORS and code in DOC


def test_docs_list_the_tie_type_table():
    for pred, reverse, polarity, phrases in TIE_TYPES:
        tag = " (reversed)" if reverse else (" (negated)" if polarity else "")
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{pred}`{tag} |")), None)
        assert row is not None, (pred, tag)
        assert row == f"| `{pred}`{tag} | " + ", ".join(phrases) + " |"


def test_docs_list_the_stix_mapping_and_properties():
    for pred, rtype in RELATIONSHIP_TYPES.items():
        assert f"`{pred}`" in DOC and f"`{rtype}`" in DOC
    for prop in X_PROPERTIES:
        assert f"`{prop}`" in DOC, prop


def test_docs_list_the_csv_columns():
    for col in NODE_COLUMNS + EDGE_COLUMNS + AGG_COLUMNS:
        assert col in DOC, col


def test_every_option_of_export_and_import_is_documented():
    runner = CliRunner()
    for cmd in ("export", "import"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0
        for token in res.stdout.replace(",", " ").split():
            if token.startswith("--") and token != "--help":
                opt = token.split("/")[0].strip("[]").rstrip(".")
                assert opt in DOC, (cmd, opt)
