"""Web fixtures: a seeded knowledge base, app clients, the vendored front end, a headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from webhelpers import CHROMIUM, CHROMIUM_ARGS, ROOT, Seeded, seed_kb, vendor_ready


@pytest.fixture
def seeded(tmp_path) -> Seeded:
    return seed_kb(tmp_path / "kb")


@pytest.fixture
def make_client():
    """make_client(kb_path, **create_app kwargs) -> TestClient on http://127.0.0.1 (closed at the end)."""
    from fastapi.testclient import TestClient

    from andiwali.web import create_app

    made = []

    def make(path, **kw):
        app = create_app(path, **kw)
        c = TestClient(app, base_url="http://127.0.0.1")
        made.append((c, app))
        return c

    yield make
    for c, app in made:
        c.close()
        app.state.kb.close()


@pytest.fixture
def client(seeded, make_client):
    return make_client(seeded.path)


@pytest.fixture(scope="session")
def built_frontend():
    """The vendored JS (scripts/build-web.sh, run by `make setup`); built here if missing."""
    if not vendor_ready():
        import subprocess

        subprocess.run(["bash", str(ROOT / "scripts" / "build-web.sh")], check=True)
    assert vendor_ready(), "scripts/build-web.sh did not produce static/vendor"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (scripts/system-deps.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
