"""Passkeys in Chromium, with its virtual authenticator (CDP WebAuthn domain).

A person without Google signs up with a calendar address and a passkey, sees what was found,
signs out and back in with the passkey; a Google user adds a passkey and signs in with it. The
app runs on `localhost` (an IP address cannot be a WebAuthn relying party), its calendar server
on 127.0.0.1 (reachable through CALFEED_FETCH_ALLOW, as in every test).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from calfeed.config import parse_networks
from calfeed.store import session_scope
from calfeed.store.passkeys import Passkey
from calfeed.web import service
from calfeed.web.runtime import runtime
from tests.deployed.test_browser import browser  # noqa: F401 - the shared Chromium fixture
from tests.support.ics_server import IcsServer, Route
from tests.support.paths import FIXTURES
from tests.support.web import make_app, seed_user, web_config

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed"),
]


@pytest.fixture
def live(sqlite_db_url: str, tmp_path: Path, now) -> Iterator[tuple[str, object]]:
    config = web_config(
        sqlite_db_url, tmp_path / "instance", fetch_allow=parse_networks("127.0.0.1/32")
    )
    app = make_app(replace(config, env="development"), now)  # cookies without Secure over http
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)


def with_authenticator(browser):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, page, cdp, found["authenticatorId"], problems


def sign_out(page) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_sign_up_with_an_address_and_a_passkey(browser, live, ics_server: IcsServer) -> None:  # noqa: F811
    base, app = live
    ics_server.routes["/outlook.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    context, page, cdp, authenticator, problems = with_authenticator(browser)

    page.goto(base + "/")
    page.fill("#pk-address", ics_server.url("/outlook.ics"))
    page.fill("#pk-name", "Outlook")
    with page.expect_navigation(url=f"{base}/dashboard"):
        page.get_by_role("button", name="Create a passkey and start").click()
    main = page.text_content("main") or ""
    assert "interviews" in main and "Outlook" in main and "Sinar Abadi" in main
    assert (
        len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"])
        == 1
    )

    sign_out(page)
    page.goto(base + "/dashboard")
    assert page.url.rstrip("/") == base or "/dashboard" not in page.url  # signed out: sent away
    page.goto(base + "/")
    with page.expect_navigation(url=f"{base}/dashboard"):
        page.get_by_role("button", name="Sign in with a passkey").click()
    assert "Sinar Abadi" in (page.text_content("main") or "")
    assert "Passkeys for this account: 1." in (page.text_content("main") or "")
    assert problems == []
    context.close()


def test_a_google_user_adds_a_passkey(browser, live, now) -> None:  # noqa: F811
    base, app = live
    alice = seed_user(app, "alice@example.com", now)
    rt = runtime(app)
    nonce = service.renew_session_nonce(rt.sessions, alice.id)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie = serializer.dumps({"uid": alice.id, "sn": nonce, "_permanent": True})
    context, page, cdp, authenticator, problems = with_authenticator(browser)
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])

    page.goto(base + "/dashboard")
    assert "Passkeys for this account: 0." in (page.text_content("main") or "")
    with page.expect_navigation(url=f"{base}/dashboard"):
        page.get_by_role("button", name="Add a passkey").click()
    assert "Passkey added" in (page.text_content("main") or "")
    with session_scope(rt.sessions) as s:
        assert [p.user_id for p in s.query(Passkey)] == [alice.id]

    sign_out(page)
    page.goto(base + "/")
    with page.expect_navigation(url=f"{base}/dashboard"):
        page.get_by_role("button", name="Sign in with a passkey").click()
    assert "Passkeys for this account: 1." in (page.text_content("main") or "")
    assert "Jane Doe" in (page.text_content("main") or "")  # alice's Google interviews
    assert problems == []
    context.close()


def test_a_passkey_of_no_account_is_refused(browser, live) -> None:  # noqa: F811
    base, _app = live
    context, page, cdp, authenticator, problems = with_authenticator(browser)
    page.goto(base + "/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    status = page.locator("form[data-passkey='signin'] [data-passkey-status]")
    # the authenticator holds no credential for this site: the browser reports NotAllowedError
    # (polled from here: the page's CSP allows no evaluated script)
    for _ in range(300):
        text = status.text_content() or ""
        if text and not text.startswith("Waiting"):
            break
        page.wait_for_timeout(100)
    assert "No passkey was used" in (status.text_content() or "")
    assert page.url.startswith(base + "/") and "/dashboard" not in page.url
    context.close()


@pytest.fixture
def live_google(google_env, sqlite_db_url: str, now) -> Iterator[tuple[str, object]]:
    from calfeed.config import load_config

    env = dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url, CALFEED_FETCH_ALLOW="127.0.0.1/32")
    app = make_app(replace(load_config(env), env="development"), now)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_passkey_user_connects_google_into_the_same_account(
    browser,  # noqa: F811
    live_google,
    ics_server: IcsServer,
    fake_google,
) -> None:
    """One person, one account, as a person clicks it: the session survives the round trip to Google
    (a cross-site top-level navigation back: SameSite=Lax sends the cookie) and Google joins the
    account signed in, with one feed address."""
    from tests.support.google_fake import TEST_EMAIL, interview_event

    base, app = live_google
    fake_google.put_event(
        TEST_EMAIL, interview_event("g1", "Interview with Rina (Acme) - Analyst", "2026-11-25")
    )
    ics_server.routes["/outlook.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    context, page, _cdp, _authenticator, problems = with_authenticator(browser)
    page.goto(base + "/")
    page.fill("#pk-address", ics_server.url("/outlook.ics"))
    page.fill("#pk-name", "Outlook")
    with page.expect_navigation(url=f"{base}/dashboard"):
        page.get_by_role("button", name="Create a passkey and start").click()
    feed = page.input_value("#feed-url")

    with page.expect_navigation(url=f"{base}/dashboard"):
        page.get_by_role("link", name="Connect Google Calendar").click()
    main = page.text_content("main") or ""
    assert "Google Calendar is connected to this account." in main
    assert "Sinar Abadi" in main and "Interview with Rina (Acme) - Analyst" in main
    assert "Passkeys for this account: 1." in main
    assert page.input_value("#feed-url") == feed
    with session_scope(runtime(app).sessions) as s:
        from calfeed.store import User

        assert [u.google_email for u in s.query(User)] == [TEST_EMAIL]
    assert problems == []
    context.close()
