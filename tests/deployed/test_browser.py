"""The real pages in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A live demo server runs on loopback in a thread. The test walks what a person does: open the
dashboard, copy the feed address, mark an interview "heard back", and checks that its check-in
leaves the feed, with no console errors on the way.
With CALFEED_UPDATE_SCREENSHOT=1 it refreshes docs/dashboard.png.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from calfeed.web.demo import demo_app
from calfeed.web.runtime import runtime
from tests.support.paths import ROOT
from tests.web.test_web_feeds import JANE, vevents

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = ROOT / "docs"
SCREENSHOT = DOCS / "dashboard.png"
PHONE_SCREENSHOT = DOCS / "dashboard-phone.png"


#: the demo's clock: a Thursday, so the sample week has overdue, today's and later follow-ups
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = demo_app(tmp_path_factory.mktemp("demo"), NOW)
    app.extensions["calfeed"] = replace(runtime(app), clock=lambda: NOW)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)  # never a silent skip in CI
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:  # loopback only
        return answer.read()


def test_dashboard_copy_and_mark_heard_back(browser, live_server, tmp_path: Path) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport=DESKTOP,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))

    page.goto(live_server + "/dashboard")
    page.wait_for_load_state("networkidle")
    feed_url = page.input_value("#feed-url")
    assert feed_url.startswith(live_server + "/feeds/") and feed_url.endswith(".ics")
    related = f"{JANE}@google.com"
    assert ("check-in", related) in vevents(fetch(feed_url))

    # the README's picture is refreshed on request only, so a test run leaves the tree clean
    shot = SCREENSHOT if os.environ.get("CALFEED_UPDATE_SCREENSHOT") else tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # the copy button (the only thing that needs JavaScript)
    copy = page.locator("button[data-copy='feed-url']")
    assert copy.is_visible()
    copy.click()
    page.wait_for_function(
        "document.querySelector(\"button[data-copy='feed-url']\").dataset.state === 'copied'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    assert page.text_content("#copy-status") == "Copied"

    # mark Jane's interview "heard back": a plain form post, then the page comes back
    page.locator("details.past > summary").click()  # Jane's interview is past (Monday)
    card = page.locator("article.interview", has_text="Interview with Jane Doe")
    assert card.locator("li.followup.check-in").count() == 1
    card.locator("details.more > summary").click()
    with page.expect_navigation():
        card.get_by_role("button", name="Heard back").click()
    card = page.locator("article.interview", has_text="Interview with Jane Doe")
    # "Saved." beside what changed, on screen
    saved = card.locator("p.saved")
    assert saved.text_content() == "Saved." and in_view(page, saved)
    assert card.locator("li.followup.check-in").count() == 0
    assert card.get_by_role("button", name="Undo heard back").is_visible()
    assert ("check-in", related) not in vevents(fetch(feed_url))
    assert ("thank-you", related) in vevents(fetch(feed_url))

    # keyboard: the skip link is the first stop and leads to the content
    page.goto(live_server + "/dashboard")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"

    assert problems == []
    context.close()


def in_view(page, locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_dashboard_is_usable_on_a_phone(browser, live_server, tmp_path: Path) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/dashboard")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    # the day's actions fit the first screen
    today = page.locator("section.todo").first.locator("li.action")
    assert today.count() == 3
    assert in_view(page, today.last), "today's actions do not fit the first screen"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the dashboard is {height}px long on a phone"  # was 12,573
    shot = PHONE_SCREENSHOT if os.environ.get("CALFEED_UPDATE_SCREENSHOT") else tmp_path / "p.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_dashboard_opens_on_what_to_do(browser, live_server, viewport) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/dashboard")
    headings = page.locator("main h2").all_text_contents()
    assert headings[:3] == ["To do today", "In the next 7 days", "Upcoming interviews"]
    today = page.locator("section.todo").first.locator("li.action")
    # overdue thank-yous say how late and still ask to be sent now
    first = today.first
    assert "3 days late" in first.locator("details > summary").first.text_content()
    # one line each (two on a phone): the drafts stay closed ...
    line = first.locator("details > summary").first.bounding_box()
    assert line is not None and line["height"] <= (60 if viewport is DESKTOP else 100)
    draft = first.locator("pre.draft-text").first
    assert not draft.is_visible()
    # ... one click away
    first.locator("details > summary").first.click()
    assert draft.is_visible() and "Jane" in draft.text_content()
    assert "Send it now anyway" in first.text_content()
    assert first.get_by_role("link", name="Open in e-mail app").first.is_visible()
    # done and past are folded away
    assert not page.locator("details.past article.interview").first.is_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the dashboard is {height}px long"  # was 9,264 (desktop)
    context.close()


def test_form_error_beside_its_field_focused_with_the_text_kept(browser, live_server) -> None:
    context = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/dashboard")
    card = page.locator("article.interview", has_text="Technical round")
    card.locator("details.more > summary").click()
    field = card.get_by_label("When they said you would hear back")
    field.fill("whenever they like")
    with page.expect_navigation():
        card.get_by_role("button", name="Set timeline").click()
    focused = page.evaluate("document.activeElement.id")
    card = page.locator("article.interview", has_text="Technical round")
    field = card.get_by_label("When they said you would hear back")
    assert focused == field.get_attribute("id")
    assert field.input_value() == "whenever they like"
    error = card.locator("p.error")
    assert "cannot read that timeline" in error.text_content()
    assert in_view(page, field) and in_view(page, error)
    context.close()


def test_works_without_javascript(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/settings")
    assert page.locator("button[data-copy]").count() == 0  # nothing on settings needs JS
    page.goto(live_server + "/dashboard")
    assert page.locator("button[data-copy]").first.is_hidden()  # copy buttons stay hidden
    # the day's action line opens without JavaScript (<details>) and marks with a plain post
    line = page.locator("li.action.thank-you", has_text="Phone screen: Globex")
    line.locator("details > summary").first.click()
    with page.expect_navigation():
        line.get_by_role("button", name="Thank-you sent").click()
    assert "Saved." in page.text_content("main")
    assert page.locator("li.action.thank-you", has_text="Phone screen: Globex").count() == 0
    context.close()


# --- accessibility -------------------------------------------------------------------------------

#: what axe-core checks: WCAG 2.0 and 2.1, levels A and AA
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    # closed <details> hide their content from axe: open them all so every part is checked
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_have_no_wcag_aa_violations(browser, live_server, viewport) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for path in ("/", "/?lang=id", "/dashboard", "/settings", "/rules", "/no-such-page"):
        page.goto(live_server + path)
        found[path] = axe_violations(page)
    # the pages as they are after a refused form: errors beside the fields
    page.goto(live_server + "/settings")
    page.fill("#grace_days", "0")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    found["/settings (refused)"] = axe_violations(page)
    page.goto(live_server + "/dashboard")
    page.locator("details.more > summary").first.click()
    page.locator("article.interview input[name='timeline']").first.fill("someday maybe")
    with page.expect_navigation():
        page.get_by_role("button", name="Set timeline").first.click()
    found["/dashboard (refused)"] = axe_violations(page)
    assert {path: v for path, v in found.items() if v} == {}
    context.close()


def tab_to(page, text: str, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element's text (or value) starts with `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if focused.startswith(text):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{text!r} has no visible focus"
            return
    raise AssertionError(f"{text!r} cannot be reached with the Tab key")


def test_keyboard_only_subscribe_and_mark(browser, live_server) -> None:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/")
    tab_to(page, "Open ")  # the demo's "connect": its dashboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # subscribe: the webcal link is reachable and names the feed
    tab_to(page, "Subscribe (Apple Calendar, Outlook)")
    href = page.evaluate("document.activeElement.href")
    assert href.startswith("webcal://127.0.0.1:") and href.endswith(".ics")
    # mark: open today's first action with Enter, then its "Thank-you sent" button
    page.goto(live_server + "/dashboard")
    tab_to(page, "Send thank-you:")
    title = page.evaluate("document.activeElement.querySelector('.who').innerText")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.parentElement.open")
    tab_to(page, "Thank-you sent")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    card = page.locator("article.interview", has_text=title)
    assert card.locator("p.saved").is_visible()
    assert card.get_by_role("button", name="Undo thank-you sent").count() == 1
    context.close()


def test_keyboard_only_connect(browser, google_env, fake_google, tmp_path: Path, now) -> None:  # type: ignore[no-untyped-def]
    """Not the demo: connect Google (the loopback fake) from the start page by keyboard alone."""
    from calfeed import store
    from calfeed.config import load_config
    from tests.support.google_fake import TEST_EMAIL
    from tests.support.web import make_app

    config = load_config(dict(google_env, CALFEED_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}"))
    store.upgrade(config.database_url)
    fake_google.login_as = TEST_EMAIL
    server = make_server("127.0.0.1", 0, make_app(config, now), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        context = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        tab_to(page, "Connect Google Calendar")
        with page.expect_navigation(url=re.compile(r"/dashboard")):
            page.keyboard.press("Enter")  # consent (the fake allows), callback, dashboard
        assert page.locator("h1").text_content() == "Your follow-ups"
        context.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
