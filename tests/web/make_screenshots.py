"""Screenshots of the web app for the README and docs/web.md (run by hand, not collected by pytest).

    .venv/bin/python tests/web/make_screenshots.py [--kb DIR]

Without --kb it builds the demo knowledge base in a temporary folder the way `make demo`
does (init, ingest demo/corpus, extract), serves it on 127.0.0.1 and writes
docs/screenshots/explorer.png and docs/screenshots/profile.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from webhelpers import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def demo_kb(folder: Path) -> Path:
    cli = [str(ROOT / ".venv" / "bin" / "andiwali"), "--kb", str(folder)]
    subprocess.run(cli + ["init"], check=True)
    subprocess.run(cli + ["ingest", str(ROOT / "demo" / "corpus"), "--source", "andiwali demo briefs", "--grade", "C3"],
                   check=True)
    subprocess.run(cli + ["extract"], check=True)
    return folder


def wait(page, expression: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate("() => " + expression):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {expression}")
        page.wait_for_timeout(100)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=Path)
    ap.add_argument("--focus", default="al-Qaeda", help="entity shown in the explorer focus and the profile")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from andiwali.store import KnowledgeBase
    from andiwali.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        kb_dir = args.kb or demo_kb(Path(tmp) / "kb")
        kb = KnowledgeBase.open(kb_dir)
        found = kb.find_entities(args.focus)
        if not found:
            raise SystemExit(f"no entity {args.focus!r} in {kb_dir}")
        eid = found[0].id
        kb.close()
        app = create_app(kb_dir)
        server = LiveServer(app)
        OUT.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
                page.goto(server.url + "/")
                page.wait_for_selector("body[data-ready='1']", timeout=120_000)
                page.select_option("#size-by", "pagerank")
                page.fill("#search", args.focus)
                page.press("#search", "Enter")
                page.select_option("#ego-depth", "2")
                page.wait_for_timeout(1500)
                page.screenshot(path=str(OUT / "explorer.png"))
                page.set_viewport_size({"width": 1440, "height": 1200})
                page.goto(server.url + f"/entities/{eid}")
                wait(page, "document.querySelector('#entity-timeline svg') !== null")
                page.screenshot(path=str(OUT / "profile.png"))
                browser.close()
        finally:
            server.stop()
            app.state.kb.close()
    print(f"wrote {OUT / 'explorer.png'} and {OUT / 'profile.png'}")


if __name__ == "__main__":
    main()
