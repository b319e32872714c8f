"""The OAuth web-server flow against the fake Google: PKCE, state, scopes, denial, revocation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from calfeed.adapters import google
from calfeed.adapters.google import (
    CALENDARLIST_SCOPE,
    EVENTS_SCOPE,
    AuthorizationError,
    ScopeNotGranted,
)
from calfeed.errors import ConfigError

REDIRECT = "http://localhost:5000/auth/google/callback"


def consent(start: google.AuthorizationStart) -> str:
    """What the browser does: open the consent URL, come back to our redirect URI."""
    answer = requests.get(start.url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_authorization_url_asks_for_offline_consent_with_pkce(google_config, fake_google):
    start = google.start_authorization(google_config, REDIRECT)
    query = parse_qs(urlsplit(start.url).query)
    assert start.url.startswith(fake_google.auth_uri)
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]
    assert query["include_granted_scopes"] == ["true"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [start.state]
    assert query["redirect_uri"] == [REDIRECT]
    # the write scope is asked for by default, beside the read scopes
    assert set(query["scope"][0].split()) == {EVENTS_SCOPE, CALENDARLIST_SCOPE, google.WRITE_SCOPE}
    read_only = google.start_authorization(google_config, REDIRECT, write=False)
    scope = parse_qs(urlsplit(read_only.url).query)["scope"][0]
    assert set(scope.split()) == {EVENTS_SCOPE, CALENDARLIST_SCOPE}
    assert 43 <= len(start.code_verifier) <= 128


def test_full_consent_yields_a_grant_identifying_the_user(google_config, fake_google):
    fake_google.add_calendar("ana@example.com", "work@group.calendar.google.com", "Work")
    start = google.start_authorization(google_config, REDIRECT)
    grant = google.finish_authorization(
        google_config, REDIRECT, start.state, start.code_verifier, consent(start)
    )
    assert grant.email == "ana@example.com"
    assert grant.refresh_token.startswith("1//")
    assert grant.time_zone == "Asia/Jakarta"
    assert set(grant.scopes) == {EVENTS_SCOPE, CALENDARLIST_SCOPE, google.WRITE_SCOPE}
    assert [c.id for c in grant.calendars] == ["ana@example.com", "work@group.calendar.google.com"]
    assert grant.expires_at is not None and grant.expires_at.tzinfo is not None


def test_denied_consent(google_config, fake_google):
    fake_google.consent = "deny"
    start = google.start_authorization(google_config, REDIRECT)
    with pytest.raises(AuthorizationError) as caught:
        google.finish_authorization(
            google_config, REDIRECT, start.state, start.code_verifier, consent(start)
        )
    assert caught.value.reason == "access_denied"
    assert caught.value.http_status == 400
    assert not [r for r in fake_google.requests if r.path == "/token"]  # nothing exchanged


def test_wrong_state_is_refused_before_any_exchange(google_config, fake_google):
    start = google.start_authorization(google_config, REDIRECT)
    callback = consent(start)
    with pytest.raises(AuthorizationError) as caught:
        google.finish_authorization(google_config, REDIRECT, "other", start.code_verifier, callback)
    assert caught.value.reason == "state_mismatch"
    assert not [r for r in fake_google.requests if r.path == "/token"]


def test_missing_code(google_config):
    start = google.start_authorization(google_config, REDIRECT)
    with pytest.raises(AuthorizationError) as caught:
        google.finish_authorization(
            google_config,
            REDIRECT,
            start.state,
            start.code_verifier,
            f"{REDIRECT}?state={start.state}",
        )
    assert caught.value.reason == "missing_code"


def test_replayed_code_is_refused(google_config, fake_google):
    start = google.start_authorization(google_config, REDIRECT)
    callback = consent(start)
    google.finish_authorization(google_config, REDIRECT, start.state, start.code_verifier, callback)
    with pytest.raises(AuthorizationError) as caught:
        google.finish_authorization(
            google_config, REDIRECT, start.state, start.code_verifier, callback
        )
    assert caught.value.reason == "invalid_grant"


def test_wrong_code_verifier_fails_pkce(google_config):
    start = google.start_authorization(google_config, REDIRECT)
    callback = consent(start)
    with pytest.raises(AuthorizationError) as caught:
        google.finish_authorization(google_config, REDIRECT, start.state, "x" * 64, callback)
    assert caught.value.reason == "invalid_grant"
    assert "verifier" in caught.value.detail


def test_calendar_access_not_granted(google_config, fake_google):
    """Granular consent: the user unticked the calendar box. oauthlib's "Scope has changed"
    must not escape, and nothing usable is returned."""
    fake_google.grant_scopes = [CALENDARLIST_SCOPE]
    start = google.start_authorization(google_config, REDIRECT)
    with pytest.raises(ScopeNotGranted) as caught:
        google.finish_authorization(
            google_config, REDIRECT, start.state, start.code_verifier, consent(start)
        )
    assert caught.value.missing == (EVENTS_SCOPE,)


def test_a_broader_scope_granted_earlier_is_accepted(google_config, fake_google):
    fake_google.grant_scopes = ["https://www.googleapis.com/auth/calendar.readonly", "openid"]
    start = google.start_authorization(google_config, REDIRECT)
    grant = google.finish_authorization(
        google_config, REDIRECT, start.state, start.code_verifier, consent(start)
    )
    assert grant.email == "ana@example.com"


def test_missing_scopes():
    assert google.missing_scopes([EVENTS_SCOPE, CALENDARLIST_SCOPE]) == set()
    assert google.missing_scopes(["https://www.googleapis.com/auth/calendar"]) == set()
    assert google.missing_scopes([]) == {EVENTS_SCOPE, CALENDARLIST_SCOPE}


def test_revoke(google_config, fake_google):
    start = google.start_authorization(google_config, REDIRECT)
    grant = google.finish_authorization(
        google_config, REDIRECT, start.state, start.code_verifier, consent(start)
    )
    assert google.revoke(google_config, grant.refresh_token)
    assert fake_google.grants_for("ana@example.com")[0]["revoked"]
    assert google.revoke(google_config, grant.refresh_token)  # already revoked: fine


def test_revoke_when_google_is_unreachable(google_config):
    from dataclasses import replace

    config = replace(google_config, google_revoke_uri="http://127.0.0.1:9/revoke")
    assert google.revoke(config, "1//whatever") is False


def test_client_config_from_a_client_secrets_file(google_env, fake_google, tmp_path):
    import json

    from calfeed.config import load_config

    secrets_file = tmp_path / "client_secret.json"
    secrets_file.write_text(
        json.dumps(
            {
                "web": {
                    "client_id": fake_google.client_id,
                    "client_secret": fake_google.client_secret,
                    "auth_uri": fake_google.auth_uri,
                    "token_uri": fake_google.token_uri,
                    "redirect_uris": [REDIRECT],
                }
            }
        )
    )
    env = {k: v for k, v in google_env.items() if "CLIENT_ID" not in k and "CLIENT_SECRET" not in k}
    env |= {"CALFEED_GOOGLE_CLIENT_SECRETS": str(secrets_file), "CALFEED_GOOGLE_AUTH_URI": "x"}
    config = load_config(env)
    web = google.client_config(config)["web"]
    assert web["auth_uri"] == fake_google.auth_uri  # the file's endpoints win
    start = google.start_authorization(config, REDIRECT)
    grant = google.finish_authorization(
        config, REDIRECT, start.state, start.code_verifier, consent(start)
    )
    assert grant.email == "ana@example.com"


def test_unconfigured_google_is_a_config_error(tmp_path):
    from calfeed.config import load_config

    config = load_config({"CALFEED_ENV": "test", "CALFEED_INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError):
        google.start_authorization(config, REDIRECT)


@pytest.mark.parametrize(("status", "reason"), [(500, None), (503, None), (502, "html")])
def test_token_endpoint_down_is_a_google_error_not_a_bad_consent(
    google_config, fake_google, status, reason
):
    from calfeed.errors import GoogleError

    start = google.start_authorization(google_config, REDIRECT)
    callback = consent(start)
    fake_google.inject(status, prefix="/token", reason=reason)
    with pytest.raises(GoogleError):
        google.finish_authorization(
            google_config, REDIRECT, start.state, start.code_verifier, callback
        )
