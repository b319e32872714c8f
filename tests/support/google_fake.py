"""Fake-Google fixtures: a loopback Google (tests/support/fake_google.py) and its configuration.

`fake_google` is a running FakeGoogle with one account (ana@example.com, Asia/Jakarta);
`google_env` is the CALFEED_* environment that points the real clients at it; `google_config` is
the loaded Config (with a fixed encryption key and `db_url`'s database when a test asks for one).
OAUTHLIB_INSECURE_TRANSPORT=1 is set for the test only: the fake speaks plain http.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from calfeed.config import Config, load_config
from tests.support.fake_google import FakeGoogle

TEST_EMAIL = "ana@example.com"
#: a fixed key so failures are reproducible; never used outside tests
TEST_ENCRYPTION_KEY = Fernet.generate_key().decode()


@pytest.fixture
def fake_google(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    fake = FakeGoogle().start()
    fake.add_user(TEST_EMAIL, time_zone="Asia/Jakarta")
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def google_env(fake_google: FakeGoogle, tmp_path: Path) -> dict[str, str]:
    """The environment a deployment would set to use the fake (no database URL: add your own)."""
    return {
        "CALFEED_ENV": "test",
        "CALFEED_INSTANCE_PATH": str(tmp_path / "instance"),
        "CALFEED_SECRET_KEY": "test-secret-key",
        "CALFEED_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
        **fake_google.env(),
        "CALFEED_QUEUE_URL": "immediate",  # reads run inside the request in these tests
        # a Redis queue of this test process's own: pytest-xdist workers never take each
        # other's tasks
        "CALFEED_QUEUE_NAME": f"calfeed_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
    }


@pytest.fixture
def google_config(google_env: dict[str, str], request: pytest.FixtureRequest) -> Config:
    env = dict(google_env)
    if "db_url" in request.fixturenames:
        env["CALFEED_DATABASE_URL"] = request.getfixturevalue("db_url")
    return load_config(env)


def consent_through(start_url: str) -> str:
    """What the browser does at the consent screen: returns the redirect back to us."""
    import requests

    answer = requests.get(start_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def authorize(config: Config, redirect: str = "http://localhost/auth/callback"):
    """A completed consent: the whole round trip through the fake, as a user clicks through it."""
    from calfeed.adapters import google

    start = google.start_authorization(config, redirect)
    callback = consent_through(start.url)
    return google.finish_authorization(config, redirect, start.state, start.code_verifier, callback)


@pytest.fixture
def google_grant(google_config: Config, fake_google: FakeGoogle):
    """A completed consent for ana@example.com (a real round trip through the fake)."""
    return authorize(google_config)


def interview_event(
    event_id: str,
    summary: str,
    day: str,
    interviewer: tuple[str, str] = ("rina@acme.example", "Rina"),
) -> dict[str, Any]:
    """An interview as Google's events.list returns it: 10:00-11:00 Jakarta time on `day`
    (YYYY-MM-DD), the test account attending, `interviewer` (address, name) organizing."""
    email, name = interviewer
    return {
        "id": event_id,
        "summary": summary,
        "start": {"dateTime": f"{day}T10:00:00+07:00", "timeZone": "Asia/Jakarta"},
        "end": {"dateTime": f"{day}T11:00:00+07:00", "timeZone": "Asia/Jakarta"},
        "attendees": [
            {"email": TEST_EMAIL, "self": True, "responseStatus": "accepted"},
            {"email": email, "displayName": name, "organizer": True},
        ],
    }
