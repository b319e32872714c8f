"""The service as deployed: gunicorn (gunicorn.conf.py) over TLS, CALFEED_ENV=production, Chromium.

Every form is driven through a real browser against the production configuration, where
Flask-WTF's strict CSRF check demands a same-origin Referer on HTTPS: with `no-referrer` every post
answered the CSRF error page (issue 7, point 1). The certificate is a throwaway one from trustme;
Google is the loopback fake (tests/fake_google.py), reached by the consent round trip a person
clicks through.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fake_google import FakeGoogle
from tests.support.google_fake import TEST_EMAIL, TEST_ENCRYPTION_KEY
from tests.test_browser import ARGS, browser  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Deployed:
    url: str
    ssl_context: ssl.SSLContext
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback https only
                self.url + path, timeout=10, context=self.ssl_context
            ) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def production_env(db_url: str, base_url: str, fake: FakeGoogle, instance: Path) -> dict[str, str]:
    """The environment of a production deployment, with Google pointed at the loopback fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALFEED_")}
    env.update(
        CALFEED_ENV="production",
        CALFEED_SECRET_KEY="tls-test-" + "s" * 40,
        CALFEED_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
        CALFEED_DATABASE_URL=db_url,
        CALFEED_BASE_URL=base_url,
        CALFEED_INSTANCE_PATH=str(instance),
        CALFEED_GOOGLE_CLIENT_ID=fake.client_id,
        CALFEED_GOOGLE_CLIENT_SECRET=fake.client_secret,
        CALFEED_GOOGLE_AUTH_URI=fake.auth_uri,
        CALFEED_GOOGLE_TOKEN_URI=fake.token_uri,
        CALFEED_GOOGLE_REVOKE_URI=fake.revoke_uri,
        CALFEED_GOOGLE_API_ENDPOINT=fake.api_endpoint,
        # the fake speaks plain http; our own side is https
        OAUTHLIB_INSECURE_TRANSPORT="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_gunicorn(env: dict[str, str], tmp: Path, *extra: str) -> Deployed:
    """gunicorn with the checked-in gunicorn.conf.py, over TLS with a fresh trustme certificate."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    port = int(env.get("PORT") or free_port())
    base = f"https://127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(GUNICORN),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--certfile",
            str(cert_file),
            "--keyfile",
            str(key_file),
            *extra,
            "calfeed:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deployed = Deployed(base, context, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + deployed.output())
        try:
            deployed.get("/healthz")
            return deployed
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(deployed)
    raise AssertionError("gunicorn did not answer:\n" + deployed.output())


def stop_gunicorn(deployed: Deployed) -> None:
    if deployed.process.poll() is None:
        deployed.process.send_signal(signal.SIGTERM)
        try:
            deployed.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            deployed.process.kill()
            deployed.process.wait(timeout=10)


def interview(event_id: str, summary: str, day: str) -> dict:
    return {
        "id": event_id,
        "summary": summary,
        "start": {"dateTime": f"{day}T10:00:00+07:00", "timeZone": "Asia/Jakarta"},
        "end": {"dateTime": f"{day}T11:00:00+07:00", "timeZone": "Asia/Jakarta"},
        "attendees": [
            {"email": TEST_EMAIL, "self": True, "responseStatus": "accepted"},
            {"email": "rina@acme.example", "displayName": "Rina", "organizer": True},
        ],
    }


@pytest.fixture
def production(
    fake_google: FakeGoogle, sqlite_db_url: str, tmp_path: Path
) -> Iterator[Deployed]:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    fake_google.put_event(
        TEST_EMAIL, interview("evt1", "Interview with Rina (Acme) - Analyst", yesterday)
    )
    port = free_port()
    env = production_env(sqlite_db_url, f"https://127.0.0.1:{port}", fake_google, tmp_path / "i")
    env["PORT"] = str(port)
    deployed = start_gunicorn(env, tmp_path)
    try:
        yield deployed
    finally:
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
        page.get_by_role("link", name="Connect Google Calendar").first.click()
    assert page.url == production.url + "/dashboard"
    assert "Interview with Rina (Acme) - Analyst" in page.text_content("main")
    feed_url = page.input_value("#feed-url")
    assert feed_url.startswith(production.url + "/feeds/")

    card = page.locator("article.interview", has_text="Interview with Rina")
    # mark
    with page.expect_navigation():
        card.get_by_role("button", name="Thank-you sent").click()
    assert "Saved." in page.text_content("main")
    card = page.locator("article.interview", has_text="Interview with Rina")
    assert card.get_by_role("button", name="Undo thank-you sent").is_visible()

    # timeline
    card.get_by_label("When they said you would hear back").fill("within a week")
    with page.expect_navigation():
        card.get_by_role("button", name="Set timeline").click()
    assert "Saved." in page.text_content("main")

    # rotate: a new address, the old one answers 404
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
        page.get_by_role("link", name="Connect Google Calendar").first.click()

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
