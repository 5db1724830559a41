"""End to end in Debian's headless Chromium (Playwright), against uvicorn on 127.0.0.1:<free port>.

Every page loads without a script error and without a request leaving the machine; the time
slider changes the number of visible ties; a profile opens; accepting a claim shows its audit
entry; a hostile document's payloads never run anywhere its text is shown.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from webhelpers import HOSTILE_ENTITY, LiveServer, seed_kb

pytestmark = pytest.mark.browser

PAGES = ["/", "/entities", "/claims", "/review", "/timeline", "/map", "/media", "/documents", "/sources", "/audit"]


@pytest.fixture(scope="module")
def live(tmp_path_factory, built_frontend):
    from andiwali.web import create_app

    seeded = seed_kb(tmp_path_factory.mktemp("browser") / "kb")
    app = create_app(seeded.path, actor="browser-tester")
    server = LiveServer(app)
    server.ids = seeded.ids
    yield server
    server.stop()
    app.state.kb.close()


class Watch:
    """Everything a page does that it should not: dialogs, script errors, CSP refusals, outside requests."""

    def __init__(self, page, base: str):
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.route("**/*", self._route(base))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, msg):
        if msg.type == "error" or "Content Security Policy" in msg.text:
            self.errors.append(f"console {msg.type}: {msg.text}")

    def _route(self, base):
        def handle(route):
            url = route.request.url
            if url.startswith(base + "/") or url == base or url.startswith("data:"):
                route.continue_()
            else:
                self.outside.append(url)
                route.abort()

        return handle

    def assert_clean(self, where: str) -> None:
        assert not self.dialogs, f"dialogs on {where}: {self.dialogs}"
        assert not self.errors, f"errors on {where}: {self.errors}"
        assert not self.outside, f"requests leaving the machine on {where}: {self.outside}"


@pytest.fixture
def page(browser, live):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = ctx.new_page()
    pg.set_default_timeout(30000)
    pg.watch = Watch(pg, live.url)
    yield pg
    ctx.close()


def wait_js(page, expression: str, timeout: float = 30.0) -> None:
    """Poll a JavaScript expression until it is true (the page's CSP forbids Playwright's eval-based waits)."""
    deadline = time.monotonic() + timeout
    while True:
        if page.evaluate("() => " + expression if not expression.startswith("(") else expression):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def edges(page) -> int:
    return int(page.get_attribute("#status", "data-edges"))


def open_explorer(page, live):
    page.goto(live.url + "/")
    page.wait_for_selector("body[data-ready='1']")


def test_every_page_loads_cleanly(page, live):
    ids = live.ids
    for path in PAGES + [f"/entities/{ids['alpha']}", f"/claims/{ids['allied']}", f"/documents/{ids['doc1']}"]:
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        assert page.title().endswith("andiwali"), path
        page.watch.assert_clean(path)


def test_time_slider_changes_the_visible_ties(page, live):
    open_explorer(page, live)
    assert edges(page) == 8  # all time
    slider = page.locator("#time-slider")
    assert slider.get_attribute("min") == "2010" and slider.get_attribute("max") == "2020"
    slider.focus()
    page.keyboard.press("Home")  # 2010: only the 2010-2014 alliance
    wait_js(page, "document.getElementById('status').dataset.edges === '1'")
    assert page.locator("#all-time").is_checked() is False
    page.keyboard.press("ArrowRight")  # 2011: plus a presence reported that year
    wait_js(page, "document.getElementById('status').dataset.edges === '2'")
    page.keyboard.press("End")  # 2020: support (open end), leadership, base
    wait_js(page, "document.getElementById('status').dataset.edges === '3'")
    assert "in 2020" in page.text_content("#status")
    page.check("#cumulative")  # up to 2020: everything dated
    wait_js(page, "document.getElementById('status').dataset.edges === '8'")
    page.watch.assert_clean("explorer slider")


def test_layers_and_contested_filters(page, live):
    open_explorer(page, live)
    page.uncheck("input.layer-toggle[value='hostility']")
    wait_js(page, "document.getElementById('status').dataset.edges === '7'")
    page.check("input.layer-toggle[value='hostility']")
    page.check("#contested-only")
    wait_js(page, "document.getElementById('status').dataset.edges === '2'")
    page.uncheck("#contested-only")
    page.select_option("#size-by", "pagerank")
    wait_js(page, "document.getElementById('status').dataset.edges === '8'")
    page.watch.assert_clean("explorer filters")


def test_search_focuses_an_ego_network(page, live):
    open_explorer(page, live)
    page.fill("#search", "Jabhat Alif")  # an alias
    page.press("#search", "Enter")
    page.wait_for_selector("#details:not([hidden])")
    assert page.text_content("#details h2") == "Alpha Front"
    wait_js(page, "document.getElementById('status').textContent.includes('focus: Alpha Front')")
    assert edges(page) == 6
    page.click("#clear-focus")
    wait_js(page, "document.getElementById('status').dataset.edges === '8'")
    page.watch.assert_clean("explorer search")


def test_open_a_profile(page, live):
    open_explorer(page, live)
    page.fill("#search", "Alpha Front")
    page.press("#search", "Enter")
    page.click("#details h2 a")
    page.wait_for_url(re.compile(r"/entities/"))
    assert page.text_content("h1").startswith("Alpha Front")
    rows = page.locator("#aliases tbody tr")
    assert "AF-1" in rows.all_text_contents()[0] + " ".join(rows.all_text_contents())
    assert "test list" in page.text_content("#aliases")
    assert page.locator("#relations h3.predicate").count() >= 5
    page.wait_for_selector("#entity-timeline svg rect")
    assert page.locator("#entity-timeline svg a").count() == int(page.get_attribute("#entity-timeline", "data-count"))
    assert "Beta Brigade" in page.text_content("body")  # a branch
    # from a relation to its claim, with the evidence highlighted in the document
    page.locator("#relations a", has_text="claim").first.click()
    page.wait_for_selector(".doctext mark.evidence-mark")
    mark = page.text_content(".doctext mark.evidence-mark")
    quote = page.text_content(".evidence blockquote")
    assert mark == quote
    page.watch.assert_clean("profile")


def test_accept_a_claim_in_the_review_queue_and_see_the_audit_entry(page, live):
    page.goto(live.url + "/review")
    page.wait_for_selector(".review-item.current")
    cid = page.get_attribute(".review-item.current", "data-claim-id")
    before = page.locator(".review-item").count()
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("a")
    wait_js(page, f"document.querySelectorAll('.review-item').length === {before - 1}")
    assert page.text_content("#review-status").startswith("accepted:")
    page.goto(live.url + f"/claims/{cid}")
    assert page.text_content("#claim-status") == "accepted"
    audit = page.text_content("#claim-audit")
    assert "browser-tester review:accepted" in audit
    page.goto(live.url + "/audit")
    assert page.locator("#audit-list tbody tr", has_text=cid).first.text_content().count("review:accepted") == 1
    page.watch.assert_clean("review")


def test_edit_and_bulk_reject_in_the_review_queue(page, live):
    page.goto(live.url + "/review")
    page.wait_for_selector(".review-item.current")
    cid = page.get_attribute(".review-item.current", "data-claim-id")
    page.keyboard.press("e")
    page.wait_for_selector(".edit-form")
    page.select_option(".edit-form select[name='modality']", "alleged")
    page.click(".edit-form button[type='submit']")
    wait_js(page, "document.getElementById('review-status').textContent.startsWith('edited')")
    # select two with x and reject them together
    picked = [page.get_attribute(".review-item.current", "data-claim-id")]
    page.keyboard.press("x")
    page.keyboard.press("j")
    picked.append(page.get_attribute(".review-item.current", "data-claim-id"))
    page.keyboard.press("x")
    page.click("#bulk-reject")
    wait_js(page, "document.getElementById('review-status').textContent.startsWith('2 rejected')")
    page.goto(live.url + f"/claims/{cid}")
    assert page.text_content("#claim-status") == "edited"
    for p in picked:
        page.goto(live.url + f"/claims/{p}")
        assert page.text_content("#claim-status") == "rejected"
    page.watch.assert_clean("review edit")


def test_accept_from_the_claim_page_updates_its_audit_list(page, live):
    page.goto(live.url + f"/claims/{live.ids['gamma_pk']}")
    page.wait_for_selector(".doctext mark")
    page.click("#claim-actions button[data-action='accepted']")
    wait_js(page, "document.getElementById('action-status').textContent === 'saved: accepted'")
    assert "review:accepted" in page.text_content("#claim-audit")
    page.watch.assert_clean("claim page")


HOSTILE_CHECK = """() => ({
  inlineScripts: document.querySelectorAll('script:not([src])').length,
  handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]').length,
  iframes: document.querySelectorAll('iframe').length,
  foreignSvg: Array.from(document.querySelectorAll('svg')).filter(s => s.getAttribute('onload') !== null).length,
  jsLinks: Array.from(document.querySelectorAll('a[href]')).filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
  bodyShown: getComputedStyle(document.body).display !== 'none',
  text: document.body.innerText,
})"""


def test_hostile_document_payloads_never_run(page, live):
    ids = live.ids
    pages = [f"/documents/{ids['hostile_doc']}", f"/claims/{ids['hostile']}", f"/claims/{ids['hostile_neg']}",
             f"/entities/{ids['evil']}", f"/entities/{ids['alpha']}", "/documents", "/sources", "/review",
             "/timeline", "/claims", "/audit", "/entities", "/map"]
    for path in pages:
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(200)  # let page scripts finish building the DOM
        got = page.evaluate(HOSTILE_CHECK)
        assert got["inlineScripts"] == 0 and got["handlers"] == 0 and got["iframes"] == 0, (path, got)
        assert got["foreignSvg"] == 0 and got["jsLinks"] == 0 and got["bodyShown"], (path, got)
        page.watch.assert_clean(path)
    # the payloads are there, as text
    page.goto(live.url + f"/documents/{ids['hostile_doc']}")
    page.wait_for_selector(".doctext .text-body")
    shown = page.text_content(".doctext .text-body")
    for needle in ("<script>alert('script-tag')</script>", "onerror=\"alert('img-onerror')\"",
                   "javascript:alert('js-link')", "<svg xmlns=", "\u202eRTL override"):
        assert needle in shown
    assert page.locator(".doctext mark.evidence-mark").count() == 2
    page.hover(".doctext mark.evidence-mark >> nth=0")
    page.click(".doctext mark.evidence-mark >> nth=1")  # goes to its claim page
    page.wait_for_url(re.compile(r"/claims/"))
    page.wait_for_selector(".doctext mark")
    # the explorer shows the hostile entity's name as a label and in the details panel
    open_explorer(page, live)
    page.fill("#search", "Evil Cell")
    page.press("#search", "Enter")
    page.wait_for_selector("#details:not([hidden])")
    assert page.text_content("#details h2") == HOSTILE_ENTITY
    got = page.evaluate(HOSTILE_CHECK)
    assert got["inlineScripts"] == 0 and got["handlers"] == 0 and got["foreignSvg"] == 0
    page.wait_for_timeout(300)
    page.watch.assert_clean("hostile, everywhere")


def test_map_shades_countries_from_local_boundaries(page, live):
    page.goto(live.url + "/map")
    page.wait_for_selector("#map-status[data-shaded]")
    assert page.get_attribute("#map-status", "data-shaded") == "2"
    assert page.locator("path.country").count() > 200
    af = page.locator("path.country[data-iso='AF']")
    assert af.get_attribute("data-claims") == "2"
    assert page.locator("path.country[data-iso='FR']").get_attribute("data-claims") == "0"
    af.click(force=True)
    page.wait_for_selector("#map-details li")
    assert "Alpha Front" in page.text_content("#map-details")
    # choose one group: only its country stays shaded
    gamma = page.locator("#map-groups option", has_text="Gamma Network").get_attribute("value")
    page.select_option("#map-groups", [gamma])
    page.click("#map-apply")
    wait_js(page, "document.getElementById('map-status').dataset.shaded === '1'")
    assert page.locator("path.country[data-iso='PK']").get_attribute("data-claims") == "1"
    page.watch.assert_clean("map")


def test_media_activity_and_timeline_pages_draw(page, live):
    page.goto(live.url + "/media")
    page.wait_for_selector("#media-chart svg polyline")
    assert page.locator("#media-chart svg polyline").count() == 2  # one document is dated to the year only
    page.select_option("#media-by", "year")
    wait_js(page, "document.querySelectorAll('#media-chart svg polyline').length === 3")
    page.goto(live.url + "/timeline")
    page.wait_for_selector("#timeline svg a")
    assert page.locator("#timeline svg a").count() == int(page.get_attribute("#timeline", "data-count"))
    assert page.locator("#contested .contested-tie").count() == 2
    page.fill("#timeline-from", "2018")
    page.click("#timeline-apply")
    wait_js(page, "document.getElementById('timeline').dataset.count !== undefined")
    page.watch.assert_clean("media and timeline")


def test_upload_by_drag_and_drop_and_by_picker(page, live, tmp_path):
    page.goto(live.url + "/documents")
    dt = page.evaluate_handle("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(['Gamma Network held talks with Pakistan in 2023.'], 'dropped.txt', {type: 'text/plain'}));
        return dt; }""")
    page.fill("#upload-source", "Drop Desk")
    page.fill("#upload-grade", "C3")
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": dt})
    wait_js(page, "document.getElementById('upload-status').textContent.includes('ingested')")
    assert page.text_content("#upload-status").startswith("1 document(s) ingested")
    assert page.get_attribute("#upload-progress", "value") == "100"
    f = tmp_path / "picked.md"
    f.write_text("# Note\n\nBeta Brigade moved to Kunar.\n")
    page.set_input_files("#file-input", str(f))
    wait_js(page, "document.querySelectorAll('#upload-results li').length === 1 && "
                           "document.getElementById('upload-results').textContent.includes('picked.md')")
    page.click("#upload-results a")
    page.wait_for_url(re.compile(r"/documents/doc_"))
    page.wait_for_selector(".doctext .text-body")
    assert "Beta Brigade moved to Kunar." in page.text_content(".doctext .text-body")
    page.goto(live.url + "/documents?source=Drop+Desk")
    assert page.locator("#document-list tbody tr").count() == 2  # both uploads carried the source
    page.watch.assert_clean("upload")


