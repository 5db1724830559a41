"""Where the knowledge base lives: a directory (SQLite) or a database URL.

The CLI resolves its location in this order (``locate``):

1. ``--kb URL`` or ``--kb DIR`` when given (anything but the default ``kb``);
2. the ``ANDIWALI_DB`` environment variable (a ``postgresql://`` URL);
3. ``andiwali.toml`` in the current directory with ``db = "postgresql://..."``;
4. the default directory ``kb``.

A knowledge-base directory may also hold ``config.toml`` with ``db = "..."``;
opening that directory then opens the named database (see ``kb.resolve_location``),
so a team can keep one small directory per project pointing at a shared server.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from andiwali.errors import StoreError

ENV_DB = "ANDIWALI_DB"
PROJECT_FILE = "andiwali.toml"
DEFAULT_KB = "kb"


def read_config(path: str | os.PathLike) -> dict:
    """A TOML config file as a dict ({} when it does not exist); a broken file is an E309 error."""
    p = Path(path)
    if not p.is_file():
        return {}
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{p}: not valid TOML: {exc}", code="E309") from None
    db = data.get("db")
    if db is not None and not isinstance(db, str):
        raise StoreError(f"{p}: db must be a string (a postgresql:// URL)", code="E309")
    return data


def locate(kb: str | os.PathLike | None = None, *, env: Mapping[str, str] | None = None,
           cwd: str | os.PathLike | None = None) -> str:
    """The knowledge-base location the CLI should open (see the module docstring for the order)."""
    env = os.environ if env is None else env
    if kb is not None and str(kb) != DEFAULT_KB:
        return str(kb)
    if env.get(ENV_DB):
        return env[ENV_DB]
    project = read_config(Path(cwd or os.getcwd()) / PROJECT_FILE)
    if project.get("db"):
        return project["db"]
    return str(kb) if kb is not None else DEFAULT_KB


def write_config(directory: str | os.PathLike, db: str) -> Path:
    """Point a knowledge-base directory at a database URL (``<dir>/config.toml``)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    path = d / "config.toml"
    path.write_text(f"# andiwali knowledge base: this directory points at a database\ndb = {_toml_str(db)}\n",
                    encoding="utf-8")
    return path


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
