"""Web fixtures: an app on a fresh migrated SQLite database, a test client, two seeded users.

`app` runs with CALFEED_ENV=test and the suite's fixed clock; `alice` and `bob` each have the
bundled sample calendar (moved to the test week) under their own address, so their event keys
differ and every cross-user test has something real to aim at. `signed_in(client, user)` puts a
user in the client's session; `csrf_token(client, path)` reads the token a page would post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient

from calfeed.config import Config, load_config
from calfeed.web import service
from calfeed.web.app import build_app
from calfeed.web.demo_seed import seed
from calfeed.web.runtime import runtime

WEB_ENCRYPTION_KEY = Fernet.generate_key().decode()
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class WebUser:
    id: int
    email: str
    token: str  # the feed secret

    @property
    def feed_path(self) -> str:
        return f"/feeds/{self.token}.ics"


def web_config(db_url: str, instance: Path, **overrides: object) -> Config:
    env = {
        "CALFEED_ENV": "test",
        "CALFEED_SECRET_KEY": "web-test-secret",
        "CALFEED_ENCRYPTION_KEY": WEB_ENCRYPTION_KEY,
        "CALFEED_DATABASE_URL": db_url,
        "CALFEED_INSTANCE_PATH": str(instance),
        "CALFEED_QUEUE_URL": "immediate",  # reads run inside the request in these tests
    }
    return load_config(env, overrides=overrides or None)


def make_app(config: Config, now: datetime) -> Flask:
    app = build_app(config)
    app.extensions["calfeed"] = replace(runtime(app), clock=lambda: now)
    return app


def seed_user(app: Flask, email: str | None, now: datetime) -> WebUser:
    user_id = seed(app, now, email=email)
    rt = runtime(app)
    token = service.feed_token(rt.sessions, rt.cipher, user_id, now)
    return WebUser(user_id, email or "", token)


@pytest.fixture
def app(sqlite_db_url: str, tmp_path: Path, now: datetime) -> Flask:
    return make_app(web_config(sqlite_db_url, tmp_path / "instance"), now)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def alice(app: Flask, now: datetime) -> WebUser:
    return seed_user(app, "alice@example.com", now)


@pytest.fixture
def bob(app: Flask, now: datetime) -> WebUser:
    return seed_user(app, "bob@example.com", now)


def signed_in(client: FlaskClient, user: WebUser) -> FlaskClient:
    """`client` with a session for `user`, as a sign-in leaves it (user id and session nonce)."""
    app = client.application
    nonce = service.renew_session_nonce(runtime(app).sessions, user.id, keep=True)
    with client.session_transaction() as sess:
        sess["uid"] = user.id
        sess["sn"] = nonce
    return client


@pytest.fixture
def csrf_token() -> Callable[[FlaskClient, str], str]:
    def read(client: FlaskClient, path: str = "/dashboard") -> str:
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        found = CSRF_RE.search(page.get_data(as_text=True))
        assert found, "no CSRF token on the page"
        return found.group(1)

    return read