def test_grade_a_source(page, live):
    page.goto(live.url + "/sources")
    row = page.locator("#source-list tr", has_text="Channel Two")
    row.locator("select.rel").select_option("B")
    row.locator("select.cred").select_option("3")
    row.locator("button.save-grade").click()
    wait_js(page, "Array.from(document.querySelectorAll('#source-list .badge.grade')).some(b => b.textContent === 'B3')")
    page.reload()
    assert "B3" in page.locator("#source-list tr", has_text="Channel Two").text_content()
    page.watch.assert_clean("sources")


def test_team_mode_login_and_attributed_review(browser, tmp_path, built_frontend):
    from andiwali.store import KnowledgeBase, web_queries
    from andiwali.web import create_app
    from andiwali.web.auth import hash_password

    seeded = seed_kb(tmp_path / "kb")
    kb = KnowledgeBase.open(seeded.path)
    web_queries.add_user(kb, "nadia", "analyst", hash_password("nadia-password"), actor="test")
    web_queries.add_user(kb, "omar", "viewer", hash_password("omar-password"), actor="test")
    kb.close()
    app = create_app(seeded.path, team_mode=True, session_ttl=timedelta(hours=1))
    server = LiveServer(app)
    try:
        for name, role in (("omar", "viewer"), ("nadia", "analyst")):
            ctx = browser.new_context()
            pg = ctx.new_page()
            watch = Watch(pg, server.url)
            pg.goto(server.url + "/")
            pg.wait_for_url(re.compile(r"/login$"))
            pg.fill("#login-name", name)
            pg.fill("#login-password", "wrong")
            pg.click("#login-form button[type='submit']")
            wait_js(pg, "document.getElementById('login-status').textContent.includes('wrong')")
            pg.fill("#login-password", f"{name}-password")
            pg.click("#login-form button[type='submit']")
            pg.wait_for_selector("body[data-ready='1']")
            assert pg.text_content("#me") == f"{name} ({role})"
            pg.goto(server.url + f"/claims/{seeded.ids['allied']}")
            if role == "viewer":
                assert not pg.locator("#claim-actions").is_visible()  # no write controls for a viewer
                # and the server refuses the write even with a valid CSRF token from the page
                status = pg.evaluate("""async (id) => (await fetch('/api/claims/' + id + '/review', {method: 'POST',
                    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': window.andiwali.cookie('andiwali_csrf')},
                    body: JSON.stringify({status: 'accepted'})})).status""", seeded.ids["allied"])
                assert status == 403
            else:
                pg.click("#claim-actions button[data-action='accepted']")
                wait_js(pg, "document.getElementById('action-status').textContent === 'saved: accepted'")
                assert "nadia review:accepted" in pg.text_content("#claim-audit")
            pg.click("#logout")
            pg.wait_for_url(re.compile(r"/login$"))
            # the wrong password (401) and the viewer's refused write (403) are logged by the browser
            watch.errors = [e for e in watch.errors if "status of 401" not in e and "status of 403" not in e]
            watch.assert_clean(f"team mode as {name}")
            ctx.close()
    finally:
        server.stop()
        app.state.kb.close()


