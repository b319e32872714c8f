"""The real pages in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A live demo server runs on loopback in a thread. The test walks what a person does: open the
dashboard, copy the feed address, mark an interview "heard back", and checks that its check-in
leaves the feed, with no console errors on the way.
With CALFEED_UPDATE_SCREENSHOT=1 it refreshes docs/dashboard.png.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from calfeed.web.demo import demo_app
from tests.test_web_feeds import JANE, vevents

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
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = demo_app(tmp_path_factory.mktemp("demo"))
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
        viewport={"width": 1200, "height": 1500},
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
    page.screenshot(path=str(shot))
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
    card = page.locator("article.interview", has_text="Interview with Jane Doe")
    assert card.locator("section.followup.check-in").count() == 1
    with page.expect_navigation():
        card.get_by_role("button", name="Heard back").click()
    assert "Saved." in page.text_content("main")
    card = page.locator("article.interview", has_text="Interview with Jane Doe")
    assert card.locator("section.followup.check-in").count() == 0
    assert card.get_by_role("button", name="Undo heard back").is_visible()
    assert ("check-in", related) not in vevents(fetch(feed_url))
    assert ("thank-you", related) in vevents(fetch(feed_url))

    # keyboard: the skip link is the first stop and leads to the content
    page.goto(live_server + "/dashboard")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"

    assert problems == []
    context.close()


def test_dashboard_is_usable_on_a_phone(browser, live_server) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/dashboard")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    context.close()


def test_works_without_javascript(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/settings")
    assert page.locator("button[data-copy]").count() == 0  # nothing on settings needs JS
    page.goto(live_server + "/dashboard")
    assert page.locator("button[data-copy]").first.is_hidden()  # copy buttons stay hidden
    card = page.locator("article.interview", has_text="Phone screen: Globex")
    with page.expect_navigation():
        card.get_by_role("button", name="Thank-you sent").click()
    assert "Saved." in page.text_content("main")
    context.close()
