"""The app as a whole: factory, health, security headers, cookies, errors, logs, CLI, i18n."""

from __future__ import annotations

import logging
import re

import pytest

from calfeed import create_app
from calfeed.web.i18n import gettext, pick_lang
from tests.support.paths import ROOT
from tests.support.web import make_app, signed_in, web_config

TEMPLATES = ROOT / "templates"


def test_create_app_reads_the_environment(monkeypatch, sqlite_db_url, tmp_path):
    monkeypatch.setenv("CALFEED_ENV", "test")
    monkeypatch.setenv("CALFEED_DATABASE_URL", sqlite_db_url)
    monkeypatch.setenv("CALFEED_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.test_client().get("/healthz").status_code == 200


def test_production_refuses_to_start_without_secrets(monkeypatch):
    from calfeed.errors import ConfigError

    for name in ("CALFEED_ENV", "CALFEED_SECRET_KEY", "CALFEED_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as err:
        create_app()
    assert "CALFEED_SECRET_KEY" in str(err.value) and "CALFEED_ENCRYPTION_KEY" in str(err.value)


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.data == b"ok\n"


def test_healthz_503_when_the_database_does_not_answer(tmp_path, now):
    config = web_config("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    r = make_app(config, now).test_client().get("/healthz")
    assert r.status_code == 503


@pytest.mark.parametrize("path", ["/", "/healthz", "/nope", "/dashboard"])
def test_security_headers_everywhere(client, alice, path):
    r = signed_in(client, alice).get(path)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_feed_has_security_headers_too(client, alice):
    r = client.get(alice.feed_path)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in r.headers


def test_templates_have_no_inline_script_or_style():
    for page in TEMPLATES.glob("*.html"):
        text = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), page
        assert "<style" not in text and " style=" not in text, page
        assert not re.search(r"\son[a-z]+=", text), page  # no inline event handlers


def test_static_files_are_served(client):
    assert client.get("/static/copy.js").status_code == 200
    assert client.get("/static/calfeed.css").status_code == 200


def test_session_cookie_flags_outside_debug(app, client, alice, csrf_token):
    signed_in(client, alice)
    csrf_token(client)  # a page that writes the session
    cookie = client.get_cookie("calfeed_session")
    assert cookie is not None and cookie.http_only and cookie.secure
    assert cookie.same_site == "Lax"


def test_session_cookie_not_secure_in_local_development(sqlite_db_url, tmp_path, now):
    from dataclasses import replace

    config = replace(web_config(sqlite_db_url, tmp_path), env="development")
    app = make_app(config, now)
    r = app.test_client().get("/?lang=id")
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert r.status_code == 200


def test_set_cookie_header_flags(client, alice):
    r = signed_in(client, alice).get("/dashboard")
    header = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header


def test_unknown_page_is_a_clear_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert "There is nothing here." in r.get_data(as_text=True)


def test_wrong_method_is_405(client):
    assert client.get("/dashboard/rotate").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_index_languages(client):
    assert "Never forget to follow up" in client.get("/?lang=en").get_data(as_text=True)
    page = client.get("/?lang=id").get_data(as_text=True)
    assert '<html lang="id">' in page and "Jangan lupa" in page
    page = client.get("/", headers={"Accept-Language": "id-ID,id;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in page


def test_no_secrets_in_request_logs(client, alice, caplog):
    caplog.set_level(logging.INFO)
    client.get(alice.feed_path)
    client.get("/feeds/wrong-token.ics")
    client.get("/auth/callback?state=secret-state&code=secret-code")
    text = caplog.text
    assert alice.token not in text and "wrong-token" not in text
    assert "secret-code" not in text and "secret-state" not in text
    lines = [r for r in caplog.records if r.name == "calfeed.request"]
    assert len(lines) == 3
    assert "GET /feeds/<token>.ics 200" in lines[0].getMessage()


def test_no_open_redirects(client, alice):
    for path in ("/auth/callback?next=https://evil.example", "/dashboard?next=//evil.example"):
        r = client.get(path)
        assert "evil" not in r.headers.get("Location", "")
    signed_in(client, alice)
    r = client.get("//evil.example/dashboard")
    assert "evil.example" not in r.headers.get("Location", "")


def test_translations_from_the_catalogs():
    """The catalogs' completeness is tests/web/test_i18n.py's; here the lookups themselves."""
    assert gettext("Settings", "id") == "Pengaturan"
    assert gettext("Settings", "en") == "Settings"
    assert gettext("no such message", "id") == "no such message"  # never a crash
    assert pick_lang(None, "id-ID") == "id" and pick_lang("fr") == "en"


def test_flask_cli_db_upgrade(tmp_path, now):
    db = tmp_path / "fresh.sqlite3"
    app = make_app(web_config(f"sqlite:///{db}", tmp_path), now)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert app.test_client().get("/healthz").status_code == 200


def test_demo_app_serves_dashboard_without_sign_in(tmp_path):
    from calfeed.web.demo import demo_app

    client = demo_app(tmp_path).test_client()
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "Interview with Jane Doe" in page.get_data(as_text=True)
    assert "Open your dashboard" in demo_client_index(tmp_path)


def demo_client_index(tmp_path) -> str:
    from calfeed.web.demo import demo_app

    return demo_app(tmp_path / "again").test_client().get("/").get_data(as_text=True)


def test_demo_starts_over_after_delete_everything(tmp_path):
    from calfeed.web.demo import demo_app

    client = demo_app(tmp_path).test_client()
    page = client.get("/settings").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/auth/disconnect", data={"csrf_token": token}).status_code == 303
    again = client.get("/dashboard")
    assert again.status_code == 200 and "Interview with Jane Doe" in again.get_data(as_text=True)


def test_forms_may_lead_to_googles_consent_page(google_config) -> None:
    """Regression: the start page's "Connect Google Calendar" became a form (its write-access box),
    and Chromium applies CSP form-action to the form's redirect to Google: with `'self'` alone the
    connect was blocked (net::ERR_ABORTED, tests/deployed/test_browser.py's keyboard test)."""
    from calfeed.web.app import build_app
    from calfeed.web.security import GOOGLE_CONSENT_ORIGIN, origin_of

    app = build_app(google_config)
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    form_action = next(p for p in policy.split("; ") if p.startswith("form-action "))
    consent = origin_of(google_config.google_auth_uri)
    assert consent is not None and consent in form_action.split()
    assert GOOGLE_CONSENT_ORIGIN in form_action.split() and "'self'" in form_action.split()
    assert "default-src 'none'" in policy  # everything else stays shut