@pytest.mark.slow
def test_explorer_stays_interactive_at_10000_nodes(browser, tmp_path, built_frontend):
    from webhelpers import big_kb

    from andiwali.web import create_app

    path = big_kb(tmp_path / "big", n_nodes=10_000, n_edges=20_000)
    app = create_app(path)
    server = LiveServer(app)
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        pg = ctx.new_page()
        pg.set_default_timeout(180_000)
        watch = Watch(pg, server.url)
        pg.goto(server.url + "/")
        pg.wait_for_selector("body[data-ready='1']")
        assert int(pg.get_attribute("#status", "data-nodes")) >= 9_900
        total = int(pg.get_attribute("#status", "data-edges"))
        assert total >= 19_000
        pg.locator("#time-slider").focus()
        pg.keyboard.press("Home")
        wait_js(pg, f"Number(document.getElementById('status').dataset.edges) < {total}")
        first = int(pg.get_attribute("#status", "data-edges"))
        pg.keyboard.press("ArrowRight")
        wait_js(pg, f"Number(document.getElementById('status').dataset.edges) !== {first}")
        # pan and zoom still answer
        box = pg.locator("#graph").bounding_box()
        pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        pg.mouse.wheel(0, -400)
        pg.fill("#search", "Group 4242")
        pg.press("#search", "Enter")
        pg.wait_for_selector("#details:not([hidden])")
        assert pg.text_content("#details h2") == "Group 4242"
        watch.errors = [e for e in watch.errors if "GPU stall" not in e]
        watch.assert_clean("10k explorer")
        ctx.close()
    finally:
        server.stop()
        app.state.kb.close()


