"""The service as deployed: gunicorn (gunicorn.conf.py) over TLS, CALFEED_ENV=production, Chromium.

Every form is driven through a real browser against the production configuration, where Flask-WTF's
strict CSRF check demands a same-origin Referer on HTTPS: with `no-referrer` every post answered the
CSRF error page. The certificate is a throwaway one from trustme; Google is the loopback fake
(tests/support/fake_google.py), reached by the consent round trip a person clicks through.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.deployed.test_browser import browser  # noqa: F401 - the shared Chromium fixture
from tests.support.fake_google import FakeGoogle
from tests.support.google_fake import TEST_EMAIL, interview_event
from tests.support.gunicorn import (
    Deployed,
    free_port,
    production_env,
    start_gunicorn,
    stop_gunicorn,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def production(fake_google: FakeGoogle, sqlite_db_url: str, tmp_path: Path) -> Iterator[Deployed]:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    fake_google.put_event(
        TEST_EMAIL, interview_event("evt1", "Interview with Rina (Acme) - Analyst", yesterday)
    )
    port = free_port()
    env = production_env(sqlite_db_url, f"https://127.0.0.1:{port}", fake_google, tmp_path / "i")
    env["PORT"] = str(port)
    deployed = start_gunicorn(env, tmp_path)
    # Google is read by the worker process (the Procfile's `worker:`), not by the web one
    worker = subprocess.Popen(
        [sys.executable, "-m", "calfeed.cli", "worker", "--threads", "1"],
        env=dict(os.environ, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield deployed
    finally:
        worker.terminate()
        worker.wait(20)
        stop_gunicorn(deployed)


def test_every_form_works_over_https_in_production(browser, production: Deployed) -> None:  # noqa: F811
    context = browser.new_context(ignore_https_errors=True)  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # sign in: our start page -> the fake Google's consent -> our callback -> the dashboard
    page.goto(production.url + "/")
    with page.expect_navigation(url="**/dashboard"):
        page.get_by_role("button", name="Connect Google Calendar").first.click()
    assert page.url == production.url + "/dashboard"
    for _ in range(60):  # the first read runs in the worker, not the web request
        if "Interview with Rina (Acme) - Analyst" in page.text_content("main"):
            break
        time.sleep(0.5)
        page.reload()
    assert "Interview with Rina (Acme) - Analyst" in page.text_content("main")
    feed_url = page.input_value("#feed-url")
    assert feed_url.startswith(production.url + "/feeds/")

    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    card = page.locator("article.interview", has_text="Interview with Rina")
    # mark (the dashboard folds a card's controls under <details>: opened above)
    with page.expect_navigation():
        card.get_by_role("button", name="Thank-you sent").click()
    assert "Saved." in page.text_content("main")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    card = page.locator("article.interview", has_text="Interview with Rina")
    assert card.get_by_role("button", name="Undo thank-you sent").is_visible()

    # timeline
    card.get_by_label("When they said you would hear back").fill("within a week")
    with page.expect_navigation():
        card.get_by_role("button", name="Set timeline").click()
    assert "Saved." in page.text_content("main")

    # rotate: a new address, the old one answers 404
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    with page.expect_navigation():
        page.get_by_role("button", name="Get a new address").click()
    assert "new address" in page.text_content("main")
    new_url = page.input_value("#feed-url")
    assert new_url != feed_url
    assert production.get(feed_url.removeprefix(production.url))[0] == 404
    assert production.get(new_url.removeprefix(production.url))[0] == 200

    # settings
    page.goto(production.url + "/settings")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    assert "Saved." in page.text_content("main")

    # sign out, then back in through Google
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert "Signed out." in page.text_content("main")
    page.goto(production.url + "/dashboard")
    assert page.url == production.url + "/"
    with page.expect_navigation(url="**/dashboard"):
        page.get_by_role("button", name="Connect Google Calendar").first.click()

    # disconnect: everything deleted, back on the start page, the feed is gone
    page.goto(production.url + "/settings")
    with page.expect_navigation():
        page.get_by_role("button", name="Disconnect and delete everything").click()
    assert "Everything calfeed stored about you is deleted" in page.text_content("main")
    assert production.get(new_url.removeprefix(production.url))[0] == 404

    # no Referer leaves the site; our own posts carry one
    headers = page.request.get(production.url + "/").headers
    assert headers["referrer-policy"] == "same-origin" and "strict-transport-security" in headers
    assert "CSRF" not in production.output() and problems == []
    context.close()
