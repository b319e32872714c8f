"""Production configuration refuses what would be unsafe (issue 7, point 10)."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from calfeed.config import load_config
from calfeed.errors import ConfigError
from tests.support.web import make_app, signed_in, web_config

STRONG = "k" * 32


def production(**extra: str) -> dict[str, str]:
    env = {
        "CALFEED_ENV": "production",
        "CALFEED_SECRET_KEY": STRONG,
        "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CALFEED_BASE_URL": "https://cal.example",
        "CALFEED_DATABASE_URL": "sqlite:///unused.sqlite3",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v != "-"}


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config(env)
    return raised.value.problems


def test_a_complete_production_config_loads() -> None:
    config = load_config(production())
    assert config.base_url == "https://cal.example" and config.proxy_count == 1


def test_base_url_is_required_in_production() -> None:
    found = problems(production(CALFEED_BASE_URL="-"))
    assert any("CALFEED_BASE_URL is required" in p for p in found)


@pytest.mark.parametrize("weak", ["short", "x" * 31])
def test_a_weak_secret_key_is_refused(weak: str) -> None:
    assert any("at least 32 bytes" in p for p in problems(production(CALFEED_SECRET_KEY=weak)))


# a fixed key cut short (not a fresh one): every pytest-xdist worker must collect the same ids
TRUNCATED_KEY = "pQ0eLvA4i3N9Yb0zrX8m2cW5sTqJ7uHkD6gFhE1oRyA="[:-2]


@pytest.mark.parametrize("bad", ["not-a-key", "a" * 44, TRUNCATED_KEY])
def test_a_malformed_fernet_key_is_refused(bad: str) -> None:
    assert any("Fernet key" in p for p in problems(production(CALFEED_ENCRYPTION_KEY=bad)))


def test_every_problem_is_listed_at_once() -> None:
    found = problems(production(CALFEED_BASE_URL="-", CALFEED_SECRET_KEY="short"))
    assert len(found) == 2


@pytest.mark.parametrize("count", ["-1", "6", "many"])
def test_proxy_count_is_checked(count: str) -> None:
    assert any("PROXY_COUNT" in p for p in problems(production(CALFEED_PROXY_COUNT=count)))


def test_local_key_files_are_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    old = os.umask(0o022)
    try:
        load_config({"CALFEED_ENV": "development", "CALFEED_INSTANCE_PATH": str(instance)})
    finally:
        os.umask(old)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("secret_key", "encryption_key"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600
    assert sorted(p.name for p in instance.iterdir()) == ["encryption_key", "secret_key"]
    again = load_config({"CALFEED_ENV": "development", "CALFEED_INSTANCE_PATH": str(instance)})
    assert again.secret_key == (instance / "secret_key").read_text().strip()


def test_forwarded_host_never_reaches_the_oauth_redirect(sqlite_db_url, tmp_path, now) -> None:
    config = replace(
        web_config(sqlite_db_url, tmp_path),
        env="production",
        base_url="https://cal.example",
        google_client_id="id",
        google_client_secret="secret",
    )
    answer = (
        make_app(config, now)
        .test_client()
        .get("/auth/connect", headers={"X-Forwarded-Host": "evil.example"})
    )
    assert answer.status_code == 303
    assert "evil.example" not in answer.headers["Location"]
    assert "redirect_uri=https%3A%2F%2Fcal.example%2Fauth%2Fcallback" in answer.headers["Location"]


def test_pages_showing_the_secret_are_not_stored(client, alice) -> None:
    signed_in(client, alice)
    for path in ("/dashboard", "/settings"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_405_keeps_allow(client) -> None:
    answer = client.get("/dashboard/rotate")
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"]
    assert "GET" in client.post("/healthz").headers["Allow"]


def test_csrf_stays_strict_over_https(sqlite_db_url, tmp_path, now) -> None:
    """A post over HTTPS with a valid token but a foreign or missing Referer is refused."""
    from tests.support.web import CSRF_RE, seed_user

    config = replace(
        web_config(sqlite_db_url, tmp_path), env="production", base_url="https://localhost"
    )
    app = make_app(config, now)
    app.config["WTF_CSRF_ENABLED"] = True
    assert app.config["WTF_CSRF_SSL_STRICT"] is True
    user = seed_user(app, "fay@example.com", now)
    client = signed_in(app.test_client(), user)
    https = {"wsgi.url_scheme": "https"}
    page = client.get("/dashboard", base_url="https://localhost").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)

    def rotate(referer: str | None) -> int:
        headers = {"Referer": referer} if referer else {}
        return client.post(
            "/dashboard/rotate",
            data={"csrf_token": token},
            headers=headers,
            base_url="https://localhost",
            environ_base=https,
        ).status_code

    assert rotate(None) == 400
    assert rotate("https://evil.example/x") == 400
    assert rotate("https://localhost/dashboard") == 303