def test_a_one_megabyte_single_line_document_renders_as_text(browser, tmp_path, built_frontend):
    from andiwali.model import Claim, Document, Entity, Evidence
    from andiwali.store import KnowledgeBase
    from andiwali.web import create_app

    kb = KnowledgeBase.create(tmp_path / "kb", with_reference=False)
    a, b = Entity(kind="organization", name="Long Front"), Entity(kind="organization", name="Far Cell")
    with kb.transaction() as conn:
        kb.upsert_entity(a, conn=conn)
        kb.upsert_entity(b, conn=conn)
    unit = "<img src=x onerror=alert(1)> word "
    filler = unit * (1_000_000 // len(unit))
    needle = "Long Front supports Far Cell."
    text = filler + needle + " <script>alert('end')</script>"
    assert "\n" not in text and len(text) > 1_000_000
    doc_id = kb.add_document(Document(text=text, key="big:one-line", title="one line")).doc_id
    start = text.index(needle)
    c = Claim(a.id, "supports", b.id, evidence=[Evidence(doc_id, start, start + len(needle), needle)],
              extractor="rules:test", confidence=0.7)
    kb.add_claims([c])
    kb.close()
    app = create_app(tmp_path / "kb")
    server = LiveServer(app)
    try:
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        watch = Watch(pg, server.url)
        for path in (f"/documents/{doc_id}", f"/claims/{c.id}"):
            pg.goto(server.url + path)
            pg.wait_for_selector(".doctext mark.evidence-mark")
            assert pg.text_content(".doctext mark.evidence-mark") == needle
            got = pg.evaluate(HOSTILE_CHECK.replace("text: document.body.innerText,", ""))
            assert got["inlineScripts"] == 0 and got["handlers"] == 0, got
            assert pg.evaluate("() => document.querySelectorAll('.doctext img').length") == 0
            assert pg.evaluate("() => document.querySelector('.doctext .text-body').textContent.length") == len(text)
            watch.assert_clean(path)
        ctx.close()
    finally:
        server.stop()
        app.state.kb.close()
