"""Where the knowledge base lives: --kb, ANDIWALI_DB, andiwali.toml, <dir>/config.toml."""

from __future__ import annotations

import pytest

from andiwali.errors import StoreError
from andiwali.store import KnowledgeBase
from andiwali.store.config import locate, write_config
from andiwali.store.kb import resolve_location

URL = "postgresql://app@127.0.0.1:5999/team"


def test_locate_order(tmp_path):
    (tmp_path / "andiwali.toml").write_text('db = "postgresql://app@127.0.0.1/fromfile"\n')
    assert locate("mydir", env={"ANDIWALI_DB": URL}, cwd=tmp_path) == "mydir"  # an explicit --kb wins
    assert locate("kb", env={"ANDIWALI_DB": URL}, cwd=tmp_path) == URL  # then the environment
    assert locate(None, env={}, cwd=tmp_path) == "postgresql://app@127.0.0.1/fromfile"  # then andiwali.toml
    assert locate("kb", env={}, cwd=tmp_path / "elsewhere") == "kb"


def test_bad_config_file_is_a_clear_error(tmp_path):
    (tmp_path / "andiwali.toml").write_text("db = [1, 2\n")
    with pytest.raises(StoreError) as err:
        locate(None, env={}, cwd=tmp_path)
    assert err.value.code == "E309"


def test_directory_config_points_at_a_database(tmp_path):
    write_config(tmp_path / "team", URL)
    url, directory = resolve_location(tmp_path / "team")
    assert url == "postgresql+psycopg://app@127.0.0.1:5999/team" and directory == tmp_path / "team"
    assert resolve_location("postgres://u@h/db")[0] == "postgresql+psycopg://u@h/db"


def test_directory_config_opens_the_named_database(kb_location, tmp_path):
    KnowledgeBase.create(kb_location, with_reference=False).close()
    pointer = tmp_path / "pointer"
    if kb_location.startswith("postgresql"):
        write_config(pointer, kb_location)
    else:
        write_config(pointer, f"sqlite:///{kb_location}/andiwali.db")
    kb = KnowledgeBase.open(pointer)
    try:
        assert kb.dialect == ("postgresql" if kb_location.startswith("postgresql") else "sqlite")
        assert kb.counts()["documents"] == 0
    finally:
        kb.close()


def test_unreachable_server_is_a_store_error():
    for fn in (KnowledgeBase.create, KnowledgeBase.open):
        with pytest.raises(StoreError) as err:
            fn("postgresql://nobody@127.0.0.1:1/none")
        assert err.value.code == "E300" and "refused" in str(err.value)
